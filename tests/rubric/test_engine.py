"""The scorer against policy.md sections 2 and 3: every band edge, cap, track rule and text.

Expected numbers are the policy's own (written out here), the scorer reads them from the shipped
versions (apps/rubric/versions/): a test fails if either side drifts. Written for the launch engine
and kept, assertions unchanged, when the rubric language replaced it (issue 9).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal as D

import pytest

from apps.rubric.language.document import Version
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.language.scorer import CriterionResult, NextStep, Profile, Reference, Scorer, ScoreResult
from tests.rubric.helpers import GNI_2024, criterion, make_facts, raw_copy, reference_with, version_of

Score = Callable[..., ScoreResult]

# policy.md section 3, A3 bands as KRW amounts at GNI 49,955,000 (worked out by hand).
SALARY_1_0, SALARY_1_5, SALARY_2_0 = 49_955_000, 74_932_500, 99_910_000
SALARY_2_5, SALARY_3_0 = 124_887_500, 149_865_000


# ------------------------------------------------------------------------------------------------
# A1 degree pedigree


@pytest.mark.parametrize(
    ("degree", "points_by_rank"),
    [
        # rank:       1   100  101  200  201  None
        ("doctorate", (25, 25, 20, 20, 15, 15)),
        ("master", (20, 20, 15, 15, 10, 10)),
        ("bachelor", (12, 12, 9, 9, 6, 6)),
        ("none", (0, 0, 0, 0, 0, 0)),
    ],
)
def test_a1_points_at_every_rank_edge(
    score_2026: Score, degree: str, points_by_rank: tuple[int, ...]
) -> None:
    ranks = (1, 100, 101, 200, 201, None)
    earned = tuple(criterion(score_2026(degree_level=degree, institution_rank=r), "A1").points for r in ranks)
    assert earned == points_by_rank


def test_a1_explanation_names_degree_rank_and_tier(score_2026: Score) -> None:
    a1 = criterion(score_2026(degree_level="doctorate", institution_rank=57), "A1")
    assert a1.explanation == "Doctorate from an institution ranked 57 (top 100): 25 of 25 points."
    assert (a1.title, a1.max, a1.basis) == ("Degree pedigree", 25, "computed")


@pytest.mark.parametrize(
    ("degree", "rank", "expected"),
    [
        ("master", 150, "Master's degree from an institution ranked 150 (rank 101-200): 15 of 25 points."),
        ("bachelor", 201, "Bachelor's degree from an institution ranked 201 (other): 6 of 25 points."),
        (
            "doctorate",
            None,
            "Doctorate from an institution not on the ranking list (other): 15 of 25 points.",
        ),
        ("none", 5, "No degree: 0 of 25 points."),
    ],
)
def test_a1_explanations(score_2026: Score, degree: str, rank: int | None, expected: str) -> None:
    assert criterion(score_2026(degree_level=degree, institution_rank=rank), "A1").explanation == expected


def test_a1_at_max_has_no_next_step(score_2026: Score) -> None:
    a1 = criterion(score_2026(degree_level="doctorate", institution_rank=100), "A1")
    assert a1.next_steps == ()
    assert a1.next_step is None


def test_a1_next_steps_are_better_rank_and_higher_degree(score_2026: Score) -> None:
    a1 = criterion(score_2026(degree_level="master", institution_rank=150), "A1")
    assert a1.next_steps == (
        NextStep(
            "institution_rank",
            100,
            5,
            "A degree from an institution ranked 100 or better would add 5 points.",
        ),
        NextStep("degree_level", "doctorate", 5, "A doctorate would add 5 points."),
    )


def test_a1_next_step_from_unranked_is_the_nearest_tier(score_2026: Score) -> None:
    a1 = criterion(score_2026(degree_level="bachelor", institution_rank=None), "A1")
    assert [(s.fact, s.threshold, s.gain) for s in a1.next_steps] == [
        ("institution_rank", 200, 3),
        ("degree_level", "master", 4),
    ]


def test_a1_without_degree_only_a_degree_helps(score_2026: Score) -> None:
    a1 = criterion(score_2026(degree_level="none", institution_rank=None), "A1")
    assert a1.next_steps == (
        NextStep("degree_level", "bachelor", 6, "A bachelor's degree would add 6 points."),
    )


def test_a1_top_tier_master_only_needs_a_doctorate(score_2026: Score) -> None:
    a1 = criterion(score_2026(degree_level="master", institution_rank=1), "A1")
    assert [(s.fact, s.threshold, s.gain) for s in a1.next_steps] == [("degree_level", "doctorate", 5)]


# ------------------------------------------------------------------------------------------------
# A2 employer history


@pytest.mark.parametrize(
    ("years", "points"),
    [
        (D("25"), 12),
        (D("10"), 12),
        (D("9.99"), 10),
        (D("8"), 10),
        (D("7.99"), 7),
        (D("5"), 7),
        (D("4.99"), 4),
        (D("3"), 4),
        (D("2.99"), 0),
        (D("0"), 0),
    ],
)
def test_a2_experience_band_edges(score_2026: Score, years: D, points: int) -> None:
    assert criterion(score_2026(experience_years=years), "A2").points == points


@pytest.mark.parametrize(("fg500_years", "bonus"), [(D("2"), 8), (D("1.99"), 0), (D("0"), 0), (D("9"), 8)])
def test_a2_fortune_global_500_bonus_edge(score_2026: Score, fg500_years: D, bonus: int) -> None:
    result = score_2026(experience_years=D("5"), fortune_global_500_years=fg500_years)
    assert criterion(result, "A2").points == 7 + bonus


def test_a2_top_band_plus_bonus_is_exactly_the_maximum(score_2026: Score) -> None:
    a2 = criterion(score_2026(experience_years=D("10"), fortune_global_500_years=D("2")), "A2")
    assert (a2.points, a2.max) == (20, 20)
    assert a2.next_step is None


def test_a2_caps_at_its_maximum_when_the_bonus_overshoots(reference: Reference) -> None:
    raw = raw_copy("2026-07")
    raw["criteria"][1]["points"]["sum"][1]["bands"]["bands"][0]["points"] = 12  # 10 + 12 = 22 > 20
    scorer = Scorer(version_of(raw), reference)
    a2 = criterion(scorer.score(make_facts(experience_years=D("8"), fortune_global_500_years=D("2"))), "A2")
    assert a2.points == 20
    assert a2.explanation.endswith("Total: 20 of 20 points (capped at the maximum).")
    # A better experience band would add nothing after the cap, so it is not offered.
    assert a2.next_steps == ()


def test_a2_next_step_gain_respects_the_cap(reference: Reference) -> None:
    raw = raw_copy("2026-07")
    raw["criteria"][1]["points"]["sum"][1]["bands"]["bands"][0]["points"] = 12
    scorer = Scorer(version_of(raw), reference)
    a2 = criterion(scorer.score(make_facts(experience_years=D("5"), fortune_global_500_years=D("2"))), "A2")
    assert a2.points == 19  # 7 + 12
    assert [(s.fact, s.threshold, s.gain) for s in a2.next_steps] == [("experience_years", D("8"), 1)]


def test_a2_explanation_and_next_steps(score_2026: Score) -> None:
    a2 = criterion(score_2026(experience_years=D("7.99"), fortune_global_500_years=D("1")), "A2")
    assert a2.explanation == (
        "Relevant work experience of 7.99 years (5 years or more): 7 points. "
        "1 year at a Fortune Global 500 company (below 2 years): 0 points. "
        "Total: 7 of 20 points."
    )
    assert a2.next_steps == (
        NextStep(
            "experience_years", D("8"), 3, "Relevant work experience of 8 years or more would add 3 points."
        ),
        NextStep(
            "fortune_global_500_years",
            D("2"),
            8,
            "2 years or more at a Fortune Global 500 company would add 8 points.",
        ),
    )


def test_a2_below_every_band(score_2026: Score) -> None:
    a2 = criterion(score_2026(experience_years=D("2.5")), "A2")
    assert a2.explanation.startswith("Relevant work experience of 2.5 years (below 3 years): 0 points.")
    assert a2.next_steps[0].threshold == D("3")
    assert a2.next_steps[0].gain == 4


# ------------------------------------------------------------------------------------------------
# A3 salary


@pytest.mark.parametrize(
    ("salary", "points"),
    [
        (SALARY_3_0 * 2, 20),
        (SALARY_3_0, 20),
        (SALARY_3_0 - 1, 16),
        (SALARY_2_5, 16),
        (SALARY_2_5 - 1, 12),
        (SALARY_2_0, 12),
        (SALARY_2_0 - 1, 8),
        (SALARY_1_5, 8),
        (SALARY_1_5 - 1, 4),
        (SALARY_1_0, 4),
        (SALARY_1_0 - 1, 0),
        (0, 0),
    ],
)
def test_a3_salary_band_edges_are_exact(score_2026: Score, salary: int, points: int) -> None:
    assert criterion(score_2026(offered_salary_krw=salary), "A3").points == points


def test_a3_next_step_shows_the_krw_amount(score_2026: Score) -> None:
    a3 = criterion(score_2026(offered_salary_krw=124_887_499), "A3")
    assert a3.points == 12
    assert a3.next_steps == (
        NextStep(
            "offered_salary_krw",
            124_887_500,
            4,
            "An offered salary of 124,887,500 KRW or more would add 4 points.",
        ),
    )
    assert a3.next_step == "An offered salary of 124,887,500 KRW or more would add 4 points."


def test_a3_explanation_rounds_the_ratio_down(score_2026: Score) -> None:
    # 124,887,499 / 49,955,000 = 2.4999999...: it must not read as 2.50.
    a3 = criterion(score_2026(offered_salary_krw=124_887_499), "A3")
    assert a3.explanation == (
        "An offered salary of 124,887,499 KRW is 2.49 times the 2024 per-capita GNI of 49,955,000 KRW"
        " (2.0 times or more): 12 of 20 points."
    )


def test_a3_below_every_band_and_at_max(score_2026: Score) -> None:
    low = criterion(score_2026(offered_salary_krw=SALARY_1_0 - 1), "A3")
    assert "(below 1.0 times): 0 of 20 points." in low.explanation
    assert [(s.threshold, s.gain) for s in low.next_steps] == [(SALARY_1_0, 4)]
    assert criterion(score_2026(offered_salary_krw=SALARY_3_0), "A3").next_step is None


def test_a3_thresholds_round_up_to_whole_won() -> None:
    # 2.5 x 49,955,001 = 124,887,502.5: the first whole won that reaches 2.5 times is 124,887,503.
    reference = reference_with(49_955_001, strategic=frozenset(), recognised_programmes=frozenset())
    raw = raw_copy("2026-07")
    scorer = Scorer(version_of(raw), reference)
    assert criterion(scorer.score(make_facts(offered_salary_krw=124_887_502)), "A3").points == 12
    assert criterion(scorer.score(make_facts(offered_salary_krw=124_887_503)), "A3").points == 16
    # "more than 2.5 times" (``above``) starts at the first whole won past 124,887,500.
    raw["criteria"][2]["points"]["bands"]["bands"][1] = {
        "above": {"times": "2.5", "of": "per_capita_gni"},
        "points": 16,
    }
    above = Scorer(version_of(raw), reference_with())
    assert criterion(above.score(make_facts(offered_salary_krw=124_887_500)), "A3").points == 12
    assert criterion(above.score(make_facts(offered_salary_krw=124_887_501)), "A3").points == 16


# ------------------------------------------------------------------------------------------------
# B1 specific technical expertise (an estimate)


@pytest.mark.parametrize(
    ("field", "points"), [("semiconductors", 5), ("ai", 5), ("other", 2), ("finance", 2)]
)
def test_b1_field_points(score_2026: Score, field: str, points: int) -> None:
    assert criterion(score_2026(field=field), "B1").points == points


@pytest.mark.parametrize(
    ("count", "points"), [(0, 0), (1, 2), (2, 4), (4, 4), (5, 6), (9, 6), (10, 8), (11, 8), (400, 8)]
)
def test_b1_publication_band_edges(score_2026: Score, count: int, points: int) -> None:
    assert criterion(score_2026(publications_and_patents=count), "B1").points == 2 + points


@pytest.mark.parametrize(
    ("led_years", "award", "points"),
    [
        (D("0"), False, 0),
        (D("0.01"), False, 4),
        (D("2.99"), False, 4),
        (D("3"), False, 7),
        (D("12"), False, 7),
        (D("0"), True, 7),
        (D("1"), True, 7),
        (D("3"), True, 7),
    ],
)
def test_b1_leadership_edges(score_2026: Score, led_years: D, award: bool, points: int) -> None:
    b1 = criterion(score_2026(led_project_years=led_years, international_award=award), "B1")
    assert b1.points == 2 + points


def test_b1_at_max_and_basis(score_2026: Score) -> None:
    b1 = criterion(score_2026(field="ai", publications_and_patents=10, led_project_years=D("3")), "B1")
    assert (b1.points, b1.max, b1.basis, b1.next_step) == (20, 20, "estimate", None)


def test_b1_explanation_and_every_next_step(score_2026: Score) -> None:
    b1 = criterion(score_2026(field="other", publications_and_patents=3, led_project_years=D("0")), "B1")
    assert b1.explanation == (
        "Field other, not on the strategic list: 2 points. "
        "3 publications and granted patents (2 or more): 4 points. "
        "Has not led a major R&D project and holds no international award: 0 points. "
        "Total: 6 of 20 points."
    )
    assert b1.next_steps == (
        NextStep("field", "strategic", 3, "Work in a field on the strategic list would add 3 points."),
        NextStep(
            "publications_and_patents", 5, 2, "5 or more publications and granted patents would add 2 points."
        ),
        NextStep(
            "led_project_years",
            ">0",
            4,
            "Leading a major R&D project as principal investigator or technical lead would add 4 points.",
        ),
    )


def test_b1_short_leadership_steps_up_to_long(score_2026: Score) -> None:
    b1 = criterion(score_2026(field="ai", publications_and_patents=10, led_project_years=D("1")), "B1")
    assert "for 1 year (below 3 years): 4 points." in b1.explanation
    assert b1.next_steps == (
        NextStep(
            "led_project_years",
            D("3"),
            3,
            "Leading a major R&D project for 3 years or more, or an international award, would add 3 points.",
        ),
    )


def test_b1_award_explains_itself(score_2026: Score) -> None:
    b1 = criterion(score_2026(international_award=True), "B1")
    assert "Holds an international award: 7 points." in b1.explanation


def test_b1_one_publication_is_singular(score_2026: Score) -> None:
    b1 = criterion(score_2026(publications_and_patents=1), "B1")
    assert "1 publication or granted patent (1 or more): 2 points." in b1.explanation


# ------------------------------------------------------------------------------------------------
# B2 strategic value to the hiring firm (an estimate)


@pytest.mark.parametrize("rating", range(6))
def test_b2_ratings_are_their_points(score_2026: Score, rating: int) -> None:
    assert criterion(score_2026(core_technology_role=rating), "B2").points == rating
    assert criterion(score_2026(transfer_plan=rating), "B2").points == rating


def test_b2_hard_to_fill(score_2026: Score) -> None:
    assert criterion(score_2026(hard_to_fill=True), "B2").points == 5
    assert criterion(score_2026(hard_to_fill=False), "B2").points == 0


def test_b2_next_steps_and_singular_point(score_2026: Score) -> None:
    b2 = criterion(score_2026(core_technology_role=4, hard_to_fill=False, transfer_plan=5), "B2")
    assert b2.next_steps == (
        NextStep("core_technology_role", 5, 1, "A core-technology role rated 5 would add 1 point."),
        NextStep(
            "hard_to_fill",
            True,
            5,
            "Showing that the position is hard to fill domestically would add 5 points.",
        ),
    )
    assert b2.explanation == (
        "Core-technology role rated 4 of 5: 4 points. Not shown to be hard to fill domestically: 0 points. "
        "Technology-transfer or training plan rated 5 of 5: 5 points. Total: 9 of 15 points."
    )


def test_b2_at_max(score_2026: Score) -> None:
    b2 = criterion(score_2026(core_technology_role=5, hard_to_fill=True, transfer_plan=5), "B2")
    assert (b2.points, b2.next_step) == (15, None)


def test_b2_rating_above_the_scale_is_refused(scorer_2026: Scorer) -> None:
    with pytest.raises(ValueError, match="core_technology_role"):
        scorer_2026.profile({"core_technology_role": 6})  # profiles are checked when they are made


# ------------------------------------------------------------------------------------------------
# Totals and the SME bonus


def test_totals_add_up_by_group(score_2026: Score) -> None:
    result = score_2026(
        degree_level="master",
        institution_rank=150,  # A1 15
        experience_years=D("8"),  # A2 10
        offered_salary_krw=SALARY_2_0,  # A3 12
        field="ai",  # B1 5
        publications_and_patents=5,  # B1 6
        core_technology_role=3,  # B2 3
        sponsor_is_sme=True,  # +10, claimed
    )
    assert [c.code for c in result.criteria] == ["A1", "A2", "A3", "B1", "B2"]
    assert (result.quantitative, result.qualitative_estimate, result.sme_bonus) == (37, 14, 10)
    assert result.total == 61
    assert result.pass_mark == 70


@pytest.mark.parametrize(
    ("claimed", "verified", "bonus", "basis"),
    [
        (True, None, 10, "claimed"),
        (False, None, 0, "none"),
        (True, True, 10, "verified"),
        (True, False, 0, "none"),
        (False, False, 0, "none"),
    ],
)
def test_sme_bonus_basis(
    score_2026: Score, claimed: bool, verified: bool | None, bonus: int, basis: str
) -> None:
    result = score_2026(sponsor_is_sme=claimed, sme_verified=verified)
    assert (result.sme_bonus, result.sme_bonus_basis) == (bonus, basis)
    assert result.total == result.quantitative + result.qualitative_estimate + bonus


# ------------------------------------------------------------------------------------------------
# 2026-07 tracks


def quantitative_eligible(result: ScoreResult) -> bool:
    return result.tracks["quantitative"].eligible


@pytest.mark.parametrize(
    ("degree", "rank", "eligible"),
    [
        ("master", 100, True),
        ("doctorate", 1, True),
        ("master", 101, False),
        ("doctorate", None, False),
        ("bachelor", 1, False),
        ("none", 1, False),
    ],
)
def test_quantitative_track_degree_route(
    score_2026: Score, degree: str, rank: int | None, eligible: bool
) -> None:
    assert quantitative_eligible(score_2026(degree_level=degree, institution_rank=rank)) is eligible


@pytest.mark.parametrize(("years", "eligible"), [(D("3"), True), (D("2.99"), False), (D("10"), True)])
def test_quantitative_track_fortune_route(score_2026: Score, years: D, eligible: bool) -> None:
    assert quantitative_eligible(score_2026(fortune_global_500_years=years)) is eligible


@pytest.mark.parametrize(("salary", "eligible"), [(SALARY_3_0, True), (SALARY_3_0 - 1, False)])
def test_quantitative_track_salary_route(score_2026: Score, salary: int, eligible: bool) -> None:
    assert quantitative_eligible(score_2026(offered_salary_krw=salary)) is eligible


def test_quantitative_track_reasons_list_met_and_unmet(score_2026: Score) -> None:
    track = score_2026(
        degree_level="doctorate",
        institution_rank=150,
        fortune_global_500_years=D("1"),
        offered_salary_krw=SALARY_3_0,
    ).tracks["quantitative"]
    assert track.title == "Quantitative track"
    assert track.eligible
    assert track.reasons == (
        "Eligible: at least one of the conditions below is met.",
        "All of the next 2 conditions together: not met.",
        "Degree: doctorate, one of the required degrees (master's degree, doctorate).",
        "Institution ranked 150, outside the top 100.",
        "1 year at a Fortune Global 500 company; at least 3 years is required.",
        "An offered salary of 149,865,000 KRW is at least 3.0 times the 2024 per-capita GNI"
        " (149,865,000 KRW).",
    )


def test_quantitative_track_reasons_when_nothing_is_met(score_2026: Score) -> None:
    reasons = score_2026(offered_salary_krw=SALARY_3_0 - 1).tracks["quantitative"].reasons
    assert reasons[0] == "Not eligible: none of the conditions below is met."
    assert "Degree: no degree, not one of the required degrees (master's degree, doctorate)." in reasons
    assert "Institution not on the ranking list; the top 100 is required." in reasons
    assert reasons[-1] == (
        "An offered salary of 149,864,999 KRW is below 3.0 times the 2024 per-capita GNI"
        " (149,865,000 KRW or more is required)."
    )


def _profile_totalling(plan: int) -> dict[str, object]:
    """A1 25 + A2 12 + A3 20 + B1 (5 + 8) = 70; the transfer plan's rating adds to that."""
    return {
        "degree_level": "doctorate",
        "institution_rank": 1,  # 25
        "experience_years": D("10"),  # 12
        "offered_salary_krw": SALARY_3_0,  # 20
        "field": "ai",  # 5
        "publications_and_patents": 10,  # 8
        "transfer_plan": plan,
    }


