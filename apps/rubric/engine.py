"""The pure scoring engine: facts in, a fully explained score out. No ORM, no database, no I/O.

``Scorer(config, reference)`` compiles one rubric version (``policy_config.RubricConfig``) against one
set of reference data (per-capita GNI, strategic fields, recognised programmes): KRW salary thresholds,
rank lookups and next steps are worked out once, so ``Scorer.score`` is straight-line work.

Text: every user-visible sentence is a whole, translatable message with named placeholders (Korean
word order differs). Translations are looked up once per language and message and kept in the
scorer (``_Texts``): Django's ``gettext`` reads a context-local on every call, which would dominate a
score built from some thirty sentences.

Numbers: salaries are compared with precomputed whole-won thresholds (a ratio threshold times GNI,
rounded up), so "exactly 2.5 times" is exact, with no floating point anywhere.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from typing import Any, TypeVar

from django.utils.translation import get_language, gettext, gettext_noop, ngettext, npgettext

from apps.rubric.policy_config import (
    DEGREE_LEVELS,
    AllOf,
    AnyOf,
    Band,
    Condition,
    CriterionConfig,
    DegreePedigree,
    EmployerHistory,
    FactCondition,
    PassMarkReached,
    RubricConfig,
    SalaryRatio,
    StrategicValue,
    TechnicalExpertise,
)

__all__ = [
    "DEGREE_LEVELS",
    "CriterionResult",
    "Facts",
    "NextStep",
    "ReferenceContext",
    "ScoreResult",
    "Scorer",
    "TrackResult",
    "score",
]

# --------------------------------------------------------------------------------------------------
# Inputs and results


def _check_decimal(name: str, value: object) -> Decimal:
    # A float would bring binary rounding into inclusive thresholds (7.99 vs 8); refuse it.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal or an int, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name} must be a finite number >= 0")
    return number


def _check_count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0")


def _check_flag(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False")


@dataclass(frozen=True, slots=True)
class Facts:
    """What an applicant (or a reviewer, for a real case) states; validated on construction."""

    degree_level: str  # one of DEGREE_LEVELS
    institution_rank: int | None  # None = unranked/unlisted
    experience_years: Decimal  # >= 0, relevant experience
    fortune_global_500_years: Decimal  # >= 0
    offered_salary_krw: int  # >= 0
    field: str  # strategic field code or "other"
    publications_and_patents: int
    led_project_years: Decimal  # years as PI/technical lead of a major R&D project
    international_award: bool
    sponsor_is_sme: bool  # claimed by the applicant/employer
    # None = self-assessment (the claim counts, "subject to verification"); True/False = a reviewer's
    # outcome for a real case, where only True earns the bonus.
    sme_verified: bool | None = None
    core_technology_role: int = 0  # a rating on the version's scale (default 0-5)
    hard_to_fill: bool = False
    transfer_plan: int = 0  # a rating on the version's scale (default 0-5)
    government_programme: str | None = None  # programme code, e.g. "MOHW", "KASA"

    def __post_init__(self) -> None:
        if self.degree_level not in DEGREE_LEVELS:
            raise ValueError(f"degree_level must be one of {', '.join(DEGREE_LEVELS)}")
        rank = self.institution_rank
        if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int) or rank < 1):
            raise ValueError("institution_rank must be None or a whole number >= 1")
        for name in ("experience_years", "fortune_global_500_years", "led_project_years"):
            # Normalise ints to Decimal so every later comparison is Decimal with Decimal.
            object.__setattr__(self, name, _check_decimal(name, getattr(self, name)))
        for name in (
            "offered_salary_krw",
            "publications_and_patents",
            "core_technology_role",
            "transfer_plan",
        ):
            _check_count(name, getattr(self, name))
        for name in ("international_award", "sponsor_is_sme", "hard_to_fill"):
            _check_flag(name, getattr(self, name))
        if self.sme_verified is not None:
            _check_flag("sme_verified", self.sme_verified)
        if not isinstance(self.field, str) or not self.field:
            raise ValueError("field must be a non-empty code")
        if self.government_programme is not None and not isinstance(self.government_programme, str):
            raise TypeError("government_programme must be None or a programme code")


@dataclass(frozen=True, slots=True)
class ReferenceContext:
    gni_per_capita_krw: int
    gni_year: int
    strategic_fields: frozenset[str]  # codes, e.g. {"semiconductors", "ai", ...}
    recognised_programmes: frozenset[str]  # codes, e.g. {"MOHW", "KASA"}

    def __post_init__(self) -> None:
        gni = self.gni_per_capita_krw
        if isinstance(gni, bool) or not isinstance(gni, int) or gni <= 0:
            raise ValueError("gni_per_capita_krw must be a whole number of won > 0")


@dataclass(frozen=True, slots=True)
class NextStep:
    fact: str  # which fact to change, e.g. "offered_salary_krw"
    # The value to reach (inclusive). A str for a non-numeric target: a degree level, "strategic" for
    # the field, or ">0" for "any length of time" (leading a project at all).
    threshold: Decimal | int | str
    gain: int  # points it would add, after the criterion's cap
    text: str  # "An offered salary of 124,887,500 KRW or more would add 4 points."


@dataclass(frozen=True, slots=True)
class CriterionResult:
    code: str  # "A1", "A2", ...
    title: str  # translated
    points: int
    max: int
    basis: str  # "computed" or "estimate", from the configuration
    explanation: str  # the fact(s) that earned the points
    next_steps: tuple[NextStep, ...]  # every sub-part not at its max: its nearest band up

    @property
    def next_step(self) -> str | None:
        return " ".join(step.text for step in self.next_steps) if self.next_steps else None


@dataclass(frozen=True, slots=True)
class TrackResult:
    code: str  # "quantitative" | "qualitative" | "government_programme"
    title: str
    eligible: bool
    reasons: tuple[str, ...]  # met and unmet conditions both


@dataclass(frozen=True, slots=True)
class ScoreResult:
    rubric_version: str
    criteria: tuple[CriterionResult, ...]
    quantitative: int  # sum of the criteria in group "quantitative"
    qualitative_estimate: int  # sum of the criteria in group "qualitative"
    sme_bonus: int
    sme_bonus_basis: str  # "claimed" (subject to verification), "verified", "none"
    total: int
    pass_mark: int | None
    tracks: dict[str, TrackResult]  # the tracks the version offers, in configuration order

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
            "quantitative": self.quantitative,
            "qualitative_estimate": self.qualitative_estimate,
            "sme_bonus": self.sme_bonus,
            "sme_bonus_basis": self.sme_bonus_basis,
            "total": self.total,
            "pass_mark": self.pass_mark,
            "tracks": {
                code: {"title": t.title, "eligible": t.eligible, "reasons": list(t.reasons)}
                for code, t in self.tracks.items()
            },
        }


# --------------------------------------------------------------------------------------------------
# Messages. Singular messages are marked with gettext_noop and translated through ``_Texts``; each
# plural message is a function around one literal ngettext call (so makemessages finds it) that
# ``_Texts`` calls once per language and count.

_KIND_TITLES: Mapping[str, str] = {
    DegreePedigree.kind: gettext_noop("Degree pedigree"),
    EmployerHistory.kind: gettext_noop("Employer history"),
    SalaryRatio.kind: gettext_noop("Salary"),
    TechnicalExpertise.kind: gettext_noop("Specific technical expertise"),
    StrategicValue.kind: gettext_noop("Strategic value to the hiring firm"),
}
_TRACK_TITLES: Mapping[str, str] = {
    "quantitative": gettext_noop("Quantitative track"),
    "qualitative": gettext_noop("Qualitative track"),
    "government_programme": gettext_noop("Government programme track"),
}
_DEGREE_TITLES: Mapping[str, str] = {  # at the start of a sentence
    "bachelor": gettext_noop("Bachelor's degree"),
    "master": gettext_noop("Master's degree"),
    "doctorate": gettext_noop("Doctorate"),
}
_DEGREE_WITH_ARTICLE: Mapping[str, str] = {
    "bachelor": gettext_noop("A bachelor's degree"),
    "master": gettext_noop("A master's degree"),
    "doctorate": gettext_noop("A doctorate"),
}
_DEGREE_NAMES: Mapping[str, str] = {  # inside a sentence
    "none": gettext_noop("no degree"),
    "bachelor": gettext_noop("bachelor's degree"),
    "master": gettext_noop("master's degree"),
    "doctorate": gettext_noop("doctorate"),
}

_PART = gettext_noop("%(fact)s: %(points)s.")
_PART_AT_LEAST = gettext_noop("%(fact)s (%(min)s or more): %(points)s.")
_PART_BELOW = gettext_noop("%(fact)s (below %(min)s): %(points)s.")
_TOTAL = gettext_noop("Total: %(points_of_max)s.")
_TOTAL_CAPPED = gettext_noop("Total: %(points_of_max)s (capped at the maximum).")

_A1_RANKED = gettext_noop("%(degree)s from an institution ranked %(rank)s (%(tier)s): %(points_of_max)s.")
_A1_UNLISTED = gettext_noop(
    "%(degree)s from an institution not on the ranking list (%(tier)s): %(points_of_max)s."
)
_A1_NO_DEGREE = gettext_noop("No degree: %(points_of_max)s.")
_TIER_TOP = gettext_noop("top %(max_rank)s")
_TIER_RANGE = gettext_noop("rank %(low)s-%(high)s")
_TIER_OTHER = gettext_noop("other")
_STEP_RANK = gettext_noop("A degree from an institution ranked %(rank)s or better would add %(points)s.")
_STEP_DEGREE = gettext_noop("%(degree)s would add %(points)s.")

_A2_EXPERIENCE = gettext_noop("Relevant work experience of %(years)s")
_A2_FORTUNE = gettext_noop("%(years)s at a Fortune Global 500 company")
_STEP_EXPERIENCE = gettext_noop("Relevant work experience of %(years)s or more would add %(points)s.")
_STEP_FORTUNE = gettext_noop("%(years)s or more at a Fortune Global 500 company would add %(points)s.")

_A3_SALARY = gettext_noop(
    "An offered salary of %(salary)s KRW is %(ratio)s times the %(year)s per-capita GNI of %(gni)s KRW"
    " (%(band)s): %(points_of_max)s."
)
_RATIO_AT_LEAST = gettext_noop("%(ratio)s times or more")
_RATIO_BELOW = gettext_noop("below %(ratio)s times")
_STEP_SALARY = gettext_noop("An offered salary of %(amount)s KRW or more would add %(points)s.")

_B1_FIELD_STRATEGIC = gettext_noop("Field %(field)s, on the strategic list")
_B1_FIELD_OTHER = gettext_noop("Field %(field)s, not on the strategic list")
_B1_AWARD = gettext_noop("Holds an international award")
_B1_LED = gettext_noop("Led a major R&D project as principal investigator or technical lead for %(years)s")
_B1_NOT_LED = gettext_noop("Has not led a major R&D project and holds no international award")
_STEP_FIELD = gettext_noop("Work in a field on the strategic list would add %(points)s.")
_STEP_OUTPUTS = gettext_noop("%(count)s or more publications and granted patents would add %(points)s.")
_STEP_LEAD_SHORT = gettext_noop(
    "Leading a major R&D project as principal investigator or technical lead would add %(points)s."
)
_STEP_LEAD_LONG = gettext_noop("Leading a major R&D project for %(years)s or more would add %(points)s.")
_STEP_LEAD_LONG_OR_AWARD = gettext_noop(
    "Leading a major R&D project for %(years)s or more, or an international award, would add %(points)s."
)

_B2_ROLE = gettext_noop("Core-technology role rated %(rating)s of %(scale)s")
_B2_HARD = gettext_noop("Hard to fill domestically")
_B2_NOT_HARD = gettext_noop("Not shown to be hard to fill domestically")
_B2_PLAN = gettext_noop("Technology-transfer or training plan rated %(rating)s of %(scale)s")
_STEP_ROLE = gettext_noop("A core-technology role rated %(rating)s would add %(points)s.")
_STEP_HARD = gettext_noop("Showing that the position is hard to fill domestically would add %(points)s.")
_STEP_PLAN = gettext_noop("A technology-transfer or training plan rated %(rating)s would add %(points)s.")

_ROOT_ANY_MET = gettext_noop("Eligible: at least one of the conditions below is met.")
_ROOT_ANY_UNMET = gettext_noop("Not eligible: none of the conditions below is met.")
_ROOT_ALL_MET = gettext_noop("Eligible: all of the conditions below are met.")
_ROOT_ALL_UNMET = gettext_noop("Not eligible: not all of the conditions below are met.")

_DEGREE_IN_MET = gettext_noop("Degree: %(degree)s, one of the required degrees (%(allowed)s).")
_DEGREE_IN_UNMET = gettext_noop("Degree: %(degree)s, not one of the required degrees (%(allowed)s).")
_RANK_MET = gettext_noop("Institution ranked %(rank)s, within the top %(value)s.")
_RANK_UNMET = gettext_noop("Institution ranked %(rank)s, outside the top %(value)s.")
_RANK_UNLISTED = gettext_noop("Institution not on the ranking list; the top %(value)s is required.")
# (fact, op) -> (met, unmet); %(actual)s and %(value)s are "N years" phrases.
_YEARS_REASONS: Mapping[tuple[str, str], tuple[str, str]] = {
    ("experience_years", ">"): (
        gettext_noop("Relevant work experience of %(actual)s, more than the required %(value)s."),
        gettext_noop("Relevant work experience of %(actual)s; more than %(value)s is required."),
    ),
    ("experience_years", ">="): (
        gettext_noop("Relevant work experience of %(actual)s, at least the required %(value)s."),
        gettext_noop("Relevant work experience of %(actual)s; at least %(value)s is required."),
    ),
    ("fortune_global_500_years", ">"): (
        gettext_noop("%(actual)s at a Fortune Global 500 company, more than the required %(value)s."),
        gettext_noop("%(actual)s at a Fortune Global 500 company; more than %(value)s is required."),
    ),
    ("fortune_global_500_years", ">="): (
        gettext_noop("%(actual)s at a Fortune Global 500 company, at least the required %(value)s."),
        gettext_noop("%(actual)s at a Fortune Global 500 company; at least %(value)s is required."),
    ),
}
_SALARY_REASONS: Mapping[str, tuple[str, str]] = {
    ">=": (
        gettext_noop(
            "An offered salary of %(salary)s KRW is at least %(ratio)s times the %(year)s per-capita GNI"
            " (%(threshold)s KRW)."
        ),
        gettext_noop(
            "An offered salary of %(salary)s KRW is below %(ratio)s times the %(year)s per-capita GNI"
            " (%(threshold)s KRW or more is required)."
        ),
    ),
    ">": (
        gettext_noop(
            "An offered salary of %(salary)s KRW is more than %(ratio)s times the %(year)s per-capita GNI"
            " (%(threshold)s KRW or more)."
        ),
        gettext_noop(
            "An offered salary of %(salary)s KRW is not more than %(ratio)s times the %(year)s per-capita GNI"
            " (%(threshold)s KRW or more is required)."
        ),
    ),
}
_PROGRAMME_MET = gettext_noop(
    "Recruited through %(programme)s, a recognised government programme; subject to verification against"
    " the programme's roster."
)
_PROGRAMME_UNRECOGNISED = gettext_noop("%(programme)s is not a recognised government programme.")
_PROGRAMME_NONE = gettext_noop("Not recruited through a recognised government programme.")
_PASS_MARK_MET = gettext_noop(
    "A rubric total of %(total)s (SME bonus included) reaches the pass mark of %(pass_mark)s."
)
_PASS_MARK_UNMET = gettext_noop(
    "A rubric total of %(total)s (SME bonus included) is below the pass mark of %(pass_mark)s."
)
_PASS_MARK_CLAIMED_BONUS = gettext_noop(
    "The total includes a claimed SME bonus of %(bonus)s, subject to verification."
)


def _n_points(count: int) -> str:
    return ngettext("%(count)s point", "%(count)s points", count)


def _n_points_of_max(maximum: int) -> str:
    return ngettext("%(points)s of %(max)s point", "%(points)s of %(max)s points", maximum)


def _n_years(count: int) -> str:
    return ngettext("%(years)s year", "%(years)s years", count)


# A group of one reads the same whether "any" or "all"; the contexts keep the two catalogue entries
# (and their different plurals) apart.
def _n_group_any_met(count: int) -> str:
    return npgettext(
        "any group", "The next condition: met.", "At least one of the next %(count)s conditions: met.", count
    )


def _n_group_any_unmet(count: int) -> str:
    return npgettext(
        "any group",
        "The next condition: not met.",
        "At least one of the next %(count)s conditions: not met.",
        count,
    )


def _n_group_all_met(count: int) -> str:
    return npgettext(
        "all group", "The next condition: met.", "All of the next %(count)s conditions together: met.", count
    )


def _n_group_all_unmet(count: int) -> str:
    return npgettext(
        "all group",
        "The next condition: not met.",
        "All of the next %(count)s conditions together: not met.",
        count,
    )


def _n_outputs(count: int) -> str:
    return ngettext(
        "%(count)s publication or granted patent", "%(count)s publications and granted patents", count
    )


class _Texts(dict[Any, str]):
    """One language's messages, translated on first use: ``texts[msgid]`` or ``texts[(plural, n)]``.

    The phrase helpers below also keep finished phrases here under ``(helper, *args)`` keys, read
    with ``get`` (which never calls ``__missing__``); their arguments are small bounded integers.
    """

    __slots__ = ()

    def __missing__(self, key: Any) -> str:
        # Called with the language of this cache active (see Scorer.score), so gettext answers for it.
        value = gettext(key) if isinstance(key, str) else key[0](key[1])
        self[key] = value
        return value


# One _Texts per language for the whole process: translations do not depend on the rubric version.
_TEXTS_BY_LANGUAGE: dict[str | None, _Texts] = {}

# Value-keyed memo entries per scorer and language (see _LanguageCache): enough for every rank and
# every number of years with two decimals, small enough (a few MB) to never matter.
_MEMO_LIMIT = 50_000

_V = TypeVar("_V")


class _LanguageCache:
    """A scorer's memo for one language: translated messages and finished parts of results.

    Two kinds of entry. ``by_band`` is keyed by band positions (a band index, a tier, a rating): the
    configuration bounds it, so it is never limited. ``by_value`` is keyed by fact values (a rank, a
    number of years), which vary little in practice but are not bounded; it stops growing at
    ``_MEMO_LIMIT`` entries and then the work is simply redone. Only immutable values fully decided
    by their key are memoised, so a memoised part is identical to a freshly built one.
    """

    __slots__ = ("bands", "texts", "values")

    def __init__(self, texts: _Texts) -> None:
        self.texts = texts
        self.bands: dict[Hashable, Any] = {}
        self.values: dict[Hashable, Any] = {}

    def by_band(self, key: Hashable, build: Callable[..., _V], *args: Any) -> _V:
        value = self.bands.get(key)
        if value is None:
            value = self.bands[key] = build(*args)
        return value

    def by_value(self, key: Hashable, build: Callable[..., _V], *args: Any) -> _V:
        value = self.values.get(key)
        if value is None:
            value = build(*args)
            if len(self.values) < _MEMO_LIMIT:
                self.values[key] = value
        return value


def _points(texts: _Texts, count: int) -> str:
    """ "4 points"; finished phrases are memoised too (keys bounded by the criteria maxima)."""
    key = (_points, count)
    phrase = texts.get(key)
    if phrase is None:
        phrase = texts[key] = texts[(_n_points, count)] % {"count": count}
    return phrase


def _points_of_max(texts: _Texts, points: int, maximum: int) -> str:
    key = (_points_of_max, points, maximum)
    phrase = texts.get(key)
    if phrase is None:
        phrase = texts[key] = texts[(_n_points_of_max, maximum)] % {"points": points, "max": maximum}
    return phrase


def _number(value: Decimal) -> str:
    """7.50 -> "7.5", 8.0 -> "8", 12 -> "12", never an exponent (string work: cheaper than Decimal ops)."""
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _plural_count(count: int) -> int:
    """A count with the same plural form as ``count`` but bounded, so memo keys stay few.

    Plural rules look at n, n % 10 and n % 100, all of which 100 + n % 100 keeps for n >= 100.
    """
    return count if count < 100 else 100 + count % 100


def _years(texts: _Texts, value: Decimal) -> str:
    # A fraction takes the "other" form ("1.5 years"), as 2 does; a whole number its own.
    count = _plural_count(int(value)) if value == value.to_integral_value() else 2
    return texts[(_n_years, count)] % {"years": _number(value)}


def _krw(amount: int) -> str:
    return f"{amount:,}"


def _total_sentence(texts: _Texts, points: int, maximum: int, raw: int) -> str:
    key = (_total_sentence, points, maximum, raw > maximum)
    sentence = texts.get(key)
    if sentence is None:
        template = texts[_TOTAL_CAPPED if raw > maximum else _TOTAL]
        sentence = texts[key] = template % {"points_of_max": _points_of_max(texts, points, maximum)}
    return sentence


def _band_index(bands: tuple[Decimal | int, ...], value: Decimal | int) -> int:
    """Index of the first (best) band whose threshold ``value`` reaches; len(bands) when none."""
    for index, threshold in enumerate(bands):
        if value >= threshold:
            return index
    return len(bands)


def _with_zero(bands: tuple[Band, ...]) -> tuple[int, ...]:
    """Points per band index, the "below every band" index earning 0."""
    return (*(b.points for b in bands), 0)


# --------------------------------------------------------------------------------------------------
# Criteria: one compiled class per kind. ``evaluate`` assembles the result from memoised parts: the
# ``_*_part`` methods explain one fact value, ``_summary`` what the band positions decide (points,
# the total sentence, next steps).


class _Criterion:
    __slots__ = ("basis", "code", "group", "max", "title")

    def __init__(self, config: CriterionConfig) -> None:
        self.code = config.code
        self.group = config.group
        self.basis = config.basis
        self.max = config.max
        self.title = _KIND_TITLES[config.kind]

    def evaluate(self, facts: Facts, cache: _LanguageCache) -> CriterionResult:
        raise NotImplementedError

    def _result(
        self, texts: _Texts, points: int, explanation: str, steps: tuple[NextStep, ...]
    ) -> CriterionResult:
        return CriterionResult(self.code, texts[self.title], points, self.max, self.basis, explanation, steps)

    def _step(
        self,
        texts: _Texts,
        fact: str,
        threshold: Decimal | int | str,
        gain: int,
        template: str,
        **params: object,
    ) -> NextStep:
        return NextStep(fact, threshold, gain, texts[template] % {**params, "points": _points(texts, gain)})


class _Summary:
    """The band-determined part of a result: the same for every profile in the same bands."""

    __slots__ = ("points", "steps", "title", "total")

    def __init__(self, title: str, points: int, total: str, steps: tuple[NextStep, ...]) -> None:
        self.title = title
        self.points = points
        self.total = total
        self.steps = steps


class _DegreePedigreeCriterion(_Criterion):
    __slots__ = ("level_index", "table", "tier_by_rank", "tier_max_ranks")

    def __init__(self, config: DegreePedigree) -> None:
        super().__init__(config)
        self.level_index = {level: i for i, level in enumerate(DEGREE_LEVELS)}
        self.tier_max_ranks = tuple(t.max_rank for t in config.rank_tiers)
        # table[degree][tier]; the last tier is "other" (unlisted or beyond the last max_rank).
        self.table = tuple(
            (*(t.points[d] for t in config.rank_tiers), config.other_points[d])
            for d in range(len(DEGREE_LEVELS))
        )
        # A rank -> tier lookup list; ranks beyond the last tier are "other".
        self.tier_by_rank = tuple(
            _tier_of_rank(self.tier_max_ranks, r) for r in range(self.tier_max_ranks[-1] + 1)
        )

    def evaluate(self, facts: Facts, cache: _LanguageCache) -> CriterionResult:
        # Degree and rank are the only inputs, and ranks come from a reference list: memoise whole.
        key = (self, facts.degree_level, facts.institution_rank)
        return cache.by_value(key, self._build, cache, facts.degree_level, facts.institution_rank)

    def _build(self, cache: _LanguageCache, degree_level: str, rank: int | None) -> CriterionResult:
        texts = cache.texts
        degree = self.level_index[degree_level]
        other = len(self.tier_max_ranks)
        tier = self.tier_by_rank[rank] if rank is not None and rank < len(self.tier_by_rank) else other
        points = self.table[degree][tier]
        points_of_max = _points_of_max(texts, points, self.max)
        if degree == 0:
            explanation = texts[_A1_NO_DEGREE] % {"points_of_max": points_of_max}
        else:
            params = {
                "degree": texts[_DEGREE_TITLES[degree_level]],
                "tier": self._tier_label(texts, tier),
                "rank": rank,
                "points_of_max": points_of_max,
            }
            explanation = texts[_A1_UNLISTED if rank is None else _A1_RANKED] % params
        steps = cache.by_band((self, degree, tier), self._next_steps, texts, degree, tier)
        return self._result(texts, points, explanation, steps)

    def _tier_label(self, texts: _Texts, tier: int) -> str:
        if tier == len(self.tier_max_ranks):
            return texts[_TIER_OTHER]
        if tier == 0:
            return texts[_TIER_TOP] % {"max_rank": self.tier_max_ranks[0]}
        return texts[_TIER_RANGE] % {
            "low": self.tier_max_ranks[tier - 1] + 1,
            "high": self.tier_max_ranks[tier],
        }

    def _next_steps(self, texts: _Texts, degree: int, tier: int) -> tuple[NextStep, ...]:
        """Two sub-parts: a better-ranked institution (same degree), a higher degree (same tier)."""
        points = self.table[degree][tier]
        steps: list[NextStep] = []
        better_tier = next((t for t in range(tier - 1, -1, -1) if self.table[degree][t] > points), None)
        if better_tier is not None:
            gain = self.table[degree][better_tier] - points
            max_rank = self.tier_max_ranks[better_tier]
            steps.append(self._step(texts, "institution_rank", max_rank, gain, _STEP_RANK, rank=max_rank))
        higher = next(
            (d for d in range(degree + 1, len(DEGREE_LEVELS)) if self.table[d][tier] > points), None
        )
        if higher is not None:
            level = DEGREE_LEVELS[higher]
            gain = self.table[higher][tier] - points
            degree_text = texts[_DEGREE_WITH_ARTICLE[level]]
            steps.append(self._step(texts, "degree_level", level, gain, _STEP_DEGREE, degree=degree_text))
        return tuple(steps)


def _tier_of_rank(max_ranks: tuple[int, ...], rank: int) -> int:
    """Tier of a listed rank: the first tier whose max_rank it is within."""
    for index, max_rank in enumerate(max_ranks):
        if rank <= max_rank:
            return index
    return len(max_ranks)


class _EmployerHistoryCriterion(_Criterion):
    __slots__ = ("bonus_min_years", "bonus_points", "points_by_band", "thresholds")

    def __init__(self, config: EmployerHistory) -> None:
        super().__init__(config)
        self.thresholds = tuple(b.min for b in config.experience_bands)
        self.points_by_band = _with_zero(config.experience_bands)
        self.bonus_min_years = config.fortune_global_500_bonus.min_years
        self.bonus_points = config.fortune_global_500_bonus.points

    def evaluate(self, facts: Facts, cache: _LanguageCache) -> CriterionResult:
        texts = cache.texts
        experience = facts.experience_years
        fortune = facts.fortune_global_500_years
        band, experience_text = cache.by_value(
            (self, "experience", experience), self._experience_part, texts, experience
        )
        has_bonus, fortune_text = cache.by_value(
            (self, "fortune", fortune), self._fortune_part, texts, fortune
        )
        summary = cache.by_band((self, band, has_bonus), self._summary, texts, band, has_bonus)
        explanation = f"{experience_text} {fortune_text} {summary.total}"
        return CriterionResult(
            self.code, summary.title, summary.points, self.max, self.basis, explanation, summary.steps
        )

    def _experience_part(self, texts: _Texts, years: Decimal) -> tuple[int, str]:
        band = _band_index(self.thresholds, years)
        fact = texts[_A2_EXPERIENCE] % {"years": _years(texts, years)}
        reached = band < len(self.thresholds)
        threshold = self.thresholds[band if reached else -1]
        return band, _part(texts, fact, _years(texts, threshold), reached, self.points_by_band[band])

    def _fortune_part(self, texts: _Texts, years: Decimal) -> tuple[bool, str]:
        has_bonus = years >= self.bonus_min_years
        fact = texts[_A2_FORTUNE] % {"years": _years(texts, years)}
        points = self.bonus_points if has_bonus else 0
        return has_bonus, _part(texts, fact, _years(texts, self.bonus_min_years), has_bonus, points)

    def _summary(self, texts: _Texts, band: int, has_bonus: bool) -> _Summary:
        bonus = self.bonus_points if has_bonus else 0
        raw = self.points_by_band[band] + bonus
        points = min(raw, self.max)
        steps: list[NextStep] = []
        # Gains after the cap: a better band that the cap swallows is not offered as a step.
        if band > 0 and (gain := min(self.points_by_band[band - 1] + bonus, self.max) - points) > 0:
            years = self.thresholds[band - 1]
            phrase = _years(texts, years)
            steps.append(self._step(texts, "experience_years", years, gain, _STEP_EXPERIENCE, years=phrase))
        if (
            not has_bonus
            and (gain := min(self.points_by_band[band] + self.bonus_points, self.max) - points) > 0
        ):
            years = self.bonus_min_years
            phrase = _years(texts, years)
            steps.append(
                self._step(texts, "fortune_global_500_years", years, gain, _STEP_FORTUNE, years=phrase)
            )
        total = _total_sentence(texts, points, self.max, raw)
        return _Summary(texts[self.title], points, total, tuple(steps))


def _part(texts: _Texts, fact: str, threshold: str, reached: bool, points: int) -> str:
    """ "<fact> (<threshold> or more): N points." or "<fact> (below <threshold>): N points." """
    template = texts[_PART_AT_LEAST if reached else _PART_BELOW]
    return template % {"fact": fact, "min": threshold, "points": _points(texts, points)}


def _ratio_text(ratio: Decimal) -> str:
    """A ratio as the configuration wrote it ("3.0", "2.5"), never with an exponent."""
    return format(ratio, "f")


class _SalaryRatioCriterion(_Criterion):
    __slots__ = ("gni", "gni_text", "gni_year", "points_by_band", "ratios", "thresholds_krw")

    def __init__(self, config: SalaryRatio, reference: ReferenceContext) -> None:
        super().__init__(config)
        self.gni = reference.gni_per_capita_krw
        self.gni_year = reference.gni_year
        self.gni_text = _krw(self.gni)
        self.ratios = tuple(b.min for b in config.bands)
        self.thresholds_krw = tuple(krw_at_least(b.min, self.gni) for b in config.bands)
        self.points_by_band = _with_zero(config.bands)

    def evaluate(self, facts: Facts, cache: _LanguageCache) -> CriterionResult:
        # The salary itself varies too much to memoise; everything decided by its band is.
        salary = facts.offered_salary_krw
        band = _band_index(self.thresholds_krw, salary)
        texts = cache.texts
        summary = cache.by_band((self, band), self._summary, texts, band)
        # Shown rounded down to two decimals: 124,887,499 KRW must not read as "2.50 times".
        hundredths = salary * 100 // self.gni
        explanation = summary.total % {
            "salary": _krw(salary),
            "ratio": f"{hundredths // 100}.{hundredths % 100:02d}",
        }
        return CriterionResult(
            self.code, summary.title, summary.points, self.max, self.basis, explanation, summary.steps
        )

    def _summary(self, texts: _Texts, band: int) -> _Summary:
        """``total`` here is the explanation with the salary and ratio still to fill in."""
        points = self.points_by_band[band]
        if band < len(self.ratios):
            band_text = texts[_RATIO_AT_LEAST] % {"ratio": _ratio_text(self.ratios[band])}
        else:
            band_text = texts[_RATIO_BELOW] % {"ratio": _ratio_text(self.ratios[-1])}
        template = texts[_A3_SALARY] % {
            "salary": "%(salary)s",
            "ratio": "%(ratio)s",
            "year": self.gni_year,
            "gni": self.gni_text,
            "band": _escape(band_text),
            "points_of_max": _escape(_points_of_max(texts, points, self.max)),
        }
        steps: tuple[NextStep, ...] = ()
        if band > 0:
            amount = self.thresholds_krw[band - 1]
            gain = self.points_by_band[band - 1] - points
            steps = (
                self._step(texts, "offered_salary_krw", amount, gain, _STEP_SALARY, amount=_krw(amount)),
            )
        return _Summary(texts[self.title], points, template, steps)


def _escape(text: str) -> str:
    """Protect a phrase put into a template that is formatted a second time."""
    return text.replace("%", "%%")


_PRECISE = Context(prec=100)  # enough digits that ratio x GNI is exact before rounding to whole won


def krw_at_least(ratio: Decimal, gni_krw: int) -> int:
    """The smallest whole-won salary whose ratio to ``gni_krw`` is >= ``ratio``."""
    return int(_PRECISE.multiply(ratio, Decimal(gni_krw)).to_integral_value(rounding=ROUND_CEILING))


def krw_more_than(ratio: Decimal, gni_krw: int) -> int:
    """The smallest whole-won salary whose ratio to ``gni_krw`` is > ``ratio``."""
    return int(_PRECISE.multiply(ratio, Decimal(gni_krw)).to_integral_value(rounding=ROUND_FLOOR)) + 1


class _TechnicalExpertiseCriterion(_Criterion):
    __slots__ = (
        "award_points",
        "field_other",
        "field_strategic",
        "long_min_years",
        "long_points",
        "output_band_by_count",
        "output_points",
        "output_thresholds",
        "short_points",
        "strategic_fields",
    )

    def __init__(self, config: TechnicalExpertise, reference: ReferenceContext) -> None:
        super().__init__(config)
        self.strategic_fields = reference.strategic_fields
        self.field_strategic = config.field_points.strategic
        self.field_other = config.field_points.other
        self.output_thresholds = tuple(int(b.min) for b in config.output_bands)
        self.output_points = _with_zero(config.output_bands)
        # Counts are whole numbers: a lookup list up to the top threshold, anything above is the top band.
        thresholds: tuple[int, ...] = self.output_thresholds
        self.output_band_by_count = tuple(_band_index(thresholds, n) for n in range(thresholds[0] + 1))
        lead = config.leadership
        self.long_min_years = lead.long_min_years
        self.long_points = lead.long_points
        self.short_points = lead.short_points
        self.award_points = lead.award_points

    def evaluate(self, facts: Facts, cache: _LanguageCache) -> CriterionResult:
        texts = cache.texts
        field, count = facts.field, facts.publications_and_patents
        led, award = facts.led_project_years, facts.international_award
        strategic, field_text = cache.by_value((self, "field", field), self._field_part, texts, field)
        band, outputs_text = cache.by_value((self, "outputs", count), self._outputs_part, texts, count)
        level, lead_text = cache.by_value(
            (self, "lead", led, award), self._leadership_part, texts, led, award
        )
        summary = cache.by_band(
            (self, strategic, band, level, award), self._summary, texts, strategic, band, level, award
        )
        explanation = f"{field_text} {outputs_text} {lead_text} {summary.total}"
        return CriterionResult(
            self.code, summary.title, summary.points, self.max, self.basis, explanation, summary.steps
        )

    def _field_part(self, texts: _Texts, field: str) -> tuple[bool, str]:
        strategic = field in self.strategic_fields
        fact = texts[_B1_FIELD_STRATEGIC if strategic else _B1_FIELD_OTHER] % {"field": field}
        points = self.field_strategic if strategic else self.field_other
        return strategic, texts[_PART] % {"fact": fact, "points": _points(texts, points)}

    def _outputs_part(self, texts: _Texts, count: int) -> tuple[int, str]:
        band = self.output_band_by_count[count] if count < len(self.output_band_by_count) else 0
        reached = band < len(self.output_thresholds)
        threshold = str(self.output_thresholds[band if reached else -1])
        fact = texts[(_n_outputs, _plural_count(count))] % {"count": count}
        return band, _part(texts, fact, threshold, reached, self.output_points[band])

    def _lead_points(self, level: int, award: bool) -> tuple[int, int]:
        years_points = (0, self.short_points, self.long_points)[level]
        return years_points, max(years_points, self.award_points if award else 0)

    def _leadership_part(self, texts: _Texts, led: Decimal, award: bool) -> tuple[int, str]:
        level = 2 if led >= self.long_min_years else (1 if led > 0 else 0)
        years_points, points = self._lead_points(level, award)
        if level and years_points == points:  # the years explain the points (an award may add nothing)
            fact = texts[_B1_LED] % {"years": _years(texts, led)}
            threshold = _years(texts, self.long_min_years)
            return level, _part(texts, fact, threshold, level == 2, points)
        fact = texts[_B1_AWARD] if award else texts[_B1_NOT_LED]
        return level, texts[_PART] % {"fact": fact, "points": _points(texts, points)}

    def _summary(self, texts: _Texts, strategic: bool, band: int, level: int, award: bool) -> _Summary:
        _, lead_points = self._lead_points(level, award)
        raw = (
            (self.field_strategic if strategic else self.field_other) + self.output_points[band] + lead_points
        )
        points = min(raw, self.max)

        def gain_from(extra: int) -> int:
            return min(raw + extra, self.max) - points

        steps: list[NextStep] = []
        if not strategic and (gain := gain_from(self.field_strategic - self.field_other)) > 0:
            steps.append(self._step(texts, "field", "strategic", gain, _STEP_FIELD))
        if band > 0 and (gain := gain_from(self.output_points[band - 1] - self.output_points[band])) > 0:
            count = self.output_thresholds[band - 1]
            steps.append(
                self._step(texts, "publications_and_patents", count, gain, _STEP_OUTPUTS, count=count)
            )
        if level == 0 and (gain := gain_from(self.short_points - lead_points)) > 0:
            steps.append(self._step(texts, "led_project_years", ">0", gain, _STEP_LEAD_SHORT))
        elif level < 2 and (gain := gain_from(self.long_points - lead_points)) > 0:
            years = self.long_min_years
            # Mention the award only where it would earn the same as the long leadership.
            template = _STEP_LEAD_LONG_OR_AWARD if self.award_points == self.long_points else _STEP_LEAD_LONG
            steps.append(
                self._step(texts, "led_project_years", years, gain, template, years=_years(texts, years))
            )
        total = _total_sentence(texts, points, self.max, raw)
        return _Summary(texts[self.title], points, total, tuple(steps))


class _StrategicValueCriterion(_Criterion):
    __slots__ = ("hard_points", "plan_points", "plan_scale", "role_points", "role_scale")

    def __init__(self, config: StrategicValue) -> None:
        super().__init__(config)
        self.role_scale = config.core_technology_role.scale_max
        self.role_points = tuple(
            config.core_technology_role.points_for(r) for r in range(self.role_scale + 1)
        )
        self.plan_scale = config.transfer_plan.scale_max
        self.plan_points = tuple(config.transfer_plan.points_for(r) for r in range(self.plan_scale + 1))
        self.hard_points = config.hard_to_fill_points

    def evaluate(self, facts: Facts, cache: _LanguageCache) -> CriterionResult:
        role, hard, plan = facts.core_technology_role, facts.hard_to_fill, facts.transfer_plan
        if role > self.role_scale or plan > self.plan_scale:
            raise ValueError(
                f"{self.code}: ratings must be within 0-{self.role_scale} (core_technology_role) and "
                f"0-{self.plan_scale} (transfer_plan)"
            )
        # Three small ratings decide everything: memoise the whole result.
        return cache.by_band((self, role, hard, plan), self._build, cache.texts, role, hard, plan)

    def _build(self, texts: _Texts, role: int, hard: bool, plan: int) -> CriterionResult:
        role_points, plan_points = self.role_points[role], self.plan_points[plan]
        hard_points = self.hard_points if hard else 0
        raw = role_points + hard_points + plan_points
        points = min(raw, self.max)
        role_fact = texts[_B2_ROLE] % {"rating": role, "scale": self.role_scale}
        plan_fact = texts[_B2_PLAN] % {"rating": plan, "scale": self.plan_scale}
        explanation = " ".join(
            (
                texts[_PART] % {"fact": role_fact, "points": _points(texts, role_points)},
                texts[_PART]
                % {"fact": texts[_B2_HARD if hard else _B2_NOT_HARD], "points": _points(texts, hard_points)},
                texts[_PART] % {"fact": plan_fact, "points": _points(texts, plan_points)},
                _total_sentence(texts, points, self.max, raw),
            )
        )

        def gain_from(extra: int) -> int:
            return min(raw + extra, self.max) - points

        steps: list[NextStep] = []
        up = _next_rating(self.role_points, role)
        if up is not None and (gain := gain_from(self.role_points[up] - role_points)) > 0:
            steps.append(self._step(texts, "core_technology_role", up, gain, _STEP_ROLE, rating=up))
        if not hard and (gain := gain_from(self.hard_points)) > 0:
            steps.append(self._step(texts, "hard_to_fill", True, gain, _STEP_HARD))
        up = _next_rating(self.plan_points, plan)
        if up is not None and (gain := gain_from(self.plan_points[up] - plan_points)) > 0:
            steps.append(self._step(texts, "transfer_plan", up, gain, _STEP_PLAN, rating=up))
        return self._result(texts, points, explanation, tuple(steps))


def _next_rating(points_by_rating: tuple[int, ...], rating: int) -> int | None:
    """The lowest higher rating that earns more points (a coarse scale can make several equal)."""
    current = points_by_rating[rating]
    return next((r for r in range(rating + 1, len(points_by_rating)) if points_by_rating[r] > current), None)


def _compile_criterion(config: CriterionConfig, reference: ReferenceContext) -> _Criterion:
    if isinstance(config, DegreePedigree):
        return _DegreePedigreeCriterion(config)
    if isinstance(config, EmployerHistory):
        return _EmployerHistoryCriterion(config)
    if isinstance(config, SalaryRatio):
        return _SalaryRatioCriterion(config, reference)
    if isinstance(config, TechnicalExpertise):
        return _TechnicalExpertiseCriterion(config, reference)
    return _StrategicValueCriterion(config)


# --------------------------------------------------------------------------------------------------
# Track rules: each condition compiled to a node that decides and explains itself


class _Outcome:
    """What a track rule may look at besides the facts."""

    __slots__ = ("claimed_bonus", "total")

    def __init__(self, total: int, claimed_bonus: int) -> None:
        self.total = total
        self.claimed_bonus = claimed_bonus


class _Node:
    __slots__ = ()

    def explain(self, facts: Facts, outcome: _Outcome, cache: _LanguageCache, reasons: list[str]) -> bool:
        """Append this condition's reason(s); return whether it is met."""
        raise NotImplementedError


