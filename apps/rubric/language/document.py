"""A rubric version as a document in the rubric language: read, validated, typed.

``read_version(data, catalogue)`` turns the JSON into the frozen tree below or raises ``ConfigErrors``
listing every problem with its path (``criteria.A2.points.sum[0].bands.bands[1].min: ...``).
``docs/rubric-language.md`` describes the language with a complete example.

Points rules (each an object with one construct key, plus the optional ``cap``, ``when``, ``says``):

- ``bands``: points by the band a numeric fact falls in (rising, falling or both; bounds ``min`` >=,
  ``above`` >, ``max`` <=, ``below`` <; thresholds as numbers, money with a currency, or multiples
  of a dated reference quantity);
- ``choice``: points per option of a choice fact; ``yes_no``: points for yes (and no);
- ``if``: points when a condition holds (else other points);
- ``table``: points over two facts (rows: a choice fact's options; columns: bands of a numeric fact);
- ``scale``: a rating 0..``of`` worth up to ``points`` (rounded down, proportionally);
- ``sum``, ``best_of`` (the best of mutually exclusive options), ``any_of`` (points when any of
  several conditions holds).

Conditions: ``all``, ``any``, ``not``; a comparison of any fact (``<``, ``<=``, ``>``, ``>=``, ``=``,
``!=``, ``in``, ``not_in``, ``in_list``, ``is_set``); ``points`` of a criterion, a group or the total
compared with a number; ``threshold`` (a named threshold is reached).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeAlias

from apps.rubric.language import reading as r
from apps.rubric.language.catalogue import Catalogue, FactDef, Localised, Unit, read_fact
from apps.rubric.language.reading import ConfigError, ConfigErrors

FORMAT = 2
BASES: tuple[str, ...] = ("computed", "estimate")

# --------------------------------------------------------------------------------------------------
# Thresholds


@dataclass(frozen=True, slots=True)
class Amount:
    """A threshold: a plain number, a money amount, or ``times`` a dated reference quantity."""

    value: Decimal  # the number, the amount, or the multiple
    currency: str | None = None  # money
    quantity: str | None = None  # a reference quantity's code (then ``value`` is the multiple)
    year: int | None = None  # the quantity's year; None: the figure in force on the scoring date

    def as_json(self) -> Any:
        if self.quantity:
            out: dict[str, Any] = {"times": str(self.value), "of": self.quantity}
            if self.year is not None:
                out["year"] = self.year
            return out
        if self.currency:
            return {"amount": str(self.value), "currency": self.currency}
        return (
            int(self.value)
            if self.value == self.value.to_integral_value() and "." not in str(self.value)
            else str(self.value)
        )


@dataclass(frozen=True, slots=True)
class Band:
    points: int
    low: Amount | None = None
    low_inclusive: bool = True  # "min" (>=) or "above" (>)
    high: Amount | None = None
    high_inclusive: bool = True  # "max" (<=) or "below" (<)
    says: Mapping[str, Localised] = field(default_factory=dict)  # "band", "step"


# --------------------------------------------------------------------------------------------------
# Conditions


@dataclass(frozen=True, slots=True)
class AllOf:
    conditions: tuple[Condition, ...]
    says: Mapping[str, Localised] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AnyOf:
    conditions: tuple[Condition, ...]
    says: Mapping[str, Localised] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Not:
    condition: Condition
    says: Mapping[str, Localised] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Compare:
    fact: str
    op: str
    value: Amount | bool | str | tuple[str, ...] | None
    says: Mapping[str, Localised] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PointsCompare:
    of: str  # "total", a group's code or a criterion's code
    op: str
    value: int
    says: Mapping[str, Localised] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ThresholdReached:
    code: str
    says: Mapping[str, Localised] = field(default_factory=dict)


Condition: TypeAlias = AllOf | AnyOf | Not | Compare | PointsCompare | ThresholdReached

# --------------------------------------------------------------------------------------------------
# Points rules


@dataclass(frozen=True, slots=True)
class Common:
    cap: int | None = None
    when: Condition | None = None
    says: Mapping[str, Localised] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BandsRule:
    fact: str
    bands: tuple[Band, ...]
    otherwise: int
    common: Common


@dataclass(frozen=True, slots=True)
class ChoiceRule:
    fact: str
    points: tuple[tuple[str, int], ...]
    otherwise: int
    common: Common


@dataclass(frozen=True, slots=True)
class YesNoRule:
    fact: str
    yes: int
    no: int
    common: Common


@dataclass(frozen=True, slots=True)
class IfRule:
    condition: Condition
    then: int
    otherwise: int
    common: Common


@dataclass(frozen=True, slots=True)
class TableRule:
    row_fact: str  # a choice fact: one row per option
    column_fact: str  # a numeric (or rank) fact: one column per band, then "otherwise"
    columns: tuple[Band, ...]  # bands without points (points = 0 there)
    points: tuple[tuple[str, tuple[int, ...]], ...]  # row option -> points per column + otherwise
    common: Common
    row_says: Mapping[str, Mapping[str, Localised]] = field(default_factory=dict)  # option -> name/part/step


@dataclass(frozen=True, slots=True)
class ScaleRule:
    fact: str
    of: int
    points: int
    common: Common


@dataclass(frozen=True, slots=True)
class SumRule:
    parts: tuple[Rule, ...]
    common: Common


@dataclass(frozen=True, slots=True)
class BestOfRule:
    options: tuple[Rule, ...]
    common: Common


@dataclass(frozen=True, slots=True)
class AnyOfRule:
    conditions: tuple[Condition, ...]
    points: int
    common: Common


Rule: TypeAlias = (
    BandsRule | ChoiceRule | YesNoRule | IfRule | TableRule | ScaleRule | SumRule | BestOfRule | AnyOfRule
)

# --------------------------------------------------------------------------------------------------
# The version


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    title: Localised
    group: str
    basis: str
    max: int
    rule: Rule
    documents: tuple[str, ...] = ()  # required when the criterion earns points


@dataclass(frozen=True, slots=True)
class Group:
    code: str
    title: Localised


@dataclass(frozen=True, slots=True)
class Bonus:
    code: str
    title: Localised
    points: int
    when: Condition


@dataclass(frozen=True, slots=True)
class Threshold:
    code: str
    title: Localised
    points: int
    says: Mapping[str, Localised] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Track:
    code: str
    title: Localised
    eligible_when: Condition
    documents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """A part of the population the ministry watches (SME sponsors, the top 100, mid-career...):
    a named condition over facts, so dashboards, statistics and simulations count it from data."""

    code: str
    title: Localised
    when: Condition


@dataclass(frozen=True, slots=True)
class Clock:
    days: int
    reminder_days_left: tuple[int, ...]
    unassigned_alert_days: int
    # Days after a rejection (Korea's calendar, the decision's day excluded, the last day included)
    # within which the applicant may request a review; None: this version offers no review.
    review_request_days: int | None = None


@dataclass(frozen=True, slots=True)
class Version:
    code: str
    effective_from: dt.date
    effective_to: dt.date | None
    catalogue: Catalogue  # the shared catalogue plus the version's own facts
    facts: tuple[FactDef, ...]  # the version's own facts
    groups: tuple[Group, ...]
    criteria: tuple[Criterion, ...]
    bonuses: tuple[Bonus, ...]
    thresholds: tuple[Threshold, ...]
    tracks: tuple[Track, ...]
    clock: Clock | None
    parameters: Mapping[str, Decimal]
    raw: Mapping[str, Any] = field(compare=False, repr=False, default_factory=dict)
    title: Localised | None = None
    segments: tuple[Segment, ...] = ()

    @property
    def max_total(self) -> int:
        return sum(c.max for c in self.criteria) + sum(b.points for b in self.bonuses)

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria if c.code == code), None)

    def track(self, code: str) -> Track | None:
        return next((t for t in self.tracks if t.code == code), None)

    def threshold(self, code: str) -> Threshold | None:
        return next((t for t in self.thresholds if t.code == code), None)

    def bonus(self, code: str) -> Bonus | None:
        return next((b for b in self.bonuses if b.code == code), None)

    def group_of(self) -> dict[str, str]:
        """Criterion code -> its group's code."""
        return {c.code: c.group for c in self.criteria}

    @property
    def service_clock(self) -> Clock:
        """The processing clock, for a version a service runs cases under (which must have one)."""
        if self.clock is None:
            raise ValueError(f"rubric version {self.code} has no clock")
        return self.clock

    def parameter(self, name: str) -> Decimal | None:
        return self.parameters.get(name)


