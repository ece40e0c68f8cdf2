"""A review of a rejection (decision 0047): asked by the applicant within the version's
``clock.review_request_days`` (Korea's calendar, the last day included), once, with grounds and
documents; its own clock; decided by a supervisor (upheld: rejected for good; overturned: approved,
with a letter), each change a move of the transition service with its audit."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from apps.cases.decision_review import open_review, review_decide, review_request, review_window
from apps.cases.documents import REVIEW_KIND
from apps.cases.letters import Verdict, code_of, current_letter, letter_verify
from apps.cases.models import CaseEvent, CaseStatus, DecisionLetter, ReviewRequest
from apps.cases.transitions import StaleCase, TransitionNotAllowed
from tests.cases.decided import SEOUL, decided_case
from tests.factories import UserFactory, pdf_upload
from tests.ministry import reviewer, supervisor

pytestmark = pytest.mark.django_db

# Decided at 23:30 in Korea on 10 November (14:30 UTC): the day counts in Korea, not in UTC.
DECIDED = dt.datetime(2026, 11, 10, 23, 30, tzinfo=SEOUL)
LAST_MOMENT = dt.datetime(2026, 12, 10, 23, 59, 59, tzinfo=SEOUL)  # 30 days after, inclusive
TOO_LATE = dt.datetime(2026, 12, 11, 0, 0, tzinfo=SEOUL)


@pytest.fixture
def rejected():
    return decided_case(approve=False, at=DECIDED)


def ask(case, *, at, by=None, grounds="My degree is a doctorate; the certificate is attached.", uploads=()):
    with time_machine.travel(at, tick=False):
        return review_request(case=case, by=by or case.applicant, grounds=grounds, uploads=uploads)


def test_the_period_comes_from_the_rules_version(rejected):
    window = review_window(rejected, now=DECIDED)
    assert (window.days, window.last_day, window.open) == (30, dt.date(2026, 12, 10), True)


@pytest.mark.parametrize(
    ("at", "accepted"),
    [
        (DECIDED + dt.timedelta(minutes=1), True),
        (LAST_MOMENT, True),
        (TOO_LATE, False),
        (TOO_LATE + dt.timedelta(days=40), False),
    ],
)
def test_a_request_is_accepted_until_the_last_day_in_korea(rejected, at, accepted):
    if accepted:
        review = ask(rejected, at=at)
        rejected.refresh_from_db()
        assert rejected.status == CaseStatus.REVIEW_REQUESTED
        assert review.requested_at == at
    else:
        with pytest.raises(ValidationError, match="ended on 2026-12-10"):
            ask(rejected, at=at)
        rejected.refresh_from_db()
        assert rejected.status == CaseStatus.REJECTED
        assert not ReviewRequest.objects.filter(case=rejected).exists()


def test_a_version_without_a_review_period_offers_none(rejected, monkeypatch):
    """A version whose clock has no ``review_request_days`` (published versions are read-only, so
    the version's clock is replaced here)."""
    import dataclasses

    from apps.cases import decision_review

    clock = rejected.rubric_version.parsed_config().service_clock
    monkeypatch.setattr(
        decision_review, "_clock", lambda case: dataclasses.replace(clock, review_request_days=None)
    )
    assert review_window(rejected, now=DECIDED).open is False
    with pytest.raises(ValidationError, match="offer no review"):
        ask(rejected, at=DECIDED + dt.timedelta(days=1))
    rejected.refresh_from_db()
    assert rejected.status == CaseStatus.REJECTED


def test_the_review_has_its_own_clock_and_its_documents(rejected):
    at = dt.datetime(2026, 11, 20, 10, 0, tzinfo=SEOUL)
    review = ask(rejected, at=at, uploads=[pdf_upload("transcript.pdf")])
    assert review.due_at == at + dt.timedelta(days=14)  # the version's clock.days
    document = rejected.documents.get(kind=REVIEW_KIND)
    assert (document.original_name, document.uploaded_by) == ("transcript.pdf", rejected.applicant)
    event = rejected.events.get(kind=CaseEvent.Kind.REVIEW_REQUESTED)
    assert (event.from_status, event.to_status, event.actor) == (
        "rejected",
        "review_requested",
        rejected.applicant,
    )
    assert event.reason == review.grounds


def test_only_the_applicant_asks_and_only_once_with_grounds(rejected):
    at = DECIDED + dt.timedelta(days=1)
    for outsider in (UserFactory(), reviewer(), supervisor()):
        with pytest.raises(PermissionDenied):
            ask(rejected, at=at, by=outsider)
    with pytest.raises(ValidationError, match="Write why"):
        ask(rejected, at=at, grounds="   ")
    ask(rejected, at=at)
    with pytest.raises(TransitionNotAllowed):
        ask(rejected, at=at)
    assert ReviewRequest.objects.filter(case=rejected).count() == 1


def test_an_approval_cannot_be_reviewed():
    approved = decided_case(approve=True, at=DECIDED)
    assert review_window(approved, now=DECIDED).open is False
    with pytest.raises(TransitionNotAllowed):
        ask(approved, at=DECIDED + dt.timedelta(days=1))


def test_a_bad_file_stops_the_request_before_anything_changes(rejected):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" * 10, content_type="application/pdf")
    with pytest.raises(ValidationError):
        ask(rejected, at=DECIDED + dt.timedelta(days=1), uploads=[bad])
    rejected.refresh_from_db()
    assert rejected.status == CaseStatus.REJECTED


def test_upheld_rejects_for_good_and_tells_the_applicant(rejected):
    review = ask(rejected, at=DECIDED + dt.timedelta(days=1))
    rejected.refresh_from_db()
    boss = supervisor()
    event = review_decide(
        review=review,
        by=boss,
        uphold=True,
        explanation="The degree is a bachelor's.",
        expected_version=rejected.lock_version,
    )
    rejected.refresh_from_db()
    review.refresh_from_db()
    assert (rejected.status, event.kind, event.actor) == (
        CaseStatus.REJECTED,
        CaseEvent.Kind.REVIEW_UPHELD,
        boss,
    )
    assert (review.outcome, review.decided_by, review.explanation) == (
        "upheld",
        boss,
        "The degree is a bachelor's.",
    )
    assert [e.pgh_label for e in review.events.order_by("pgh_id")] == ["insert", "update"]  # pghistory
    assert review_window(rejected).open is False  # once only
    assert open_review(rejected) is None
    assert not DecisionLetter.objects.filter(case=rejected).exists()


def test_overturned_needs_the_tracks_conditions_on_the_verified_facts(rejected):
    review = ask(rejected, at=DECIDED + dt.timedelta(days=1))
    rejected.refresh_from_db()
    with pytest.raises(ValidationError, match="conditions are not met"):
        review_decide(
            review=review,
            by=supervisor(),
            uphold=False,
            explanation="Overturned.",
            expected_version=rejected.lock_version,
        )
    rejected.refresh_from_db()
    assert rejected.status == CaseStatus.REVIEW_REQUESTED


def test_overturned_approves_and_issues_a_letter():
    # Rejected although eligible (a doctorate from a top-100 school): the review corrects it.
    case = decided_case(
        approve=False,
        at=DECIDED,
        degree_level="doctorate",
        institution_rank=26,
        experience_years="10",
        offered_salary_krw=150_000_000,
    )
    review = ask(case, at=DECIDED + dt.timedelta(days=2))
    case.refresh_from_db()
    boss = supervisor()
    at = DECIDED + dt.timedelta(days=5)
    with time_machine.travel(at, tick=False):
        review_decide(
            review=review,
            by=boss,
            uphold=False,
            explanation="The degree was misread.",
            expected_version=case.lock_version,
        )
    case.refresh_from_db()
    assert (case.status, case.decided_at) == (CaseStatus.APPROVED, at)
    letter = current_letter(case)
    assert letter is not None
    assert letter.decided_at == at
    assert letter.issued_by == boss
    assert letter_verify(reference=case.reference, code=code_of(letter)).verdict == Verdict.GENUINE


def test_only_a_supervisor_decides_and_on_the_current_version(rejected):
    review = ask(rejected, at=DECIDED + dt.timedelta(days=1))
    rejected.refresh_from_db()
    with pytest.raises(PermissionDenied):
        review_decide(
            review=review, by=reviewer(), uphold=True, explanation="x", expected_version=rejected.lock_version
        )
    with pytest.raises(ValidationError):
        review_decide(
            review=review,
            by=supervisor(),
            uphold=True,
            explanation=" ",
            expected_version=rejected.lock_version,
        )
    with pytest.raises(StaleCase):
        review_decide(
            review=review,
            by=supervisor(),
            uphold=True,
            explanation="x",
            expected_version=rejected.lock_version - 1,
        )
    rejected.refresh_from_db()
    assert rejected.status == CaseStatus.REVIEW_REQUESTED
    review.refresh_from_db()
    assert review.is_open


def test_a_review_cannot_be_decided_twice(rejected):
    review = ask(rejected, at=DECIDED + dt.timedelta(days=1))
    rejected.refresh_from_db()
    review_decide(
        review=review, by=supervisor(), uphold=True, explanation="x", expected_version=rejected.lock_version
    )
    rejected.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        review_decide(
            review=review,
            by=supervisor(),
            uphold=True,
            explanation="y",
            expected_version=rejected.lock_version,
        )
