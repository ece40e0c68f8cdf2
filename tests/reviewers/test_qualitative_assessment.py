"""The reviewer's qualitative assessment (B1, B2): validated within the case's rubric scales, each
part justified, and the score recomputed by the engine, never entered by hand.

Hand computations follow policy.md section 3 (rules version 2026-07, per-capita GNI 49,955,000 KRW).
The case's declared facts: a doctorate from a top-100 school (A1 25), 10 years of experience with 3 at
a Fortune Global 500 company (A2 12 + 8 = 20); the sponsor offers 100,000,000 KRW, 2.0 times the GNI
(A3 12); the sponsor's SME certificate is not verified yet (no bonus).
"""

from __future__ import annotations

import copy
import dataclasses
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.cases.models import CaseEvent, CaseScore, CaseStatus, QualitativeAssessment
from apps.cases.reviewer_findings import QualitativeValues, qualitative_assess, scales_from_config
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import read_version
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.selectors import rubric_version_by_code
from tests.ministry import reviewer, supervisor
from tests.reviewers.test_workspace_support import (
    ministry_client,
    plain_client,
    qualitative_case,
    text_of,
    url,
    workspace_url,
)

pytestmark = pytest.mark.django_db

QUANTITATIVE = 25 + 20 + 12

# B1: a field off the strategic list 2, 4 publications and patents 4 (>= 2), led a project for 2.5
# years without an award 4: 10. B2: core-technology role 3 of 5 -> 3, not hard to fill 0, plan 2 of
# 5 -> 2: 5. Total 57 + 10 + 5 = 72.
MODEST = {
    "field": "other",
    "field_justification": "Works on payments fraud models; not a listed strategic field.",
    "publications_and_patents": "4",
    "publications_justification": "Three papers on DBLP and one granted KR patent checked in KIPRIS.",
    "led_project_years": "2.5",
    "leadership_justification": "Team lead for 30 months per the employment certificate.",
    "core_technology_role": "3",
    "core_technology_justification": "Supports, does not lead, the core platform.",
    "hard_to_fill": "no",
    "hard_to_fill_justification": "Two months of recruiting only; domestic candidates applied.",
    "transfer_plan": "2",
    "transfer_plan_justification": "A plan without measurable targets.",
}
MODEST_TOTAL = QUANTITATIVE + 10 + 5

# B1: AI is on the strategic list 5, 12 outputs 8 (>= 10), an international award 7: 20. B2: role 5
# -> 5, hard to fill 5, plan 5 -> 5: 15. Total 57 + 20 + 15 = 92.
STRONG = {
    **MODEST,
    "field": "ai",
    "publications_and_patents": "12",
    "led_project_years": "1",
    "international_award": "on",
    "core_technology_role": "5",
    "hard_to_fill": "yes",
    "transfer_plan": "5",
}
STRONG_TOTAL = QUANTITATIVE + 20 + 15


@pytest.fixture
def assignee():
    return reviewer()


@pytest.fixture
def case(assignee):
    return qualitative_case(assigned_to=assignee)


@pytest.fixture
def client(assignee):
    return ministry_client(assignee)


def post(client, case, data):
    return client.post(url("case_assess", case), data)


def criterion(score: CaseScore, code: str) -> dict:
    return next(c for c in score.result["criteria"] if c["code"] == code)


# --- Validation ----------------------------------------------------------------------------------


def test_a_rating_over_the_scales_maximum_is_refused_naming_the_maximum(case, client):
    response = post(client, case, {**MODEST, "core_technology_role": "6"})
    assert response.status_code == 400
    text = text_of(response.content.decode())
    assert "Enter a rating from 0 to 5" in text
    assert 'href="#id_core_technology_role"' in response.content.decode()
    assert not QualitativeAssessment.objects.exists()


