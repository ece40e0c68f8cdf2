"""The typed schema of one rubric version's configuration.

A rubric version is data (policy.md: "every number ... is data that a policy administrator can change
through a new rubric version"). ``RubricConfig.from_dict`` reads the JSON stored on a version and
validates it strictly, so a mistake is refused when the version is saved, not discovered when an
applicant is scored. Every error names the path of the bad value, e.g.
``criteria.A3.bands[2].min: must be a number``.

Shape (see ``apps/rubric/defaults/*.json`` for complete examples)::

    {"code": "2026-07", "effective_from": "2026-07-02", "effective_to": null,
     "pass_mark": 70, "sme_bonus": {"points": 10},
     "criteria": [{"code": "A3", "kind": "salary_ratio", "group": "quantitative",
                   "basis": "computed", "max": 20,
                   "bands": [{"min": "3.0", "points": 20}, {"min": "2.5", "points": 16}, ...]}, ...],
     "tracks": [{"code": "quantitative", "rule": {"any": [...]}}, ...]}

Bands are listed best first; a value below the last band earns 0 points. Thresholds are inclusive
(">="). The criterion *kinds* are a fixed vocabulary (their arithmetic lives in ``engine.py``); every
number they use is here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any, ClassVar, TypeAlias, TypeVar

DEGREE_LEVELS: tuple[str, ...] = ("none", "bachelor", "master", "doctorate")
GROUPS: tuple[str, ...] = ("quantitative", "qualitative")
BASES: tuple[str, ...] = ("computed", "estimate")
TRACK_CODES: tuple[str, ...] = ("quantitative", "qualitative", "government_programme")
# Evidence an application can carry (policy.md section 6). Which ones a track requires is data.
DOCUMENT_KINDS: tuple[str, ...] = (
    "passport",
    "cv",
    "degree_certificate",
    "employment_certificate",
    "salary_evidence",
    "publications_list",
    "programme_recruitment_letter",
)

# The fact vocabulary of track rules: which comparison each fact allows. Every (fact, op) pair here
# has reason sentences in engine.py, so adding one means adding its sentences too.
CONDITION_OPS: Mapping[str, frozenset[str]] = {
    "degree_level": frozenset({"in"}),
    "institution_rank": frozenset({"<="}),
    "experience_years": frozenset({">", ">="}),
    "fortune_global_500_years": frozenset({">", ">="}),
    "salary_gni_ratio": frozenset({">", ">="}),
    "government_programme": frozenset({"in_recognised_programmes"}),
}
PASS_MARK_CONDITION = "rubric_total_at_least_pass_mark"  # noqa: S105 (a rule name, not a password)


class ConfigError(ValueError):
    """A rubric configuration that cannot be used; the message starts with the path of the bad value."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem

    def __reduce__(self) -> tuple[type[ConfigError], tuple[str, str]]:
        # Exceptions pickle through their args (the message alone); keep both parts (Celery pickles).
        return (type(self), (self.path, self.problem))


# --------------------------------------------------------------------------------------------------
# The schema


@dataclass(frozen=True, slots=True)
class Band:
    """``points`` for a value >= ``min``."""

    min: Decimal
    points: int


@dataclass(frozen=True, slots=True)
class RankTier:
    """Institutions with a listed rank <= ``max_rank`` (and better than the previous tier)."""

    max_rank: int
    points: tuple[int, ...]  # one per DEGREE_LEVELS entry, in that order

    def points_for(self, degree_level: str) -> int:
        return self.points[DEGREE_LEVELS.index(degree_level)]


@dataclass(frozen=True, slots=True)
class YearsBonus:
    min_years: Decimal
    points: int


@dataclass(frozen=True, slots=True)
class FieldPoints:
    strategic: int
    other: int


@dataclass(frozen=True, slots=True)
class Leadership:
    """Led a major R&D project >= ``long_min_years`` (or holds an international award) vs. for less."""

    long_min_years: Decimal
    long_points: int
    award_points: int
    short_points: int


@dataclass(frozen=True, slots=True)
class RatingScale:
    """A reviewer's rating 0..``scale_max`` worth up to ``max`` points (rounded down, proportionally)."""

    scale_max: int
    max: int

    def points_for(self, rating: int) -> int:
        return min(rating, self.scale_max) * self.max // self.scale_max


