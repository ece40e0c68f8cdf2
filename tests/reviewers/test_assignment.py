"""Supervisors assign, reassign and bulk-assign; every change is on the timeline and in the history;
reviewers cannot assign others; the caseloads page is for supervisors only."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.roles import Role
from apps.cases.assignment import (
    AssignmentOutcome,
    Outcome,
    assignable_users,
    bulk_assign,
    case_assign,
    case_reassign,
)
from apps.cases.models import Case, CaseEvent, CaseStatus
from apps.cases.transitions import TransitionNotAllowed
from apps.reviewers.queue.selectors import caseloads
from apps.reviewers.queue.views import bulk_summary
from tests.factories import UserFactory
from tests.ministry import reviewer, sign_in, submitted_case, supervisor

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)
QUEUE = reverse("ministry:queue")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def boss():
    return supervisor(full_name="Kim Supervisor")


@pytest.fixture
def lee():
    return reviewer(full_name="Lee Reviewer")


@pytest.fixture
def park():
    return reviewer(full_name="Park Reviewer")


def in_review(assignee, **kwargs) -> Case:
    return submitted_case(
        status=CaseStatus.IN_REVIEW, assigned_to=assignee, submitted_at=NOW - dt.timedelta(days=2), **kwargs
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Reassign -------------------------------------------------------------------------------------


def test_reassign_moves_the_case_and_writes_an_event_and_history(boss, lee, park):
    case = in_review(lee)
    version = case.lock_version
    event = case_reassign(case=case, to=park, by=boss, reason="Lee is on leave")
    case.refresh_from_db()
    assert (case.assigned_to, case.assigned_at, case.status) == (park, NOW, CaseStatus.IN_REVIEW)
    assert case.lock_version == version + 1
    assert (event.kind, event.actor, event.reason) == (CaseEvent.Kind.REASSIGNED, boss, "Lee is on leave")
    assert event.data == {"from": lee.pk, "to": park.pk}
    assert (event.from_status, event.to_status) == (CaseStatus.IN_REVIEW, CaseStatus.IN_REVIEW)
    latest = case.history.order_by("pgh_id").last()
    assert latest.assigned_to_id == park.pk
    assert latest.pgh_context.metadata["actor"] == boss.pk
    assert latest.pgh_context.metadata["move"] == "reassigned"
    assert latest.pgh_context.metadata["reason"] == "Lee is on leave"


def test_reassign_keeps_a_paused_case_paused(boss, lee, park):
    case = in_review(lee)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.INFORMATION_REQUESTED, paused_at=NOW)
    case_reassign(case=case, to=park, by=boss)
    case.refresh_from_db()
    assert (case.status, case.assigned_to, case.paused_at) == (CaseStatus.INFORMATION_REQUESTED, park, NOW)


def test_reassign_refuses_a_decided_an_unassigned_or_an_unchanged_case(boss, lee, park):
    decided = submitted_case(
        status=CaseStatus.APPROVED, assigned_to=lee, submitted_at=NOW - dt.timedelta(days=9)
    )
    with pytest.raises(TransitionNotAllowed):
        case_reassign(case=decided, to=park, by=boss)
    with pytest.raises(ValidationError):
        case_reassign(case=submitted_case(), to=park, by=boss)
    with pytest.raises(ValidationError):
        case_reassign(case=in_review(lee), to=lee, by=boss)
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.REASSIGNED).exists()


def test_a_reviewer_cannot_assign_or_reassign(lee, park):
    case = in_review(lee)
    with pytest.raises(PermissionDenied):
        case_reassign(case=case, to=park, by=lee)
    with pytest.raises(PermissionDenied):
        case_assign(case=submitted_case(), to=park, by=lee)
    with pytest.raises(PermissionDenied):
        bulk_assign(case_ids=[case.pk], to=park, by=lee)


def test_only_active_reviewers_and_supervisors_can_be_assignees(boss, lee):
    applicant = UserFactory(role=Role.APPLICANT)
    gone = reviewer()
    gone.is_active = False
    gone.save()
    assert set(assignable_users()) == {boss, lee}
    case = submitted_case()
    for person in (applicant, gone):
        with pytest.raises(ValidationError):
            case_assign(case=case, to=person, by=boss)
    with pytest.raises(ValidationError):
        case_reassign(case=in_review(lee), to=applicant, by=boss)
    case.refresh_from_db()
    assert case.assigned_to is None


# --- Assign ---------------------------------------------------------------------------------------


def test_assigning_a_waiting_case_starts_its_review(boss, park):
    case = submitted_case()
    assert case_assign(case=case, to=park, by=boss) == Outcome.ASSIGNED
    assert (case.status, case.assigned_to_id) == (CaseStatus.IN_REVIEW, park.pk)
    event = case.events.get()
    assert (event.kind, event.actor, event.data) == (
        CaseEvent.Kind.REVIEW_STARTED,
        boss,
        {"reviewer": park.pk},
    )


def test_assigning_an_assigned_case_reassigns_it(boss, lee, park):
    case = in_review(lee)
    assert case_assign(case=case, to=park, by=boss, reason="balance") == Outcome.REASSIGNED
    assert case.assigned_to_id == park.pk
    assert case_assign(case=case, to=park, by=boss) == Outcome.UNCHANGED
    assert case.events.filter(kind=CaseEvent.Kind.REASSIGNED).count() == 1


def test_a_supervisor_assigns_one_case_from_the_page(client, boss, park):
    case = submitted_case()
    sign_in(client, boss)
    response = client.post(
        reverse("ministry:assign", args=[case.reference]),
        {"to": park.pk, "next": f"{QUEUE}?status=submitted"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}?status=submitted"
    assert messages_of(response) == [f"{case.reference} assigned to Park Reviewer."]
    case.refresh_from_db()
    assert case.assigned_to == park


def test_the_assign_page_refuses_an_outside_next_address_and_an_unknown_reviewer(client, boss):
    case = submitted_case()
    sign_in(client, boss)
    applicant = UserFactory(role=Role.APPLICANT)
    response = client.post(
        reverse("ministry:assign", args=[case.reference]),
        {"to": applicant.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == QUEUE
    assert messages_of(response) == ["Choose an active reviewer from the list."]


# --- Bulk assign ----------------------------------------------------------------------------------


def test_bulk_assign_reports_each_case(boss, lee, park):
    waiting = [submitted_case(submitted_at=NOW - dt.timedelta(hours=hour)) for hour in range(3)]
    moved = in_review(lee)
    already = in_review(park)
    decided = submitted_case(
        status=CaseStatus.REJECTED, assigned_to=lee, submitted_at=NOW - dt.timedelta(days=9)
    )
    withdrawn = submitted_case(status=CaseStatus.WITHDRAWN, submitted_at=NOW - dt.timedelta(days=3))
    ids = [c.pk for c in (*waiting, moved, already, decided, withdrawn)] + [999_999]
    outcomes = {item.case_id: item.outcome for item in bulk_assign(case_ids=ids, to=park, by=boss)}
    assert outcomes == {
        **{c.pk: Outcome.ASSIGNED for c in waiting},
        moved.pk: Outcome.REASSIGNED,
        already.pk: Outcome.UNCHANGED,
        decided.pk: Outcome.DECIDED,
        withdrawn.pk: Outcome.WITHDRAWN,
        999_999: Outcome.MISSING,
    }
    assert Case.objects.filter(assigned_to=park, status=CaseStatus.IN_REVIEW).count() == 5
    decided.refresh_from_db()
    assert decided.assigned_to == lee  # a decided case is left as it was


def test_bulk_assign_refuses_more_than_a_page(boss, park):
    with pytest.raises(ValidationError):
        bulk_assign(case_ids=range(1, 102), to=park, by=boss)


def test_bulk_summary_says_what_happened():
    outcomes = [AssignmentOutcome(pk, f"KTP-0000-000{pk}", Outcome.ASSIGNED) for pk in range(1, 10)]
    outcomes += [
        AssignmentOutcome(10, "KTP-0000-0010", Outcome.REASSIGNED),
        AssignmentOutcome(11, "KTP-0000-0011", Outcome.DECIDED),
    ]
    level, text = bulk_summary(outcomes, "Kim")
    assert text == "10 cases assigned to Kim; 1 skipped: decided meanwhile (KTP-0000-0011)."
    assert level == 30  # a warning: something was skipped
    level, text = bulk_summary([AssignmentOutcome(1, "KTP-0000-0001", Outcome.ASSIGNED)], "Kim")
    assert (level, text) == (25, "1 case assigned to Kim.")


def test_a_supervisor_bulk_assigns_from_the_queue(client, boss, park):
    waiting = [submitted_case(submitted_at=NOW - dt.timedelta(hours=hour)) for hour in range(2)]
    decided = submitted_case(status=CaseStatus.APPROVED, submitted_at=NOW - dt.timedelta(days=9))
    sign_in(client, boss)
    response = client.post(
        reverse("ministry:bulk_assign"),
        {"cases": [c.pk for c in (*waiting, decided)], "to": park.pk, "next": f"{QUEUE}?assigned=nobody"},
    )
    assert response["Location"] == f"{QUEUE}?assigned=nobody"
    assert messages_of(response) == [
        f"2 cases assigned to Park Reviewer; 1 skipped: decided meanwhile ({decided.reference})."
    ]


def test_bulk_assign_without_ticked_cases_says_so(client, boss, park):
    sign_in(client, boss)
    response = client.post(reverse("ministry:bulk_assign"), {"to": park.pk})
    assert messages_of(response) == ["Tick at least one case to assign."]


def test_reviewers_get_404_on_the_assignment_pages(client, lee, park):
    case = submitted_case()
    sign_in(client, lee)
    assert client.post(reverse("ministry:assign", args=[case.reference]), {"to": park.pk}).status_code == 404
    assert (
        client.post(reverse("ministry:bulk_assign"), {"cases": [case.pk], "to": park.pk}).status_code == 404
    )
    case.refresh_from_db()
    assert case.assigned_to is None


# --- Caseloads ------------------------------------------------------------------------------------


def test_caseloads_count_each_reviewers_open_cases(boss, lee, park):
    in_review(lee)  # due in 12 days
    submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=lee, submitted_at=NOW - dt.timedelta(days=15))
    submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=lee, submitted_at=NOW - dt.timedelta(days=13))
    paused = in_review(lee)
    Case.objects.filter(pk=paused.pk).update(status=CaseStatus.INFORMATION_REQUESTED, paused_at=NOW)
    submitted_case(status=CaseStatus.APPROVED, assigned_to=lee, submitted_at=NOW - dt.timedelta(days=9))
    submitted_case()
    with CaptureQueriesContext(connection) as queries:
        loads, unassigned = caseloads(now=NOW)
    assert len(queries) == 2
    by_name = {load.reviewer.full_name: load for load in loads}
    assert set(by_name) == {"Kim Supervisor", "Lee Reviewer", "Park Reviewer"}
    lee_load = by_name["Lee Reviewer"]
    assert (lee_load.total, lee_load.in_review, lee_load.waiting) == (4, 3, 1)
    assert (lee_load.overdue, lee_load.due_soon) == (1, 1)
    assert by_name["Park Reviewer"].total == 0
    assert (unassigned.reviewer, unassigned.total) == (None, 1)


def test_caseloads_list_someone_who_left_but_still_holds_cases(boss, lee):
    in_review(lee)
    lee.is_active = False
    lee.save()
    loads, _unassigned = caseloads(now=NOW)
    held = next(load for load in loads if load.reviewer == lee)
    assert (held.total, held.assignable) == (1, False)


def test_the_caseloads_page_is_for_supervisors_only(client, boss, lee):
    in_review(lee)
    url = reverse("ministry:caseloads")
    sign_in(client, lee)
    assert client.get(url).status_code == 404
    sign_in(client, boss)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Lee Reviewer" in body
    assert f"{QUEUE}?assignee={lee.pk}" in body
    assert '<th scope="col"' in body
