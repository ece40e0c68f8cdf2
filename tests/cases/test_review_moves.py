"""The ministry's moves through the transition service: assignment, information requests (the clock
pauses and the due date moves by the paused time), decisions with optimistic concurrency."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.roles import Role
from apps.cases.models import CaseStatus, InformationRequest
from apps.cases.review_moves import (
    case_decide,
    case_request_information,
    case_start_review,
    information_respond,
)
from apps.cases.selectors import case_days_left
from apps.cases.services import case_start, case_submit, document_add
from apps.cases.transitions import StaleCase, TransitionNotAllowed
from tests.factories import FULL_ANSWERS, PNG_BYTES, UserFactory, pdf_upload

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)


@pytest.fixture
def submitted():
    applicant = UserFactory(role=Role.APPLICANT)
    with time_machine.travel(T0, tick=False):
        case = case_start(applicant=applicant, answers=FULL_ANSWERS, track="quantitative")
        for kind in ("passport", "cv", "degree_certificate", "employment_certificate", "salary_evidence"):
            document_add(case=case, by=applicant, kind=kind, upload=pdf_upload())
        case_submit(case=case, by=applicant)
    return case


def ask(case, by, when):
    with time_machine.travel(when, tick=False):
        return case_request_information(
            case=case,
            by=by,
            addressee="applicant",
            message="Your degree certificate is unreadable.",
            needed="A clear scan of the degree certificate.",
            respond_by=when.date() + dt.timedelta(days=7),
        )


def test_a_reviewer_takes_a_submitted_case_into_review(submitted, reviewer):
    case_start_review(case=submitted, reviewer=reviewer, by=reviewer)
    assert (submitted.status, submitted.assigned_to) == (CaseStatus.IN_REVIEW, reviewer)


def test_only_supervisors_assign_to_someone_else_and_applicants_cannot_review(submitted, reviewer):
    colleague = UserFactory(role=Role.REVIEWER)
    with pytest.raises(PermissionDenied):
        case_start_review(case=submitted, reviewer=colleague, by=reviewer)
    with pytest.raises(PermissionDenied):
        case_start_review(case=submitted, reviewer=submitted.applicant, by=submitted.applicant)
    supervisor = UserFactory(role=Role.SUPERVISOR)
    case_start_review(case=submitted, reviewer=colleague, by=supervisor)
    assert submitted.assigned_to == colleague


def test_an_information_request_pauses_the_clock_and_the_answer_moves_the_due_date(submitted, reviewer):
    case_start_review(case=submitted, reviewer=reviewer, by=reviewer)
    original_due = submitted.due_at  # T0 + 14 days
    request = ask(submitted, reviewer, T0 + dt.timedelta(days=3))
    assert submitted.status == CaseStatus.INFORMATION_REQUESTED
    with time_machine.travel(T0 + dt.timedelta(days=6, hours=12), tick=False):
        assert case_days_left(submitted) == 11  # frozen at the pause
        information_respond(
            request=request, by=submitted.applicant, text="Attached.", uploads=[pdf_upload("scan.pdf")]
        )
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.IN_REVIEW
    assert submitted.paused_total == dt.timedelta(days=3, hours=12)
    assert submitted.due_at == original_due + dt.timedelta(days=3, hours=12)
    assert submitted.paused_at is None
    assert submitted.documents.filter(kind="information_response").count() == 1


def test_two_pauses_add_up(submitted, reviewer):
    case_start_review(case=submitted, reviewer=reviewer, by=reviewer)
    for start in (T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=5)):
        request = ask(submitted, reviewer, start)
        with time_machine.travel(start + dt.timedelta(days=2), tick=False):
            information_respond(request=request, by=submitted.applicant, text="Done.")
    submitted.refresh_from_db()
    assert submitted.due_at == T0 + dt.timedelta(days=18)


def test_an_answer_with_a_bad_file_changes_nothing(submitted, reviewer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case_start_review(case=submitted, reviewer=reviewer, by=reviewer)
    request = ask(submitted, reviewer, T0 + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        information_respond(
            request=request,
            by=submitted.applicant,
            text="Here",
            uploads=[SimpleUploadedFile("scan.pdf", PNG_BYTES)],
        )
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.INFORMATION_REQUESTED
    assert InformationRequest.objects.get().is_open


def test_only_the_addressee_may_answer(submitted, reviewer):
    case_start_review(case=submitted, reviewer=reviewer, by=reviewer)
    request = ask(submitted, reviewer, T0 + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        information_respond(request=request, by=UserFactory(role=Role.APPLICANT), text="Not mine")


def test_asking_the_employer_needs_a_confirmed_sponsor(submitted, reviewer):
    case_start_review(case=submitted, reviewer=reviewer, by=reviewer)
    with pytest.raises(ValidationError, match="no confirmed sponsor"):
        case_request_information(
            case=submitted,
            by=reviewer,
            addressee="employer",
            message="m",
            needed="n",
            respond_by=dt.date(2099, 1, 1),
        )


def test_a_decision_records_its_reasons_and_stops_the_clock(submitted, reviewer):
    case_start_review(case=submitted, reviewer=reviewer, by=reviewer)
    event = case_decide(
        case=submitted,
        by=reviewer,
        approve=True,
        reason_codes=["criteria_met"],
        explanation="All criteria verified.",
        expected_version=submitted.lock_version,
    )
    assert submitted.status == CaseStatus.APPROVED
    assert submitted.decided_at is not None
    assert event.data == {"reason_codes": ["criteria_met"]}
    assert case_days_left(submitted) is None


def test_a_decision_on_a_case_someone_changed_meanwhile_is_refused(submitted, reviewer):
    case_start_review(case=submitted, reviewer=reviewer, by=reviewer)
    seen_version = submitted.lock_version
    ask(submitted, reviewer, T0 + dt.timedelta(days=1))  # someone else moved it on
    with pytest.raises(StaleCase):
        case_decide(
            case=submitted,
            by=reviewer,
            approve=False,
            reason_codes=["below_pass_mark"],
            explanation="x",
            expected_version=seen_version,
        )
    submitted.refresh_from_db()
    assert submitted.status == CaseStatus.INFORMATION_REQUESTED


def test_a_decision_needs_known_reasons_and_an_explanation(submitted, reviewer):
    case_start_review(case=submitted, reviewer=reviewer, by=reviewer)
    for codes, text in (([], "x"), (["made_up"], "x"), (["criteria_met"], "  ")):
        with pytest.raises(ValidationError):
            case_decide(
                case=submitted,
                by=reviewer,
                approve=True,
                reason_codes=codes,
                explanation=text,
                expected_version=submitted.lock_version,
            )


def test_a_submitted_case_cannot_be_decided_before_review(submitted, reviewer):
    supervisor = UserFactory(role=Role.SUPERVISOR)
    with pytest.raises(TransitionNotAllowed):
        case_decide(
            case=submitted,
            by=supervisor,
            approve=True,
            reason_codes=["criteria_met"],
            explanation="x",
            expected_version=submitted.lock_version,
        )
