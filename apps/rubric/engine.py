"""The pure scoring engine: facts in, a fully explained score out. No ORM, no database, no I/O.

``Scorer(config, reference)`` compiles one rubric version (``policy_config.RubricConfig``) against one
set of reference data (per-capita GNI, strategic fields, recognised programmes): KRW salary thresholds,
rank lookups and next steps are worked out once, so ``Scorer.score`` is straight-line work.

Text: every user-visible sentence is a whole, translatable message with named placeholders (Korean
word order differs). Translations are looked up once per language and message and kept for the
process (``_Texts``): Django's ``gettext`` reads a context-local on every call, which would dominate a
score built from some thirty sentences.

Speed: the target is >= 20,000 profiles a second on one core with every profile new
(bench/engine_throughput.py). Whatever the band positions decide (points, next steps, the sentences
around a value) is prepared once per scorer and language, on first use, with a slot where the value
goes (``_LanguageCache``); scoring a profile compares its values with the thresholds, formats each
value once and joins it into its prepared sentence. Nothing is kept per fact value, so memory is
bounded by the configuration and a profile never seen before costs what a repeated one does.

Numbers: salaries are compared with precomputed whole-won thresholds (a ratio threshold times GNI,
rounded up, in exact integer arithmetic), so "exactly 2.5 times" is exact, with no floating point
anywhere; years stay Decimal, compared with the configuration's Decimal thresholds.
"""

from __future__ import annotations

import operator
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

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
    # (code, English name, Korean name) for fields and programmes, so sentences name them in words;
    # a code with no entry is shown as the code.
    display_names: tuple[tuple[str, str, str], ...] = ()

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


# A prepared sentence: a finished sentence with _SLOT where the one per-profile value goes (a rank, a
# number of years, a salary), split there, so ``value.join(pieces)`` finishes it. That is what
# formatting the message with the value would give (a value is inserted as it is, never read as a
# format, and a placeholder used twice gets it twice), at a fraction of the cost.
_SLOT = "\x00"  # never in a message or a translation
_SLOT_2 = "\x01"  # the second value of the one sentence that takes two (A3: salary, then ratio)


def _prepare(sentence: str) -> tuple[str, ...]:
    return tuple(sentence.split(_SLOT))


class _LanguageCache:
    """A scorer's prepared parts for one language, built on first use.

    Every key is made of band positions (a band index, a tier, a rating, met or not) and plural
    counts (bounded by ``_plural_count``), never of a fact value itself: the configuration bounds
    it, so it needs no limit, and a profile nobody has sent before costs the same as a repeated one.
    Only immutable parts fully decided by their key are kept, so a kept part is identical to a
    freshly built one.

    There used to be a second memo, of finished sentences keyed by fact *values* (a rank, a number
    of years), capped at 50,000 entries per scorer and language. It was dropped: with a value going
    into its prepared sentence by one ``str.join``, memoising the formatted values would save about
    2.5 us of 34 us per profile even when every profile repeats (bench/engine_throughput.py, 2-core
    EPYC), nothing when they do not, for up to 50,000 entries of memory. It also showed -0 as "0"
    or "-0" depending on which of the equal keys 0 and -0 it had seen first.
    """

    __slots__ = ("names", "parts", "texts")

    def __init__(self, texts: _Texts, names: Mapping[str, str]) -> None:
        self.texts = texts
        self.parts: dict[Hashable, Any] = {}
        self.names = names  # field and programme codes -> their names in this language

    def name(self, code: str) -> str:
        return self.names.get(code, code)


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


def _number(value: Decimal) -> tuple[str, int]:
    """How a number of years reads and the count its plural form follows: 7.50 -> ("7.5", 2),
    8.0 -> ("8", 8), -0 -> ("0", 0), never an exponent. A fraction takes the "other" form
    ("1.5 years"), as 2 does; a whole number its own. String work only: cheaper than Decimal
    arithmetic, and a number of years is formatted for every profile."""
    text = str(value)
    if "E" in text:
        text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
        if "." in text:
            return text, 2
    if text == "-0":  # Facts accepts a negative zero (it is not < 0); it reads as 0
        return "0", 0
    return text, _plural_count(int(text))