def test_a_missing_justification_is_refused(case, client):
    response = post(client, case, {**MODEST, "transfer_plan_justification": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the justification." in html
    assert 'href="#id_transfer_plan_justification"' in html
    assert 'aria-describedby="id_transfer_plan_justification_error"' in html
    assert not QualitativeAssessment.objects.exists()
    assert not case.events.filter(kind=CaseEvent.Kind.QUALITATIVE_ASSESSED).exists()


VALUES = QualitativeValues(
    field="ai",
    field_justification="Inference accelerators.",
    publications_and_patents=1,
    publications_justification="One paper, checked.",
    led_project_years=Decimal(1),
    international_award=False,
    leadership_justification="Led a one-year project.",
    core_technology_role=3,
    core_technology_justification="Core team member.",
    hard_to_fill=False,
    hard_to_fill_justification="Recruited for one month.",
    transfer_plan=1,
    transfer_plan_justification="A thin plan.",
)


def test_the_service_refuses_what_the_form_would_and_blank_justifications(case, assignee):
    values = dataclasses.replace(VALUES, leadership_justification="   ", core_technology_role=9)
    with pytest.raises(ValidationError) as refused:
        qualitative_assess(case=case, by=assignee, values=values)
    assert set(refused.value.error_dict) == {"leadership_justification", "core_technology_role"}
    assert not QualitativeAssessment.objects.exists()


def test_the_scales_come_from_the_catalogue_and_the_version():
    version = rubric_version_by_code("2026-07")
    config = version.parsed_config()
    assert scales_from_config(config, frozenset()).core_technology_role_max == 5  # type: ignore[union-attr]
    raw = copy.deepcopy(version.config)
    b2 = next(c for c in raw["criteria"] if c["code"] == "B2")
    b2["points"]["sum"][0]["scale"]["of"] = 10  # a rating's scale is the catalogue's, not a version's
    with pytest.raises(ConfigErrors, match="catalogue's maximum for core_technology_role"):
        read_version(raw, default_catalogue())
    b2["points"]["sum"][0]["scale"]["of"] = 5
    for criterion in raw["criteria"]:
        criterion["basis"] = "computed"  # no estimate left for a reviewer to assess
    assert scales_from_config(read_version(raw, default_catalogue()), frozenset()) is None


def test_only_the_assignee_or_a_supervisor_assesses(case):
    other = reviewer()
    response = post(ministry_client(other), case, MODEST)
    assert response.status_code == 302
    assert not QualitativeAssessment.objects.exists()
    assert post(ministry_client(supervisor()), case, MODEST).status_code == 302
    assert QualitativeAssessment.objects.filter(case=case).exists()


def test_a_closed_case_cannot_be_assessed(assignee):
    case = qualitative_case(assigned_to=assignee, status=CaseStatus.APPROVED)
    with pytest.raises(ValidationError, match="no longer be changed"):
        qualitative_assess(case=case, by=assignee, values=VALUES)
    assert not QualitativeAssessment.objects.exists()


# --- The score recomputes from the engine --------------------------------------------------------


def test_an_assessment_rescores_the_case_from_the_engine(case, client, assignee):
    before = CaseScore.objects.get(case=case)
    assert criterion(before, "B1")["basis"] == "estimate"
    version = case.lock_version
    response = post(client, case, MODEST)
    assert response.status_code == 302
    score = CaseScore.objects.get(case=case)
    assert (criterion(score, "B1")["points"], criterion(score, "B2")["points"]) == (10, 5)
    assert (criterion(score, "B1")["basis"], criterion(score, "B2")["basis"]) == ("assessed", "assessed")
    assert criterion(score, "A3")["basis"] == "computed"
    assert score.total == MODEST_TOTAL == 72
    case.refresh_from_db()
    assert case.lock_version == version + 1  # a decision prepared on the old score is stale
    event = case.events.get(kind=CaseEvent.Kind.QUALITATIVE_ASSESSED)
    assert event.actor == assignee
    assert event.data["core_technology_role"] == 3
    # The assessment row's history (pghistory) carries who made it.
    history = QualitativeAssessment.objects.get().events.get()
    assert history.pgh_context.metadata["actor"] == assignee.pk


def test_a_correction_replaces_the_assessment_and_rescores(case, client):
    post(client, case, MODEST)
    post(client, case, STRONG)
    assert QualitativeAssessment.objects.filter(case=case).count() == 1
    score = CaseScore.objects.get(case=case)
    assert (criterion(score, "B1")["points"], criterion(score, "B2")["points"]) == (20, 15)
    assert score.total == STRONG_TOTAL == 92
    assert case.events.filter(kind=CaseEvent.Kind.QUALITATIVE_ASSESSED).count() == 2


def test_the_workspace_and_the_applicant_see_assessed_not_estimate(case, client):
    post(client, case, MODEST)
    workspace = text_of(client.get(workspace_url(case)).content.decode())
    assert "assessed by a reviewer" in workspace
    status = plain_client(case.applicant).get(
        reverse("application:status", kwargs={"reference": case.reference})
    )
    html = status.content.decode()
    assert "assessed by a reviewer" in html
    assert "estimate until a reviewer scores them" not in html
    # The assessment itself is an internal line of the timeline.
    assert "Qualitative criteria assessed" not in html
    assert 'data-kind="qualitative_assessed"' not in html


def test_the_form_starts_from_the_declared_facts_then_from_the_assessment(case, client):
    html = client.get(workspace_url(case)).content.decode()
    assert 'name="publications_and_patents" value="10"' in html  # FULL_ANSWERS declares 10
    post(client, case, MODEST)
    html = client.get(workspace_url(case)).content.decode()
    assert 'name="publications_and_patents" value="4"' in html
    assert "Supports, does not lead, the core platform." in html