class _GroupNode(_Node):
    __slots__ = ("children", "headers", "is_any")

    def __init__(self, children: tuple[_Node, ...], is_any: bool, root: bool) -> None:
        self.children = children
        self.is_any = is_any
        # The (met, not met) summary lines, as _Texts keys; a nested group also says how many of the
        # lines after it are its own.
        self.headers: tuple[Hashable, Hashable]
        if root:
            self.headers = (_ROOT_ANY_MET, _ROOT_ANY_UNMET) if is_any else (_ROOT_ALL_MET, _ROOT_ALL_UNMET)
        else:
            met, unmet = (
                (_n_group_any_met, _n_group_any_unmet) if is_any else (_n_group_all_met, _n_group_all_unmet)
            )
            count = _plural_count(len(children))
            self.headers = ((met, count), (unmet, count))

    def explain(self, facts: Facts, outcome: _Outcome, cache: _LanguageCache, reasons: list[str]) -> bool:
        header_at = len(reasons)
        reasons.append("")  # the summary goes first but depends on the children
        # Every child is explained (no short-circuit): the reasons list met and unmet conditions both.
        results = [child.explain(facts, outcome, cache, reasons) for child in self.children]
        met = any(results) if self.is_any else all(results)
        reasons[header_at] = cache.texts[self.headers[0 if met else 1]] % {"count": len(self.children)}
        return met