def _plural_count(count: int) -> int:
    """A count with the same plural form as ``count`` but bounded, so memo keys stay few.

    Plural rules look at n, n % 10 and n % 100, all of which 100 + n % 100 keeps for n >= 100.
    """
    return count if count < 100 else 100 + count % 100


def _years(texts: _Texts, value: Decimal | str, count: int | None = None) -> str:
    """ "7.5 years"; with ``count``, ``value`` is the number already as text (or _SLOT)."""
    if count is None:
        assert isinstance(value, Decimal)
        value, count = _number(value)
    return texts[(_n_years, count)] % {"years": value}


def _krw(amount: int) -> str:
    return f"{amount:,}"


def _total_sentence(texts: _Texts, points: int, maximum: int, raw: int) -> str:
    key = (_total_sentence, points, maximum, raw > maximum)
    sentence = texts.get(key)
    if sentence is None:
        template = texts[_TOTAL_CAPPED if raw > maximum else _TOTAL]
        sentence = texts[key] = template % {"points_of_max": _points_of_max(texts, points, maximum)}
    return sentence


class _Bands:
    """Thresholds listed best (highest) first, as the configuration has them; ``index(value)`` is
    the first band ``value`` reaches (inclusive), len(thresholds) when none, by bisection."""

    __slots__ = ("ascending", "count", "thresholds")

    def __init__(self, thresholds: tuple[Any, ...]) -> None:
        self.thresholds = thresholds
        self.ascending = thresholds[::-1]
        self.count = len(thresholds)

    def index(self, value: Decimal | int) -> int:
        # bisect_right counts the thresholds <= value: exactly the bands reached, from the worst up.
        return self.count - bisect_right(self.ascending, value)


def _with_zero(bands: tuple[Band, ...]) -> tuple[int, ...]:
    """Points per band index, the "below every band" index earning 0."""
    return (*(b.points for b in bands), 0)


# --------------------------------------------------------------------------------------------------
# Criteria: one compiled class per kind. ``evaluate`` does only what depends on the fact values
# themselves (compare, format a number, join it into a prepared sentence); everything decided by the
# band positions is prepared on first use in each language and kept in the _LanguageCache.


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

    def __init__(
        self, title: str, points: int, total: str | tuple[str, ...], steps: tuple[NextStep, ...]
    ) -> None:
        self.title = title
        self.points = points
        self.total = total
        self.steps = steps


_LEVEL_INDEX: Mapping[str, int] = {level: i for i, level in enumerate(DEGREE_LEVELS)}


class _DegreePedigreeCriterion(_Criterion):
    __slots__ = ("table", "tier_max_ranks")

    def __init__(self, config: DegreePedigree) -> None:
        super().__init__(config)
        self.tier_max_ranks = tuple(t.max_rank for t in config.rank_tiers)
        # table[degree][tier]; the last tier is "other" (unlisted or beyond the last max_rank).
        self.table = tuple(
            (*(t.points[d] for t in config.rank_tiers), config.other_points[d])
            for d in range(len(DEGREE_LEVELS))
        )

    def evaluate(self, facts: Facts, cache: _LanguageCache) -> CriterionResult:
        level, rank = facts.degree_level, facts.institution_rank
        # The first tier whose max_rank the rank is within (max_rank rises); past the last, "other".
        tier = len(self.tier_max_ranks) if rank is None else bisect_left(self.tier_max_ranks, rank)
        key = (self, level, tier, rank is None)
        prepared = cache.parts.get(key)
        if prepared is None:
            prepared = cache.parts[key] = self._prepare(cache.texts, level, tier, rank is None)
        if isinstance(prepared, CriterionResult):  # no rank in the text: the whole result is kept
            return prepared
        title, points, pieces, steps = prepared
        return CriterionResult(self.code, title, points, self.max, self.basis, str(rank).join(pieces), steps)

    def _prepare(
        self, texts: _Texts, level: str, tier: int, unranked: bool
    ) -> CriterionResult | tuple[str, int, tuple[str, ...], tuple[NextStep, ...]]:
        degree = _LEVEL_INDEX[level]
        points = self.table[degree][tier]
        points_of_max = _points_of_max(texts, points, self.max)
        steps = self._next_steps(texts, degree, tier)
        if degree == 0:
            explanation = texts[_A1_NO_DEGREE] % {"points_of_max": points_of_max}
            return self._result(texts, points, explanation, steps)
        params = {
            "degree": texts[_DEGREE_TITLES[level]],
            "tier": self._tier_label(texts, tier),
            "rank": _SLOT,
            "points_of_max": points_of_max,
        }
        if unranked:
            return self._result(texts, points, texts[_A1_UNLISTED] % params, steps)
        return texts[self.title], points, _prepare(texts[_A1_RANKED] % params), steps

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


