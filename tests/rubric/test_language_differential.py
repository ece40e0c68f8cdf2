"""The rubric language against the engine it replaced: 2025-03 and 2026-07, rewritten as documents in
the language (apps/rubric/versions/), must score exactly as the launch engine's criterion kinds did.

The launch engine's results on the generated profiles were recorded before it was removed
(``tests/rubric/golden/<code>.json``, written from it at commit "Rubric: record the launch engine's
results"): 100,000 profiles per version in English and 20,000 in Korean, one SHA-256 per 1,000
results in the launch engine's JSON shape: points per criterion, totals, track verdicts and every
explanation, next step and reason. 2026-07's Korean was recorded again after two deliberate wording
corrections (tests/rubric/golden/README.md). Half of the profiles sit on or next to a threshold
(tests/rubric/differential.py). The batch scorer (for simulations) must give the per-profile
scorer's points on every profile of a generated sample.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from apps.rubric.language.batch import BatchScorer, columns
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version, read_version
from apps.rubric.language.scorer import Scorer
from tests.rubric.differential import NEW_REFERENCE, digest, generated, legacy, profile_of

ROOT = Path(__file__).resolve().parents[2] / "apps" / "rubric"
GOLDEN = Path(__file__).resolve().parent / "golden"
VERSIONS = ("2025-03", "2026-07")


def _version(code: str) -> Version:
    return read_version(json.loads((ROOT / "versions" / f"{code}.json").read_text()), default_catalogue())


def _golden(code: str, language: str) -> dict[str, Any]:
    recorded: dict[str, Any] = json.loads((GOLDEN / f"{code}.json").read_text(encoding="utf-8"))[language]
    return recorded


@pytest.mark.parametrize("language", ["en", "ko"])
@pytest.mark.parametrize("code", VERSIONS)
def test_every_result_is_the_launch_engines(code: str, language: str) -> None:
    recorded = _golden(code, language)
    scorer = Scorer(_version(code), NEW_REFERENCE)
    chunk = recorded["chunk"]
    with translation.override(language):
        results = [
            legacy(scorer.score(profile_of(f))) for f in generated(recorded["profiles"], recorded["seed"])
        ]
    assert json.loads(json.dumps(results[:3], default=str)) == recorded["first"]  # a readable diff
    differing = [
        f"profiles {start}-{start + chunk - 1}"
        for start, expected in zip(range(0, len(results), chunk), recorded["digests"], strict=True)
        if digest(results[start : start + chunk]) != expected
    ]
    assert differing == [], (
        f"results differ from the launch engine's in {len(differing)} chunks: {differing[:5]}"
    )


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
