"""What the rubric language takes and gives: reference data, a profile, and the explained results.

Results are named tuples: immutable (a result is shared by every profile in the same band positions)
and about five times cheaper to make than frozen dataclasses, at nine per score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

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

    def bonus(self, code: str) -> BonusResult | None:
        return next((b for b in self.bonuses if b.code == code), None)

    # The result's summary under the names the public API has documented since the first release
    # (clients must not break): the group "quantitative", the group "qualitative" (an estimate until
    # a reviewer assesses it), the bonus "sme" and the threshold "pass_mark". A version without one
    # of them answers 0, "none" or None.

    @property
    def quantitative(self) -> int:
        return self.groups.get("quantitative", 0)

    @property
    def qualitative_estimate(self) -> int:
        return self.groups.get("qualitative", 0)

    @property
    def sme_bonus(self) -> int:
        bonus = self.bonus("sme")
        return bonus.points if bonus else 0

    @property
    def sme_bonus_basis(self) -> str:
        bonus = self.bonus("sme")
        return bonus.basis if bonus else "none"

    @property
    def pass_mark(self) -> int | None:
        threshold = self.thresholds.get("pass_mark")
        return threshold.points if threshold else None

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON: the language's shape (groups, bonuses, thresholds) plus the API's
        documented summary names (``quantitative`` ... ``pass_mark``)."""
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
            "quantitative": self.quantitative,
            "qualitative_estimate": self.qualitative_estimate,
            "sme_bonus": self.sme_bonus,
            "sme_bonus_basis": self.sme_bonus_basis,
            "pass_mark": self.pass_mark,
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