class _EmployerHistoryCriterion(_Criterion):
    __slots__ = ("bands", "bonus_min_years", "bonus_points", "points_by_band")

    def __init__(self, config: EmployerHistory) -> None:
        super().__init__(config)
        self.bands = _Bands(tuple(b.min for b in config.experience_bands))
        self.points_by_band = _with_zero(config.experience_bands)
        self.bonus_min_years = config.fortune_global_500_bonus.min_years
        self.bonus_points = config.fortune_global_500_bonus.points

    def evaluate(self, facts: Facts, cache: _LanguageCache) -> CriterionResult:
        parts = cache.parts
        experience, fortune = facts.experience_years, facts.fortune_global_500_years
        band = self.bands.index(experience)
        has_bonus = fortune >= self.bonus_min_years
        experience_text, experience_count = _number(experience)
        fortune_text, fortune_count = _number(fortune)

        key: tuple[Any, ...] = (self, "experience", band, experience_count)
        experience_part = parts.get(key)
        if experience_part is None:
            experience_part = parts[key] = self._experience_part(cache.texts, band, experience_count)
        key = (self, "fortune", has_bonus, fortune_count)
        fortune_part = parts.get(key)
        if fortune_part is None:
            fortune_part = parts[key] = self._fortune_part(cache.texts, has_bonus, fortune_count)
        key = (self, band, has_bonus)
        summary = parts.get(key)
        if summary is None:
            summary = parts[key] = self._summary(cache.texts, band, has_bonus)

        explanation = (
            f"{experience_text.join(experience_part)} {fortune_text.join(fortune_part)} {summary.total}"
        )
        return CriterionResult(
            self.code, summary.title, summary.points, self.max, self.basis, explanation, summary.steps
        )

    def _experience_part(self, texts: _Texts, band: int, count: int) -> tuple[str, ...]:
        fact = texts[_A2_EXPERIENCE] % {"years": _years(texts, _SLOT, count)}
        reached = band < self.bands.count
        threshold = self.bands.thresholds[band if reached else -1]
        return _prepare(_part(texts, fact, _years(texts, threshold), reached, self.points_by_band[band]))

    def _fortune_part(self, texts: _Texts, has_bonus: bool, count: int) -> tuple[str, ...]:
        fact = texts[_A2_FORTUNE] % {"years": _years(texts, _SLOT, count)}
        points = self.bonus_points if has_bonus else 0
        return _prepare(_part(texts, fact, _years(texts, self.bonus_min_years), has_bonus, points))

    def _summary(self, texts: _Texts, band: int, has_bonus: bool) -> _Summary:
        bonus = self.bonus_points if has_bonus else 0
        raw = self.points_by_band[band] + bonus
        points = min(raw, self.max)
        steps: list[NextStep] = []
        # Gains after the cap: a better band that the cap swallows is not offered as a step.
        if band > 0 and (gain := min(self.points_by_band[band - 1] + bonus, self.max) - points) > 0:
            years = self.bands.thresholds[band - 1]
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
    __slots__ = ("bands", "gni", "gni_text", "gni_year", "points_by_band", "ratios")

    def __init__(self, config: SalaryRatio, reference: ReferenceContext) -> None:
        super().__init__(config)
        self.gni = reference.gni_per_capita_krw
        self.gni_year = reference.gni_year
        self.gni_text = _krw(self.gni)
        self.ratios = tuple(b.min for b in config.bands)
        self.bands = _Bands(tuple(krw_at_least(b.min, self.gni) for b in config.bands))
        self.points_by_band = _with_zero(config.bands)

    def evaluate(self, facts: Facts, cache: _LanguageCache) -> CriterionResult:
        salary = facts.offered_salary_krw
        band = self.bands.index(salary)
        key = (self, band)
        summary = cache.parts.get(key)
        if summary is None:
            summary = cache.parts[key] = self._summary(cache.texts, band)
        # Shown rounded down to two decimals: 124,887,499 KRW must not read as "2.50 times".
        hundredths = salary * 100 // self.gni
        ratio = f"{hundredths // 100}.{hundredths % 100:02d}"
        explanation = f"{salary:,}".join(summary.total).replace(_SLOT_2, ratio)
        return CriterionResult(
            self.code, summary.title, summary.points, self.max, self.basis, explanation, summary.steps
        )

    def _summary(self, texts: _Texts, band: int) -> _Summary:
        """``total`` here is the explanation prepared for the salary, with _SLOT_2 for the ratio."""
        points = self.points_by_band[band]
        if band < len(self.ratios):
            band_text = texts[_RATIO_AT_LEAST] % {"ratio": _ratio_text(self.ratios[band])}
        else:
            band_text = texts[_RATIO_BELOW] % {"ratio": _ratio_text(self.ratios[-1])}
        # Filled in once, so a "%" in a translation or a phrase is never read as a format again.
        explanation = texts[_A3_SALARY] % {
            "salary": _SLOT,
            "ratio": _SLOT_2,
            "year": self.gni_year,
            "gni": self.gni_text,
            "band": band_text,
            "points_of_max": _points_of_max(texts, points, self.max),
        }
        steps: tuple[NextStep, ...] = ()
        if band > 0:
            amount = self.bands.thresholds[band - 1]
            gain = self.points_by_band[band - 1] - points
            steps = (
                self._step(texts, "offered_salary_krw", amount, gain, _STEP_SALARY, amount=_krw(amount)),
            )
        return _Summary(texts[self.title], points, _prepare(explanation), steps)