# --------------------------------------------------------------------------------------------------
# Reading


# The text roles a construct's ``says`` may override, with the placeholders each template may use.
_PLACEHOLDERS = ("value", "band", "points", "target", "row")
_RULE_SAYS: Mapping[str, tuple[str, ...]] = {
    "part": _PLACEHOLDERS,  # the part's sentence: "... (8 years or more): 10 points."
    "part_no": _PLACEHOLDERS,  # yes_no and if: when the answer is no / the condition does not hold
    "part_none": _PLACEHOLDERS,  # best_of: when no option earns anything
    "part_unset": _PLACEHOLDERS,  # a rank or code fact with no value (not listed, none)
    "step": _PLACEHOLDERS,  # the nearest step up: "... would add 4 points."
    "step_column": _PLACEHOLDERS,  # table: a better column
}
_BAND_SAYS: Mapping[str, tuple[str, ...]] = {
    "band": ("min", "above", "max", "below"),
    "step": ("target", "points"),
}
_ROW_SAYS: Mapping[str, tuple[str, ...]] = {"name": (), "part": _PLACEHOLDERS, "step": _PLACEHOLDERS}
_CONDITION_SAYS: Mapping[str, tuple[str, ...]] = {
    "met": ("value", "threshold", "allowed"),
    "unmet": ("value", "threshold", "allowed"),
    "unset": ("value", "threshold", "allowed"),
}
_COMMON_KEYS = ("cap", "when", "says")
_RULE_KEYS = ("bands", "choice", "yes_no", "if", "table", "scale", "sum", "best_of", "any_of")
_NUMERIC_OPS = ("<", "<=", ">", ">=", "=", "!=")
_CHOICE_OPS = ("=", "!=", "in", "not_in")
_CODE_OPS = ("=", "!=", "in", "not_in", "in_list", "is_set")
_OPS_BY_TYPE: Mapping[str, tuple[str, ...]] = {
    "integer": _NUMERIC_OPS,
    "decimal": _NUMERIC_OPS,
    "money": _NUMERIC_OPS,
    "rank": (*_NUMERIC_OPS, "is_set"),
    "yes_no": ("=", "!="),
    "choice": _CHOICE_OPS,
    "code": _CODE_OPS,
}