class _LeafNode(_Node):
    """A condition on one fact value: its verdict and sentence are memoised by that value."""

    __slots__ = ()

    def explain(self, facts: Facts, outcome: _Outcome, cache: _LanguageCache, reasons: list[str]) -> bool:
        value = self.value_of(facts, outcome)
        met, reason = cache.by_value((self, value), self.judge, cache.texts, value)
        reasons.append(reason)
        return met

    def value_of(self, facts: Facts, outcome: _Outcome) -> Hashable:
        raise NotImplementedError

    def judge(self, texts: _Texts, value: Any) -> tuple[bool, str]:
        raise NotImplementedError


class _DegreeInNode(_LeafNode):
    __slots__ = ("levels", "ordered")

    def __init__(self, levels: tuple[str, ...]) -> None:
        self.levels = frozenset(levels)
        self.ordered = tuple(level for level in DEGREE_LEVELS if level in self.levels)

    def value_of(self, facts: Facts, outcome: _Outcome) -> str:
        return facts.degree_level

    def judge(self, texts: _Texts, level: str) -> tuple[bool, str]:
        met = level in self.levels
        allowed = ", ".join(texts[_DEGREE_NAMES[allowed]] for allowed in self.ordered)
        params = {"degree": texts[_DEGREE_NAMES[level]], "allowed": allowed}
        return met, texts[_DEGREE_IN_MET if met else _DEGREE_IN_UNMET] % params


