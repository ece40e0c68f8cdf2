"""Scoring under a rubric-language version: facts in, a fully explained score out. Pure: no ORM, no I/O.

``Scorer(version, reference)`` compiles a ``document.Version`` against one set of reference data (the
dated quantities such as per-capita GNI, the reference lists, display names): thresholds that are
multiples of a reference figure become whole amounts once, so scoring compares numbers only.

Speed: whatever decides a criterion's points is a small key: the band, option or yes/no each leaf
of its rule falls in. The points, the next steps (with their exact gains, after every cap) and the
sentences around the values are worked out once per key and language and kept (``_Prepared``); a
profile then only finds its key, formats its own values and joins them into the prepared sentences.
Nothing is kept per fact value, so memory is bounded by the version, and a profile never seen
before costs what a repeated one does.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.utils.translation import get_language

from apps.rubric.language import texts as t
from apps.rubric.language.catalogue import Catalogue, FactDef, Localised, coerce_value
from apps.rubric.language.document import (
    AllOf,
    Amount,
    AnyOf,
    AnyOfRule,
    Band,
    BandsRule,
    BestOfRule,
    ChoiceRule,
    Compare,
    Condition,
    Criterion,
    IfRule,
    Not,
    PointsCompare,
    Rule,
    ScaleRule,
    SumRule,
    TableRule,
    ThresholdReached,
    Version,
    YesNoRule,
    effective_intervals,
)
from apps.rubric.language.reading import ConfigError, ConfigErrors

__all__ = [
    "BonusResult",
    "CriterionResult",
    "NextStep",
    "Profile",
    "Reference",
    "ScoreResult",
    "Scorer",
    "ThresholdResult",
    "TrackResult",
]

# --------------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True)
class Reference:
    """Reference data a version is scored against, as of one date."""

    # Dated quantities in force: code -> (year, whole amount), e.g. {"per_capita_gni": (2024, 49955000)}.
    quantities: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    # Every published figure, for thresholds that name a year: (code, year) -> amount.
    by_year: Mapping[tuple[str, int], int] = field(default_factory=dict)
    # Reference lists a condition may test membership of: "strategic" -> {"ai", ...}.
    lists: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Codes (fields, programmes) -> (English name, Korean name), so sentences name them in words.
    names: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def amount(self, quantity: str, year: int | None) -> tuple[int, int]:
        """(year, amount) of a quantity: the figure of ``year``, or the one in force."""
        if year is None:
            if quantity not in self.quantities:
                raise ValueError(f"no {quantity} figure in the reference data")
            return self.quantities[quantity]
        if (quantity, year) not in self.by_year:
            raise ValueError(f"no {quantity} figure for {year} in the reference data")
        return year, self.by_year[(quantity, year)]


@dataclass(frozen=True, slots=True)
class Profile:
    """One applicant's facts (catalogue codes -> checked values) and which of them are verified.

    ``verified`` names the facts a reviewer or a register confirmed; a bonus that holds on an
    unverified fact is "claimed" (shown subject to verification), on verified facts "verified".
    """

    values: Mapping[str, Any]
    verified: frozenset[str] = frozenset()


# --------------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True, slots=True)
class NextStep:
    fact: str  # which fact to change, e.g. "offered_salary_krw"
    # The value to reach: a number (inclusive), an option or list code, True, or ">0" / "<5" for a
    # strict bound.
    threshold: Decimal | int | str | bool | None
    gain: int  # points it would add, after every cap
    text: str  # "An offered salary of 124,887,500 KRW or more would add 4 points."


class CriterionResult(NamedTuple):
    """One criterion's points and why. A named tuple: immutable (results are shared between profiles
    in the same band positions) and about five times cheaper to make than a frozen dataclass, which
    matters at one per criterion per profile."""

    code: str
    title: str
    points: int
    max: int
    basis: str
    explanation: str
    next_steps: tuple[NextStep, ...]

    @property
    def next_step(self) -> str | None:
        return " ".join(step.text for step in self.next_steps) if self.next_steps else None


class TrackResult(NamedTuple):
    code: str
    title: str
    eligible: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BonusResult:
    code: str
    title: str
    points: int
    basis: str  # "claimed" (subject to verification), "verified", "none"


@dataclass(frozen=True, slots=True)
class ThresholdResult:
    code: str
    title: str
    points: int
    reached: bool


class ScoreResult(NamedTuple):
    """A profile's score under one version, explained (a named tuple, like its parts)."""

    rubric_version: str
    criteria: tuple[CriterionResult, ...]
    groups: Mapping[str, int]  # group code -> the sum of its criteria
    bonuses: tuple[BonusResult, ...]
    total: int
    thresholds: Mapping[str, ThresholdResult]
    tracks: Mapping[str, TrackResult]

    def criterion(self, code: str) -> CriterionResult | None:
        return next((c for c in self.criteria if c.code == code), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rubric_version": self.rubric_version,
            "criteria": [
                {
                    "code": c.code,
                    "title": c.title,
                    "points": c.points,
                    "max": c.max,
                    "basis": c.basis,
                    "explanation": c.explanation,
                    "next_step": c.next_step,
                }
                for c in self.criteria
            ],
            "groups": dict(self.groups),
            "bonuses": [
                {"code": b.code, "title": b.title, "points": b.points, "basis": b.basis} for b in self.bonuses
            ],
            "total": self.total,
            "thresholds": {
                code: {"title": th.title, "points": th.points, "reached": th.reached}
                for code, th in self.thresholds.items()
            },
            "tracks": {
                code: {"title": tr.title, "eligible": tr.eligible, "reasons": list(tr.reasons)}
                for code, tr in self.tracks.items()
            },
        }


# --------------------------------------------------------------------------------------------------
# Per-language state


class _Lang:
    """A scorer's prepared parts for one language, built on first use (keys bounded by the version)."""

    __slots__ = ("code", "korean", "names", "parts", "texts")

    def __init__(self, code: str | None, texts: t.Texts, names: Mapping[str, str]) -> None:
        self.code = code
        self.korean = (code or "").startswith("ko")
        self.texts = texts
        self.names = names
        self.parts: dict[Hashable, Any] = {}

    def say(self, text: Localised) -> str:
        return text.ko if self.korean else text.en

    def name(self, code: str) -> str:
        return self.names.get(code, code)


# A value's place in a prepared sentence: "\x00<leaf>.<kind>\x01", split out when the sentence is
# prepared, so a profile's own values are joined in without formatting the sentence again.
_MARK = re.compile("\x00(\\d+)\\.(\\d+)\x01")


def _mark(leaf: int, kind: int = 0) -> str:
    return f"\x00{leaf}.{kind}\x01"


def _pieces(sentence: str) -> tuple[str | tuple[int, int], ...]:
    out: list[str | tuple[int, int]] = []
    position = 0
    for match in _MARK.finditer(sentence):
        if match.start() > position:
            out.append(sentence[position : match.start()])
        out.append((int(match.group(1)), int(match.group(2))))
        position = match.end()
    if position < len(sentence):
        out.append(sentence[position:])
    return tuple(out)


# --------------------------------------------------------------------------------------------------
# Facts: how a value and a threshold read


class _FactText:
    """How one fact's values read in one scorer (unit, currency, names).

    ``value`` runs for every value shown in every profile, so each language gets a formatter made
    for the fact's type once (``_formatters``): a number and its unit are two string joins."""

    __slots__ = ("currency", "fact", "formatters", "unit")

    def __init__(self, fact: FactDef, catalogue: Catalogue) -> None:
        self.fact = fact
        self.unit = catalogue.units[fact.unit] if fact.unit else None
        self.currency = catalogue.currencies[fact.currency] if fact.currency else None
        self.formatters: tuple[dict[_Lang, Callable[[Any], str]], ...] = ({}, {})  # full, short

    def value(self, value: Any, lang: _Lang, *, short: bool = False) -> str:
        formatters = self.formatters[short]
        formatter = formatters.get(lang)
        if formatter is None:
            formatter = formatters[lang] = self._formatter(lang, short)
        return formatter(value)

    def _formatter(self, lang: _Lang, short: bool) -> Callable[[Any], str]:
        fact = self.fact
        kind = fact.type
        unset = lang.say(fact.phrase_unset) if fact.phrase_unset else "-"
        if kind in ("integer", "decimal"):
            unit = self.unit
            if unit is None:
                return lambda v: unset if v is None else t.number_text(v)
            forms = (unit.short if short and unit.short is not None else unit.forms)[
                "ko" if lang.korean else "en"
            ]
            one = forms.get("one") if not lang.korean else None
            other_head, other_tail = forms["other"].split("{n}", 1)
            one_head, one_tail = one.split("{n}", 1) if one else (other_head, other_tail)
            number_text = t.number_text

            def with_unit(v: Any) -> str:
                if v is None:
                    return unset
                text = number_text(v)
                return one_head + text + one_tail if text == "1" else other_head + text + other_tail

            return with_unit
        if kind == "money":
            assert self.currency is not None
            head, tail = lang.say(self.currency).split("{n}", 1)
            return lambda v: unset if v is None else head + t.money_text(v) + tail
        if kind == "rank":
            return lambda v: unset if v is None else str(v)
        if kind == "choice":
            names = {o.code: lang.say(o.name) for o in fact.options}
            return lambda v: unset if v is None else names.get(v, v)
        if kind == "code":
            names_of = lang.names
            return lambda v: unset if v is None else names_of.get(v, v)
        yes = lang.say(fact.phrase)
        no = lang.say(fact.phrase_no or fact.phrase)
        return lambda v: yes if v else no

    def phrase(self, value_text: str, lang: _Lang) -> str:
        return t.fill(lang.say(self.fact.phrase), {"value": value_text})

    def flag_phrase(self, value: bool, lang: _Lang) -> str:
        fact = self.fact
        return lang.say(fact.phrase if value else (fact.phrase_no or fact.phrase))

    def unset_phrase(self, lang: _Lang) -> str:
        fact = self.fact
        return (
            lang.say(fact.phrase_unset)
            if fact.phrase_unset
            else t.fill(lang.say(fact.phrase), {"value": "-"})
        )