# Whole-number arithmetic on the ratio as an exact fraction: exact for any ratio and GNI, and cheaper
# than Decimal multiplication at a precision large enough to be exact.


def krw_at_least(ratio: Decimal, gni_krw: int) -> int:
    """The smallest whole-won salary whose ratio to ``gni_krw`` is >= ``ratio``."""
    numerator, denominator = ratio.as_integer_ratio()
    return -(-numerator * gni_krw // denominator)  # ceiling division


def krw_more_than(ratio: Decimal, gni_krw: int) -> int:
    """The smallest whole-won salary whose ratio to ``gni_krw`` is > ``ratio``."""
    numerator, denominator = ratio.as_integer_ratio()
    return numerator * gni_krw // denominator + 1


class _TechnicalExpertiseCriterion(_Criterion):
    __slots__ = (
        "award_points",
        "field_other",
        "field_strategic",
        "lead_points",
        "long_min_years",
        "long_points",
        "output_bands",
        "output_points",
        "short_points",
        "strategic_fields",
    )

    def __init__(self, config: TechnicalExpertise, reference: ReferenceContext) -> None:
        super().__init__(config)
        self.strategic_fields = reference.strategic_fields
        self.field_strategic = config.field_points.strategic
        self.field_other = config.field_points.other
        self.output_bands = _Bands(tuple(int(b.min) for b in config.output_bands))
        self.output_points = _with_zero(config.output_bands)
        lead = config.leadership
        self.long_min_years = lead.long_min_years
        self.long_points = lead.long_points
        self.short_points = lead.short_points
        self.award_points = award = lead.award_points
        # lead_points[level][award]: (points for the years alone, points with the award too), where
        # level is 0 (never led), 1 (led, shorter than long_min_years) or 2 (long).
        self.lead_points = (
            ((0, 0), (0, award)),
            ((lead.short_points, lead.short_points), (lead.short_points, max(lead.short_points, award))),
            ((lead.long_points, lead.long_points), (lead.long_points, max(lead.long_points, award))),
        )

    def evaluate(self, facts: Facts, cache: _LanguageCache) -> CriterionResult:
        parts = cache.parts
        field, count = facts.field, facts.publications_and_patents
        led, award = facts.led_project_years, facts.international_award
        strategic = field in self.strategic_fields
        band = self.output_bands.index(count)
        level = 2 if led >= self.long_min_years else (1 if led else 0)

        key: tuple[Any, ...] = (self, "field", strategic)
        field_part = parts.get(key)
        if field_part is None:
            field_part = parts[key] = self._field_part(cache.texts, strategic)
        outputs_count = _plural_count(count)
        key = (self, "outputs", band, outputs_count)
        outputs_part = parts.get(key)
        if outputs_part is None:
            outputs_part = parts[key] = self._outputs_part(cache.texts, band, outputs_count)
        years_points, points = self.lead_points[level][award]
        if level and years_points == points:  # the years explain the points (an award may add nothing)
            led_text, led_count = _number(led)
            key = (self, "led", level, led_count)
            lead_part = parts.get(key)
            if lead_part is None:
                lead_part = parts[key] = self._led_part(cache.texts, level, points, led_count)
            lead_text = led_text.join(lead_part)
        else:
            key = (self, "lead", award, points)
            award_part = parts.get(key)
            if award_part is None:
                award_part = parts[key] = self._award_part(cache.texts, award, points)
            lead_text = award_part
        key = (self, strategic, band, level, award)
        summary = parts.get(key)
        if summary is None:
            summary = parts[key] = self._summary(cache.texts, strategic, band, level, award)

        explanation = f"{cache.name(field).join(field_part)} {str(count).join(outputs_part)} {lead_text} {summary.total}"
        return CriterionResult(
            self.code, summary.title, summary.points, self.max, self.basis, explanation, summary.steps
        )

    def _field_part(self, texts: _Texts, strategic: bool) -> tuple[str, ...]:
        fact = texts[_B1_FIELD_STRATEGIC if strategic else _B1_FIELD_OTHER] % {"field": _SLOT}
        points = self.field_strategic if strategic else self.field_other
        return _prepare(texts[_PART] % {"fact": fact, "points": _points(texts, points)})

    def _outputs_part(self, texts: _Texts, band: int, count: int) -> tuple[str, ...]:
        reached = band < self.output_bands.count
        threshold = str(self.output_bands.thresholds[band if reached else -1])
        fact = texts[(_n_outputs, count)] % {"count": _SLOT}
        return _prepare(_part(texts, fact, threshold, reached, self.output_points[band]))

    def _led_part(self, texts: _Texts, level: int, points: int, count: int) -> tuple[str, ...]:
        fact = texts[_B1_LED] % {"years": _years(texts, _SLOT, count)}
        threshold = _years(texts, self.long_min_years)
        return _prepare(_part(texts, fact, threshold, level == 2, points))

    def _award_part(self, texts: _Texts, award: bool, points: int) -> str:
        fact = texts[_B1_AWARD] if award else texts[_B1_NOT_LED]
        return texts[_PART] % {"fact": fact, "points": _points(texts, points)}

    def _summary(self, texts: _Texts, strategic: bool, band: int, level: int, award: bool) -> _Summary:
        _, lead_points = self.lead_points[level][award]
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
            count = self.output_bands.thresholds[band - 1]
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
    __slots__ = ("hard_points", "plan", "plan_scale", "role", "role_scale")

    def __init__(self, config: StrategicValue) -> None:
        super().__init__(config)
        self.role = config.core_technology_role
        self.role_scale = self.role.scale_max
        self.plan = config.transfer_plan
        self.plan_scale = self.plan.scale_max
        self.hard_points = config.hard_to_fill_points

    def evaluate(self, facts: Facts, cache: _LanguageCache) -> CriterionResult:
        role, hard, plan = facts.core_technology_role, facts.hard_to_fill, facts.transfer_plan
        if role > self.role_scale or plan > self.plan_scale:
            raise ValueError(
                f"{self.code}: ratings must be within 0-{self.role_scale} (core_technology_role) and "
                f"0-{self.plan_scale} (transfer_plan)"
            )
        # Three small ratings decide everything: the whole result is kept.
        key = (self, role, hard, plan)
        result = cache.parts.get(key)
        if result is None:
            result = cache.parts[key] = self._build(cache.texts, role, hard, plan)
        return result

    def _build(self, texts: _Texts, role: int, hard: bool, plan: int) -> CriterionResult:
        # Points per rating, worked out here rather than in __init__: only a new combination gets here.
        points_by_role = tuple(self.role.points_for(r) for r in range(self.role_scale + 1))
        points_by_plan = tuple(self.plan.points_for(r) for r in range(self.plan_scale + 1))
        role_points, plan_points = points_by_role[role], points_by_plan[plan]
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
        up = _next_rating(points_by_role, role)
        if up is not None and (gain := gain_from(points_by_role[up] - role_points)) > 0:
            steps.append(self._step(texts, "core_technology_role", up, gain, _STEP_ROLE, rating=up))
        if not hard and (gain := gain_from(self.hard_points)) > 0:
            steps.append(self._step(texts, "hard_to_fill", True, gain, _STEP_HARD))
        up = _next_rating(points_by_plan, plan)
        if up is not None and (gain := gain_from(points_by_plan[up] - plan_points)) > 0:
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
# Track rules: each condition compiled once (in Scorer.__init__) to a node that decides and explains
# itself; its sentences are prepared per language, keyed by met/not met (and a plural count).


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
        key = (self, met)
        header = cache.parts.get(key)
        if header is None:
            header = cache.parts[key] = cache.texts[self.headers[0 if met else 1]] % {
                "count": len(self.children)
            }
        reasons[header_at] = header
        return met


class _DegreeInNode(_Node):
    __slots__ = ("levels", "ordered")

    def __init__(self, levels: tuple[str, ...]) -> None:
        self.levels = frozenset(levels)
        self.ordered = tuple(level for level in DEGREE_LEVELS if level in self.levels)

    def explain(self, facts: Facts, outcome: _Outcome, cache: _LanguageCache, reasons: list[str]) -> bool:
        level = facts.degree_level  # one of DEGREE_LEVELS (Facts checks): a bounded key
        met = level in self.levels
        key = (self, level)
        reason = cache.parts.get(key)
        if reason is None:
            texts = cache.texts
            allowed = ", ".join(texts[_DEGREE_NAMES[allowed]] for allowed in self.ordered)
            params = {"degree": texts[_DEGREE_NAMES[level]], "allowed": allowed}
            reason = cache.parts[key] = texts[_DEGREE_IN_MET if met else _DEGREE_IN_UNMET] % params
        reasons.append(reason)
        return met


class _RankAtMostNode(_Node):
    __slots__ = ("value",)

    def __init__(self, value: Decimal) -> None:
        self.value = int(value)

    def explain(self, facts: Facts, outcome: _Outcome, cache: _LanguageCache, reasons: list[str]) -> bool:
        rank = facts.institution_rank
        met = rank is not None and rank <= self.value
        key = (self, rank is None, met)
        pieces = cache.parts.get(key)
        if pieces is None:
            pieces = cache.parts[key] = self._prepare(cache.texts, rank is None, met)
        reasons.append(str(rank).join(pieces))
        return met

    def _prepare(self, texts: _Texts, unlisted: bool, met: bool) -> tuple[str, ...]:
        if unlisted:
            return (texts[_RANK_UNLISTED] % {"value": self.value},)
        return _prepare(texts[_RANK_MET if met else _RANK_UNMET] % {"rank": _SLOT, "value": self.value})


class _YearsNode(_Node):
    __slots__ = ("compare", "read", "templates", "value")

    def __init__(self, fact: str, op: str, value: Decimal) -> None:
        self.read: Callable[[Facts], Decimal] = operator.attrgetter(fact)
        self.compare: Callable[[Decimal, Decimal], bool] = operator.gt if op == ">" else operator.ge
        self.value = value
        self.templates = _YEARS_REASONS[(fact, op)]

    def explain(self, facts: Facts, outcome: _Outcome, cache: _LanguageCache, reasons: list[str]) -> bool:
        actual = self.read(facts)
        met = self.compare(actual, self.value)
        text, count = _number(actual)
        key = (self, met, count)
        pieces = cache.parts.get(key)
        if pieces is None:
            texts = cache.texts
            params = {"actual": _years(texts, _SLOT, count), "value": _years(texts, self.value)}
            pieces = cache.parts[key] = _prepare(texts[self.templates[0 if met else 1]] % params)
        reasons.append(text.join(pieces))
        return met


class _SalaryRatioNode(_Node):
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
        key = (self, met)
        pieces = cache.parts.get(key)
        if pieces is None:
            params = {
                "salary": _SLOT,
                "ratio": self.ratio_text,
                "year": self.gni_year,
                "threshold": self.threshold_text,
            }
            pieces = cache.parts[key] = _prepare(cache.texts[self.templates[0 if met else 1]] % params)
        reasons.append(f"{salary:,}".join(pieces))
        return met


class _ProgrammeNode(_Node):
    __slots__ = ("programmes",)

    def __init__(self, programmes: frozenset[str]) -> None:
        self.programmes = programmes

    def explain(self, facts: Facts, outcome: _Outcome, cache: _LanguageCache, reasons: list[str]) -> bool:
        programme = facts.government_programme
        met = bool(programme) and programme in self.programmes
        key = (self, not programme, met)
        pieces = cache.parts.get(key)
        if pieces is None:
            pieces = cache.parts[key] = self._prepare(cache.texts, not programme, met)
        reasons.append(cache.name(str(programme)).join(pieces))
        return met

    def _prepare(self, texts: _Texts, none: bool, met: bool) -> tuple[str, ...]:
        if none:
            return (texts[_PROGRAMME_NONE],)
        return _prepare(texts[_PROGRAMME_MET if met else _PROGRAMME_UNRECOGNISED] % {"programme": _SLOT})


class _PassMarkNode(_Node):
    __slots__ = ("pass_mark",)

    def __init__(self, pass_mark: int) -> None:
        self.pass_mark = pass_mark

    def explain(self, facts: Facts, outcome: _Outcome, cache: _LanguageCache, reasons: list[str]) -> bool:
        key = (self, outcome.total, outcome.claimed_bonus)  # bounded by the configuration's maxima
        judged = cache.parts.get(key)
        if judged is None:
            judged = cache.parts[key] = self._judge(cache.texts, outcome.total, outcome.claimed_bonus)
        met, lines = judged
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
    if isinstance(condition, (AnyOf, AllOf)):  # a tuple: ``AnyOf | AllOf`` builds a new union per call
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
        # Cheap on purpose (a view may compile one per request): no text here, that is prepared on
        # first use in each language.
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
        language = get_language()
        cache = self._by_language.get(language)
        if cache is None:
            texts = _TEXTS_BY_LANGUAGE.setdefault(language, _Texts())
            korean = (language or "").startswith("ko")
            names = {code: (ko or en) if korean else en for code, en, ko in self.reference.display_names}
            cache = self._by_language[language] = _LanguageCache(texts, names)
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