@pytest.mark.parametrize(("plan", "total", "eligible"), [(0, 70, True), (5, 75, True)])
def test_qualitative_track_at_and_above_the_pass_mark(
    score_2026: Score, plan: int, total: int, eligible: bool
) -> None:
    result = score_2026(**_profile_totalling(plan))
    assert result.total == total
    assert result.tracks["qualitative"].eligible is eligible


def test_qualitative_track_one_point_below_the_pass_mark(score_2026: Score) -> None:
    profile = _profile_totalling(0) | {"publications_and_patents": 9}  # 8 -> 6 points: total 68
    profile |= {"core_technology_role": 1}  # +1: total 69
    result = score_2026(**profile)
    assert result.total == 69
    track = result.tracks["qualitative"]
    assert not track.eligible
    assert track.reasons == (
        "A rubric total of 69 points (SME bonus included) is below the pass mark of 70.",
    )


def test_qualitative_track_counts_a_claimed_bonus_and_says_so(score_2026: Score) -> None:
    profile = _profile_totalling(0) | {"experience_years": D("0"), "sponsor_is_sme": True}  # 58 + 10 claimed
    profile |= {"core_technology_role": 2}  # 70
    result = score_2026(**profile)
    assert (result.total, result.sme_bonus_basis) == (70, "claimed")
    assert result.tracks["qualitative"].eligible
    assert result.tracks["qualitative"].reasons == (
        "A rubric total of 70 points (SME bonus included) reaches the pass mark of 70.",
        "The total includes a claimed SME bonus of 10 points, subject to verification.",
    )
    refused = score_2026(**profile | {"sme_verified": False})
    assert (refused.total, refused.tracks["qualitative"].eligible) == (60, False)