@dataclass(frozen=True, slots=True)
class CriterionBase:
    code: str
    group: str  # one of GROUPS
    basis: str  # one of BASES
    max: int

    kind: ClassVar[str] = ""


@dataclass(frozen=True, slots=True)
class DegreePedigree(CriterionBase):
    rank_tiers: tuple[RankTier, ...]  # best first
    other_points: tuple[int, ...]  # unlisted or beyond the last tier; one per DEGREE_LEVELS entry

    kind: ClassVar[str] = "degree_pedigree"


@dataclass(frozen=True, slots=True)
class EmployerHistory(CriterionBase):
    experience_bands: tuple[Band, ...]
    fortune_global_500_bonus: YearsBonus

    kind: ClassVar[str] = "employer_history"


@dataclass(frozen=True, slots=True)
class SalaryRatio(CriterionBase):
    bands: tuple[Band, ...]  # on offered salary / per-capita GNI

    kind: ClassVar[str] = "salary_ratio"


@dataclass(frozen=True, slots=True)
class TechnicalExpertise(CriterionBase):
    field_points: FieldPoints
    output_bands: tuple[Band, ...]  # on publications + granted patents
    leadership: Leadership

    kind: ClassVar[str] = "technical_expertise"


@dataclass(frozen=True, slots=True)
class StrategicValue(CriterionBase):
    core_technology_role: RatingScale
    hard_to_fill_points: int
    # A post counts as hard to fill after this many months of recruiting without a suitable domestic
    # candidate; the engine takes the resulting yes/no, the case's fact builder applies the threshold.
    hard_to_fill_min_months: int
    transfer_plan: RatingScale

    kind: ClassVar[str] = "strategic_value"


CriterionConfig: TypeAlias = (
    DegreePedigree | EmployerHistory | SalaryRatio | TechnicalExpertise | StrategicValue
)


@dataclass(frozen=True, slots=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AllOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class FactCondition:
    fact: str  # a key of CONDITION_OPS
    op: str
    value: Decimal | tuple[str, ...] | None  # Decimal for comparisons, degree levels for "in", else None


@dataclass(frozen=True, slots=True)
class PassMarkReached:
    """The rubric total (SME bonus included) is at least the version's pass mark."""


Condition: TypeAlias = AnyOf | AllOf | FactCondition | PassMarkReached


@dataclass(frozen=True, slots=True)
class TrackConfig:
    code: str  # one of TRACK_CODES
    rule: Condition
    required_documents: tuple[str, ...] = ()  # DOCUMENT_KINDS an application on this track must carry


@dataclass(frozen=True, slots=True)
class ProcessingClock:
    """The promised processing time and when people are reminded of it (policy.md section 4)."""

    days: int  # from complete submission to decision, paused time excluded
    reminder_days_left: tuple[int, ...]  # remind the assignee at these days left, descending
    unassigned_alert_days: int  # alert supervisors when a case is still unassigned this long


@dataclass(frozen=True, slots=True)
class SmeBonus:
    points: int


@dataclass(frozen=True, slots=True)
class RubricConfig:
    code: str
    effective_from: dt.date
    effective_to: dt.date | None  # inclusive; None = open-ended
    pass_mark: int | None  # None: the version has no points rubric
    sme_bonus: SmeBonus | None
    criteria: tuple[CriterionConfig, ...]
    tracks: tuple[TrackConfig, ...]
    clock: ProcessingClock

    def track(self, code: str) -> TrackConfig | None:
        return next((t for t in self.tracks if t.code == code), None)

    @property
    def max_total(self) -> int:
        return sum(c.max for c in self.criteria) + (self.sme_bonus.points if self.sme_bonus else 0)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RubricConfig:
        return _read_rubric(data)

    def to_dict(self) -> dict[str, Any]:
        return _write_rubric(self)


# --------------------------------------------------------------------------------------------------
# Reading: small checkers that each know the path of what they read


def _object(
    value: Any, path: str, required: Sequence[str], optional: Sequence[str] = (), *, strict: bool = True
) -> Mapping[str, Any]:
    """A JSON object with the ``required`` keys; with ``strict``, any other key is refused (a typo)."""
    if not isinstance(value, Mapping):
        raise ConfigError(path, "must be an object")
    unknown = sorted(set(value) - set(required) - set(optional))
    if strict and unknown:
        raise ConfigError(f"{_join(path, unknown[0])}", "unknown key")
    for key in required:
        if key not in value:
            raise ConfigError(_join(path, key), "is required")
    return value


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _list(value: Any, path: str, *, allow_empty: bool = True) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(path, "must be a list")
    if not value and not allow_empty:
        raise ConfigError(path, "must not be empty")
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, "must be a non-empty string")
    return value