class _RankAtMostNode(_LeafNode):
    __slots__ = ("value",)

    def __init__(self, value: Decimal) -> None:
        self.value = int(value)

    def value_of(self, facts: Facts, outcome: _Outcome) -> int | None:
        return facts.institution_rank

    def judge(self, texts: _Texts, rank: int | None) -> tuple[bool, str]:
        if rank is None:
            return False, texts[_RANK_UNLISTED] % {"value": self.value}
        met = rank <= self.value
        return met, texts[_RANK_MET if met else _RANK_UNMET] % {"rank": rank, "value": self.value}


class _YearsNode(_LeafNode):
    __slots__ = ("compare", "read", "templates", "value")

    def __init__(self, fact: str, op: str, value: Decimal) -> None:
        self.read: Callable[[Facts], Decimal] = operator.attrgetter(fact)
        self.compare: Callable[[Decimal, Decimal], bool] = operator.gt if op == ">" else operator.ge
        self.value = value
        self.templates = _YEARS_REASONS[(fact, op)]

    def value_of(self, facts: Facts, outcome: _Outcome) -> Decimal:
        return self.read(facts)

    def judge(self, texts: _Texts, actual: Decimal) -> tuple[bool, str]:
        met = self.compare(actual, self.value)
        params = {"actual": _years(texts, actual), "value": _years(texts, self.value)}
        return met, texts[self.templates[0 if met else 1]] % params


