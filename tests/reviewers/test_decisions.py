"""Requesting information (the clock pauses; the applicant's answer resumes it and the due date moves
by the paused time) and deciding (a confirmation step, optimistic concurrency, the applicant reads the
explanation)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from apps.cases.models import Case, CaseEvent, CaseStatus, InformationRequest
from apps.cases.review_moves import case_request_information
from apps.cases.reviewer_findings import note_add
from tests.factories import pdf_upload
from tests.ministry import assess_as_scored, reviewer, supervisor
from tests.reviewers.test_workspace_support import (
    T0,
    ministry_client,
    plain_client,
    qualitative_case,
    text_of,
    url,
    workspace_url,
)

pytestmark = pytest.mark.django_db

EXPLANATION = "Your expertise in AI accelerators and the employer's plan meet the qualitative track."


@pytest.fixture
def assignee():
    return reviewer(full_name="Rae Viewer")


@pytest.fixture
def case(assignee):
    return assess_as_scored(qualitative_case(assigned_to=assignee), assignee)


def status_page(case):
    return reverse("application:status", kwargs={"reference": case.reference})


def decision_data(case, **overrides):
    return {
        "outcome": "approve",
        "reason_codes": ["criteria_met"],
        "explanation": EXPLANATION,
        "lock_version": str(case.lock_version),
        **overrides,
    }


# --- Requesting information ----------------------------------------------------------------------


def test_the_request_form_proposes_a_response_date_a_week_ahead(case, assignee):
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        html = ministry_client(assignee).get(workspace_url(case)).content.decode()
    assert 'name="respond_by" value="2026-11-10"' in html
    assert 'type="date"' in html


def test_a_request_pauses_the_clock_and_the_applicants_answer_moves_the_due_date(case, assignee):
    original_due = case.due_at  # T0 + 14 days
    asked_at = T0 + dt.timedelta(days=3)
    with time_machine.travel(asked_at, tick=False):
        response = ministry_client(assignee).post(
            url("case_request_information", case),
            {
                "addressee": "applicant",
                "message": "Your publications list is unreadable.",
                "needed": "A clear copy of the publications list.",
                "respond_by": "2026-11-12",
            },
        )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.INFORMATION_REQUESTED
    assert case.paused_at == asked_at

    answered_at = asked_at + dt.timedelta(days=2, hours=6)
    with time_machine.travel(answered_at, tick=False):
        applicant = plain_client(case.applicant)
        page = applicant.get(status_page(case)).content.decode()
        assert "Your publications list is unreadable." in page
        answer = applicant.post(
            reverse("application:respond", kwargs={"reference": case.reference}),
            {"text": "Here is a clean copy.", "attachments": [pdf_upload("publications.pdf")]},
        )
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert case.paused_at is None
    assert case.paused_total == dt.timedelta(days=2, hours=6)
    assert case.due_at == original_due + dt.timedelta(days=2, hours=6)

    with time_machine.travel(answered_at + dt.timedelta(hours=1), tick=False):
        workspace = ministry_client(supervisor()).get(workspace_url(case)).content.decode()
    text = text_of(workspace)
    assert "Here is a clean copy." in text
    assert "Download publications.pdf" in text
    assert "the clock was paused for 2 days, 6 hours in all" in text


def test_a_request_to_the_employer_is_offered_for_a_case_with_a_confirmed_sponsor(case, assignee):
    html = ministry_client(assignee).get(workspace_url(case)).content.decode()
    assert 'name="addressee" value="employer"' in html


def test_a_request_needs_a_message_and_a_date_not_in_the_past(case, assignee):
    response = ministry_client(assignee).post(
        url("case_request_information", case),
        {"addressee": "applicant", "message": "", "needed": "x", "respond_by": "2020-01-01"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write the message." in html
    assert "The response date cannot be in the past." in html
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert not InformationRequest.objects.exists()


# --- Deciding ------------------------------------------------------------------------------------


def test_a_decision_is_confirmed_before_it_is_recorded(case, assignee):
    client = ministry_client(assignee)
    first = client.post(url("case_decide", case), decision_data(case))
    assert first.status_code == 200
    html = first.content.decode()
    assert f"Approve case {case.reference}?" in html
    assert f'name="lock_version" value="{case.lock_version}"' in html
    assert 'name="confirm" value="1"' in html
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW  # nothing decided yet

    second = client.post(url("case_decide", case), {**decision_data(case), "confirm": "1"})
    assert second.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED
    event = case.events.get(kind=CaseEvent.Kind.APPROVED)
    assert (event.actor, event.reason, event.data) == (
        assignee,
        EXPLANATION,
        {"reason_codes": ["criteria_met"]},
    )


def test_the_applicant_reads_the_decision_and_its_explanation(case, assignee):
    client = ministry_client(assignee)
    data = {
        **decision_data(case, outcome="reject", reason_codes=["below_pass_mark", "evidence_not_verified"]),
        "explanation": "The publications could not be verified.",
        "confirm": "1",
    }
    assert client.post(url("case_decide", case), data).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    page = text_of(plain_client(case.applicant).get(status_page(case)).content.decode())
    assert "The publications could not be verified." in page
    assert "The verified score is below the pass mark" in page
    assert "The evidence could not be verified" in page


def test_going_back_from_the_confirmation_keeps_the_typed_text(case, assignee):
    response = ministry_client(assignee).post(url("case_decide", case), {**decision_data(case), "edit": "1"})
    assert response.status_code == 200
    assert EXPLANATION in response.content.decode().replace("&#x27;", "'")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW


def test_a_decision_without_reasons_is_refused_with_a_linked_error(case, assignee):
    response = ministry_client(assignee).post(url("case_decide", case), decision_data(case, reason_codes=[]))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at least one reason." in html
    assert 'href="#id_reason_codes_0"' in html


def test_a_stale_decision_is_refused_and_nothing_changes(case, assignee):
    client = ministry_client(assignee)
    opened_version = case.lock_version  # the reviewer opens the page and starts writing
    confirmation = client.post(url("case_decide", case), decision_data(case))
    assert confirmation.status_code == 200
    # Meanwhile a supervisor asks the applicant for information, and the applicant answers.
    boss = supervisor(full_name="Sue Pervisor")
    request = case_request_information(
        case=case,
        by=boss,
        addressee="applicant",
        message="Send the award certificate.",
        needed="The award certificate.",
        respond_by=dt.date(2099, 1, 1),
    )
    from apps.cases.review_moves import information_respond

    information_respond(request=request, by=case.applicant, text="Attached.")
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert case.lock_version > opened_version

    stale = client.post(
        url("case_decide", case), {**decision_data(case), "lock_version": opened_version, "confirm": "1"}
    )
    assert stale.status_code == 409
    html = stale.content.decode()
    text = text_of(html).replace("&#x27;", "'")
    assert "This case was changed by someone else since you opened it (" in text
    assert "Your decision was not saved — review the changes and decide again." in text
    assert EXPLANATION.replace("'", "&#x27;") in html  # the typed text is kept in the form
    assert f'name="lock_version" value="{case.lock_version}"' in html  # deciding again uses the new state
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert case.decided_at is None
    assert not case.events.filter(kind__in=[CaseEvent.Kind.APPROVED, CaseEvent.Kind.REJECTED]).exists()


def test_a_note_does_not_make_a_decision_stale(case, assignee):
    client = ministry_client(assignee)
    version = case.lock_version
    note_add(case=case, by=supervisor(), text="Looks fine.")
    response = client.post(
        url("case_decide", case), {**decision_data(case), "lock_version": version, "confirm": "1"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.APPROVED


def test_approve_is_not_offered_unless_the_case_is_in_review(case, assignee):
    client = ministry_client(assignee)
    assert 'name="outcome" value="approve"' in client.get(workspace_url(case)).content.decode()
    case_request_information(
        case=case,
        by=assignee,
        addressee="applicant",
        message="m",
        needed="n",
        respond_by=dt.date(2099, 1, 1),
    )
    html = client.get(workspace_url(case)).content.decode()
    assert 'name="outcome"' not in html
    assert "only while the case is in review" in html
    assert 'data-clock="paused"' in html
    assert "Paused since" in html
    response = client.post(url("case_decide", case), {**decision_data(case), "confirm": "1"}, follow=True)
    assert "it can be decided only while it is in review" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.INFORMATION_REQUESTED


def test_only_the_assignee_or_a_supervisor_decides(case):
    response = ministry_client(reviewer()).post(
        url("case_decide", case), {**decision_data(case), "confirm": "1"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    html = ministry_client(reviewer()).get(workspace_url(case)).content.decode()
    assert 'name="outcome"' not in html


def test_the_employer_answers_a_request_addressed_to_them(case, assignee):
    from tests.reviewers.test_workspace_support import employer_member

    asked_at = T0 + dt.timedelta(days=1)
    with time_machine.travel(asked_at, tick=False):
        response = ministry_client(assignee).post(
            url("case_request_information", case),
            {
                "addressee": "employer",
                "message": "Show the recruiting you did in Korea.",
                "needed": "The job advertisements and their dates.",
                "respond_by": "2026-11-10",
            },
        )
    assert response.status_code == 302
    sponsorship = case.sponsorships.get()
    page_url = reverse(
        "employers:sponsored_case",
        kwargs={"pk": sponsorship.organisation_id, "sponsorship_pk": sponsorship.pk},
    )
    answer_url = reverse(
        "employers:sponsored_case_respond",
        kwargs={"pk": sponsorship.organisation_id, "sponsorship_pk": sponsorship.pk},
    )
    # The applicant is told the employer was asked, and cannot answer in their place.
    applicant_page = plain_client(case.applicant).get(status_page(case)).content.decode()
    assert "The reviewer has asked your employer for information" in applicant_page

    answered_at = asked_at + dt.timedelta(days=3)
    with time_machine.travel(answered_at, tick=False):
        employer = plain_client(employer_member(case))
        page = employer.get(page_url).content.decode()
        assert "Show the recruiting you did in Korea." in page
        refused = employer.post(answer_url, {"text": ""})
        assert refused.status_code == 400
        assert "Write your answer." in refused.content.decode()
        sent = employer.post(
            answer_url, {"text": "Adverts attached.", "attachments": [pdf_upload("adverts.pdf")]}
        )
    assert sent.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert case.due_at == T0 + dt.timedelta(days=14 + 3)
    request = InformationRequest.objects.get()
    assert (request.response_text, request.responded_by) == ("Adverts attached.", employer_member(case))
    assert case.documents.filter(kind="information_response", original_name="adverts.pdf").exists()
    assert "Show the recruiting" not in plain_client(employer_member(case)).get(page_url).content.decode()


def test_a_stranger_cannot_answer_for_the_employer(case, assignee):
    from tests.factories import MembershipFactory

    case_request_information(
        case=case,
        by=assignee,
        addressee="employer",
        message="m",
        needed="n",
        respond_by=dt.date(2099, 1, 1),
    )
    sponsorship = case.sponsorships.get()
    outsider = MembershipFactory().user  # a member of another organisation
    response = plain_client(outsider).post(
        reverse(
            "employers:sponsored_case_respond",
            kwargs={"pk": sponsorship.organisation_id, "sponsorship_pk": sponsorship.pk},
        ),
        {"text": "Not mine"},
    )
    assert response.status_code == 404
    assert InformationRequest.objects.get().is_open


def test_a_request_to_the_employer_closes_for_them_when_the_applicant_withdraws(case, assignee):
    from apps.cases.services import case_withdraw
    from tests.reviewers.test_workspace_support import employer_member

    case_request_information(
        case=case, by=assignee, addressee="employer", message="m", needed="n", respond_by=dt.date(2099, 1, 1)
    )
    case_withdraw(case=case, by=case.applicant, reason="Took another offer")
    sponsorship = case.sponsorships.get()
    kwargs = {"pk": sponsorship.organisation_id, "sponsorship_pk": sponsorship.pk}
    employer = plain_client(employer_member(case))
    assert (
        'name="text"' not in employer.get(reverse("employers:sponsored_case", kwargs=kwargs)).content.decode()
    )
    response = employer.post(
        reverse("employers:sponsored_case_respond", kwargs=kwargs), {"text": "Late answer"}
    )
    assert response.status_code == 302  # refused with a message, not a server error
    assert InformationRequest.objects.get().is_open


def test_a_reviewer_whose_case_was_reassigned_meanwhile_cannot_pause_it(case, assignee):
    from django.core.exceptions import PermissionDenied

    from apps.cases.assignment import case_reassign

    stale_copy = Case.objects.get(pk=case.pk)  # what the first reviewer's page loaded
    case_reassign(case=case, to=reviewer(), by=supervisor())
    with pytest.raises(PermissionDenied):
        case_request_information(
            case=stale_copy,
            by=assignee,
            addressee="applicant",
            message="m",
            needed="n",
            respond_by=dt.date(2099, 1, 1),
        )
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert case.paused_at is None
