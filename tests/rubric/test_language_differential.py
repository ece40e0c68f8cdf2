"""The rubric language against the engine it replaces: 2025-03 and 2026-07, rewritten as documents in
the language (apps/rubric/versions/), must score exactly as the old criterion kinds did.

100,000 generated profiles per version compare points per criterion, totals and track verdicts (what
issue 9 requires); the whole result, every explanation, next step and reason included, is compared
on all of them in English and on 20,000 in Korean. Half of the profiles sit on or next to a threshold
(tests/rubric/differential.py). The batch scorer (for simulations) must give the per-profile
scorer's points on every profile of a generated sample.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import translation

from apps.rubric.engine import Scorer as OldScorer
from apps.rubric.language.batch import BatchScorer, columns
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version, read_version
from apps.rubric.language.scorer import Scorer
from apps.rubric.policy_config import RubricConfig
from tests.rubric.differential import (
    NEW_REFERENCE,
    OLD_REFERENCE,
    generated,
    legacy,
    points_of,
    profile_of,
)

ROOT = Path(__file__).resolve().parents[2] / "apps" / "rubric"
VERSIONS = ("2025-03", "2026-07")
PROFILES = 100_000


def _version(code: str) -> Version:
    return read_version(json.loads((ROOT / "versions" / f"{code}.json").read_text()), default_catalogue())


def _old(code: str) -> OldScorer:
    return OldScorer(
        RubricConfig.from_dict(json.loads((ROOT / "defaults" / f"{code}.json").read_text())), OLD_REFERENCE
    )


@pytest.mark.parametrize("code", VERSIONS)
def test_every_result_is_the_old_engines_in_english(code: str) -> None:
    old, new = _old(code), Scorer(_version(code), NEW_REFERENCE)
    differences = 0
    first = None
    with translation.override("en"):
        for facts in generated(PROFILES):
            before = old.score(facts)
            after = new.score(profile_of(facts))
            if points_of(before) != points_of(after) or before.as_dict() != legacy(after):
                differences += 1
                first = first or (facts, before.as_dict(), legacy(after))
    assert differences == 0, f"{differences} of {PROFILES} differ; the first: {first}"


@pytest.mark.parametrize("code", VERSIONS)
def test_every_result_is_the_old_engines_in_korean(code: str) -> None:
    old, new = _old(code), Scorer(_version(code), NEW_REFERENCE)
    with translation.override("ko"):
        differing = [
            facts
            for facts in generated(20_000, seed=7)
            if old.score(facts).as_dict() != legacy(new.score(profile_of(facts)))
        ]
    assert differing == []


@pytest.mark.parametrize("code", VERSIONS)
def test_the_batch_scorer_gives_the_per_profile_points(code: str) -> None:
    version = _version(code)
    scorer, batch = Scorer(version, NEW_REFERENCE), BatchScorer(version, NEW_REFERENCE)
    profiles = [profile_of(facts) for facts in generated(20_000, seed=11)]
    result = batch.score(columns(version, profiles))
    for index, profile in enumerate(profiles):
        earned, total, verdicts = scorer.points(profile)
        assert tuple(int(result.criteria[c.code][index]) for c in version.criteria) == earned
        assert int(result.total[index]) == total
        assert tuple(bool(result.tracks[t.code][index]) for t in version.tracks) == verdicts
        full = scorer.score(profile)
        assert {k: bool(v[index]) for k, v in result.thresholds.items()} == {
            k: th.reached for k, th in full.thresholds.items()
        }