class _SalaryRatioNode(_Node):
    """Not memoised by value (salaries vary too much): the two templates are filled in per call."""

    __slots__ = ("gni_year", "ratio_text", "templates", "threshold_krw", "threshold_text")

    def __init__(self, op: str, ratio: Decimal, reference: ReferenceContext) -> None:
        gni = reference.gni_per_capita_krw
        self.threshold_krw = krw_more_than(ratio, gni) if op == ">" else krw_at_least(ratio, gni)
        self.threshold_text = _krw(self.threshold_krw)
        self.ratio_text = _ratio_text(ratio)
        self.gni_year = reference.gni_year
        self.templates = _SALARY_REASONS[op]

    def explain(self, facts: Facts, outcome: _Outcome, cache: _LanguageCache, reasons: list[str]) -> bool:
        salary = facts.offered_salary_krw
        met = salary >= self.threshold_krw
        template = cache.by_band((self, met), self._template, cache.texts, met)
        reasons.append(template % {"salary": _krw(salary)})
        return met

    def _template(self, texts: _Texts, met: bool) -> str:
        params = {
            "salary": "%(salary)s",
            "ratio": self.ratio_text,
            "year": self.gni_year,
            "threshold": self.threshold_text,
        }
        return texts[self.templates[0 if met else 1]] % params


