"""The complete example in docs/rubric-language.md is a valid version and scores as the text says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.utils import translation

from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version, read_version
from apps.rubric.language.scorer import Reference, Scorer

DOC = Path(__file__).resolve().parents[2] / "docs" / "rubric-language.md"
REFERENCE = Reference(quantities={"per_capita_gni": (2024, 49_955_000)})


@pytest.fixture(scope="module")
def example() -> Version:
    block = re.search(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert block is not None, "the document has no JSON example"
    return read_version(json.loads(block.group(1)), default_catalogue())


def test_the_example_scores_as_the_text_says(example: Version) -> None:
    scorer = Scorer(example, REFERENCE)
    facts = {
        "ex_age": 30,
        "degree_level": "master",
        "ex_language": "intermediate",
        "offered_salary_krw": 110_000_000,
    }
    with translation.override("en"):
        result = scorer.score(scorer.profile(facts))
    assert {c.code: c.points for c in result.criteria} == {"age": 20, "salary": 40, "skills": 25}
    assert result.total == 85
    assert {code: th.reached for code, th in result.thresholds.items()} == {
        "pass_mark": True,
        "fast_track": True,
    }
    assert {code: tr.eligible for code, tr in result.tracks.items()} == {"points": True, "fast": True}
    salary = result.criterion("salary")
    assert salary is not None
    assert "2.20 times the 2024 per-capita GNI of 49,955,000 KRW" in salary.explanation

    below_floor = scorer.score(scorer.profile({**facts, "offered_salary_krw": 29_000_000}))
    assert below_floor.total == 45
    assert {code: tr.eligible for code, tr in below_floor.tracks.items()} == {"points": False, "fast": False}


def test_an_age_cannot_be_a_next_step(example: Version) -> None:
    scorer = Scorer(example, REFERENCE)
    result = scorer.score(scorer.profile({"ex_age": 40, "offered_salary_krw": 0}))
    age = result.criterion("age")
    assert age is not None
    assert (age.points, age.next_steps) == (10, ())  # "changeable": false