def _choice(value: Any, path: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ConfigError(path, f"must be one of {', '.join(choices)}")
    return str(value)


def _int(value: Any, path: str, *, low: int = 0, high: int | None = None) -> int:
    # bool is an int in Python; true/false in JSON is never meant as a count of points.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(path, "must be a whole number")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(path, f"must be {bounds}")
    return value


def _decimal(value: Any, path: str, *, positive: bool = False, integral: bool = False) -> Decimal:
    """A threshold from a JSON number or string, exactly (a float goes through its shortest repr)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(path, "must be a number")
    try:
        number = Decimal(repr(value) if isinstance(value, float) else value)
    except InvalidOperation:
        raise ConfigError(path, "must be a number") from None
    if not number.is_finite():
        raise ConfigError(path, "must be a number")
    if number < 0 or (positive and number == 0):
        raise ConfigError(path, "must be greater than 0" if positive else "must not be negative")
    if integral and number != number.to_integral_value():
        raise ConfigError(path, "must be a whole number")
    return number


def _date(value: Any, path: str) -> dt.date:
    if not isinstance(value, str):
        raise ConfigError(path, "must be a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(path, "must be a date (YYYY-MM-DD)") from None


def _points(value: Any, path: str, maximum: int) -> int:
    return _int(value, path, low=0, high=maximum)


def _bands(value: Any, path: str, maximum: int, *, integral: bool = False) -> tuple[Band, ...]:
    """Bands best first: each threshold and its points strictly below the previous band's."""
    bands: list[Band] = []
    for index, raw in enumerate(_list(value, path, allow_empty=False)):
        here = f"{path}[{index}]"
        item = _object(raw, here, ("min", "points"))
        band = Band(
            min=_decimal(item["min"], f"{here}.min", integral=integral),
            points=_points(item["points"], f"{here}.points", maximum),
        )
        if bands and band.min >= bands[-1].min:
            raise ConfigError(f"{here}.min", "bands must be listed from the highest threshold down")
        if bands and band.points >= bands[-1].points:
            raise ConfigError(f"{here}.points", "must be fewer than the points of the band above")
        if band.points == 0:
            raise ConfigError(f"{here}.points", "must be at least 1 (values below the last band earn 0)")
        bands.append(band)
    return tuple(bands)


def _points_by_degree(value: Any, path: str, maximum: int) -> tuple[int, ...]:
    item = _object(value, path, DEGREE_LEVELS)
    points = tuple(_points(item[level], _join(path, level), maximum) for level in DEGREE_LEVELS)
    for (lower, lower_points), (higher, higher_points) in pairwise(zip(DEGREE_LEVELS, points, strict=True)):
        if higher_points < lower_points:
            raise ConfigError(_join(path, higher), f"must not be fewer than the points for {lower}")
    return points


def _rating_scale(value: Any, path: str, maximum: int) -> RatingScale:
    item = _object(value, path, ("scale_max", "max"))
    return RatingScale(
        scale_max=_int(item["scale_max"], _join(path, "scale_max"), low=1),
        max=_points(item["max"], _join(path, "max"), maximum),
    )


_CRITERION_COMMON = ("code", "kind", "group", "basis", "max")


def _read_degree_pedigree(item: Mapping[str, Any], path: str, common: dict[str, Any]) -> DegreePedigree:
    _object(item, path, (*_CRITERION_COMMON, "rank_tiers", "other_points"))
    maximum = common["max"]
    tiers: list[RankTier] = []
    for index, raw in enumerate(_list(item["rank_tiers"], _join(path, "rank_tiers"), allow_empty=False)):
        here = f"{path}.rank_tiers[{index}]"
        tier_item = _object(raw, here, ("max_rank", "points"))
        tier = RankTier(
            max_rank=_int(tier_item["max_rank"], f"{here}.max_rank", low=1),
            points=_points_by_degree(tier_item["points"], f"{here}.points", maximum),
        )
        if tiers and tier.max_rank <= tiers[-1].max_rank:
            raise ConfigError(f"{here}.max_rank", "tiers must be listed best first, with rising max_rank")
        if tiers:
            _check_not_better(tier.points, tiers[-1].points, f"{here}.points")
        tiers.append(tier)
    other = _points_by_degree(item["other_points"], _join(path, "other_points"), maximum)
    _check_not_better(other, tiers[-1].points, _join(path, "other_points"))
    best = max(max(t.points) for t in tiers)
    _check_reachable(path, maximum, best)
    return DegreePedigree(**common, rank_tiers=tuple(tiers), other_points=other)


def _check_not_better(points: tuple[int, ...], better: tuple[int, ...], path: str) -> None:
    for level, mine, theirs in zip(DEGREE_LEVELS, points, better, strict=True):
        if mine > theirs:
            raise ConfigError(_join(path, level), "must not exceed the points of the better tier")


def _check_reachable(path: str, maximum: int, best: int) -> None:
    # A max the bands cannot reach (or exceed through a cap) is almost surely a typo, and the
    # "100-point rubric" total is the sum of the maxima.
    if best < maximum:
        raise ConfigError(
            _join(path, "max"), f"{maximum} cannot be reached: the best result is {best} points"
        )


def _read_employer_history(item: Mapping[str, Any], path: str, common: dict[str, Any]) -> EmployerHistory:
    _object(item, path, (*_CRITERION_COMMON, "experience_bands", "fortune_global_500_bonus"))
    maximum = common["max"]
    bands = _bands(item["experience_bands"], _join(path, "experience_bands"), maximum)
    bonus_path = _join(path, "fortune_global_500_bonus")
    bonus_item = _object(item["fortune_global_500_bonus"], bonus_path, ("min_years", "points"))
    bonus = YearsBonus(
        min_years=_decimal(bonus_item["min_years"], _join(bonus_path, "min_years"), positive=True),
        points=_points(bonus_item["points"], _join(bonus_path, "points"), maximum),
    )
    _check_reachable(path, maximum, bands[0].points + bonus.points)
    return EmployerHistory(**common, experience_bands=bands, fortune_global_500_bonus=bonus)


def _read_salary_ratio(item: Mapping[str, Any], path: str, common: dict[str, Any]) -> SalaryRatio:
    _object(item, path, (*_CRITERION_COMMON, "bands"))
    bands = _bands(item["bands"], _join(path, "bands"), common["max"])
    if bands[-1].min == 0:
        raise ConfigError(f"{path}.bands[{len(bands) - 1}].min", "must be greater than 0")
    _check_reachable(path, common["max"], bands[0].points)
    return SalaryRatio(**common, bands=bands)


def _read_technical_expertise(
    item: Mapping[str, Any], path: str, common: dict[str, Any]
) -> TechnicalExpertise:
    _object(item, path, (*_CRITERION_COMMON, "field_points", "output_bands", "leadership"))
    maximum = common["max"]
    field_path = _join(path, "field_points")
    field_item = _object(item["field_points"], field_path, ("strategic", "other"))
    field = FieldPoints(
        strategic=_points(field_item["strategic"], _join(field_path, "strategic"), maximum),
        other=_points(field_item["other"], _join(field_path, "other"), maximum),
    )
    if field.other > field.strategic:
        raise ConfigError(_join(field_path, "other"), "must not exceed the points for a strategic field")
    outputs = _bands(item["output_bands"], _join(path, "output_bands"), maximum, integral=True)
    lead_path = _join(path, "leadership")
    lead_item = _object(
        item["leadership"], lead_path, ("long_min_years", "long_points", "award_points", "short_points")
    )
    leadership = Leadership(
        long_min_years=_decimal(
            lead_item["long_min_years"], _join(lead_path, "long_min_years"), positive=True
        ),
        long_points=_points(lead_item["long_points"], _join(lead_path, "long_points"), maximum),
        award_points=_points(lead_item["award_points"], _join(lead_path, "award_points"), maximum),
        short_points=_points(lead_item["short_points"], _join(lead_path, "short_points"), maximum),
    )
    if leadership.short_points > leadership.long_points:
        raise ConfigError(_join(lead_path, "short_points"), "must not exceed long_points")
    best_lead = max(leadership.long_points, leadership.award_points)
    _check_reachable(path, maximum, field.strategic + outputs[0].points + best_lead)
    return TechnicalExpertise(**common, field_points=field, output_bands=outputs, leadership=leadership)


def _read_strategic_value(item: Mapping[str, Any], path: str, common: dict[str, Any]) -> StrategicValue:
    keys = ("core_technology_role", "hard_to_fill_points", "hard_to_fill_min_months", "transfer_plan")
    _object(item, path, (*_CRITERION_COMMON, *keys))
    maximum = common["max"]
    role = _rating_scale(item["core_technology_role"], _join(path, "core_technology_role"), maximum)
    hard = _points(item["hard_to_fill_points"], _join(path, "hard_to_fill_points"), maximum)
    months = _int(item["hard_to_fill_min_months"], _join(path, "hard_to_fill_min_months"), low=1, high=120)
    plan = _rating_scale(item["transfer_plan"], _join(path, "transfer_plan"), maximum)
    _check_reachable(path, maximum, role.max + hard + plan.max)
    return StrategicValue(
        **common,
        core_technology_role=role,
        hard_to_fill_points=hard,
        hard_to_fill_min_months=months,
        transfer_plan=plan,
    )


_CriterionReader = Callable[[Mapping[str, Any], str, dict[str, Any]], CriterionConfig]
_CRITERION_READERS: Mapping[str, _CriterionReader] = {
    DegreePedigree.kind: _read_degree_pedigree,
    EmployerHistory.kind: _read_employer_history,
    SalaryRatio.kind: _read_salary_ratio,
    TechnicalExpertise.kind: _read_technical_expertise,
    StrategicValue.kind: _read_strategic_value,
}


def _read_criterion(value: Any, index: int) -> CriterionConfig:
    # Not strict yet: the kind decides which other keys belong, and its reader checks them.
    item = _object(value, f"criteria[{index}]", _CRITERION_COMMON, strict=False)
    code = _text(item["code"], f"criteria[{index}].code")
    path = f"criteria.{code}"  # from here on the code is the friendlier name
    kind = _choice(item["kind"], _join(path, "kind"), tuple(_CRITERION_READERS))
    common = {
        "code": code,
        "group": _choice(item["group"], _join(path, "group"), GROUPS),
        "basis": _choice(item["basis"], _join(path, "basis"), BASES),
        "max": _int(item["max"], _join(path, "max"), low=1),
    }
    return _CRITERION_READERS[kind](item, path, common)


def _read_condition(value: Any, path: str) -> Condition:
    if not isinstance(value, Mapping):
        raise ConfigError(path, "must be an object")
    if "any" in value or "all" in value:
        key = "any" if "any" in value else "all"
        item = _object(value, path, (key,))
        children = _list(item[key], _join(path, key), allow_empty=False)
        conditions = tuple(_read_condition(child, f"{path}.{key}[{i}]") for i, child in enumerate(children))
        return AnyOf(conditions) if key == "any" else AllOf(conditions)
    if PASS_MARK_CONDITION in value:
        item = _object(value, path, (PASS_MARK_CONDITION,))
        if item[PASS_MARK_CONDITION] is not True:
            raise ConfigError(_join(path, PASS_MARK_CONDITION), "must be true")
        return PassMarkReached()
    if "fact" in value:
        return _read_fact_condition(value, path)
    raise ConfigError(path, f'must have one of the keys "any", "all", "fact", "{PASS_MARK_CONDITION}"')


def _read_fact_condition(value: Mapping[str, Any], path: str) -> FactCondition:
    item = _object(value, path, ("fact", "op"), optional=("value",))
    fact = _choice(item["fact"], _join(path, "fact"), tuple(CONDITION_OPS))
    op = _choice(item["op"], _join(path, "op"), tuple(sorted(CONDITION_OPS[fact])))
    value_path = _join(path, "value")
    if op == "in_recognised_programmes":
        if "value" in item:
            raise ConfigError(value_path, "is not used with this op (the reference list decides)")
        return FactCondition(fact, op, None)
    if "value" not in item:
        raise ConfigError(value_path, "is required")
    if op == "in":
        levels = _list(item["value"], value_path, allow_empty=False)
        for index, level in enumerate(levels):
            _choice(level, f"{value_path}[{index}]", DEGREE_LEVELS)
        if len(set(levels)) != len(levels):
            raise ConfigError(value_path, "must not repeat a degree level")
        return FactCondition(fact, op, tuple(levels))
    is_rank = fact == "institution_rank"
    is_ratio = fact == "salary_gni_ratio"
    number = _decimal(item["value"], value_path, positive=is_rank or is_ratio, integral=is_rank)
    return FactCondition(fact, op, number)


def _uses_pass_mark(condition: Condition) -> bool:
    if isinstance(condition, AnyOf | AllOf):
        return any(_uses_pass_mark(child) for child in condition.conditions)
    return isinstance(condition, PassMarkReached)


def _read_tracks(value: Any, pass_mark: int | None) -> tuple[TrackConfig, ...]:
    tracks: list[TrackConfig] = []
    for index, raw in enumerate(_list(value, "tracks", allow_empty=False)):
        item = _object(raw, f"tracks[{index}]", ("code", "rule", "required_documents"))
        code = _choice(item["code"], f"tracks[{index}].code", TRACK_CODES)
        if any(t.code == code for t in tracks):
            raise ConfigError(f"tracks[{index}].code", f"track {code} is listed twice")
        rule = _read_condition(item["rule"], f"tracks.{code}.rule")
        if pass_mark is None and _uses_pass_mark(rule):
            raise ConfigError(f"tracks.{code}.rule", "uses the pass mark, but pass_mark is null")
        documents = _documents(item["required_documents"], f"tracks.{code}.required_documents")
        tracks.append(TrackConfig(code, rule, documents))
    return tuple(tracks)


def _documents(value: Any, path: str) -> tuple[str, ...]:
    kinds = [_choice(kind, f"{path}[{i}]", DOCUMENT_KINDS) for i, kind in enumerate(_list(value, path))]
    if len(set(kinds)) != len(kinds):
        raise ConfigError(path, "lists a document twice")
    return tuple(kinds)


def _read_clock(value: Any) -> ProcessingClock:
    item = _object(value, "clock", ("days", "reminder_days_left", "unassigned_alert_days"))
    days = _int(item["days"], "clock.days", low=1, high=365)
    reminders = tuple(
        _int(v, f"clock.reminder_days_left[{i}]", low=0, high=days)
        for i, v in enumerate(_list(item["reminder_days_left"], "clock.reminder_days_left"))
    )
    if list(reminders) != sorted(set(reminders), reverse=True):
        raise ConfigError("clock.reminder_days_left", "must be distinct and listed from the most days down")
    return ProcessingClock(
        days=days,
        reminder_days_left=reminders,
        unassigned_alert_days=_int(
            item["unassigned_alert_days"], "clock.unassigned_alert_days", low=1, high=days
        ),
    )


_T = TypeVar("_T")


def _optional(value: Any, read: Callable[[Any], _T]) -> _T | None:
    return None if value is None else read(value)


def _read_rubric(data: Mapping[str, Any]) -> RubricConfig:
    item = _object(
        data,
        "",
        ("code", "effective_from", "effective_to", "pass_mark", "sme_bonus", "criteria", "tracks", "clock"),
    )
    effective_from = _date(item["effective_from"], "effective_from")
    effective_to = _optional(item["effective_to"], lambda v: _date(v, "effective_to"))
    if effective_to is not None and effective_to < effective_from:
        raise ConfigError("effective_to", "must not be before effective_from")
    criteria: list[CriterionConfig] = []
    for index, raw in enumerate(_list(item["criteria"], "criteria")):
        criterion = _read_criterion(raw, index)
        if any(c.code == criterion.code for c in criteria):
            raise ConfigError(f"criteria[{index}].code", f"criterion {criterion.code} is listed twice")
        criteria.append(criterion)
    sme_bonus = _optional(
        item["sme_bonus"],
        lambda v: SmeBonus(_int(_object(v, "sme_bonus", ("points",))["points"], "sme_bonus.points", low=1)),
    )
    if sme_bonus is not None and not criteria:
        raise ConfigError("sme_bonus", "must be null when there are no criteria to add it to")
    max_total = sum(c.max for c in criteria) + (sme_bonus.points if sme_bonus else 0)
    pass_mark = _optional(item["pass_mark"], lambda v: _int(v, "pass_mark", low=0, high=max_total))
    if pass_mark is None and criteria:
        raise ConfigError("pass_mark", "is required when there are criteria")
    return RubricConfig(
        code=_text(item["code"], "code"),
        effective_from=effective_from,
        effective_to=effective_to,
        pass_mark=pass_mark,
        sme_bonus=sme_bonus,
        criteria=tuple(criteria),
        tracks=_read_tracks(item["tracks"], pass_mark),
        clock=_read_clock(item["clock"]),
    )


# --------------------------------------------------------------------------------------------------
# Writing: the same shape back, thresholds as exact strings


def _write_bands(bands: tuple[Band, ...], *, integral: bool = False) -> list[dict[str, Any]]:
    return [{"min": int(b.min) if integral else str(b.min), "points": b.points} for b in bands]


def _write_by_degree(points: tuple[int, ...]) -> dict[str, int]:
    return dict(zip(DEGREE_LEVELS, points, strict=True))


def _write_scale(scale: RatingScale) -> dict[str, int]:
    return {"scale_max": scale.scale_max, "max": scale.max}


def _write_criterion(criterion: CriterionConfig) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": criterion.code,
        "kind": criterion.kind,
        "group": criterion.group,
        "basis": criterion.basis,
        "max": criterion.max,
    }
    if isinstance(criterion, DegreePedigree):
        out["rank_tiers"] = [
            {"max_rank": t.max_rank, "points": _write_by_degree(t.points)} for t in criterion.rank_tiers
        ]
        out["other_points"] = _write_by_degree(criterion.other_points)
    elif isinstance(criterion, EmployerHistory):
        bonus = criterion.fortune_global_500_bonus
        out["experience_bands"] = _write_bands(criterion.experience_bands)
        out["fortune_global_500_bonus"] = {"min_years": str(bonus.min_years), "points": bonus.points}
    elif isinstance(criterion, SalaryRatio):
        out["bands"] = _write_bands(criterion.bands)
    elif isinstance(criterion, TechnicalExpertise):
        lead = criterion.leadership
        out["field_points"] = {
            "strategic": criterion.field_points.strategic,
            "other": criterion.field_points.other,
        }
        out["output_bands"] = _write_bands(criterion.output_bands, integral=True)
        out["leadership"] = {
            "long_min_years": str(lead.long_min_years),
            "long_points": lead.long_points,
            "award_points": lead.award_points,
            "short_points": lead.short_points,
        }
    else:
        out["core_technology_role"] = _write_scale(criterion.core_technology_role)
        out["hard_to_fill_points"] = criterion.hard_to_fill_points
        out["hard_to_fill_min_months"] = criterion.hard_to_fill_min_months
        out["transfer_plan"] = _write_scale(criterion.transfer_plan)
    return out


