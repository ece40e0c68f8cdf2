"""Properties of the scorer over generated profiles (hypothesis), under the shipped 2026-07."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from apps.rubric.language.scorer import Scorer, ScoreResult
from tests.rubric.differential import DEGREE_LEVELS, Facts, profile_of
from tests.rubric.helpers import GNI_2024, STRATEGIC_FIELDS, criterion, load_raw, reference_with, version_of

REFERENCE = reference_with()
SCORER = Scorer(version_of(load_raw("2026-07")), REFERENCE)
# Fixed once: the properties are about the scorer, not about building scorers.

years = st.decimals(min_value=0, max_value=45, places=2, allow_nan=False, allow_infinity=False)
salaries = st.integers(min_value=0, max_value=600_000_000)

facts_strategy = st.builds(
    Facts,
    degree_level=st.sampled_from(DEGREE_LEVELS),
    institution_rank=st.none() | st.integers(min_value=1, max_value=600),
    experience_years=years,
    fortune_global_500_years=years,
    offered_salary_krw=salaries,
    field=st.sampled_from([*sorted(STRATEGIC_FIELDS), "other", "chemistry"]),
    publications_and_patents=st.integers(min_value=0, max_value=60),
    led_project_years=years,
    international_award=st.booleans(),
    sponsor_is_sme=st.booleans(),
    sme_verified=st.none() | st.booleans(),
    core_technology_role=st.integers(min_value=0, max_value=5),
    hard_to_fill=st.booleans(),
    transfer_plan=st.integers(min_value=0, max_value=5),
    government_programme=st.none() | st.sampled_from(["MOHW", "KASA", "XYZ"]),
)


def score(facts: Facts) -> ScoreResult:
    return SCORER.score(profile_of(facts))


@given(facts_strategy)
def test_total_is_the_sum_of_its_parts(facts: Facts) -> None:
    result = score(facts)
    points = {c.code: c.points for c in result.criteria}
    assert result.total == sum(points.values()) + result.sme_bonus
    assert result.quantitative == points["A1"] + points["A2"] + points["A3"]
    assert result.qualitative_estimate == points["B1"] + points["B2"]
    assert 0 <= result.total <= 110
    for c in result.criteria:
        assert 0 <= c.points <= c.max
        assert (c.next_steps == ()) == (c.points == c.max)  # a next step exactly when below the maximum
        assert all(step.gain > 0 for step in c.next_steps)


@given(facts_strategy)
def test_qualitative_track_is_the_pass_mark(facts: Facts) -> None:
    result = score(facts)
    assert result.tracks["qualitative"].eligible is (result.total >= 70)


@given(facts_strategy, st.integers(min_value=0, max_value=300_000_000))
def test_total_never_falls_when_salary_rises(facts: Facts, raise_by: int) -> None:
    higher = replace(facts, offered_salary_krw=facts.offered_salary_krw + raise_by)
    before, after = score(facts), score(higher)
    assert after.total >= before.total
    assert after.tracks["quantitative"].eligible >= before.tracks["quantitative"].eligible


@given(facts_strategy, years)
def test_total_never_falls_when_experience_rises(facts: Facts, more: Decimal) -> None:
    longer = replace(facts, experience_years=facts.experience_years + more)
    assert score(longer).total >= score(facts).total


@given(facts_strategy)
def test_quantitative_track_matches_the_policy_wording(facts: Facts) -> None:
    by_degree = facts.degree_level in ("master", "doctorate") and (facts.institution_rank or 10**9) <= 100
    by_employer = facts.fortune_global_500_years >= 3
    by_salary = facts.offered_salary_krw * 10 >= 30 * GNI_2024  # salary / GNI >= 3.0, in integers
    assert score(facts).tracks["quantitative"].eligible is (by_degree or by_employer or by_salary)


def _apply(facts: Facts, fact: str, threshold: object) -> Facts:
    """The profile with one next step taken, as a what-if form would do it."""
    changes: dict[str, Any] = {fact: threshold}
    if threshold == ">0":  # "any length of time"
        changes = {fact: Decimal("0.01")}
    elif fact == "field":  # "strategic": any field on the list
        changes = {fact: sorted(STRATEGIC_FIELDS)[0]}
    return replace(facts, **changes)


@settings(max_examples=200)
@given(facts_strategy)
def test_every_next_step_adds_exactly_its_gain(facts: Facts) -> None:
    result = score(facts)
    for before in result.criteria:
        for step in before.next_steps:
            after = criterion(score(_apply(facts, step.fact, step.threshold)), before.code)
            assert after.points == before.points + step.gain, (before.code, step)


@given(facts_strategy)
def test_as_dict_mirrors_the_result(facts: Facts) -> None:
    result = score(facts)
    data = result.as_dict()
    assert data["total"] == result.total
    assert [c["points"] for c in data["criteria"]] == [c.points for c in result.criteria]
    assert {code: t["eligible"] for code, t in data["tracks"].items()} == {
        code: t.eligible for code, t in result.tracks.items()
    }


@settings(max_examples=200)
@given(facts_strategy)
def test_prepared_sentences_never_change_a_result(facts: Facts) -> None:
    """The long-lived SCORER (every sentence prepared long ago) and a new one (nothing prepared) agree."""
    assert score(facts) == Scorer(SCORER.version, REFERENCE).score(profile_of(facts))
