"""The self-assessment's last mile (issue 13): the smallest step that reaches a threshold leads,
answers that cannot all be true are refused, and an untouched form prompts for answers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from apps.applicants.self_assessment.views import ranked_next_steps
from apps.rubric.language.results import CriterionResult, NextStep, ScoreResult, ThresholdResult

CONTRADICTION = "it is part of it"


def _result(total: int, gains: dict[str, tuple[int, ...]]) -> ScoreResult:
    criteria = tuple(
        CriterionResult(
            code, code, 0, 20, "computed", "", tuple(NextStep(code, 1, g, f"{code} +{g}") for g in steps)
        )
        for code, steps in gains.items()
    )
    thresholds = {"pass_mark": ThresholdResult("pass_mark", "pass mark", 70, total >= 70)}
    return ScoreResult("test", criteria, {}, (), total, thresholds, {})


def test_the_smallest_step_that_reaches_the_pass_mark_leads() -> None:
    # 3 points short: +8 (Fortune Global 500) and +5 (a doctorate) reach it too, but +4 (a salary step) is
    # the smallest change that does; +2 would not reach it.
    steps = ranked_next_steps(_result(67, {"A2": (8,), "A1": (5,), "A3": (4,), "B1": (2,)}))
    assert [s.text for s in steps] == ["A3 +4", "A2 +8", "A1 +5", "B1 +2"]
    assert steps[0].reaches == "pass mark"
    assert [s.reaches for s in steps[1:]] == ["", "", ""]


def test_without_a_threshold_to_reach_the_biggest_gains_lead() -> None:
    steps = ranked_next_steps(_result(75, {"A2": (8,), "A3": (4,)}))
    assert [s.text for s in steps] == ["A2 +8", "A3 +4"]
    assert not any(s.reaches for s in steps)


@pytest.mark.django_db
def test_the_page_refuses_fortune_years_beyond_the_experience(client: Client) -> None:
    page = client.get(
        "/self-assessment/",
        {"degree_level": "master", "experience_years": "2", "fortune_global_500_years": "5"},
    ).content.decode()
    assert CONTRADICTION in page
    assert "data-score" not in page
    assert "sa-verdict" not in page


@pytest.mark.django_db
def test_the_page_refuses_a_university_without_a_degree(client: Client) -> None:
    page = client.get(
        "/self-assessment/", {"degree_level": "none", "institution_rank": "12"}
    ).content.decode()
    assert "You said you have no university degree" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"experience_years": 2, "fortune_global_500_years": 5}, "fortune_global_500_years"),
        ({"degree_level": "none", "institution_rank": 12}, "institution_rank"),
    ],
)
def test_the_api_refuses_answers_that_cannot_all_be_true(change: dict[str, Any], field: str) -> None:
    answers = {"degree_level": "master", "experience_years": 6, "offered_salary_krw": 1, "field": "ai"}
    response = APIClient().post("/api/v1/self-assessment", {**answers, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_equal_fortune_and_experience_years_are_fine(client: Client) -> None:
    answers = {
        "degree_level": "master",
        "experience_years": Decimal("3.5"),
        "fortune_global_500_years": "3.5",
    }
    assert CONTRADICTION not in client.get("/self-assessment/", answers).content.decode()


@pytest.mark.django_db
def test_an_untouched_form_prompts_for_answers_instead_of_a_result(client: Client) -> None:
    untouched = {
        "degree_level": "none",
        "institution": "",
        "experience_years": "",
        "field": "other",
        "core_technology_role": "0",
        "transfer_plan": "0",
        "government_programme": "",
        "version": "",
    }
    page = client.get("/self-assessment/", untouched).content.decode()
    assert "data-blank-submission" in page
    assert "sa-verdict" not in page
    answered = client.get("/self-assessment/", {**untouched, "experience_years": "4"}).content.decode()
    assert "data-blank-submission" not in answered


@pytest.mark.django_db
def test_the_printed_result_lists_the_answers_and_the_date(client: Client) -> None:
    page = client.get(
        "/self-assessment/", {"degree_level": "master", "experience_years": "6", "field": "ai"}
    ).content.decode()
    printed = page[page.index("sa-print-answers") :]
    assert "Highest degree" in printed
    assert "Master&#x27;s degree" in printed or "Master's degree" in printed
    assert "Years of relevant experience" in printed
    assert "Worked out on" in printed
    assert "Artificial intelligence" in printed
