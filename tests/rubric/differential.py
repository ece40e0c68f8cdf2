"""Generated applicants for the differential test and the benchmark.

Profiles are drawn with a fixed seed, half of them on or next to a threshold (a band's edge, one won
below a salary threshold, a rank at a tier's end), where a rewrite is most likely to go wrong. A
``Facts`` is one applicant in the 15 answers of the launch engine (removed by issue 9); the same
seed gives the same stream of profiles the launch engine's results were recorded on
(``tests/rubric/golden/``).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from apps.rubric.language.scorer import Profile, Reference, ScoreResult

DEGREE_LEVELS = ("none", "bachelor", "master", "doctorate")


@dataclass(frozen=True, slots=True)
class Facts:
    """One applicant as the launch engine took them (its ``Facts``, field for field)."""

    degree_level: str
    institution_rank: int | None
    experience_years: Decimal
    fortune_global_500_years: Decimal
    offered_salary_krw: int
    field: str
    publications_and_patents: int
    led_project_years: Decimal
    international_award: bool
    sponsor_is_sme: bool
    sme_verified: bool | None = None  # None: a claim (self-assessment); True/False: a reviewer's outcome
    core_technology_role: int = 0
    hard_to_fill: bool = False
    transfer_plan: int = 0
    government_programme: str | None = None


GNI = 49_955_000
STRATEGIC = frozenset({"semiconductors", "ai", "aerospace", "quantum", "robotics"})
PROGRAMMES = frozenset({"MOHW", "KASA"})
NAMES = (
    ("ai", "Artificial intelligence", "인공지능"),
    ("MOHW", "Ministry of Health and Welfare", "보건복지부"),
)

NEW_REFERENCE = Reference(
    quantities={"per_capita_gni": (2024, GNI)},
    by_year={("per_capita_gni", 2024): GNI},
    lists={"strategic": STRATEGIC, "recognised_programmes": PROGRAMMES},
    names={code: (en, ko) for code, en, ko in NAMES},
)

_YEAR_EDGES = [
    Decimal(v)
    for v in (
        "0",
        "0.01",
        "1",
        "1.99",
        "2",
        "2.99",
        "3",
        "3.01",
        "4.99",
        "5",
        "7.99",
        "8",
        "8.01",
        "9.99",
        "10",
        "10.01",
    )
]
_SALARY_EDGES = [r * GNI for r in (1, 1.5, 2, 2.5, 3)]
_RANK_EDGES = [None, 1, 99, 100, 101, 199, 200, 201]
_COUNT_EDGES = [0, 1, 2, 4, 5, 9, 10, 11]


def _years(rng: random.Random) -> Decimal:
    if rng.random() < 0.5:
        return rng.choice(_YEAR_EDGES)
    return Decimal(rng.randrange(0, 4500)) / 100


def _salary(rng: random.Random) -> int:
    if rng.random() < 0.5:
        edge = int(rng.choice(_SALARY_EDGES))
        return max(0, edge + rng.choice((-1, 0, 1)))
    return rng.randrange(0, 600_000_000)


def old_facts(rng: random.Random) -> Facts:
    return Facts(
        degree_level=rng.choice(DEGREE_LEVELS),
        institution_rank=rng.choice(_RANK_EDGES)
        if rng.random() < 0.5
        else rng.choice([None, rng.randrange(1, 600)]),
        experience_years=_years(rng),
        fortune_global_500_years=_years(rng),
        offered_salary_krw=_salary(rng),
        field=rng.choice([*sorted(STRATEGIC), "other", "chemistry"]),
        publications_and_patents=rng.choice(_COUNT_EDGES) if rng.random() < 0.5 else rng.randrange(0, 60),
        led_project_years=_years(rng),
        international_award=rng.random() < 0.3,
        sponsor_is_sme=rng.random() < 0.5,
        sme_verified=rng.choice([None, True, False]),
        core_technology_role=rng.randrange(0, 6),
        hard_to_fill=rng.random() < 0.5,
        transfer_plan=rng.randrange(0, 6),
        government_programme=rng.choice([None, "MOHW", "KASA", "XYZ"]),
    )


def generated(count: int, seed: int = 20261207) -> Iterator[Facts]:
    rng = random.Random(seed)
    for _ in range(count):
        yield old_facts(rng)


def profile_of(facts: Facts) -> Profile:
    """The same applicant as a rubric-language profile: a verified SME outcome replaces the claim."""
    values: dict[str, Any] = {
        "degree_level": facts.degree_level,
        "institution_rank": facts.institution_rank,
        "experience_years": facts.experience_years,
        "fortune_global_500_years": facts.fortune_global_500_years,
        "offered_salary_krw": facts.offered_salary_krw,
        "field": facts.field,
        "publications_and_patents": facts.publications_and_patents,
        "led_project_years": facts.led_project_years,
        "international_award": facts.international_award,
        "sponsor_is_sme": facts.sponsor_is_sme if facts.sme_verified is None else facts.sme_verified,
        "core_technology_role": facts.core_technology_role,
        "hard_to_fill": facts.hard_to_fill,
        "transfer_plan": facts.transfer_plan,
        "government_programme": facts.government_programme,
    }
    verified = frozenset() if facts.sme_verified is None else frozenset({"sponsor_is_sme"})
    return Profile(values, verified)


def legacy(result: ScoreResult) -> dict[str, Any]:
    """A language result in the old result's shape (the snapshot and the API have that shape)."""
    data = result.as_dict()
    return {key: data[key] for key in LEGACY_KEYS}


LEGACY_KEYS: tuple[str, ...] = (
    "rubric_version",
    "criteria",
    "quantitative",
    "qualitative_estimate",
    "sme_bonus",
    "sme_bonus_basis",
    "total",
    "pass_mark",
    "tracks",
)


def digest(results: Iterable[dict[str, Any]]) -> str:
    """One hash of results in the launch engine's shape (``legacy``), key order ignored."""
    sha = hashlib.sha256()
    for result in results:
        sha.update(json.dumps(result, sort_keys=True, ensure_ascii=False, default=str).encode())
        sha.update(b"\n")
    return sha.hexdigest()


def points_of(result: Any) -> tuple[Any, ...]:
    """What the issue requires to be identical: points per criterion, totals, track verdicts."""
    criteria = tuple((c.code, c.points) for c in result.criteria)
    verdicts = tuple((code, track.eligible) for code, track in result.tracks.items())
    return criteria, result.total, verdicts