# --------------------------------------------------------------------------------------------------
# Thresholds, resolved against the reference data


def _ceil(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A threshold as compared (``number``) and as written (a multiple of a dated quantity or not)."""

    number: Decimal | int
    amount: Amount
    quantity_year: int | None = None
    quantity_amount: int | None = None


def _resolve(amount: Amount, fact: FactDef, reference: Reference, *, round_up: bool) -> _Resolved:
    """A threshold on ``fact`` as a number of the fact's own kind. A multiple of a reference figure
    becomes whole units of money, rounded so that the comparison stays exact: "at least 2.5 times"
    is "at least ceil(2.5 x GNI)" for a whole-won salary."""
    if amount.quantity is None:
        value = amount.value
        if fact.type in ("integer", "money", "rank"):
            return _Resolved(int(value) if value == value.to_integral_value() else value, amount)
        return _Resolved(value, amount)
    year, figure = reference.amount(amount.quantity, amount.year)
    numerator, denominator = amount.value.as_integer_ratio()
    exact = numerator * figure
    number = _ceil(exact, denominator) if round_up else exact // denominator
    return _Resolved(number, amount, year, figure)


def _times_text(amount: Amount) -> str:
    return format(amount.value, "f")


class _Bounds:
    """A bands rule's intervals in ascending order of value, with how to find a value's place.

    A value's place is an odd number 2i+1 inside band i, an even number 2i in the gap before band i
    (2n above every band); ``None`` (a rank not listed) counts as above every band."""

    __slots__ = ("bands", "count", "intervals", "lows", "order", "resolved")

    def __init__(self, bands: Sequence[Band], fact: FactDef, reference: Reference, path: str) -> None:
        resolved: list[tuple[_Resolved | None, _Resolved | None]] = []
        for band in bands:
            low = _resolve(band.low, fact, reference, round_up=band.low_inclusive) if band.low else None
            high = (
                _resolve(band.high, fact, reference, round_up=not band.high_inclusive) if band.high else None
            )
            resolved.append((low, high))
        bounds = [
            (
                (Decimal(low.number), band.low_inclusive) if low else None,
                (Decimal(high.number), band.high_inclusive) if high else None,
            )
            for band, (low, high) in zip(bands, resolved, strict=True)
        ]
        try:
            intervals = effective_intervals(bounds, path)
        except ConfigError as exc:
            raise ConfigErrors([exc]) from None
        self.order = sorted(range(len(bands)), key=lambda i: (intervals[i][0][0], not intervals[i][0][1]))
        integral = fact.type in ("integer", "money", "rank")
        self.intervals = tuple(_comparable(intervals[i], integral) for i in self.order)
        self.bands = tuple(bands[i] for i in self.order)
        self.resolved = tuple(resolved[i] for i in self.order)
        self.count = len(bands)
        self.lows = tuple(iv[0][0] for iv in self.intervals)

    def place(self, value: Any) -> int:
        if value is None:
            return 2 * self.count
        # The last band starting at or below the value, by bisection; then its ends decide.
        index = bisect_right(self.lows, value) - 1
        if index < 0:
            return 0
        intervals = self.intervals
        (low, low_in), (high, high_in) = intervals[index]
        if value == low and not low_in:  # on an open lower end: the band before may hold it
            if index > 0:
                _, (before, before_in) = intervals[index - 1]
                if value < before or (value == before and before_in):
                    return 2 * index - 1
            return 2 * index
        if value < high or (value == high and high_in):
            return 2 * index + 1
        return 2 * index + 2


def _comparable(
    interval: tuple[tuple[Decimal, bool], tuple[Decimal, bool]], integral: bool
) -> tuple[Any, Any]:
    """Bounds as cheap numbers: ints for whole-number facts (and +-inf as floats), else Decimal."""
    (low, low_in), (high, high_in) = interval

    def convert(value: Decimal) -> Any:
        if not value.is_finite():
            return float(value)
        if integral and value == value.to_integral_value():
            return int(value)
        return value

    return ((convert(low), low_in), (convert(high), high_in))


# --------------------------------------------------------------------------------------------------
# Conditions: compiled once; each decides, and explains itself with prepared sentences.


class _Ctx:
    """What conditions may look at besides the facts: points so far, claimed bonus, thresholds."""

    __slots__ = ("claimed", "claimed_titles", "points")

    def __init__(self) -> None:
        self.points: dict[str, int] = {}
        self.claimed = 0  # points of bonuses that hold on facts nobody verified yet
        self.claimed_titles: tuple[Localised, ...] = ()


class _Cond:
    __slots__ = ("says",)
    says: Mapping[str, Localised]

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        raise NotImplementedError

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        raise NotImplementedError

    def facts(self) -> set[str]:
        return set()

    # A condition inside a points rule is part of the criterion's key as a *state*: a bool for a
    # comparison, a tuple of its children's states for a group. The state says which part holds,
    # so a next step can name the one fact whose change would meet the condition, and its gain can
    # be worked out by changing that fact everywhere it is read.

    def state(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return self.test(values, ctx)

    def met(self, state: Any) -> bool:
        return bool(state)

    def retarget(self, state: Any, fact: str, probe: Any) -> Any:
        """The state with ``fact`` changed to ``probe`` (the other facts as they were)."""
        return state

    def step(self, state: Any) -> tuple[str, Any, Any] | None:
        """(fact, threshold, probe): the one change of one fact that meets this unmet condition."""
        return None

    def value_text(self, values: Mapping[str, Any], lang: _Lang) -> str:
        return ""

    def says_for(self, role: str, lang: _Lang) -> str | None:
        text = self.says.get(role)
        return lang.say(text) if text is not None else None


class _GroupCond(_Cond):
    __slots__ = ("children", "headers", "is_any")

    def __init__(self, children: tuple[_Cond, ...], is_any: bool, says: Mapping[str, Localised]) -> None:
        self.headers: dict[_Lang, dict[int, str]] = {}
        self.children = children
        self.is_any = is_any
        self.says = says

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        if self.is_any:
            return any(c.test(values, ctx) for c in self.children)
        return all(c.test(values, ctx) for c in self.children)

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        at = len(reasons)
        reasons.append("")  # the summary goes first but depends on the children
        # Every child is explained (no short-circuit): the reasons list met and unmet conditions both.
        results = [c.explain(values, ctx, lang, reasons, False) for c in self.children]
        met = any(results) if self.is_any else all(results)
        headers = self.headers.get(lang)
        if headers is None:
            headers = self.headers[lang] = {}
        key = met + 2 * root
        header = headers.get(key)
        if header is None:
            header = headers[key] = self._header(lang, met, root)
        reasons[at] = header
        return met

    def _header(self, lang: _Lang, met: bool, root: bool) -> str:
        override = self.says_for("met" if met else "unmet", lang)
        if override is not None:
            return t.fill(override, {"value": "", "threshold": "", "allowed": ""})
        texts = lang.texts
        if root:
            if self.is_any:
                return texts[t.ROOT_ANY_MET if met else t.ROOT_ANY_UNMET]
            return texts[t.ROOT_ALL_MET if met else t.ROOT_ALL_UNMET]
        count = t.plural_count(len(self.children))
        if self.is_any:
            plural = t.n_group_any_met if met else t.n_group_any_unmet
        else:
            plural = t.n_group_all_met if met else t.n_group_all_unmet
        return texts[(plural, count)] % {"count": len(self.children)}

    def facts(self) -> set[str]:
        return set().union(*(c.facts() for c in self.children))

    def state(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return tuple([c.state(values, ctx) for c in self.children])

    def met(self, state: Any) -> bool:
        results = (c.met(s) for c, s in zip(self.children, state, strict=True))
        return any(results) if self.is_any else all(results)

    def retarget(self, state: Any, fact: str, probe: Any) -> Any:
        return tuple(c.retarget(s, fact, probe) for c, s in zip(self.children, state, strict=True))

    def step(self, state: Any) -> tuple[str, Any, Any] | None:
        pairs = list(zip(self.children, state, strict=True))
        if self.is_any:  # any one child met would do: the first that one change can meet
            return next((found for c, s in pairs if (found := c.step(s)) is not None), None)
        unmet = [(c, s) for c, s in pairs if not c.met(s)]
        # All must hold: one change can do it only when exactly one child is unmet.
        return unmet[0][0].step(unmet[0][1]) if len(unmet) == 1 else None


class _NotCond(_Cond):
    __slots__ = ("child",)

    def __init__(self, child: _Cond, says: Mapping[str, Localised]) -> None:
        self.child = child
        self.says = says

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        return not self.child.test(values, ctx)

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        at = len(reasons)
        reasons.append("")
        met = not self.child.explain(values, ctx, lang, reasons, False)
        override = self.says_for("met" if met else "unmet", lang)
        if override is not None:
            reasons[at] = t.fill(override, {"value": "", "threshold": "", "allowed": ""})
        elif root:
            reasons[at] = lang.texts[t.ROOT_NOT_MET if met else t.ROOT_NOT_UNMET]
        else:
            reasons[at] = lang.texts[t.NOT_MET if met else t.NOT_UNMET]
        return met

    def facts(self) -> set[str]:
        return self.child.facts()

    def state(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return self.child.state(values, ctx)

    def met(self, state: Any) -> bool:
        return not self.child.met(state)

    def retarget(self, state: Any, fact: str, probe: Any) -> Any:
        return self.child.retarget(state, fact, probe)


# The smallest step past a strict bound on a decimal fact ("more than 3 years": 3.000000001).
_EPSILON_DECIMAL = Decimal("1E-9")


def _op(op: str) -> Callable[[Any, Any], bool]:
    import operator

    return {
        "<": operator.lt,
        "<=": operator.le,
        ">": operator.gt,
        ">=": operator.ge,
        "=": operator.eq,
        "!=": operator.ne,
    }[op]


class _CompareCond(_Cond):
    """A fact compared with a value; its sentences are prepared per (met, unset) with a slot for the
    fact's own value."""

    __slots__ = (
        "bounded",
        "catalogue",
        "check",
        "code",
        "fact",
        "op",
        "prepared",
        "resolved",
        "show",
        "target",
        "text",
        "value",
    )

    def __init__(self, condition: Compare, fact: FactDef, catalogue: Catalogue, reference: Reference) -> None:
        self.catalogue = catalogue
        # Choice and yes/no values are few: their sentences may be kept whole, keyed by the value.
        self.bounded = fact.type in ("choice", "yes_no")
        self.prepared: dict[_Lang, tuple[dict[Hashable, tuple[str, ...]], Callable[[Any], str]]] = {}
        self.code = fact.code
        self.fact = fact
        self.op = condition.op
        self.says = condition.says
        self.text = _FactText(fact, catalogue)
        self.value: Any = condition.value
        self.resolved: _Resolved | None = None
        # (threshold, probe) of a next step that meets the condition; None when no one value does.
        self.target: tuple[Any, Any] | None = None
        op = condition.op
        if isinstance(condition.value, Amount):
            # "value >= x" with x a multiple of a figure: compare with the whole amount, rounded so
            # that the whole-number comparison is exact (see _resolve).
            self.resolved = _resolve(condition.value, fact, reference, round_up=op in (">=", "<"))
            self.value = number = self.resolved.number
            step = _EPSILON_DECIMAL if fact.type == "decimal" else 1
            self.target = {
                ">=": (number, number),
                "<=": (number, number),
                "=": (number, number),
                ">": (f">{t.number_text(number)}", number + step),
                "<": (f"<{t.number_text(number)}", number - step),
            }.get(op)
        elif op in ("in", "not_in"):
            listed = condition.value
            assert isinstance(listed, tuple)
            self.value = frozenset(listed)
            if op == "in":  # the lowest of the listed options (options are listed from the least)
                order = fact.option_codes() or listed
                lowest = next((o for o in order if o in self.value), listed[0])
                self.target = (lowest, lowest)
        elif op == "in_list":
            self.value = members = reference.lists.get(str(condition.value), frozenset())
            if members:
                self.target = (condition.value, min(members))
        elif op == "=":
            self.target = (condition.value, condition.value)
        elif op == "!=" and fact.type == "yes_no":
            self.target = (not condition.value, not condition.value)
        self.show = condition.value  # as written (for the list name, the allowed options)
        self.check = self._checker()

    def _checker(self) -> Callable[[Any], bool]:
        op, value = self.op, self.value
        if op == "is_set":
            return lambda v: v is not None
        if op == "in":
            return lambda v: v in value
        if op == "not_in":
            return lambda v: v is not None and v not in value
        if op == "in_list":
            return lambda v: v is not None and v in value
        compare = _op(op)
        if self.fact.numeric:
            return lambda v: v is not None and compare(v, value)
        return lambda v: compare(v, value)

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        return self.check(values.get(self.code))

    def facts(self) -> set[str]:
        return {self.code}

    def retarget(self, state: Any, fact: str, probe: Any) -> Any:
        return self.check(probe) if fact == self.code else state

    def step(self, state: Any) -> tuple[str, Any, Any] | None:
        if state or self.target is None:
            return None
        return self.code, self.target[0], self.target[1]

    def value_text(self, values: Mapping[str, Any], lang: _Lang) -> str:
        return self.text.value(values.get(self.code), lang)

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        actual = values.get(self.code)
        met = self.check(actual)
        prepared = self.prepared.get(lang)
        if prepared is None:  # per language: the sentences kept so far and the value's formatter
            prepared = self.prepared[lang] = ({}, self._formatter(lang))
        cache, formatter = prepared
        # A small int for most facts (met, unset); choice and yes/no values are few and kept whole.
        key = (met, actual) if self.bounded else met + 2 * (actual is None)
        pieces = cache.get(key)
        if pieces is None:
            sentence = self._sentence(lang, met, actual is None, actual)
            pieces = cache[key] = tuple(sentence.split("\x00"))
        if len(pieces) == 1:
            reasons.append(pieces[0])
        else:
            reasons.append(formatter(actual).join(pieces))
        return met

    def _formatter(self, lang: _Lang) -> Callable[[Any], str]:
        self.text.value(None, lang)
        return self.text.formatters[False][lang]

    def _allowed(self, lang: _Lang) -> str:
        fact = self.fact
        shown = self.show if isinstance(self.show, tuple) else (self.show,)
        if fact.type == "choice":
            ordered = [o for o in fact.option_codes() if o in shown]
            return ", ".join(fact.option_name(o, lang.code) for o in ordered)
        return ", ".join(lang.name(str(s)) for s in shown)

    def _threshold_text(self, lang: _Lang) -> str:
        if self.resolved is not None:
            return self.text.value(self.resolved.number, lang)
        if self.op in ("in", "not_in"):
            return self._allowed(lang)
        if self.op == "in_list":
            return lang.say(self.catalogue.lists[str(self.show)])
        if self.fact.type == "yes_no":
            return self.text.flag_phrase(bool(self.show), lang)
        if isinstance(self.show, Amount):
            return self.text.value(self.value, lang)
        return self.text.value(self.show, lang) if self.show is not None else ""

    def _sentence(self, lang: _Lang, met: bool, unset: bool, actual: Any) -> str:
        """The reason, with "\\x00" where the fact's value goes."""
        texts = lang.texts
        slot = "\x00"
        override = self.says_for(
            "unset" if unset and "unset" in self.says else ("met" if met else "unmet"), lang
        )
        if override is not None:
            return t.fill(
                override,
                {"value": slot, "threshold": self._threshold_text(lang), "allowed": self._allowed(lang)},
            )
        fact = self.fact
        if fact.type == "yes_no":
            phrase = self.text.flag_phrase(bool(actual), lang)
            return texts[t.FLAG[0 if met else 1]] % {"fact": phrase}
        if unset and fact.type in ("rank", "code"):
            phrase = self.text.unset_phrase(lang)
            if fact.type == "rank" and self.op in ("<=", "<"):
                return texts[t.RANK_UNSET] % {"fact": phrase, "value": self._threshold_text(lang)}
            if self.op == "in_list":
                return texts[t.IN_LIST[1]] % {"fact": phrase, "list": self._threshold_text(lang)}
            return texts[t.IS_SET[0 if met else 1]] % {"fact": phrase}
        phrase = self.text.phrase(slot, lang)
        if self.op == "is_set":
            return texts[t.IS_SET[0 if met else 1]] % {"fact": phrase}
        if self.op == "in_list":
            return texts[t.IN_LIST[0 if met else 1]] % {"fact": phrase, "list": self._threshold_text(lang)}
        if self.op in ("in", "not_in"):
            frames = t.IN_CHOICES if self.op == "in" else t.NOT_IN_CHOICES
            return texts[frames[0 if met else 1]] % {"fact": phrase, "allowed": self._allowed(lang)}
        if (
            self.resolved is not None
            and self.resolved.amount.quantity is not None
            and self.op in t.MULTIPLE_COMPARE
        ):
            quantity = self.resolved.amount.quantity
            return texts[t.MULTIPLE_COMPARE[self.op][0 if met else 1]] % {
                "fact": phrase,
                "times": _times_text(self.resolved.amount),
                "year": self.resolved.quantity_year,
                "quantity": lang.say(self.catalogue.quantities[quantity].label),
                "amount": self._threshold_text(lang),
            }
        if fact.type == "rank" and self.op in t.RANK_COMPARE:
            return texts[t.RANK_COMPARE[self.op][0 if met else 1]] % {
                "fact": phrase,
                "value": self._threshold_text(lang),
            }
        return texts[t.COMPARE[self.op][0 if met else 1]] % {
            "fact": phrase,
            "value": self._threshold_text(lang),
        }


class _PointsCond(_Cond):
    __slots__ = ("check", "label", "of", "op", "value")

    def __init__(self, condition: PointsCompare, label: Localised | None) -> None:
        self.of = condition.of
        self.op = condition.op
        self.value = condition.value
        self.says = condition.says
        self.label = label
        compare = _op(condition.op)
        value = condition.value
        self.check = lambda actual: compare(actual, value)

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        return self.check(ctx.points.get(self.of, 0))

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        actual = ctx.points.get(self.of, 0)
        met = self.check(actual)
        override = self.says_for("met" if met else "unmet", lang)
        texts = lang.texts
        if override is not None:
            reasons.append(
                t.fill(
                    override, {"value": t.points(texts, actual), "threshold": str(self.value), "allowed": ""}
                )
            )
        else:
            name = lang.say(self.label) if self.label else texts[t.TOTAL_NAME]
            reasons.append(
                texts[t.POINTS_COMPARE[0 if met else 1]]
                % {
                    "of": name,
                    "actual": t.points(texts, actual),
                    "op": texts[t.OP_WORDS[self.op]],
                    "value": self.value,
                }
            )
        return met


class _ThresholdCond(_Cond):
    __slots__ = ("code", "judged", "points", "title")

    def __init__(self, condition: ThresholdReached, version: Version) -> None:
        self.judged: dict[
            _Lang, dict[tuple[int, int, tuple[Localised, ...]], tuple[bool, tuple[str, ...]]]
        ] = {}
        threshold = version.threshold(condition.code)
        assert threshold is not None  # the reader checked
        self.code = threshold.code
        self.points = threshold.points
        self.title = threshold.title
        self.says = {**threshold.says, **condition.says}

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        return ctx.points.get("total", 0) >= self.points

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        total = ctx.points.get("total", 0)
        cache = self.judged.get(lang)
        if cache is None:
            cache = self.judged[lang] = {}
        key = (total, ctx.claimed, ctx.claimed_titles)  # bounded by the version's maxima and bonuses
        judged = cache.get(key)
        if judged is None:
            judged = cache[key] = self._judge(lang, total, ctx.claimed, ctx.claimed_titles)
        met, lines = judged
        reasons.extend(lines)
        return met

    def _judge(
        self, lang: _Lang, total: int, claimed: int, claimed_titles: tuple[Localised, ...]
    ) -> tuple[bool, tuple[str, ...]]:
        texts = lang.texts
        met = total >= self.points
        title = lang.say(self.title)
        params = {"total": t.points(texts, total), "points": str(self.points), "title": title}
        override = self.says_for("met" if met else "unmet", lang)
        if override is not None:
            lines = [t.fill(override, params)]
        else:
            lines = [texts[t.THRESHOLD_MET if met else t.THRESHOLD_UNMET] % params]
        if claimed:
            # {title} in the "claimed" sentence names the claimed bonuses, not the threshold.
            bonus_params = {
                "bonus": t.points(texts, claimed),
                "title": ", ".join(lang.say(title) for title in claimed_titles),
            }
            claim = self.says_for("claimed", lang)
            lines.append(t.fill(claim, bonus_params) if claim else texts[t.THRESHOLD_CLAIMED] % bonus_params)
        return met, tuple(lines)


def _compile_condition(condition: Condition, version: Version, reference: Reference) -> _Cond:
    if isinstance(condition, AllOf | AnyOf):
        children = tuple(_compile_condition(c, version, reference) for c in condition.conditions)
        return _GroupCond(children, isinstance(condition, AnyOf), condition.says)
    if isinstance(condition, Not):
        return _NotCond(_compile_condition(condition.condition, version, reference), condition.says)
    if isinstance(condition, ThresholdReached):
        return _ThresholdCond(condition, version)
    if isinstance(condition, PointsCompare):
        group = next((g for g in version.groups if g.code == condition.of), None)
        criterion = version.criterion(condition.of)
        label = group.title if group else (criterion.title if criterion else None)
        return _PointsCond(condition, label)
    fact = version.catalogue.fact(condition.fact)
    return _CompareCond(condition, fact, version.catalogue, reference)


# --------------------------------------------------------------------------------------------------
# Points rules, compiled. A criterion's leaves each reduce the profile to a small outcome (a band,
# an option, yes/no); the tuple of outcomes is the criterion's key.

Key = tuple[Hashable, ...]
# A next step: the fact, its threshold as shown, a value that reaches it, and its sentence.
_Candidate = tuple[str, Any, Any, Callable[[str], str]]


class _Node:
    __slots__ = ("cap", "says")
    cap: int | None
    says: Mapping[str, Localised]

    def raw(self, key: Key) -> int:
        raise NotImplementedError

    def value(self, key: Key) -> int:
        raw = self.raw(key)
        cap = self.cap
        return raw if cap is None or raw <= cap else cap

    def collect(self, leaves: list[_Leaf]) -> None:
        raise NotImplementedError

    def parts(self, key: Key, lang: _Lang) -> list[str]:
        """This node's sentences inside a sum ("... : 4 points.")."""
        raise NotImplementedError

    def alone(self, key: Key, lang: _Lang, points_of_max: str) -> list[str]:
        """This node's sentences as a whole criterion (the points shown out of the maximum)."""
        raise NotImplementedError

    def steps(self, key: Key, crit: _Crit, lang: _Lang) -> list[tuple[int, NextStep]]:
        raise NotImplementedError

    def say(self, role: str, lang: _Lang) -> str | None:
        text = self.says.get(role)
        return lang.say(text) if text is not None else None


class _Leaf(_Node):
    __slots__ = ("index",)

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        raise NotImplementedError

    def outcome_fn(self) -> Callable[[Mapping[str, Any], _Ctx], Hashable]:
        """``outcome`` as a plain function (it runs for every profile)."""
        return self.outcome

    def at(self, outcome: Any) -> int:
        raise NotImplementedError

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        return ""

    def filler(self, kind: int, lang: _Lang) -> Callable[[Mapping[str, Any]], str]:
        """What fills a slot of this leaf, bound to the language once (it runs for every profile)."""
        return lambda values: self.slot(values, kind, lang)

    def sentence(self, outcome: Any, lang: _Lang, points_text: str) -> str:
        raise NotImplementedError

    def candidates(self, outcome: Any, lang: _Lang) -> list[_Candidate]:
        return []

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        """This leaf's outcome had ``fact`` been ``probe``, every other fact unchanged."""
        return outcome

    def raw(self, key: Key) -> int:
        return self.at(key[self.index])

    def collect(self, leaves: list[_Leaf]) -> None:
        self.index = len(leaves)
        leaves.append(self)

    def parts(self, key: Key, lang: _Lang) -> list[str]:
        return [self.sentence(key[self.index], lang, t.points(lang.texts, self.value(key)))]

    def alone(self, key: Key, lang: _Lang, points_of_max: str) -> list[str]:
        return [self.sentence(key[self.index], lang, points_of_max)]

    def steps(self, key: Key, crit: _Crit, lang: _Lang) -> list[tuple[int, NextStep]]:
        out: list[tuple[int, NextStep]] = []
        current = crit.points(key)
        for fact, threshold, probe, make in self.candidates(key[self.index], lang):
            # The gain of changing the fact wherever the criterion reads it, after every cap.
            gain = crit.points(crit.with_fact(key, fact, probe)) - current
            if gain > 0:
                out.append((gain, NextStep(fact, threshold, gain, make(t.points(lang.texts, gain)))))
        return out

    def _step_text(
        self,
        lang: _Lang,
        generic_fact: str,
        target: str,
        override: Localised | None = None,
        role: str = "step",
    ) -> Callable[[str], str]:
        """How a step reads: the band's or the rule's own sentence (``{target}``, ``{points}``), else
        "<the fact at its target> would add <points>."."""
        said = lang.say(override) if override is not None else self.say(role, lang)
        return _step_maker(lang, said, generic_fact, target)


def _step_maker(lang: _Lang, override: str | None, generic_fact: str, target: str) -> Callable[[str], str]:
    if override is not None:
        return lambda points: t.fill(override, {"target": target, "points": points})
    frame = lang.texts[t.STEP]
    return lambda points: frame % {"fact": generic_fact, "points": points}


@dataclass(frozen=True, slots=True)
class _Toward:
    """The nearest band that earns more: its place, the threshold to reach, how that reads."""

    place: int
    threshold: Any  # a number, or ">x" / "<x" for a strict bound
    number: Decimal | int
    frame: str  # "%(value)s or more", ...
    probe: Any  # a value inside the band


def _toward(
    bounds: _Bounds, points: Sequence[int], current: int, outcome: int, prefer_low: bool
) -> _Toward | None:
    """The band nearest to ``outcome`` (a value's place) that earns more than ``current``: moving up
    it is reached at its lower bound, moving down at its upper bound. Ties go up, or down for a rank
    (where a smaller number is better)."""
    here = 2 * bounds.count if outcome == -1 else outcome
    better = [j for j in range(bounds.count) if points[j] > current]
    if not better:
        return None

    def distance(j: int) -> tuple[int, bool]:
        place = 2 * j + 1
        return abs(place - here), (place > here) if prefer_low else (place < here)

    j = min(better, key=distance)
    band = bounds.bands[j]
    low, high = bounds.resolved[j]
    step = _EPSILON_DECIMAL if isinstance(bounds.lows[j], Decimal) else 1
    if 2 * j + 1 > here and low is not None:
        number = low.number
        if band.low_inclusive:
            return _Toward(2 * j + 1, number, number, t.BAND_AT_LEAST, number)
        return _Toward(2 * j + 1, f">{t.number_text(number)}", number, t.BAND_MORE_THAN, number + step)
    assert high is not None  # a band below the value has an upper bound
    number = high.number
    if band.high_inclusive:
        return _Toward(2 * j + 1, number, number, t.BAND_AT_MOST, number)
    return _Toward(2 * j + 1, f"<{t.number_text(number)}", number, t.BAND_BELOW, number - step)


class _BandsLeaf(_Leaf):
    __slots__ = ("bounds", "code", "fact", "multiple", "otherwise", "points", "quantity_label", "text")

    def __init__(self, rule: BandsRule, catalogue: Catalogue, reference: Reference, path: str) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.fact = catalogue.fact(rule.fact)
        self.code = rule.fact
        self.text = _FactText(self.fact, catalogue)
        self.bounds = _Bounds(rule.bands, self.fact, reference, path)
        self.points = tuple(b.points for b in self.bounds.bands)
        self.otherwise = rule.otherwise
        # The figure a money value is shown as a multiple of, when the thresholds are multiples of one.
        self.multiple = next(
            (r for pair in self.bounds.resolved for r in pair if r is not None and r.amount.quantity), None
        )
        quantity = self.multiple.amount.quantity if self.multiple else None
        self.quantity_label = catalogue.quantities[quantity].label if quantity else None

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> int:
        value = values.get(self.code)
        return -1 if value is None else self.bounds.place(value)

    def outcome_fn(self) -> Callable[[Mapping[str, Any], _Ctx], Hashable]:
        code, place = self.code, self.bounds.place

        def outcome(values: Mapping[str, Any], ctx: _Ctx) -> int:
            value = values.get(code)
            return -1 if value is None else place(value)

        return outcome

    def at(self, outcome: int) -> int:
        return self.points[outcome >> 1] if outcome & 1 and outcome > 0 else self.otherwise

    def filler(self, kind: int, lang: _Lang) -> Callable[[Mapping[str, Any]], str]:
        code = self.code
        if kind:
            assert self.multiple is not None
            assert self.multiple.quantity_amount
            figure = self.multiple.quantity_amount

            def ratio(values: Mapping[str, Any]) -> str:
                # Rounded down to two decimals: 124,887,499 KRW must not read as "2.50 times".
                hundredths = int(values.get(code) or 0) * 100 // figure
                return f"{hundredths // 100}.{hundredths % 100:02d}"

            return ratio
        self.text.value(None, lang)  # make the language's formatter
        formatter = self.text.formatters[False][lang]
        return lambda values: formatter(values.get(code))

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        value = values.get(self.code)
        if kind == 0:
            return self.text.value(value, lang)
        assert self.multiple is not None
        assert self.multiple.quantity_amount
        # Shown rounded down to two decimals: 124,887,499 KRW must not read as "2.50 times".
        hundredths = int(value or 0) * 100 // self.multiple.quantity_amount
        return f"{hundredths // 100}.{hundredths % 100:02d}"

    # ---- how thresholds and bands read

    def _bound(self, resolved: _Resolved, lang: _Lang) -> str:
        if resolved.amount.quantity is not None:
            return lang.texts[t.TIMES] % {"times": _times_text(resolved.amount)}
        return self.text.value(resolved.number, lang, short=True)

    def _band(self, outcome: int, lang: _Lang) -> str:
        texts = lang.texts
        bounds = self.bounds
        rank = self.fact.type == "rank"
        if outcome & 1 and outcome > 0:
            position = outcome >> 1
            band = bounds.bands[position]
            low, high = bounds.resolved[position]
            override = band.says.get("band")
            if override is not None:
                names = {
                    ("min" if band.low_inclusive else "above"): self._bound(low, lang) if low else "",
                    ("max" if band.high_inclusive else "below"): self._bound(high, lang) if high else "",
                }
                return t.fill(lang.say(override), names)
            if low and high and low.number == high.number and band.low_inclusive and band.high_inclusive:
                return texts[t.BAND_EXACTLY] % {"value": self._bound(low, lang)}
            if rank and high is not None and band.high_inclusive:
                if low is None:
                    return texts[t.RANK_TOP] % {"max_rank": self._bound(high, lang)}
                if band.low_inclusive:
                    return texts[t.RANK_RANGE] % {
                        "low": self._bound(low, lang),
                        "high": self._bound(high, lang),
                    }
            return _describe(
                texts,
                self._bound(low, lang) if low else None,
                band.low_inclusive,
                self._bound(high, lang) if high else None,
                band.high_inclusive,
            )
        if rank:
            return texts[t.RANK_OTHER]
        if outcome == 0:  # below every band
            first_low = bounds.resolved[0][0]
            if first_low is not None:
                return texts[t.BAND_BELOW] % {"value": self._bound(first_low, lang)}
        if outcome == 2 * bounds.count:  # above every band
            last = bounds.bands[-1]
            last_high = bounds.resolved[-1][1]
            if last_high is not None:
                frame = t.BAND_MORE_THAN if last.high_inclusive else t.BAND_AT_LEAST
                return texts[frame] % {"value": self._bound(last_high, lang)}
        return texts[t.BAND_NONE]

    def sentence(self, outcome: int, lang: _Lang, points_text: str) -> str:
        texts = lang.texts
        if outcome == -1:
            override = self.say("part_unset", lang)
            if override is not None:
                return t.fill(
                    override, {"points": points_text, "band": self._band(outcome, lang), "value": ""}
                )
            return texts[t.PART] % {"fact": self.text.unset_phrase(lang), "points": points_text}
        band = self._band(outcome, lang)
        value = _mark(self.index, 0)
        override = self.say("part", lang)
        if override is not None:
            return t.fill(override, {"value": value, "band": band, "points": points_text})
        fact = self.text.phrase(value, lang)
        if self.multiple is not None:
            assert self.quantity_label is not None
            assert self.multiple.quantity_amount is not None
            fact = texts[t.VALUE_AS_MULTIPLE] % {
                "fact": fact,
                "ratio": _mark(self.index, 1),
                "year": self.multiple.quantity_year,
                "quantity": lang.say(self.quantity_label),
                "amount": self.text.value(self.multiple.quantity_amount, lang),
            }
        return texts[t.PART_IN_BAND] % {"fact": fact, "band": band, "points": points_text}

    def candidates(self, outcome: int, lang: _Lang) -> list[_Candidate]:
        if not self.fact.changeable:
            return []
        toward = _toward(self.bounds, self.points, self.at(outcome), outcome, self.fact.type == "rank")
        if toward is None:
            return []
        band = self.bounds.bands[toward.place >> 1]
        at_target = lang.texts[toward.frame] % {"value": self.text.value(toward.number, lang)}
        target = self.text.value(toward.number, lang, short=True)
        make = self._step_text(lang, self.text.phrase(at_target, lang), target, band.says.get("step"))
        return [(self.code, toward.threshold, toward.probe, make)]

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        if fact != self.code:
            return outcome
        return -1 if probe is None else self.bounds.place(probe)


def _describe(texts: t.Texts, low: str | None, low_in: bool, high: str | None, high_in: bool) -> str:
    if low and high:
        frame = {
            (True, True): t.BAND_BETWEEN,
            (True, False): t.BAND_FROM_BELOW,
            (False, True): t.BAND_ABOVE_TO,
            (False, False): t.BAND_ABOVE_BELOW,
        }[(low_in, high_in)]
        return texts[frame] % {"low": low, "high": high}
    if low:
        return texts[t.BAND_AT_LEAST if low_in else t.BAND_MORE_THAN] % {"value": low}
    assert high
    return texts[t.BAND_AT_MOST if high_in else t.BAND_BELOW] % {"value": high}


class _ChoiceLeaf(_Leaf):
    __slots__ = ("code", "fact", "order", "otherwise", "points", "text")

    def __init__(self, rule: ChoiceRule, catalogue: Catalogue) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.code = rule.fact
        self.fact = catalogue.fact(rule.fact)
        self.text = _FactText(self.fact, catalogue)
        self.points = dict(rule.points)
        self.otherwise = rule.otherwise
        listed = [code for code, _ in rule.points]
        self.order = tuple(self.fact.option_codes()) if self.fact.type == "choice" else tuple(listed)

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> str | None:
        value = values.get(self.code)
        return value if value in self.points else None

    def at(self, outcome: str | None) -> int:
        return self.otherwise if outcome is None else self.points[outcome]

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        return self.text.value(values.get(self.code), lang)

    def sentence(self, outcome: str | None, lang: _Lang, points_text: str) -> str:
        value = _mark(self.index)
        override = self.say("part", lang)
        if override is not None:
            return t.fill(override, {"value": value, "points": points_text})
        return lang.texts[t.PART] % {"fact": self.text.phrase(value, lang), "points": points_text}

    def candidates(self, outcome: str | None, lang: _Lang) -> list[_Candidate]:
        if not self.fact.changeable:
            return []
        current = self.at(outcome)
        here = self.order.index(outcome) if outcome in self.order else len(self.order)
        better = [i for i, code in enumerate(self.order) if self.points.get(code, self.otherwise) > current]
        if not better:
            return []
        after = [i for i in better if i > here]
        code = self.order[after[0] if after else better[-1]]
        name = self.text.value(code, lang)
        make = self._step_text(lang, self.text.phrase(name, lang), name)
        return [(self.code, code, code, make)]

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        if fact != self.code:
            return outcome
        return probe if probe in self.points else None


class _YesNoLeaf(_Leaf):
    __slots__ = ("code", "fact", "no", "text", "yes")

    def __init__(self, rule: YesNoRule, catalogue: Catalogue) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.code = rule.fact
        self.fact = catalogue.fact(rule.fact)
        self.text = _FactText(self.fact, catalogue)
        self.yes, self.no = rule.yes, rule.no

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        return bool(values.get(self.code))

    def outcome_fn(self) -> Callable[[Mapping[str, Any], _Ctx], Hashable]:
        code = self.code
        return lambda values, ctx: bool(values.get(code))

    def at(self, outcome: bool) -> int:
        return self.yes if outcome else self.no

    def sentence(self, outcome: bool, lang: _Lang, points_text: str) -> str:
        override = self.say("part" if outcome else "part_no", lang) or (
            self.say("part", lang) if outcome else None
        )
        phrase = self.text.flag_phrase(outcome, lang)
        if override is not None:
            return t.fill(override, {"value": phrase, "points": points_text})
        return lang.texts[t.PART] % {"fact": phrase, "points": points_text}

    def candidates(self, outcome: bool, lang: _Lang) -> list[_Candidate]:
        if not self.fact.changeable or self.at(not outcome) <= self.at(outcome):
            return []
        phrase = self.text.flag_phrase(not outcome, lang)
        return [(self.code, not outcome, not outcome, self._step_text(lang, phrase, phrase))]

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        return bool(probe) if fact == self.code else outcome


class _IfLeaf(_Leaf):
    __slots__ = ("cond", "otherwise", "then")

    def __init__(self, rule: IfRule, cond: _Cond) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.cond = cond
        self.then, self.otherwise = rule.then, rule.otherwise

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return self.cond.state(values, ctx)

    def outcome_fn(self) -> Callable[[Mapping[str, Any], _Ctx], Hashable]:
        if isinstance(self.cond, _CompareCond):  # a comparison's state is its verdict
            check, code = self.cond.check, self.cond.code
            return lambda values, ctx: check(values.get(code))
        return self.outcome

    def at(self, outcome: Any) -> int:
        return self.then if self.cond.met(outcome) else self.otherwise

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        return self.cond.retarget(outcome, fact, probe)

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        return self.cond.value_text(values, lang)

    def sentence(self, outcome: Any, lang: _Lang, points_text: str) -> str:
        met = self.cond.met(outcome)
        value = _mark(self.index)
        override = self.say("part" if met else "part_no", lang)
        if override is not None:
            return t.fill(override, {"value": value, "points": points_text})
        if isinstance(self.cond, _CompareCond):
            return lang.texts[t.PART] % {"fact": self.cond.text.phrase(value, lang), "points": points_text}
        return lang.texts[t.IF_MET if met else t.IF_UNMET] % {"points": points_text}

    def candidates(self, outcome: Any, lang: _Lang) -> list[_Candidate]:
        if self.cond.met(outcome) or self.then <= self.otherwise:
            return []
        found = self.cond.step(outcome)
        return [] if found is None else [_condition_step(self, lang, *found)]


class _AnyOfLeaf(_Leaf):
    __slots__ = ("conds", "points")

    def __init__(self, rule: AnyOfRule, conds: tuple[_Cond, ...]) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.conds = conds
        self.points = rule.points

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return tuple([c.state(values, ctx) for c in self.conds])

    def _first_met(self, outcome: Any) -> int:
        return next((i for i, (c, s) in enumerate(zip(self.conds, outcome, strict=True)) if c.met(s)), -1)

    def at(self, outcome: Any) -> int:
        return self.points if self._first_met(outcome) >= 0 else 0

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        return tuple(c.retarget(s, fact, probe) for c, s in zip(self.conds, outcome, strict=True))

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        return self.conds[kind].value_text(values, lang)

    def sentence(self, outcome: Any, lang: _Lang, points_text: str) -> str:
        outcome = self._first_met(outcome)
        if outcome < 0:
            override = self.say("part_no", lang)
            if override is not None:
                return t.fill(override, {"points": points_text})
            return lang.texts[t.ANY_NONE] % {"points": points_text}
        value = _mark(self.index, outcome)
        override = self.say("part", lang)
        if override is not None:
            return t.fill(override, {"value": value, "points": points_text})
        cond = self.conds[outcome]
        if isinstance(cond, _CompareCond):
            return lang.texts[t.PART] % {"fact": cond.text.phrase(value, lang), "points": points_text}
        return lang.texts[t.IF_MET] % {"points": points_text}

    def candidates(self, outcome: Any, lang: _Lang) -> list[_Candidate]:
        if self._first_met(outcome) >= 0:
            return []
        found = next(
            (step for c, s in zip(self.conds, outcome, strict=True) if (step := c.step(s)) is not None), None
        )
        return [] if found is None else [_condition_step(self, lang, *found)]


def _condition_step(leaf: _Leaf, lang: _Lang, fact: str, threshold: Any, probe: Any) -> _Candidate:
    """A step that meets a condition: the rule's own sentence ({target}: the threshold), or "Meeting
    this condition would add ..."."""
    override = leaf.say("step", lang)
    if override is not None:
        target = str(threshold)
        return fact, threshold, probe, lambda points: t.fill(override, {"target": target, "points": points})
    frame = lang.texts[t.STEP_CONDITION]
    return fact, threshold, probe, lambda points: frame % {"points": points}


class _ScaleLeaf(_Leaf):
    __slots__ = ("code", "fact", "of", "points", "text")

    def __init__(self, rule: ScaleRule, catalogue: Catalogue) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.code = rule.fact
        self.fact = catalogue.fact(rule.fact)
        self.text = _FactText(self.fact, catalogue)
        self.of, self.points = rule.of, rule.points

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> int:
        rating = values.get(self.code) or 0
        return rating if rating < self.of else self.of

    def outcome_fn(self) -> Callable[[Mapping[str, Any], _Ctx], Hashable]:
        code, of = self.code, self.of

        def outcome(values: Mapping[str, Any], ctx: _Ctx) -> int:
            rating = values.get(code) or 0
            return rating if rating < of else of

        return outcome

    def at(self, outcome: int) -> int:
        return outcome * self.points // self.of

    def _rated(self, rating: int, lang: _Lang) -> str:
        """ "Core-technology role rated 4 of 5": the unit's scale wording, else the grammar's."""
        unit = self.text.unit
        if unit is not None and unit.scale is not None:
            rated = t.fill(lang.say(unit.scale), {"n": str(rating), "of": str(self.of)})
        else:
            rated = lang.texts[t.SCALE_VALUE] % {"value": rating, "of": self.of}
        return self.text.phrase(rated, lang)

    def sentence(self, outcome: int, lang: _Lang, points_text: str) -> str:
        override = self.say("part", lang)
        if override is not None:
            return t.fill(override, {"value": str(outcome), "points": points_text})
        return lang.texts[t.PART] % {"fact": self._rated(outcome, lang), "points": points_text}

    def candidates(self, outcome: int, lang: _Lang) -> list[_Candidate]:
        if not self.fact.changeable:
            return []
        current = self.at(outcome)
        # The lowest higher rating that earns more points (a coarse scale can make several equal).
        up = next((r for r in range(outcome + 1, self.of + 1) if self.at(r) > current), None)
        if up is None:
            return []
        return [(self.code, up, up, self._step_text(lang, self._rated(up, lang), str(up)))]

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        if fact != self.code:
            return outcome
        rating = probe or 0
        return rating if rating < self.of else self.of


class _TableLeaf(_Leaf):
    """Points over two facts: one row per option of a choice fact, one column per band of another."""

    __slots__ = ("column", "matrix", "row_code", "row_fact", "row_says", "row_text", "rows")

    def __init__(self, rule: TableRule, catalogue: Catalogue, reference: Reference, path: str) -> None:
        from apps.rubric.language.document import Common

        self.cap = rule.common.cap
        self.says = rule.common.says
        self.row_code = rule.row_fact
        self.row_fact = catalogue.fact(rule.row_fact)
        self.row_text = _FactText(self.row_fact, catalogue)
        self.column = _BandsLeaf(
            BandsRule(rule.column_fact, rule.columns, 0, Common()), catalogue, reference, path
        )
        # The column leaf lists its bands in ascending order of value; the matrix follows it.
        order = [rule.columns.index(b) for b in self.column.bounds.bands]
        self.matrix = {row: (*(cells[i] for i in order), cells[-1]) for row, cells in rule.points}
        self.rows = self.row_fact.option_codes()
        self.row_says = rule.row_says

    def collect(self, leaves: list[_Leaf]) -> None:
        super().collect(leaves)
        self.column.index = self.index

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> tuple[str, int]:
        return values[self.row_code], self.column.outcome(values, ctx)

    def _cell(self, row: str, place: int) -> int:
        cells = self.matrix[row]
        return cells[place >> 1] if place & 1 and place > 0 else cells[-1]

    def at(self, outcome: tuple[str, int]) -> int:
        return self._cell(*outcome)

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        return self.column.slot(values, kind, lang)

    def _row_say(self, row: str, role: str, lang: _Lang) -> str | None:
        text = self.row_says.get(row, {}).get(role)
        return lang.say(text) if text is not None else None

    def sentence(self, outcome: tuple[str, int], lang: _Lang, points_text: str) -> str:
        row, place = outcome
        row_name = self._row_say(row, "name", lang) or self.row_fact.option_name(row, lang.code)
        band = self.column._band(place, lang)
        value = _mark(self.index)
        params = {"value": value, "band": band, "points": points_text, "row": row_name}
        override = self._row_say(row, "part", lang) or self.say("part_unset" if place == -1 else "part", lang)
        if override is None and place == -1:
            override = self.say("part", lang)
        if override is not None:
            return t.fill(override, params)
        column = self.column.text.unset_phrase(lang) if place == -1 else self.column.text.phrase(value, lang)
        fact = f"{self.row_text.phrase(row_name, lang)}, {column}"
        return lang.texts[t.PART_IN_BAND] % {"fact": fact, "band": band, "points": points_text}

    def candidates(self, outcome: tuple[str, int], lang: _Lang) -> list[_Candidate]:
        """A better column for the same row (a better-ranked school), then a better row in the same
        column (a higher degree)."""
        row, place = outcome
        current = self._cell(row, place)
        out: list[_Candidate] = []
        column = self.column
        if column.fact.changeable:
            points = [self.matrix[row][j] for j in range(column.bounds.count)]
            toward = _toward(column.bounds, points, current, place, column.fact.type == "rank")
            if toward is not None:
                at_target = lang.texts[toward.frame] % {"value": column.text.value(toward.number, lang)}
                target = column.text.value(toward.number, lang, short=True)
                make = self._step_text(lang, column.text.phrase(at_target, lang), target, role="step_column")
                out.append((column.code, toward.threshold, toward.probe, make))
        if self.row_fact.changeable and row in self.rows:
            start = self.rows.index(row) + 1
            higher = next((r for r in self.rows[start:] if self._cell(r, place) > current), None)
            if higher is not None:
                name = self.row_fact.option_name(higher, lang.code)
                override = self.row_says.get(higher, {}).get("step")
                make = self._step_text(lang, self.row_text.phrase(name, lang), name, override)
                out.append((self.row_code, higher, higher, make))
        return out

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        row, place = outcome
        if fact == self.row_code:
            row = probe
        return row, self.column.with_fact(place, fact, probe)


class _Sum(_Node):
    __slots__ = ("children",)

    def __init__(self, children: tuple[_Node, ...], cap: int | None, says: Mapping[str, Localised]) -> None:
        self.children = children
        self.cap = cap
        self.says = says

    def raw(self, key: Key) -> int:
        return sum([c.value(key) for c in self.children])

    def collect(self, leaves: list[_Leaf]) -> None:
        for child in self.children:
            child.collect(leaves)

    def parts(self, key: Key, lang: _Lang) -> list[str]:
        return [sentence for child in self.children for sentence in child.parts(key, lang)]

    def alone(self, key: Key, lang: _Lang, points_of_max: str) -> list[str]:
        return self.parts(key, lang)

    def steps(self, key: Key, crit: _Crit, lang: _Lang) -> list[tuple[int, NextStep]]:
        return [step for child in self.children for step in child.steps(key, crit, lang)]


class _Best(_Node):
    """The best of mutually exclusive options; explained by the option that earned it (the first of
    equals), and its next step is the nearest one: the smallest gain any option offers."""

    __slots__ = ("options",)

    def __init__(self, options: tuple[_Node, ...], cap: int | None, says: Mapping[str, Localised]) -> None:
        self.options = options
        self.cap = cap
        self.says = says

    def raw(self, key: Key) -> int:
        return max([o.value(key) for o in self.options])

    def collect(self, leaves: list[_Leaf]) -> None:
        for option in self.options:
            option.collect(leaves)

    def _winner(self, key: Key) -> _Node:
        best = self.raw(key)
        return next(o for o in self.options if o.value(key) == best)

    def _none(self, key: Key, lang: _Lang, points_text: str) -> list[str] | None:
        override = self.say("part_none", lang)
        if override is not None and self.raw(key) == 0:
            return [t.fill(override, {"points": points_text})]
        return None

    def parts(self, key: Key, lang: _Lang) -> list[str]:
        return self._none(key, lang, t.points(lang.texts, 0)) or self._winner(key).parts(key, lang)

    def alone(self, key: Key, lang: _Lang, points_of_max: str) -> list[str]:
        return self._none(key, lang, points_of_max) or self._winner(key).alone(key, lang, points_of_max)

    def steps(self, key: Key, crit: _Crit, lang: _Lang) -> list[tuple[int, NextStep]]:
        offered = [step for option in self.options for step in option.steps(key, crit, lang)]
        if not offered:
            return []
        nearest = min(gain for gain, _ in offered)
        return [next(step for step in offered if step[0] == nearest)]


class _WhenLeaf(_Leaf):
    """The condition of a rule's ``when``: an outcome of the key, worth nothing by itself."""

    __slots__ = ("cond",)

    def __init__(self, cond: _Cond) -> None:
        self.cond = cond
        self.cap = None
        self.says: Mapping[str, Localised] = {}

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return self.cond.state(values, ctx)

    def at(self, outcome: Any) -> int:
        return 0

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        return self.cond.retarget(outcome, fact, probe)


class _When(_Node):
    __slots__ = ("child", "gate")

    def __init__(self, child: _Node, gate: _WhenLeaf) -> None:
        self.child = child
        self.gate = gate
        self.cap = None
        self.says: Mapping[str, Localised] = {}

    def raw(self, key: Key) -> int:
        return self.child.value(key) if self.gate.cond.met(key[self.gate.index]) else 0

    def collect(self, leaves: list[_Leaf]) -> None:
        self.gate.collect(leaves)
        self.child.collect(leaves)

    def parts(self, key: Key, lang: _Lang) -> list[str]:
        return self.child.parts(key, lang) if self.gate.cond.met(key[self.gate.index]) else []

    def alone(self, key: Key, lang: _Lang, points_of_max: str) -> list[str]:
        if self.gate.cond.met(key[self.gate.index]):
            return self.child.alone(key, lang, points_of_max)
        return [lang.texts[t.IF_UNMET] % {"points": points_of_max}]

    def steps(self, key: Key, crit: _Crit, lang: _Lang) -> list[tuple[int, NextStep]]:
        return self.child.steps(key, crit, lang) if self.gate.cond.met(key[self.gate.index]) else []


def _compile_rule(rule: Rule, version: Version, reference: Reference, path: str) -> _Node:
    catalogue = version.catalogue
    node: _Node
    if isinstance(rule, BandsRule):
        node = _BandsLeaf(rule, catalogue, reference, path)
    elif isinstance(rule, ChoiceRule):
        node = _ChoiceLeaf(rule, catalogue)
    elif isinstance(rule, YesNoRule):
        node = _YesNoLeaf(rule, catalogue)
    elif isinstance(rule, IfRule):
        node = _IfLeaf(rule, _compile_condition(rule.condition, version, reference))
    elif isinstance(rule, TableRule):
        node = _TableLeaf(rule, catalogue, reference, path)
    elif isinstance(rule, ScaleRule):
        node = _ScaleLeaf(rule, catalogue)
    elif isinstance(rule, SumRule):
        children = tuple(
            _compile_rule(p, version, reference, f"{path}.sum[{i}]") for i, p in enumerate(rule.parts)
        )
        node = _Sum(children, rule.common.cap, rule.common.says)
    elif isinstance(rule, BestOfRule):
        options = tuple(
            _compile_rule(p, version, reference, f"{path}.best_of[{i}]") for i, p in enumerate(rule.options)
        )
        node = _Best(options, rule.common.cap, rule.common.says)
    else:
        conds = tuple(_compile_condition(c, version, reference) for c in rule.conditions)
        node = _AnyOfLeaf(rule, conds)
    if rule.common.when is not None:
        node = _When(node, _WhenLeaf(_compile_condition(rule.common.when, version, reference)))
    return node


# --------------------------------------------------------------------------------------------------
# Criteria


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Everything a criterion's key decides, in one language; ``pieces`` holds text and the
    positions in ``slots`` where a profile's own values go."""

    points: int
    title: str
    template: str  # the explanation, "%s" where a value of the profile goes
    fillers: tuple[Callable[[Mapping[str, Any]], str], ...]  # one per "%s"
    steps: tuple[NextStep, ...]
    result: CriterionResult | None  # the whole result, when no value of the profile is in the text


class _Crit:
    __slots__ = ("basis", "code", "group", "leaves", "max", "outcomes", "prepared", "root", "title")

    def __init__(self, criterion: Criterion, version: Version, reference: Reference) -> None:
        self.code = criterion.code
        self.title = criterion.title
        self.group = criterion.group
        self.basis = criterion.basis
        self.max = criterion.max
        self.root = _compile_rule(criterion.rule, version, reference, f"criteria.{criterion.code}.points")
        leaves: list[_Leaf] = []
        self.root.collect(leaves)
        self.leaves = tuple(leaves)
        self.outcomes = tuple(leaf.outcome_fn() for leaf in leaves)
        # language -> key -> what the key decides; bounded by the version (keys are band positions).
        self.prepared: dict[_Lang, dict[Key, _Prepared]] = {}

    def key(self, values: Mapping[str, Any], ctx: _Ctx) -> Key:
        return tuple([outcome(values, ctx) for outcome in self.outcomes])

    def points(self, key: Key) -> int:
        value = self.root.value(key)
        return value if value <= self.max else self.max

    def with_fact(self, key: Key, fact: str, probe: Any) -> Key:
        return tuple(
            [leaf.with_fact(outcome, fact, probe) for leaf, outcome in zip(self.leaves, key, strict=True)]
        )

    def prepare(self, key: Key, lang: _Lang) -> _Prepared:
        texts = lang.texts
        points = self.points(key)
        points_of_max = t.points_of_max(texts, points, self.max)
        if isinstance(self.root, _Sum):
            raw = self.root.raw(key)
            frame = t.TOTAL_CAPPED if raw > points else t.TOTAL
            sentences = [*self.root.parts(key, lang), texts[frame] % {"points_of_max": points_of_max}]
        else:
            sentences = self.root.alone(key, lang, points_of_max)
        # The explanation as a %-template: its text with "%" doubled and "%s" where a value goes,
        # so a profile's explanation is one formatting of the values it shows.
        template: list[str] = []
        slots: list[tuple[int, int]] = []
        for piece in _pieces(" ".join(sentences)):
            if isinstance(piece, tuple):
                slots.append(piece)
                template.append("%s")
            else:
                template.append(piece.replace("%", "%%"))
        # One step per change: two leaves reading one fact would otherwise offer the same change twice.
        steps: list[NextStep] = []
        for _, step in self.root.steps(key, self, lang):
            if not any(s.fact == step.fact and s.threshold == step.threshold for s in steps):
                steps.append(step)
        title = lang.say(self.title)
        text = "".join(template)
        result = None
        if not slots:
            result = CriterionResult(self.code, title, points, self.max, self.basis, text % (), tuple(steps))
        fillers = tuple(self.leaves[leaf].filler(kind, lang) for leaf, kind in slots)
        return _Prepared(points, title, text, fillers, tuple(steps), result)

    def evaluate(self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang) -> CriterionResult:
        key = tuple([outcome(values, ctx) for outcome in self.outcomes])
        cache = self.prepared.get(lang)
        if cache is None:
            cache = self.prepared[lang] = {}
        prepared = cache.get(key)
        if prepared is None:
            prepared = cache[key] = self.prepare(key, lang)
        if prepared.result is not None:
            return prepared.result
        explanation = prepared.template % tuple([fill(values) for fill in prepared.fillers])
        return CriterionResult(
            self.code, prepared.title, prepared.points, self.max, self.basis, explanation, prepared.steps
        )


# --------------------------------------------------------------------------------------------------
# The scorer


class Scorer:
    """One version compiled against one set of reference data. Cheap to build (a view may build one
    per request): sentences are prepared on first use in each language."""

    def __init__(self, version: Version, reference: Reference) -> None:
        self.version = version
        self.reference = reference
        self.catalogue = version.catalogue
        self._criteria = tuple(_Crit(c, version, reference) for c in version.criteria)
        self._groups = tuple(g.code for g in version.groups)
        self._bonuses = tuple((b, _compile_condition(b.when, version, reference)) for b in version.bonuses)
        self._bonus_facts = tuple(frozenset(cond.facts()) for _, cond in self._bonuses)
        self._thresholds = version.thresholds
        self._tracks = tuple(
            (tr, _compile_condition(tr.eligible_when, version, reference)) for tr in version.tracks
        )
        self._facts = tuple(self.catalogue.facts.values())
        self._by_language: dict[str | None, _Lang] = {}

    # ---- profiles

    def profile(
        self, data: Mapping[str, Any], *, verified: frozenset[str] | set[str] = frozenset(), path: str = ""
    ) -> Profile:
        """A profile from fact codes and JSON-like values, checked against the catalogue; a fact left
        out takes its default (rank and code facts: none). Raises ``ConfigErrors`` naming each bad fact."""
        errors: list[ConfigError] = []
        unknown = sorted(set(data) - set(self.catalogue.facts))
        errors.extend(ConfigError(f"{path}{name}" if path else name, "unknown fact") for name in unknown)
        values: dict[str, Any] = {}
        for fact in self._facts:
            name = fact.code
            try:
                if name in data:
                    raw = data[name]
                    values[name] = raw if _already(fact, raw) else coerce_value(fact, raw, f"{path}{name}")
                elif fact.default is not None or fact.type in ("rank", "code"):
                    values[name] = fact.default
                else:
                    raise ConfigError(f"{path}{name}", "is required (the fact has no default)")
            except ConfigError as exc:
                errors.append(exc)
        if errors:
            raise ConfigErrors(errors)
        return Profile(values, frozenset(verified))

    # ---- scoring

    def _lang(self) -> _Lang:
        language = get_language()
        lang = self._by_language.get(language)
        if lang is None:
            texts = t.TEXTS_BY_LANGUAGE.setdefault(language, t.Texts())
            korean = (language or "").startswith("ko")
            names = {code: (ko or en) if korean else en for code, (en, ko) in self.reference.names.items()}
            lang = self._by_language[language] = _Lang(language, texts, names)
        return lang

    def score(self, profile: Profile) -> ScoreResult:
        lang = self._lang()
        values = profile.values
        ctx = _Ctx()
        points = ctx.points
        criteria = []
        for crit in self._criteria:
            result = crit.evaluate(values, ctx, lang)
            criteria.append(result)
            points[crit.code] = result.points
        groups = dict.fromkeys(self._groups, 0)
        for crit, result in zip(self._criteria, criteria, strict=True):
            groups[crit.group] += result.points
        points.update(groups)
        total = sum(groups.values())
        points["total"] = total
        bonuses = []
        parts = lang.parts
        for (bonus, cond), facts in zip(self._bonuses, self._bonus_facts, strict=True):
            basis = "none"
            if cond.test(values, ctx):
                basis = "verified" if facts <= profile.verified else "claimed"
                if basis == "claimed":
                    ctx.claimed += bonus.points
                    ctx.claimed_titles += (bonus.title,)
                total += bonus.points
            key = (self, bonus.code, basis)
            earned = parts.get(key)
            if earned is None:  # immutable and decided by the basis: made once per language
                points_earned = 0 if basis == "none" else bonus.points
                earned = parts[key] = BonusResult(bonus.code, lang.say(bonus.title), points_earned, basis)
            bonuses.append(earned)
        points["total"] = total
        thresholds = {}
        for th in self._thresholds:
            is_reached = total >= th.points
            key = (self, th.code, "reached" if is_reached else "not reached")
            reached = parts.get(key)
            if reached is None:
                reached = parts[key] = ThresholdResult(th.code, lang.say(th.title), th.points, is_reached)
            thresholds[th.code] = reached
        tracks: dict[str, TrackResult] = {}
        for track, cond in self._tracks:
            reasons: list[str] = []
            eligible = cond.explain(values, ctx, lang, reasons, True)
            tracks[track.code] = TrackResult(track.code, lang.say(track.title), eligible, tuple(reasons))
        return ScoreResult(
            self.version.code, tuple(criteria), groups, tuple(bonuses), total, thresholds, tracks
        )

    def points(self, profile: Profile) -> tuple[tuple[int, ...], int, tuple[bool, ...]]:
        """Points per criterion, the total and each track's verdict, without any text (simulations)."""
        values = profile.values
        ctx = _Ctx()
        points = ctx.points
        earned = []
        for crit in self._criteria:
            value = crit.points(crit.key(values, ctx))
            earned.append(value)
            points[crit.code] = value
        for group in self._groups:
            points[group] = 0
        for crit, value in zip(self._criteria, earned, strict=True):
            points[crit.group] += value
        total = sum(earned)
        points["total"] = total
        for (bonus, cond), facts in zip(self._bonuses, self._bonus_facts, strict=True):
            if cond.test(values, ctx):
                total += bonus.points
                if not facts <= profile.verified:
                    ctx.claimed += bonus.points
        points["total"] = total
        verdicts = tuple(cond.test(values, ctx) for _, cond in self._tracks)
        return tuple(earned), total, verdicts


def _already(fact: FactDef, value: Any) -> bool:
    """A value already of the fact's Python type (a profile built in code); bounds still apply."""
    kind = fact.type
    if kind == "decimal":
        ok = isinstance(value, Decimal)
    elif kind in ("integer", "money", "rank"):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "yes_no":
        ok = isinstance(value, bool)
    else:
        return False
    if not ok:
        return False
    too_low = fact.minimum is not None and value < fact.minimum
    too_high = fact.maximum is not None and value > fact.maximum
    return kind == "yes_no" or not (too_low or too_high)