_NOT_KNOWN_YET = (
    "is not known while criteria are scored: a criterion may depend on earlier criteria only "
    "(use totals, groups and thresholds in bonuses and tracks)"
)


class _Reader:
    """Reads one version; collects errors per criterion/track so one run reports them all."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.errors: list[ConfigError] = []
        self.parameters: dict[str, Decimal] = {}
        self.groups: set[str] = set()
        self.criteria: set[str] = set()
        self.thresholds: set[str] = set()
        # While criteria are read, only earlier criteria's points are known (not groups or totals).
        self.in_criteria = False

    # ---- facts and amounts

    def fact(self, value: Any, path: str, *types: str) -> FactDef:
        name = r.text(value, path)
        fact = self.catalogue.facts.get(name)
        if fact is None:
            raise ConfigError(
                path, f"unknown fact {name!r} (not in the catalogue nor in this version's facts)"
            )
        if types and fact.type not in types:
            raise ConfigError(path, f"fact {name} is of type {fact.type}; this needs {' or '.join(types)}")
        return fact

    def amount(self, value: Any, path: str, fact: FactDef) -> Amount:
        """A threshold on ``fact``: money needs a currency (or a reference multiple)."""
        if fact.type == "money":
            if not isinstance(value, Mapping):
                raise ConfigError(
                    path,
                    f'a money amount needs a currency, e.g. {{"amount": "1000000", "currency": "{fact.currency}"}}',
                )
            if "times" in value:
                item = r.obj(value, path, ("times", "of"), ("year",))
                quantity = r.choice(item["of"], r.join(path, "of"), tuple(self.catalogue.quantities))
                if self.catalogue.quantities[quantity].currency != fact.currency:
                    raise ConfigError(
                        r.join(path, "of"),
                        f"is in {self.catalogue.quantities[quantity].currency}, the fact in {fact.currency}",
                    )
                year = (
                    r.whole(item["year"], r.join(path, "year"), low=1900, high=2200)
                    if "year" in item
                    else None
                )
                times = r.number(item["times"], r.join(path, "times"), low=Decimal(0))
                return Amount(times, fact.currency, quantity, year)
            item = r.obj(value, path, ("amount", "currency"))
            currency = r.text(item["currency"], r.join(path, "currency"))
            if currency != fact.currency:
                raise ConfigError(
                    r.join(path, "currency"), f"must be {fact.currency}, the currency of {fact.code}"
                )
            return Amount(r.number(item["amount"], r.join(path, "amount"), low=Decimal(0)), currency)
        if isinstance(value, Mapping):
            raise ConfigError(path, f"must be a number ({fact.code} is not money)")
        number = r.number(value, path, integral=fact.type in ("integer", "rank"))
        return Amount(number)

    # ---- bands

    def bands(self, value: Any, path: str, fact: FactDef, *, with_points: bool = True) -> tuple[Band, ...]:
        bands: list[Band] = []
        keys = ("min", "above", "max", "below")
        for index, raw in enumerate(r.listed(value, path, allow_empty=False)):
            band_path = r.join(path, index)
            item = r.obj(raw, band_path, ("points",) if with_points else (), (*keys, "says"))
            if not any(k in item for k in keys):
                raise ConfigError(band_path, "needs a bound: min, above, max or below")
            if "min" in item and "above" in item:
                raise ConfigError(r.join(band_path, "above"), "use min or above, not both")
            if "max" in item and "below" in item:
                raise ConfigError(r.join(band_path, "below"), "use max or below, not both")
            low_key = "min" if "min" in item else ("above" if "above" in item else None)
            high_key = "max" if "max" in item else ("below" if "below" in item else None)
            low = self.amount(item[low_key], r.join(band_path, low_key), fact) if low_key else None
            high = self.amount(item[high_key], r.join(band_path, high_key), fact) if high_key else None
            points = r.whole(item["points"], r.join(band_path, "points")) if with_points else 0
            says = self.says(item["says"], r.join(band_path, "says"), _BAND_SAYS) if "says" in item else {}
            band = Band(points, low, low_key == "min", high, high_key == "max", says)
            if (
                low is not None
                and high is not None
                and _comparable(low, high)
                and (
                    low.value > high.value
                    or (low.value == high.value and not (band.low_inclusive and band.high_inclusive))
                )
            ):
                raise ConfigError(band_path, "is empty: its lower bound is above its upper bound")
            bands.append(band)
        _check_band_order(bands, path)
        return tuple(bands)

    # ---- conditions

    def condition(self, value: Any, path: str) -> Condition:
        if not isinstance(value, Mapping):
            raise ConfigError(path, "must be an object")
        says = self.says(value.get("says"), r.join(path, "says"), _CONDITION_SAYS) if "says" in value else {}
        if "all" in value or "any" in value:
            key = "all" if "all" in value else "any"
            item = r.obj(value, path, (key,), ("says",))
            children = tuple(
                self.condition(c, r.join(r.join(path, key), i))
                for i, c in enumerate(r.listed(item[key], r.join(path, key), allow_empty=False))
            )
            return AllOf(children, says) if key == "all" else AnyOf(children, says)
        if "not" in value:
            item = r.obj(value, path, ("not",), ("says",))
            return Not(self.condition(item["not"], r.join(path, "not")), says)
        if "threshold" in value:
            item = r.obj(value, path, ("threshold",), ("says",))
            if self.in_criteria:
                raise ConfigError(path, _NOT_KNOWN_YET)
            name = r.text(item["threshold"], r.join(path, "threshold"))
            if name not in self.thresholds:
                raise ConfigError(
                    r.join(path, "threshold"), f"unknown threshold {name!r} (declare it under thresholds)"
                )
            return ThresholdReached(name, says)
        if "points" in value:
            item = r.obj(value, path, ("points", "op", "value"), ("says",))
            of = r.text(item["points"], r.join(path, "points"))
            if self.in_criteria and of not in self.criteria:
                raise ConfigError(path, _NOT_KNOWN_YET)
            if of != "total" and of not in self.groups and of not in self.criteria:
                raise ConfigError(
                    r.join(path, "points"), f"must be total, a group or an earlier criterion, not {of!r}"
                )
            op = r.choice(item["op"], r.join(path, "op"), _NUMERIC_OPS)
            return PointsCompare(of, op, r.whole(item["value"], r.join(path, "value")), says)
        if "fact" in value:
            return self.compare(value, path, says)
        raise ConfigError(
            path, 'must have one of the keys "all", "any", "not", "fact", "points", "threshold"'
        )

    def compare(self, value: Mapping[str, Any], path: str, says: Mapping[str, Localised]) -> Compare:
        item = r.obj(value, path, ("fact", "op"), ("value", "says"))
        fact = self.fact(item["fact"], r.join(path, "fact"))
        op = r.choice(item["op"], r.join(path, "op"), _OPS_BY_TYPE[fact.type])
        value_path = r.join(path, "value")
        if op == "is_set":
            if "value" in item:
                raise ConfigError(value_path, "is not used with is_set")
            return Compare(fact.code, op, None, says)
        if "value" not in item:
            raise ConfigError(value_path, "is required")
        raw = item["value"]
        if op == "in_list":
            return Compare(fact.code, op, r.choice(raw, value_path, tuple(self.catalogue.lists)), says)
        if fact.type == "yes_no":
            return Compare(fact.code, op, r.boolean(raw, value_path), says)
        if op in ("in", "not_in"):
            items = r.listed(raw, value_path, allow_empty=False)
            if fact.type == "choice":
                codes = tuple(
                    r.choice(v, r.join(value_path, i), fact.option_codes()) for i, v in enumerate(items)
                )
            else:
                codes = tuple(r.text(v, r.join(value_path, i)) for i, v in enumerate(items))
            if len(set(codes)) != len(codes):
                raise ConfigError(value_path, "must not repeat a value")
            return Compare(fact.code, op, codes, says)
        if fact.type == "choice":
            return Compare(fact.code, op, r.choice(raw, value_path, fact.option_codes()), says)
        if fact.type == "code":
            return Compare(fact.code, op, r.text(raw, value_path), says)
        return Compare(fact.code, op, self.amount(raw, value_path, fact), says)

    # ---- text overrides

    def says(self, value: Any, path: str, roles: Mapping[str, tuple[str, ...]]) -> dict[str, Localised]:
        item = r.obj(value, path, (), tuple(roles))
        return {role: Localised.read(item[role], r.join(path, role), roles[role]) for role in item}

    # ---- points rules

    def rule(self, value: Any, path: str) -> Rule:
        key = r.one_key(value, path, _RULE_KEYS, _COMMON_KEYS)
        common = Common(
            cap=r.whole(value["cap"], r.join(path, "cap")) if "cap" in value else None,
            when=self.condition(value["when"], r.join(path, "when")) if "when" in value else None,
            says=self.says(value["says"], r.join(path, "says"), _RULE_SAYS) if "says" in value else {},
        )
        body_path = r.join(path, key)
        body = value[key]
        reader: Callable[[Any, str, Common], Rule] = getattr(self, f"rule_{key}")
        return reader(body, body_path, common)

    def rule_bands(self, body: Any, path: str, common: Common) -> Rule:
        item = r.obj(body, path, ("fact", "bands"), ("otherwise",))
        fact = self.fact(item["fact"], r.join(path, "fact"), "integer", "decimal", "money", "rank")
        bands = self.bands(item["bands"], r.join(path, "bands"), fact)
        otherwise = r.whole(item.get("otherwise", 0), r.join(path, "otherwise"))
        return BandsRule(fact.code, bands, otherwise, common)

    def rule_choice(self, body: Any, path: str, common: Common) -> Rule:
        item = r.obj(body, path, ("fact", "points"), ("otherwise",))
        fact = self.fact(item["fact"], r.join(path, "fact"), "choice", "code")
        points_path = r.join(path, "points")
        raw = r.mapping(item["points"], points_path)
        if not raw:
            raise ConfigError(points_path, "must not be empty")
        pairs = []
        for option, pts in raw.items():
            if fact.type == "choice" and option not in fact.option_codes():
                raise ConfigError(
                    r.join(points_path, option),
                    f"is not an option of {fact.code} ({', '.join(fact.option_codes())})",
                )
            pairs.append((option, r.whole(pts, r.join(points_path, option))))
        return ChoiceRule(
            fact.code, tuple(pairs), r.whole(item.get("otherwise", 0), r.join(path, "otherwise")), common
        )

    def rule_yes_no(self, body: Any, path: str, common: Common) -> Rule:
        item = r.obj(body, path, ("fact", "yes"), ("no",))
        fact = self.fact(item["fact"], r.join(path, "fact"), "yes_no")
        return YesNoRule(
            fact.code,
            r.whole(item["yes"], r.join(path, "yes")),
            r.whole(item.get("no", 0), r.join(path, "no")),
            common,
        )

    def rule_if(self, body: Any, path: str, common: Common) -> Rule:
        item = r.obj(body, path, ("condition", "then"), ("else",))
        return IfRule(
            self.condition(item["condition"], r.join(path, "condition")),
            r.whole(item["then"], r.join(path, "then")),
            r.whole(item.get("else", 0), r.join(path, "else")),
            common,
        )

    def rule_table(self, body: Any, path: str, common: Common) -> Rule:
        item = r.obj(body, path, ("rows", "columns", "points"), ("row_says",))
        row_fact = self.fact(item["rows"], r.join(path, "rows"), "choice")
        col_path = r.join(path, "columns")
        col_item = r.obj(item["columns"], col_path, ("fact", "bands"))
        col_fact = self.fact(
            col_item["fact"], r.join(col_path, "fact"), "integer", "decimal", "money", "rank"
        )
        columns = self.bands(col_item["bands"], r.join(col_path, "bands"), col_fact, with_points=False)
        points_path = r.join(path, "points")
        raw = r.obj(item["points"], points_path, row_fact.option_codes())
        rows = []
        for option in row_fact.option_codes():
            cells = r.listed(raw[option], r.join(points_path, option))
            if len(cells) != len(columns) + 1:
                raise ConfigError(
                    r.join(points_path, option),
                    f"must list {len(columns) + 1} points: one per column band, then one for any other value",
                )
            rows.append(
                (
                    option,
                    tuple(r.whole(c, r.join(r.join(points_path, option), i)) for i, c in enumerate(cells)),
                )
            )
        row_says: dict[str, Mapping[str, Localised]] = {}
        if "row_says" in item:
            says_path = r.join(path, "row_says")
            for option, raw_says in r.obj(item["row_says"], says_path, (), row_fact.option_codes()).items():
                row_says[option] = self.says(raw_says, r.join(says_path, option), _ROW_SAYS)
        return TableRule(row_fact.code, col_fact.code, columns, tuple(rows), common, row_says)

    def rule_scale(self, body: Any, path: str, common: Common) -> Rule:
        item = r.obj(body, path, ("fact", "of", "points"))
        fact = self.fact(item["fact"], r.join(path, "fact"), "integer")
        of = r.whole(item["of"], r.join(path, "of"), low=1)
        if fact.maximum is not None and fact.maximum != of:
            raise ConfigError(
                r.join(path, "of"), f"must equal the catalogue's maximum for {fact.code} ({fact.maximum})"
            )
        return ScaleRule(fact.code, of, r.whole(item["points"], r.join(path, "points")), common)

    def rule_sum(self, body: Any, path: str, common: Common) -> Rule:
        parts = tuple(
            self.rule(p, r.join(path, i)) for i, p in enumerate(r.listed(body, path, allow_empty=False))
        )
        return SumRule(parts, common)

    def rule_best_of(self, body: Any, path: str, common: Common) -> Rule:
        options = tuple(
            self.rule(p, r.join(path, i)) for i, p in enumerate(r.listed(body, path, allow_empty=False))
        )
        return BestOfRule(options, common)

    def rule_any_of(self, body: Any, path: str, common: Common) -> Rule:
        item = r.obj(body, path, ("conditions", "points"))
        conditions = tuple(
            self.condition(c, r.join(r.join(path, "conditions"), i))
            for i, c in enumerate(r.listed(item["conditions"], r.join(path, "conditions"), allow_empty=False))
        )
        return AnyOfRule(conditions, r.whole(item["points"], r.join(path, "points")), common)


def _comparable(a: Amount, b: Amount) -> bool:
    """Two thresholds can be ordered before scoring: same kind (a multiple of GNI is not a fixed amount)."""
    return (a.quantity, a.year) == (b.quantity, b.year)


Bound = tuple[Decimal, bool]  # (value, inclusive)
NEG_INF: Bound = (Decimal("-Infinity"), False)
POS_INF: Bound = (Decimal("Infinity"), False)


def effective_intervals(
    bounds: list[tuple[Bound | None, Bound | None]], path: str
) -> list[tuple[Bound, Bound]]:
    """Each band's interval on the number line, in the listed order, or a ConfigError.

    A band may give one bound only: ``{"min": 8}`` listed after ``{"min": 10}`` means 8 up to (not
    including) 10, the way a points table is read ("10 or more: 12; 8 or more: 10"). Bands must be
    listed in order of value, all rising or all falling, and must not overlap.
    """
    count = len(bounds)
    if count < 2:
        return [(low or NEG_INF, high or POS_INF) for low, high in bounds]

    def position(index: int) -> tuple[Decimal, int]:
        """Where a band sits: its lower bound, or its upper one; an open end sorts past a closed one
        ("max 100" comes before "above 100", and "max 100" meets "min 100" at one point)."""
        low, high = bounds[index]
        if low is not None:
            return low[0], 0 if low[1] else 1
        if high is not None:
            return high[0], 0 if high[1] else -1
        return Decimal(0), 0

    ascending = position(0) < position(1)
    order = list(range(count)) if ascending else list(reversed(range(count)))
    for a, b in itertools.pairwise(order):
        if position(a) == position(b):
            raise ConfigError(join_index(path, max(a, b)), "overlaps the band before it")
        if not position(a) < position(b):
            raise ConfigError(
                join_index(path, max(a, b)),
                "bands must be listed in order of value (all rising or all falling)",
            )
    intervals: dict[int, list[Bound]] = {
        i: [bounds[i][0] or NEG_INF, bounds[i][1] or POS_INF] for i in range(count)
    }
    for a, b in itertools.pairwise(order):
        lower_a_open = bounds[a][1] is None
        upper_b_open = bounds[b][0] is None
        b_low, a_high = bounds[b][0], bounds[a][1]
        if lower_a_open and b_low is not None:  # a runs up to where b starts
            intervals[a][1] = (b_low[0], not b_low[1])
        if upper_b_open and a_high is not None:  # b starts where a ends
            intervals[b][0] = (a_high[0], not a_high[1])
        end, start = intervals[a][1], intervals[b][0]
        if end[0] > start[0] or (end[0] == start[0] and end[1] and start[1]):
            raise ConfigError(join_index(path, max(a, b)), "overlaps the band before it")
        if lower_a_open and upper_b_open and bounds[a][0] is not None and bounds[b][1] is not None:
            pass
    for index, (low, high) in intervals.items():
        if low[0] > high[0] or (low[0] == high[0] and not (low[1] and high[1])):
            raise ConfigError(join_index(path, index), "is empty: its lower bound is above its upper bound")
    return [(intervals[i][0], intervals[i][1]) for i in range(count)]


def join_index(path: str, index: int) -> str:
    return r.join(path, index)


def _check_band_order(bands: list[Band], path: str) -> None:
    """Check order and overlap where the thresholds can be compared before scoring."""
    kinds = {(b.low.quantity, b.low.year) for b in bands if b.low} | {
        (b.high.quantity, b.high.year) for b in bands if b.high
    }
    if len(kinds) > 1:
        return  # fixed amounts mixed with multiples of a reference figure: checked when compiled
    effective_intervals(
        [
            (
                (b.low.value, b.low_inclusive) if b.low else None,
                (b.high.value, b.high_inclusive) if b.high else None,
            )
            for b in bands
        ],
        path,
    )


def condition_facts(condition: Condition | None) -> frozenset[str]:
    """The facts a condition reads (totals, groups and thresholds are not facts)."""
    if condition is None:
        return frozenset()
    if isinstance(condition, AllOf | AnyOf):
        return frozenset().union(*(condition_facts(c) for c in condition.conditions))
    if isinstance(condition, Not):
        return condition_facts(condition.condition)
    if isinstance(condition, Compare):
        return frozenset({condition.fact})
    return frozenset()


def _reads_points(condition: Condition) -> bool:
    """Whether a condition looks at points or thresholds anywhere."""
    if isinstance(condition, AllOf | AnyOf):
        return any(_reads_points(c) for c in condition.conditions)
    if isinstance(condition, Not):
        return _reads_points(condition.condition)
    return isinstance(condition, PointsCompare | ThresholdReached)


def rule_facts(rule: Rule) -> frozenset[str]:
    """The facts a points rule reads, its ``when`` included: what a reviewer checks for it."""
    own: frozenset[str]
    if isinstance(rule, BandsRule | ChoiceRule | YesNoRule | ScaleRule):
        own = frozenset({rule.fact})
    elif isinstance(rule, IfRule):
        own = condition_facts(rule.condition)
    elif isinstance(rule, TableRule):
        own = frozenset({rule.row_fact, rule.column_fact})
    elif isinstance(rule, SumRule):
        own = frozenset().union(*(rule_facts(p) for p in rule.parts))
    elif isinstance(rule, BestOfRule):
        own = frozenset().union(*(rule_facts(o) for o in rule.options))
    else:
        own = frozenset().union(*(condition_facts(c) for c in rule.conditions))
    return own | condition_facts(rule.common.when)


def _rule_max(rule: Rule) -> int:
    """The most points a rule can give (after its cap), for "a maximum that cannot be reached"."""
    if isinstance(rule, BandsRule):
        best = max([b.points for b in rule.bands] + [rule.otherwise])
    elif isinstance(rule, ChoiceRule):
        best = max([p for _, p in rule.points] + [rule.otherwise])
    elif isinstance(rule, YesNoRule):
        best = max(rule.yes, rule.no)
    elif isinstance(rule, IfRule):
        best = max(rule.then, rule.otherwise)
    elif isinstance(rule, TableRule):
        best = max(max(cells) for _, cells in rule.points)
    elif isinstance(rule, ScaleRule):
        best = rule.points
    elif isinstance(rule, SumRule):
        best = sum(_rule_max(p) for p in rule.parts)
    elif isinstance(rule, BestOfRule):
        best = max(_rule_max(o) for o in rule.options)
    else:
        best = rule.points
    cap = rule.common.cap
    return best if cap is None else min(best, cap)


def _read_version(data: Any, catalogue: Catalogue) -> Version:
    keys_required = ("format", "code", "effective_from", "effective_to", "criteria", "tracks")
    keys_optional = (
        "facts",
        "groups",
        "bonuses",
        "thresholds",
        "clock",
        "parameters",
        "title",
        "notes",
        "segments",
    )
    item = r.obj(data, "", keys_required, keys_optional)
    errors: list[ConfigError] = []
    if item["format"] != FORMAT:
        raise ConfigError("format", f"must be {FORMAT} (this rubric language)")
    code = r.code(item["code"], "code")
    effective_from = r.date(item["effective_from"], "effective_from")
    effective_to = None if item["effective_to"] is None else r.date(item["effective_to"], "effective_to")
    if effective_to is not None and effective_to < effective_from:
        raise ConfigError("effective_to", "must not be before effective_from")

    own_facts: list[FactDef] = []
    for index, raw in enumerate(r.listed(item.get("facts", []), "facts")):
        path = r.join("facts", index)
        try:
            fact = read_fact(
                raw, path, units=catalogue.units, currencies=catalogue.currencies, lists=catalogue.lists
            )
            if fact.code in catalogue.facts or any(f.code == fact.code for f in own_facts):
                raise ConfigError(r.join(path, "code"), f"fact {fact.code} is already defined")
            own_facts.append(fact)
        except ConfigError as exc:
            errors.append(exc)
    full = catalogue.extended(tuple(own_facts))
    reader = _Reader(full)

    parameters: dict[str, Decimal] = {}
    if "parameters" in item:
        for name, raw in r.mapping(item["parameters"], "parameters").items():
            parameters[r.code(name, r.join("parameters", name))] = r.number(raw, r.join("parameters", name))

    groups: list[Group] = []
    for index, raw in enumerate(r.listed(item.get("groups", []), "groups")):
        path = r.join("groups", index)
        try:
            g = r.obj(raw, path, ("code", "title"))
            group = Group(
                r.code(g["code"], r.join(path, "code")), Localised.read(g["title"], r.join(path, "title"), ())
            )
            if group.code in reader.groups:
                raise ConfigError(r.join(path, "code"), f"group {group.code} is listed twice")
            reader.groups.add(group.code)
            groups.append(group)
        except ConfigError as exc:
            errors.append(exc)

    thresholds: list[Threshold] = []
    for index, raw in enumerate(r.listed(item.get("thresholds", []), "thresholds")):
        path = r.join("thresholds", index)
        try:
            t = r.obj(raw, path, ("code", "title", "points"), ("says",))
            threshold_code = r.code(t["code"], r.join(path, "code"))
            if threshold_code in reader.thresholds:
                raise ConfigError(r.join(path, "code"), f"threshold {threshold_code} is listed twice")
            # Known from here on, so a mistake in its text is one problem, not also "unknown threshold".
            reader.thresholds.add(threshold_code)
            threshold = Threshold(
                threshold_code,
                Localised.read(t["title"], r.join(path, "title"), ()),
                r.whole(t["points"], r.join(path, "points")),
                reader.says(
                    t["says"],
                    r.join(path, "says"),
                    {
                        "met": ("total", "points", "title"),
                        "unmet": ("total", "points", "title"),
                        "claimed": ("bonus", "title"),
                    },
                )
                if "says" in t
                else {},
            )
            thresholds.append(threshold)
        except ConfigError as exc:
            errors.append(exc)

    criteria: list[Criterion] = []
    reader.in_criteria = True
    for index, raw in enumerate(r.listed(item["criteria"], "criteria")):
        path = r.join("criteria", index)
        try:
            c = r.obj(raw, path, ("code", "title", "group", "basis", "max", "points"), ("documents",))
            ccode = r.code(c["code"], r.join(path, "code"))
            path = f"criteria.{ccode}"  # from here on the code is the friendlier name
            if ccode in reader.criteria:
                raise ConfigError(r.join(path, "code"), f"criterion {ccode} is listed twice")
            group_code = r.text(c["group"], r.join(path, "group"))
            if group_code not in reader.groups:
                raise ConfigError(
                    r.join(path, "group"), f"unknown group {group_code!r} (declare it under groups)"
                )
            maximum = r.whole(c["max"], r.join(path, "max"), low=1)
            rule = reader.rule(c["points"], r.join(path, "points"))
            reachable = _rule_max(rule)
            if reachable < maximum:
                raise ConfigError(
                    r.join(path, "max"), f"cannot be reached: the rules give at most {reachable}"
                )
            criterion = Criterion(
                ccode,
                Localised.read(c["title"], r.join(path, "title"), ()),
                group_code,
                r.choice(c["basis"], r.join(path, "basis"), BASES),
                maximum,
                rule,
                _documents(c.get("documents", []), r.join(path, "documents"), full),
            )
            reader.criteria.add(ccode)
            criteria.append(criterion)
        except ConfigError as exc:
            errors.append(exc)

    reader.in_criteria = False
    max_total = sum(c.max for c in criteria)
    bonuses: list[Bonus] = []
    for index, raw in enumerate(r.listed(item.get("bonuses", []), "bonuses")):
        path = r.join("bonuses", index)
        try:
            b = r.obj(raw, path, ("code", "title", "points", "when"))
            bonus = Bonus(
                r.code(b["code"], r.join(path, "code")),
                Localised.read(b["title"], r.join(path, "title"), ()),
                r.whole(b["points"], r.join(path, "points"), low=1),
                reader.condition(b["when"], r.join(path, "when")),
            )
            bonuses.append(bonus)
            max_total += bonus.points
        except ConfigError as exc:
            errors.append(exc)
    for index, threshold in enumerate(thresholds):
        if not errors and threshold.points > max_total:
            errors.append(
                ConfigError(
                    r.join(r.join("thresholds", index), "points"),
                    f"cannot be reached: the most a profile can score is {max_total}",
                )
            )

    tracks: list[Track] = []
    for index, raw in enumerate(r.listed(item["tracks"], "tracks", allow_empty=False)):
        path = r.join("tracks", index)
        try:
            t = r.obj(raw, path, ("code", "title", "eligible_when", "documents"))
            tcode = r.code(t["code"], r.join(path, "code"))
            if any(x.code == tcode for x in tracks):
                raise ConfigError(r.join(path, "code"), f"track {tcode} is listed twice")
            path = f"tracks.{tcode}"
            tracks.append(
                Track(
                    tcode,
                    Localised.read(t["title"], r.join(path, "title"), ()),
                    reader.condition(t["eligible_when"], r.join(path, "eligible_when")),
                    _documents(t["documents"], r.join(path, "documents"), full),
                )
            )
        except ConfigError as exc:
            errors.append(exc)

    segments: list[Segment] = []
    for index, raw in enumerate(r.listed(item.get("segments", []), "segments")):
        path = r.join("segments", index)
        try:
            seg = r.obj(raw, path, ("code", "title", "when"))
            segment_code = r.code(seg["code"], r.join(path, "code"))
            if any(x.code == segment_code for x in segments):
                raise ConfigError(r.join(path, "code"), f"segment {segment_code} is listed twice")
            when = reader.condition(seg["when"], r.join(path, "when"))
            if not condition_facts(when) or _reads_points(when):
                raise ConfigError(
                    r.join(path, "when"), "must test facts only (a segment is who, not a score)"
                )
            segments.append(
                Segment(segment_code, Localised.read(seg["title"], r.join(path, "title"), ()), when)
            )
        except ConfigError as exc:
            errors.append(exc)

    clock = None
    if "clock" in item:
        try:
            clock = _read_clock(item["clock"])
        except ConfigError as exc:
            errors.append(exc)
    if errors:
        raise ConfigErrors(errors)
    return Version(
        code,
        effective_from,
        effective_to,
        full,
        tuple(own_facts),
        tuple(groups),
        tuple(criteria),
        tuple(bonuses),
        tuple(thresholds),
        tuple(tracks),
        clock,
        parameters,
        raw=data,
        title=Localised.read(item["title"], "title", ()) if "title" in item else None,
        segments=tuple(segments),
    )


def _documents(value: Any, path: str, catalogue: Catalogue) -> tuple[str, ...]:
    kinds = [
        r.choice(k, r.join(path, i), tuple(catalogue.documents)) for i, k in enumerate(r.listed(value, path))
    ]
    if len(set(kinds)) != len(kinds):
        raise ConfigError(path, "lists a document twice")
    return tuple(kinds)


def _read_clock(value: Any) -> Clock:
    item = r.obj(
        value, "clock", ("days", "reminder_days_left", "unassigned_alert_days"), ("review_request_days",)
    )
    days = r.whole(item["days"], "clock.days", low=1, high=365)
    reminders = tuple(
        r.whole(v, f"clock.reminder_days_left[{i}]", low=0, high=days)
        for i, v in enumerate(r.listed(item["reminder_days_left"], "clock.reminder_days_left"))
    )
    if list(reminders) != sorted(set(reminders), reverse=True):
        raise ConfigError("clock.reminder_days_left", "must be distinct and listed from the most days down")
    alert = r.whole(item["unassigned_alert_days"], "clock.unassigned_alert_days", low=1, high=days)
    review = (
        r.whole(item["review_request_days"], "clock.review_request_days", low=1, high=365)
        if "review_request_days" in item
        else None
    )
    return Clock(days, reminders, alert, review)


def read_version(data: Any, catalogue: Catalogue) -> Version:
    """The validated version, or ``ConfigErrors`` with every problem found (each with its path)."""
    try:
        return _read_version(data, catalogue)
    except ConfigErrors:
        raise
    except ConfigError as exc:
        raise ConfigErrors([exc]) from None


__all__ = [
    "AllOf",
    "Amount",
    "AnyOf",
    "AnyOfRule",
    "Band",
    "BandsRule",
    "BestOfRule",
    "Bonus",
    "ChoiceRule",
    "Clock",
    "Common",
    "Compare",
    "Condition",
    "ConfigError",
    "ConfigErrors",
    "Criterion",
    "Group",
    "IfRule",
    "Not",
    "PointsCompare",
    "Rule",
    "ScaleRule",
    "Segment",
    "SumRule",
    "TableRule",
    "Threshold",
    "ThresholdReached",
    "Track",
    "Unit",
    "Version",
    "YesNoRule",
    "condition_facts",
    "read_version",
    "rule_facts",
]