@pytest.mark.parametrize(
    ("programme", "eligible", "reason"),
    [
        (
            "MOHW",
            True,
            "Recruited through MOHW, a recognised government programme; subject to verification against the"
            " programme's roster.",
        ),
        ("KASA", True, None),
        ("XYZ", False, "XYZ is not a recognised government programme."),
        (None, False, "Not recruited through a recognised government programme."),
    ],
)
def test_government_programme_track(
    score_2026: Score, programme: str | None, eligible: bool, reason: str | None
) -> None:
    track = score_2026(government_programme=programme).tracks["government_programme"]
    assert track.eligible is eligible
    if reason is not None:
        assert track.reasons == (reason,)


def test_2026_offers_three_tracks_in_config_order(score_2026: Score) -> None:
    result = score_2026()
    assert list(result.tracks) == ["quantitative", "qualitative", "government_programme"]
    assert [t.code for t in result.tracks.values()] == list(result.tracks)


# ------------------------------------------------------------------------------------------------
# 2025-03: one track, no points rubric


def launch_profile(**changes: object) -> dict[str, object]:
    return {"degree_level": "doctorate", "institution_rank": 100, "experience_years": D("8.01")} | changes


@pytest.mark.parametrize(
    ("changes", "eligible"),
    [
        ({}, True),
        ({"degree_level": "master"}, True),
        ({"experience_years": D("8")}, False),  # "more than eight years": 8 is not enough
        ({"experience_years": D("30")}, True),
        ({"institution_rank": 101}, False),
        ({"institution_rank": None}, False),
        ({"degree_level": "bachelor"}, False),
    ],
)
def test_2025_launch_rule(score_2025: Score, changes: dict[str, object], eligible: bool) -> None:
    result = score_2025(**launch_profile(**changes))
    assert list(result.tracks) == ["quantitative"]
    assert result.tracks["quantitative"].eligible is eligible