class _ProgrammeNode(_LeafNode):
    __slots__ = ("programmes",)

    def __init__(self, programmes: frozenset[str]) -> None:
        self.programmes = programmes

    def value_of(self, facts: Facts, outcome: _Outcome) -> str | None:
        return facts.government_programme

    def judge(self, texts: _Texts, programme: str | None) -> tuple[bool, str]:
        if not programme:
            return False, texts[_PROGRAMME_NONE]
        met = programme in self.programmes
        return met, texts[_PROGRAMME_MET if met else _PROGRAMME_UNRECOGNISED] % {"programme": programme}


class _PassMarkNode(_Node):
    __slots__ = ("pass_mark",)

    def __init__(self, pass_mark: int) -> None:
        self.pass_mark = pass_mark

    def explain(self, facts: Facts, outcome: _Outcome, cache: _LanguageCache, reasons: list[str]) -> bool:
        key = (self, outcome.total, outcome.claimed_bonus)
        met, lines = cache.by_band(key, self._judge, cache.texts, outcome.total, outcome.claimed_bonus)
        reasons.extend(lines)
        return met

    def _judge(self, texts: _Texts, total: int, claimed_bonus: int) -> tuple[bool, tuple[str, ...]]:
        met = total >= self.pass_mark
        params = {"total": _points(texts, total), "pass_mark": self.pass_mark}
        lines = [texts[_PASS_MARK_MET if met else _PASS_MARK_UNMET] % params]
        if claimed_bonus:
            lines.append(texts[_PASS_MARK_CLAIMED_BONUS] % {"bonus": _points(texts, claimed_bonus)})
        return met, tuple(lines)


