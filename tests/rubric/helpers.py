"""Shared helpers for the scorer tests: the shipped versions, a profile that earns nothing, lookups."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version, read_version
from apps.rubric.language.scorer import CriterionResult, Profile, Reference, ScoreResult
from tests.rubric.differential import Facts, profile_of

VERSIONS_DIR = Path(__file__).resolve().parents[2] / "apps" / "rubric" / "versions"

# policy.md section 1: Korea's per-capita GNI for 2024.
GNI_2024 = 49_955_000
STRATEGIC_FIELDS = frozenset({"semiconductors", "ai", "aerospace", "quantum", "robotics"})
PROGRAMMES = frozenset({"MOHW", "KASA"})


def reference_with(gni: int = GNI_2024, *, year: int = 2024, **lists: frozenset[str]) -> Reference:
    """Reference data with one GNI figure, the strategic fields and programmes (or ``lists``)."""
    return Reference(
        quantities={"per_capita_gni": (year, gni)},
        by_year={("per_capita_gni", year): gni},
        lists=lists or {"strategic": STRATEGIC_FIELDS, "recognised_programmes": PROGRAMMES},
    )


# The weakest profile (it earns only the 2 points of a non-strategic field); each test changes only
# what it is about.
NOTHING = Facts(
    degree_level="none",
    institution_rank=None,
    experience_years=Decimal(0),
    fortune_global_500_years=Decimal(0),
    offered_salary_krw=0,
    field="other",
    publications_and_patents=0,
    led_project_years=Decimal(0),
    international_award=False,
    sponsor_is_sme=False,
)


def load_raw(code: str) -> dict[str, Any]:
    return json.loads((VERSIONS_DIR / f"{code}.json").read_text(encoding="utf-8"))


def raw_copy(code: str) -> dict[str, Any]:
    """A deep copy of a shipped version's JSON, to change one number in a test."""
    return copy.deepcopy(load_raw(code))


def version_of(raw: dict[str, Any]) -> Version:
    return read_version(raw, default_catalogue())


def criterion(result: ScoreResult, code: str) -> CriterionResult:
    return next(c for c in result.criteria if c.code == code)


def make_facts(**changes: Any) -> Profile:
    """The nothing-profile with ``changes`` (the launch engine's answer names), as a profile."""
    return profile_of(replace(NOTHING, **changes))