def test_2025_has_no_points_rubric(score_2025: Score) -> None:
    result = score_2025(**launch_profile(sponsor_is_sme=True, offered_salary_krw=SALARY_3_0 * 2))
    assert result.rubric_version == "2025-03"
    assert result.criteria == ()
    assert (result.quantitative, result.qualitative_estimate, result.sme_bonus, result.total) == (0, 0, 0, 0)
    assert (result.sme_bonus_basis, result.pass_mark) == ("none", None)


def test_2025_reasons(score_2025: Score) -> None:
    reasons = score_2025(**launch_profile(experience_years=D("8"))).tracks["quantitative"].reasons
    assert reasons == (
        "Not eligible: not all of the conditions below are met.",
        "Degree: doctorate, one of the required degrees (master's degree, doctorate).",
        "Institution ranked 100, within the top 100.",
        "Relevant work experience of 8 years; more than 8 years is required.",
    )
    met = score_2025(**launch_profile()).tracks["quantitative"].reasons
    assert met[0] == "Eligible: all of the conditions below are met."
    assert met[-1] == "Relevant work experience of 8.01 years, more than the required 8 years."


# ------------------------------------------------------------------------------------------------
# Behaviour follows the data


def test_widening_top_100_to_top_200_is_a_data_change(reference: Reference) -> None:
    """policy.md: "Under review: widening top-100 to the top-200" must need no code change."""
    raw = raw_copy("2026-07")
    raw["tracks"][0]["eligible_when"]["any"][0]["all"][1]["value"] = 200
    widened = Scorer(version_of(raw), reference)
    facts = make_facts(degree_level="master", institution_rank=150)
    assert widened.score(facts).tracks["quantitative"].eligible
    assert (
        "Institution ranked 150, within the top 200." in widened.score(facts).tracks["quantitative"].reasons
    )