def _compile_condition(
    condition: Condition, config: RubricConfig, reference: ReferenceContext, *, root: bool = False
) -> _Node:
    if isinstance(condition, AnyOf | AllOf):
        children = tuple(_compile_condition(c, config, reference) for c in condition.conditions)
        return _GroupNode(children, is_any=isinstance(condition, AnyOf), root=root)
    if isinstance(condition, PassMarkReached):
        assert config.pass_mark is not None  # from_dict refuses the pass-mark rule without a pass mark
        return _PassMarkNode(config.pass_mark)
    return _compile_fact_condition(condition, reference)


def _compile_fact_condition(condition: FactCondition, reference: ReferenceContext) -> _Node:
    fact, op, value = condition.fact, condition.op, condition.value
    if fact == "degree_level":
        assert isinstance(value, tuple)
        return _DegreeInNode(value)
    if fact == "government_programme":
        return _ProgrammeNode(reference.recognised_programmes)
    assert isinstance(value, Decimal)
    if fact == "institution_rank":
        return _RankAtMostNode(value)
    if fact == "salary_gni_ratio":
        return _SalaryRatioNode(op, value, reference)
    return _YearsNode(fact, op, value)


# --------------------------------------------------------------------------------------------------
# The scorer


class Scorer:
    """Compiled once per (RubricConfig, ReferenceContext): precompute KRW salary thresholds etc."""

    __slots__ = (
        "_by_language",
        "_criteria",
        "_qualitative",
        "_quantitative",
        "_sme_points",
        "_tracks",
        "config",
        "reference",
    )

    def __init__(self, config: RubricConfig, reference: ReferenceContext) -> None:
        self.config = config
        self.reference = reference
        self._criteria = tuple(_compile_criterion(c, reference) for c in config.criteria)
        self._quantitative = tuple(i for i, c in enumerate(self._criteria) if c.group == "quantitative")
        self._qualitative = tuple(i for i, c in enumerate(self._criteria) if c.group == "qualitative")
        self._sme_points = config.sme_bonus.points if config.sme_bonus else 0
        self._tracks = tuple(
            (
                track.code,
                _TRACK_TITLES[track.code],
                _compile_condition(track.rule, config, reference, root=True),
            )
            for track in config.tracks
        )
        self._by_language: dict[str | None, _LanguageCache] = {}

    def score(self, facts: Facts) -> ScoreResult:
        cache = self._cache()
        criteria = tuple([criterion.evaluate(facts, cache) for criterion in self._criteria])
        quantitative = sum([criteria[i].points for i in self._quantitative])
        qualitative = sum([criteria[i].points for i in self._qualitative])
        bonus, basis = self._sme_bonus(facts)
        total = quantitative + qualitative + bonus

        outcome = _Outcome(total, bonus if basis == "claimed" else 0)
        tracks: dict[str, TrackResult] = {}
        for code, title, rule in self._tracks:
            reasons: list[str] = []
            eligible = rule.explain(facts, outcome, cache, reasons)
            tracks[code] = TrackResult(code, cache.texts[title], eligible, tuple(reasons))

        return ScoreResult(
            self.config.code,
            criteria,
            quantitative,
            qualitative,
            bonus,
            basis,
            total,
            self.config.pass_mark,
            tracks,
        )

    def _cache(self) -> _LanguageCache:
        language = get_language()
        cache = self._by_language.get(language)
        if cache is None:
            texts = _TEXTS_BY_LANGUAGE.setdefault(language, _Texts())
            cache = self._by_language[language] = _LanguageCache(texts)
        return cache

    def _sme_bonus(self, facts: Facts) -> tuple[int, str]:
        if not self._sme_points:
            return 0, "none"
        if facts.sme_verified is True:
            return self._sme_points, "verified"
        if facts.sme_verified is None and facts.sponsor_is_sme:
            return self._sme_points, "claimed"  # a self-assessment: shown subject to verification
        return 0, "none"


def score(facts: Facts, config: RubricConfig, reference: ReferenceContext) -> ScoreResult:
    """Convenience for one-off scoring; compile a ``Scorer`` to score many."""
    return Scorer(config, reference).score(facts)
