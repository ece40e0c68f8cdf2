"""Segments: the parts of the population the ministry watches, as named conditions in the version
(so a dashboard, the statistics and a simulation count them from data, never from code)."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from apps.rubric.language.batch import BatchScorer, columns
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.language.scorer import Scorer
from tests.rubric.differential import generated, profile_of
from tests.rubric.helpers import load_raw, make_facts, raw_copy, reference_with, version_of

SCORER = Scorer(version_of(load_raw("2026-07")), reference_with())


def members(**facts: Any) -> set[str]:
    return {code for code, inside in SCORER.segments(make_facts(**facts)).items() if inside}


@pytest.mark.parametrize(
    ("rank", "school_segment"),
    [
        (1, "top_100"),
        (100, "top_100"),
        (101, "rank_101_200"),
        (200, "rank_101_200"),
        (201, "rank_other"),
        (None, "rank_other"),
    ],
)
def test_school_rank_segments_at_their_edges(rank: int | None, school_segment: str) -> None:
    inside = members(institution_rank=rank)
    assert inside & {"top_100", "rank_101_200", "rank_other"} == {school_segment}


@pytest.mark.parametrize(
    ("years", "rank", "expected"),
    [
        (D("7.99"), None, {"experience_under_8"}),
        (D("8"), None, {"experience_8_plus", "mid_career_outside_top_100"}),
        (D("8"), 100, {"experience_8_plus"}),
        (D("8"), 101, {"experience_8_plus", "mid_career_outside_top_100"}),
    ],
)
def test_experience_and_mid_career_segments(years: D, rank: int | None, expected: set[str]) -> None:
    inside = members(experience_years=years, institution_rank=rank)
    assert inside & {"experience_under_8", "experience_8_plus", "mid_career_outside_top_100"} == expected


def test_sponsor_size_segments() -> None:
    assert "sme_sponsor" in members(sponsor_is_sme=True)
    assert "large_sponsor" in members(sponsor_is_sme=False)


def test_the_batch_scorer_gives_the_same_segments() -> None:
    version = SCORER.version
    profiles = [profile_of(f) for f in generated(5_000, seed=13)]
    result = BatchScorer(version, reference_with()).score(columns(version, profiles))
    for index, profile in enumerate(profiles):
        assert {k: bool(v[index]) for k, v in result.segments.items()} == SCORER.segments(profile)


@pytest.mark.parametrize(
    ("segment", "path", "problem"),
    [
        (
            {
                "code": "high",
                "title": {"en": "High", "ko": "고득점"},
                "when": {"points": "total", "op": ">=", "value": 80},
            },
            "segments[0].when",
            "must test facts only",
        ),
        (
            {
                "code": "x",
                "title": {"en": "X", "ko": "엑스"},
                "when": {"fact": "shoe_size", "op": ">", "value": 1},
            },
            "segments[0].when",
            "unknown fact",
        ),
        (
            {"code": "x", "title": {"en": "X"}, "when": {"fact": "sponsor_is_sme", "op": "=", "value": True}},
            "segments[0].title",
            "",
        ),
    ],
)
def test_bad_segments_are_refused_with_their_path(segment: dict[str, Any], path: str, problem: str) -> None:
    raw = raw_copy("2026-07")
    raw["segments"] = [segment]
    with pytest.raises(ConfigErrors) as refused:
        version_of(raw)
    assert any(e.path.startswith(path) and problem in e.problem for e in refused.value.errors), refused.value


def test_a_segment_code_is_listed_once() -> None:
    raw = raw_copy("2026-07")
    raw["segments"] = [raw["segments"][0], raw["segments"][0]]
    with pytest.raises(ConfigErrors, match="listed twice"):
        version_of(raw)