def test_changing_a_salary_band_in_json_changes_points_and_text(reference: Reference) -> None:
    raw = raw_copy("2026-07")
    raw["criteria"][2]["points"]["bands"]["bands"][1] = {
        "min": {"times": "2.4", "of": "per_capita_gni"},
        "points": 17,
    }
    scorer = Scorer(version_of(raw), reference)
    a3 = criterion(scorer.score(make_facts(offered_salary_krw=119_892_000)), "A3")  # exactly 2.4 x GNI
    assert a3.points == 17
    assert a3.next_step == "An offered salary of 149,865,000 KRW or more would add 3 points."


def test_basis_comes_from_the_configuration(reference: Reference) -> None:
    raw = raw_copy("2026-07")
    raw["criteria"][3]["basis"] = "computed"
    result = Scorer(version_of(raw), reference).score(make_facts())
    assert criterion(result, "B1").basis == "computed"


# ------------------------------------------------------------------------------------------------
# Results as data, inputs validated, memo transparent


def test_as_dict_is_json_ready(score_2026: Score) -> None:
    data = score_2026(offered_salary_krw=124_887_499, sponsor_is_sme=True).as_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) >= {"rubric_version", "criteria", "quantitative", "qualitative_estimate", "sme_bonus"}
    assert set(data) >= {"total", "pass_mark", "tracks"}
    a3 = data["criteria"][2]
    assert set(a3) >= {"code", "points", "max", "basis", "explanation", "next_step"}
    assert a3["next_step"] == "An offered salary of 124,887,500 KRW or more would add 4 points."
    assert set(data["tracks"]["qualitative"]) >= {"eligible", "reasons"}


