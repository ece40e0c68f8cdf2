"""The decision form in the workspace: reasons must match the outcome, an approval is refused before
the confirmation step when the track's conditions are not met or the roster match is unconfirmed,
and the confirmation page shows the eligibility verdict and the roster match."""

from __future__ import annotations

import pytest

from apps.cases.models import Case, CaseEvent, CaseStatus, Track
from apps.cases.reviewer_findings import roster_confirm
from apps.cases.score_snapshot import case_score
from tests.ministry import assess_as_scored, reviewer, submitted_case
from tests.reviewers.test_workspace_support import (
    T0,
    ministry_client,
    qualitative_case,
    text_of,
    url,
    workspace_url,
)

pytestmark = pytest.mark.django_db

EXPLANATION = "Explained in plain words."
MATCHED = {
    "status": "matched",
    "entry_id": None,
    "matched_on": ["email", "passport"],
    "programme_code": "KASA",
    "other_entry_id": None,
}


def decision(case: Case, outcome: str, *codes: str, **extra: str) -> dict[str, object]:
    return {
        "outcome": outcome,
        "reason_codes": list(codes),
        "explanation": EXPLANATION,
        "lock_version": str(case.lock_version),
        **extra,
    }


def assert_undecided(case: Case) -> None:
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert not case.events.filter(kind__in=[CaseEvent.Kind.APPROVED, CaseEvent.Kind.REJECTED]).exists()


@pytest.fixture
def assignee():
    return reviewer(full_name="Rae Viewer")


@pytest.fixture
def weak(assignee) -> Case:
    """A qualitative case far below the pass mark of 70 (no sponsor, a bachelor's, little else)."""
    case = submitted_case(
        track=Track.QUALITATIVE,
        status=CaseStatus.IN_REVIEW,
        assigned_to=assignee,
        submitted_at=T0,
        degree_level="bachelor",
        institution_rank=None,
        experience_years="3",
        fortune_global_500_years="0",
        offered_salary_krw=60_000_000,
        publications_and_patents=0,
        led_project_years="0",
    )
    case_score(case_id=case.pk)
    return case


@pytest.fixture
def programme_case(assignee) -> Case:
    case = submitted_case(
        track=Track.GOVERNMENT_PROGRAMME,
        status=CaseStatus.IN_REVIEW,
        assigned_to=assignee,
        submitted_at=T0,
        government_programme="KASA",
    )
    Case.objects.filter(pk=case.pk).update(roster_match=MATCHED)
    case_score(case_id=case.pk)
    case.refresh_from_db()
    return case


def test_the_form_says_which_reason_explains_an_approval(assignee):
    case = qualitative_case(assigned_to=assignee)
    html = ministry_client(assignee).get(workspace_url(case)).content.decode()
    assert "“The track&#x27;s criteria are met” explains an approval; the others explain a rejection." in html


@pytest.mark.parametrize(
    ("outcome", "codes", "message"),
    [
        (
            "approve",
            ("criteria_met", "below_pass_mark"),
            "These reasons explain a rejection, not an approval",
        ),
        ("reject", ("criteria_met",), "These reasons explain an approval, not a rejection"),
    ],
)
def test_reasons_of_the_other_outcome_are_refused_next_to_the_reasons(assignee, outcome, codes, message):
    case = qualitative_case(assigned_to=assignee)
    client = ministry_client(assignee)
    for extra in ({}, {"confirm": "1"}):  # before the confirmation, and a forged confirmation
        response = client.post(url("case_decide", case), decision(case, outcome, *codes, **extra))
        assert response.status_code == 400
        html = response.content.decode()
        assert message in text_of(html)
        assert 'href="#id_reason_codes_0"' in html  # the error summary links to the reasons
        assert 'name="confirm"' not in html
    assert_undecided(case)


def test_an_ineligible_case_is_refused_before_the_confirmation(assignee, weak):
    client = ministry_client(assignee)
    for extra in ({}, {"confirm": "1"}):  # before the confirmation, and a forged confirmation
        response = client.post(url("case_decide", weak), decision(weak, "approve", "criteria_met", **extra))
        assert response.status_code == 400
        text = text_of(response.content.decode())
        assert (
            "Qualitative track: the conditions are not met on the verified facts, so the case cannot be "
            "approved." in text
        )
        assert "A rubric total of 19 points (SME bonus included) is below the pass mark of 70." in text
        assert f"Approve case {weak.reference}?" not in text
    assert_undecided(weak)


def test_rejecting_an_ineligible_case_shows_the_verdict_on_the_confirmation(assignee, weak):
    response = ministry_client(assignee).post(
        url("case_decide", weak), decision(weak, "reject", "below_pass_mark")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-eligibility="not-met"' in html
    assert "Qualitative track: conditions not met on the verified facts." in text_of(html)
    assert 'data-assessed="no"' in html
    assert "Not assessed yet: B1 and B2 are estimates" in html


def test_the_confirmation_shows_the_eligibility_verdict(assignee):
    case = assess_as_scored(qualitative_case(assigned_to=assignee), assignee)  # 92 points, assessed
    client = ministry_client(assignee)
    html = client.post(url("case_decide", case), decision(case, "approve", "criteria_met")).content.decode()
    assert f"Approve case {case.reference}?" in html
    assert 'data-eligibility="met"' in html
    text = text_of(html)
    assert "Qualitative track: conditions met on the verified facts." in text
    assert "A rubric total of 92 points (SME bonus included) reaches the pass mark of 70." in text
    assert "data-roster" not in html  # no roster on this track
    korean = client.post(
        url("case_decide", case), decision(case, "approve", "criteria_met"), HTTP_ACCEPT_LANGUAGE="ko"
    ).content.decode()
    assert "검증된 사실에 따르면 요건을 충족합니다." in korean


def test_a_programme_case_needs_the_roster_match_confirmed_to_be_approved(assignee, programme_case):
    client = ministry_client(assignee)
    case = programme_case
    refused = client.post(url("case_decide", case), decision(case, "approve", "criteria_met"))
    assert refused.status_code == 400
    assert "Confirm the programme roster match before approving." in text_of(refused.content.decode())

    rejecting = client.post(
        url("case_decide", case), decision(case, "reject", "not_on_roster")
    ).content.decode()
    assert 'data-roster="unconfirmed"' in rejecting
    assert "Not confirmed." in text_of(rejecting)

    roster_confirm(case=case, by=assignee)
    case.refresh_from_db()
    confirming = client.post(url("case_decide", case), decision(case, "approve", "criteria_met"))
    assert confirming.status_code == 200
    html = confirming.content.decode()
    assert 'data-roster="confirmed"' in html
    assert "Confirmed by Rae Viewer on" in text_of(html)
    assert 'data-eligibility="met"' in html
    done = client.post(url("case_decide", case), decision(case, "approve", "criteria_met", confirm="1"))
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


def test_an_unassessed_qualitative_case_is_sent_back_to_the_assessment(assignee):
    case = qualitative_case(assigned_to=assignee)  # eligible on the applicant's own estimates only
    response = ministry_client(assignee).post(
        url("case_decide", case), decision(case, "approve", "criteria_met")
    )
    assert response.status_code == 400
    assert "Assess the qualitative criteria (B1 and B2) before approving" in text_of(
        response.content.decode()
    )
    assert_undecided(case)
