"""Reviews of rejections in the ministry queue (decision 57): a case in ``review_requested`` is a row
by its review's due date (not its first decision's clock), merged in due order with open cases
across keyset pages, counted and filterable like any status, overdue by the review's clock, and
its link leads to the review panel. Time is frozen with time-machine."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from apps.cases.decision_review import review_decide, review_request
from apps.cases.models import Case, CaseStatus
from apps.reviewers.queue.selectors import QueueFilters, parse_cursor, queue_counts, queue_page
from tests.cases.decided import decided_case
from tests.ministry import sign_in, submitted_case, supervisor

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=SEOUL)
ALL = QueueFilters()


def open_case_due_in(days: int) -> Case:
    return submitted_case(submitted_at=NOW + dt.timedelta(days=days - 14))


def review_due_in(days: int):
    """A rejection whose review was requested so that it is due ``days`` from NOW (14-day clock)."""
    requested = NOW + dt.timedelta(days=days - 14)
    case = decided_case(approve=False, at=requested - dt.timedelta(hours=1))
    with time_machine.travel(requested, tick=False):
        return review_request(case=case, by=case.applicant, grounds="My doctorate was left out.")


def references(filters: QueueFilters = ALL, **kwargs) -> list[str]:
    return [row.case.reference for row in queue_page(filters, user_id=0, now=NOW, **kwargs).rows]


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_review_is_a_row_by_its_own_due_date_among_open_cases():
    soon, later = open_case_due_in(1), open_case_due_in(9)
    review = review_due_in(4)
    overdue_review = review_due_in(-2)
    assert review.case.due_at < NOW  # its first decision's clock ended long ago: not what orders it
    assert references() == [
        overdue_review.case.reference,
        soon.reference,
        review.case.reference,
        later.reference,
    ]
    rows = {row.case.pk: row for row in queue_page(ALL, user_id=0, now=NOW).rows}
    assert (rows[review.case.pk].is_review, rows[review.case.pk].days_left) == (True, 4)
    assert rows[review.case.pk].due_at == review.due_at
    assert rows[overdue_review.case.pk].overdue is True
    assert rows[soon.pk].is_review is False


def test_pages_merge_both_sources_without_gaps_or_duplicates_both_ways():
    made = [open_case_due_in(day) for day in (1, 3, 5, 7)] + [review_due_in(day).case for day in (2, 4, 6)]
    expected = [case.reference for case in sorted(made, key=lambda c: (queue_due(c), c.pk))]
    seen: list[str] = []
    cursor = None
    while True:
        page = queue_page(ALL, user_id=0, now=NOW, size=2, after=cursor)
        seen += [row.case.reference for row in page.rows]
        if page.next_cursor is None:
            break
        cursor = parse_cursor(page.next_cursor)
    assert seen == expected
    back = queue_page(ALL, user_id=0, now=NOW, size=2, before=parse_cursor(page.rows[-1].cursor))
    assert [row.case.reference for row in back.rows] == expected[-3:-1]
    assert back.previous_cursor is not None


def queue_due(case: Case) -> dt.datetime:
    review = getattr(case, "review_request", None)
    return review.due_at if case.status == CaseStatus.REVIEW_REQUESTED and review else case.due_at


def test_the_status_filter_and_the_counts_know_reviews():
    open_case_due_in(3)
    review = review_due_in(1)
    review_due_in(-1)
    only = QueueFilters(status=CaseStatus.REVIEW_REQUESTED)
    assert len(references(only)) == 2
    assert references(QueueFilters(status=CaseStatus.SUBMITTED)) == [
        r
        for r in references()
        if r != review.case.reference and Case.objects.get(reference=r).status == "submitted"
    ]
    counts = queue_counts(only, user_id=0, now=NOW)
    assert (counts.total, counts.matching, counts.status["review_requested"]) == (3, 2, 2)
    assert (counts.overdue, counts.due_soon) == (1, 1)  # by the review's clock
    assert references(QueueFilters(overdue=True)) != []
    assert review.case.reference in references(QueueFilters(due_within=1))


def test_a_decided_review_leaves_the_queue():
    review = review_due_in(5)
    boss = supervisor()
    review_decide(
        review=review, by=boss, uphold=True, explanation="Still too few points.",
        expected_version=review.case.lock_version,
    )  # fmt: skip
    assert references() == []


def test_the_page_links_a_review_to_its_panel_with_its_review_due_date(client):
    review = review_due_in(4)
    boss = supervisor()
    sign_in(client, boss)
    body = client.get(reverse("ministry:queue"), {"status": "review_requested"}).content.decode()
    href = reverse("ministry:case", args=[review.case.reference]) + "#after-decision"
    assert f'<a href="{href}">{review.case.reference}</a>' in body
    assert "Review due" in body
    assert "24 November 2026" in body  # the review's due date, in the one date format
    assert f'value="{review.case.pk}"' not in body  # not ticked for bulk assignment
    assert '<span id="filter-status-review_requested-count">1</span>' in body