@pytest.mark.parametrize(
    "changes",
    [
        {"degree_level": "phd"},
        {"institution_rank": 0},
        {"experience_years": D("-1")},
        {"experience_years": "eight"},
        {"led_project_years": D("NaN")},
        {"offered_salary_krw": -1},
        {"publications_and_patents": True},
        {"international_award": 1},
        {"unknown_fact": 1},
    ],
)
def test_profiles_refuse_nonsense(scorer_2026: Scorer, changes: dict[str, object]) -> None:
    # The launch engine refused a float for years too; JSON has no other number, and the language reads
    # one exactly through its shortest repr (8.5 -> Decimal("8.5")), so a float is accepted now.
    with pytest.raises(ConfigErrors) as refused:
        scorer_2026.profile(changes)
    assert [e.path for e in refused.value.errors] == list(changes)


def test_profiles_accept_whole_years_as_int(scorer_2026: Scorer) -> None:
    profile = scorer_2026.profile({"experience_years": 8})
    assert profile.values["experience_years"] == D(8)
    assert isinstance(profile.values["experience_years"], D)


def test_a_version_that_needs_a_gni_figure_needs_one_in_the_reference(config_2026: Version) -> None:
    with pytest.raises(ValueError, match="per_capita_gni"):
        Scorer(config_2026, Reference())


