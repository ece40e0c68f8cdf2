"""Drafts, evidence, submission and withdrawal, through the services only."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from apps.accounts.roles import Role
from apps.cases.models import Case, CaseEvent, CaseStatus
from apps.cases.selectors import case_days_left
from apps.cases.services import (
    CaseIncomplete,
    case_missing_items,
    case_start,
    case_submit,
    case_update_draft,
    case_withdraw,
    document_add,
    document_remove,
    document_replace,
)
from apps.cases.transitions import TransitionNotAllowed
from tests.factories import FULL_ANSWERS, PDF_BYTES, UserFactory, pdf_upload, png_upload

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
QUANTITATIVE_DOCUMENTS = ["passport", "cv", "degree_certificate", "employment_certificate", "salary_evidence"]


@pytest.fixture
def draft(applicant):
    return case_start(applicant=applicant, answers=FULL_ANSWERS, track="quantitative")


def complete(case, by):
    for kind in QUANTITATIVE_DOCUMENTS:
        document_add(case=case, by=by, kind=kind, upload=pdf_upload(f"{kind}.pdf"))
    return case


def test_a_new_case_is_a_draft_with_a_readable_reference_and_a_created_event(draft):
    assert draft.status == CaseStatus.DRAFT
    assert draft.reference.startswith("KTP-")
    assert len(draft.reference) == 13
    assert not set(draft.reference[4:].replace("-", "")) & set("ILOU")
    assert list(draft.events.values_list("kind", flat=True)) == ["created"]


def test_saving_a_step_merges_answers_so_nothing_earlier_is_lost(draft, applicant):
    case_update_draft(case=draft, by=applicant, answers={"offered_salary_krw": 120_000_000})
    assert draft.facts["degree_level"] == "doctorate"
    assert draft.facts["offered_salary_krw"] == 120_000_000


def test_missing_items_name_every_document_the_track_needs(draft):
    missing = case_missing_items(draft)
    assert len(missing) == 5
    assert "Upload: Passport." in missing


def test_an_incomplete_case_cannot_be_submitted_and_stays_a_draft(draft, applicant):
    with pytest.raises(CaseIncomplete) as caught:
        case_submit(case=draft, by=applicant)
    assert "Upload: Salary evidence (contract or offer letter)." in caught.value.messages
    draft.refresh_from_db()
    assert draft.status == CaseStatus.DRAFT
    assert draft.submitted_at is None


@time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL), tick=False)
def test_submission_freezes_the_rules_and_starts_the_fourteen_day_clock(
    draft, applicant, django_capture_on_commit_callbacks
):
    complete(draft, applicant)
    with django_capture_on_commit_callbacks() as callbacks:
        case_submit(case=draft, by=applicant)
    assert draft.status == CaseStatus.SUBMITTED
    assert draft.rubric_version.code == "2026-07"
    assert draft.submitted_at == dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)
    assert draft.due_at == dt.datetime(2026, 11, 16, 9, 0, tzinfo=SEOUL)
    assert case_days_left(draft) == 14
    enqueued = [
        callback for callback in callbacks if callback.__qualname__.startswith("enqueue_after_commit")
    ]
    assert len(enqueued) == 2  # the notification and the scoring, only after the commit


@time_machine.travel(dt.datetime(2026, 7, 1, 23, 30, tzinfo=SEOUL), tick=False)
def test_a_case_is_scored_under_the_version_in_force_on_its_submission_date(draft, applicant):
    complete(draft, applicant)
    case_submit(case=draft, by=applicant)
    assert draft.rubric_version.code == "2025-03"


def test_a_double_submission_leaves_one_submission_and_one_clock_start(draft, applicant):
    complete(draft, applicant)
    case_submit(case=draft, by=applicant)
    first_due = draft.due_at
    stale_copy = Case.objects.get(pk=draft.pk)
    stale_copy.status = CaseStatus.DRAFT  # as a second browser tab still believes
    with pytest.raises(TransitionNotAllowed):
        case_submit(case=stale_copy, by=applicant)
    draft.refresh_from_db()
    assert draft.due_at == first_due
    assert draft.events.filter(kind=CaseEvent.Kind.SUBMITTED).count() == 1


def test_only_the_applicant_may_submit_or_upload(draft):
    stranger = UserFactory(role=Role.APPLICANT)
    with pytest.raises(PermissionDenied):
        case_submit(case=draft, by=stranger)
    with pytest.raises(PermissionDenied):
        document_add(case=draft, by=stranger, kind="cv", upload=pdf_upload())


def test_evidence_is_recorded_with_its_receipt_and_can_be_replaced_and_removed(draft, applicant):
    document = document_add(case=draft, by=applicant, kind="passport", upload=pdf_upload("my passport.pdf"))
    assert (document.original_name, document.content_type, document.size) == (
        "my passport.pdf",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert document.file.name.startswith(f"cases/{draft.pk}/")
    assert "passport" not in document.file.name  # the client's name never becomes a path
    replacement = document_replace(document=document, by=applicant, upload=png_upload("passport.png"))
    assert list(draft.documents.all()) == [replacement]
    document_remove(document=replacement, by=applicant)
    assert draft.documents.count() == 0
    kinds = list(draft.events.values_list("kind", flat=True))
    assert kinds.count("document_added") == 2
    assert kinds.count("document_removed") == 2


def test_a_refused_file_stores_nothing(draft, applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import ELF_BYTES

    with pytest.raises(ValidationError):
        document_add(case=draft, by=applicant, kind="cv", upload=SimpleUploadedFile("cv.pdf", ELF_BYTES))
    assert draft.documents.count() == 0


def test_evidence_cannot_change_after_submission(draft, applicant):
    complete(draft, applicant)
    case_submit(case=draft, by=applicant)
    with pytest.raises(ValidationError):
        document_add(case=draft, by=applicant, kind="cv", upload=pdf_upload())
    with pytest.raises(ValidationError):
        case_update_draft(case=draft, by=applicant, answers={"offered_salary_krw": 1})


def test_withdrawal_is_final_and_recorded_with_the_reason(draft, applicant):
    case_withdraw(case=draft, by=applicant, reason="Accepted another offer")
    assert draft.status == CaseStatus.WITHDRAWN
    event = draft.events.get(kind=CaseEvent.Kind.WITHDRAWN)
    assert (event.actor, event.reason, event.from_status) == (applicant, "Accepted another offer", "draft")
    with pytest.raises(TransitionNotAllowed):
        case_withdraw(case=draft, by=applicant)


def test_every_row_change_is_in_the_pghistory_trail_with_the_actor(draft, applicant):
    complete(draft, applicant)
    case_submit(case=draft, by=applicant)
    history = draft.history.order_by("pgh_id")
    assert history.last().status == "submitted"
    assert history.last().pgh_context.metadata["actor"] == applicant.pk