def _write_condition(condition: Condition) -> dict[str, Any]:
    if isinstance(condition, AnyOf):
        return {"any": [_write_condition(c) for c in condition.conditions]}
    if isinstance(condition, AllOf):
        return {"all": [_write_condition(c) for c in condition.conditions]}
    if isinstance(condition, PassMarkReached):
        return {PASS_MARK_CONDITION: True}
    out: dict[str, Any] = {"fact": condition.fact, "op": condition.op}
    if isinstance(condition.value, Decimal):
        # Exact decimals as strings; a rank is a whole number and reads better as one.
        is_rank = condition.fact == "institution_rank"
        out["value"] = int(condition.value) if is_rank else str(condition.value)
    elif condition.value is not None:
        out["value"] = list(condition.value)
    return out


def _write_rubric(config: RubricConfig) -> dict[str, Any]:
    return {
        "code": config.code,
        "effective_from": config.effective_from.isoformat(),
        "effective_to": config.effective_to.isoformat() if config.effective_to else None,
        "pass_mark": config.pass_mark,
        "sme_bonus": {"points": config.sme_bonus.points} if config.sme_bonus else None,
        "criteria": [_write_criterion(c) for c in config.criteria],
        "tracks": [
            {
                "code": t.code,
                "rule": _write_condition(t.rule),
                "required_documents": list(t.required_documents),
            }
            for t in config.tracks
        ],
        "clock": {
            "days": config.clock.days,
            "reminder_days_left": list(config.clock.reminder_days_left),
            "unassigned_alert_days": config.clock.unassigned_alert_days,
        },
    }