def test_memo_never_changes_a_result(config_2026: Version, reference: Reference) -> None:
    # The scorer keeps prepared sentences per band position (its only memo): a fresh scorer per
    # profile builds every one of them anew.
    profiles = [
        make_facts(
            degree_level=("none", "bachelor", "master", "doctorate")[i % 4],
            institution_rank=(None, 1, 100, 101, 250)[i % 5],
            experience_years=D(i % 13) + D("0.5"),
            fortune_global_500_years=D(i % 4),
            offered_salary_krw=40_000_000 + i * 3_333_333,
            field=("ai", "other")[i % 2],
            publications_and_patents=i % 12,
            led_project_years=D(i % 5),
            international_award=i % 7 == 0,
            core_technology_role=i % 6,
            government_programme=(None, "MOHW", "XYZ")[i % 3],
        )
        for i in range(40)
    ]
    memoised = Scorer(config_2026, reference)
    first = [memoised.score(f) for f in profiles]
    again = [memoised.score(f) for f in profiles]  # served from the memo
    fresh = [Scorer(config_2026, reference).score(f) for f in profiles]
    assert first == again == fresh


def test_memo_is_bounded_by_the_configuration_not_the_inputs(
    config_2026: Version, reference: Reference
) -> None:
    """Nothing is kept per fact value: 6,000 profiles with all-new values add no entries per value."""
    scorer = Scorer(config_2026, reference)
    for i in range(6_000):
        scorer.score(
            make_facts(
                degree_level="master",
                institution_rank=1 + i,
                experience_years=D(i) / 100,
                fortune_global_500_years=D(i),
                offered_salary_krw=40_000_000 + i * 7_777,
                field=f"field-{i}",
                publications_and_patents=i,
                led_project_years=D(i) / 10,
                government_programme=f"P{i}",
            )
        )
    (cache,) = scorer._by_language.values()
    # Bands x plural counts (a count >= 100 keeps only its plural class, see _plural_count).
    assert len(cache.parts) < 1_000


@pytest.mark.parametrize(
    ("years", "reads"),
    [(D("-0"), "0 years"), (D("0.00"), "0 years"), (D("8.0"), "8 years"), (D("1E+1"), "10 years")],
)
def test_years_read_the_same_whatever_was_scored_before(score_2026: Score, years: D, reads: str) -> None:
    # -0 == 0 (and 8.0 == 8): the text must not depend on which of the two was scored first.
    for first in (D(0), years):
        score_2026(experience_years=first)
        a2 = criterion(score_2026(experience_years=years), "A2")
        assert a2.explanation.startswith(f"Relevant work experience of {reads} (")


def test_values_are_shown_as_they_are(score_2026: Score) -> None:
    """A value goes into its sentence as text, never read as a format itself."""
    result = score_2026(field="%(field)s 100%", government_programme="50%")
    assert criterion(result, "B1").explanation.startswith(
        "Field %(field)s 100%, not on the strategic list: 2 points."
    )
    assert result.tracks["government_programme"].reasons == ("50% is not a recognised government programme.",)


def test_next_step_joins_texts() -> None:
    steps = (NextStep("a", 1, 1, "One."), NextStep("b", 2, 2, "Two."))
    result = CriterionResult("X", "t", 0, 5, "computed", "e", steps)
    assert result.next_step == "One. Two."


def test_facts_type_is_frozen() -> None:
    facts = make_facts()
    # A frozen dataclass with slots refuses with TypeError on Python 3.11 (cpython #90562).
    with pytest.raises((AttributeError, TypeError)):
        facts.values = {}  # type: ignore[misc]
    assert isinstance(facts, Profile)


def test_gni_is_read_from_the_reference(score_2026: Score) -> None:
    assert f"{GNI_2024:,}" in criterion(score_2026(offered_salary_krw=1), "A3").explanation
