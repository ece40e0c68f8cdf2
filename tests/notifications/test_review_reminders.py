"""Reminders for a review of a rejection (decision 57): its own clock (``ReviewRequest.due_at``),
the version's "days left" thresholds and daily when overdue, to every active supervisor, each once
per review, threshold and supervisor, through the same sweep, rows and re-drive as the processing
clock's reminders.

The review used throughout: rejected 10 November 2026, review requested 12 November at 10:00 in
Korea, so due 26 November at 10:00 (the version's 14 days). Days left on 21 November = 5, on
24 November = 2, on 26 November = 0; 27 November is the first day overdue.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.core import mail

from apps.cases.decision_review import review_decide, review_request
from apps.notifications import reminders
from apps.notifications.models import Reminder, ReminderKind
from tests.cases.decided import SEOUL, decided_case
from tests.ministry import reviewer, supervisor

pytestmark = pytest.mark.django_db

REQUESTED = dt.datetime(2026, 11, 12, 10, 0, tzinfo=SEOUL)
REVIEW_KINDS = (ReminderKind.REVIEW_DUE_SOON, ReminderKind.REVIEW_OVERDUE)


def november(day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=SEOUL)


def sweep_at(moment: dt.datetime) -> dict[str, int]:
    with time_machine.travel(moment, tick=False):
        return reminders.sweep(inline=True)


def sent() -> list[tuple[str, int, int]]:
    """(kind, threshold, recipient) of every review reminder sent, oldest first."""
    rows = Reminder.objects.filter(sent_at__isnull=False, kind__in=REVIEW_KINDS).order_by("pk")
    return list(rows.values_list("kind", "threshold", "recipient_id"))


@pytest.fixture
def boss():
    return supervisor(full_name="Park Supervisor")


@pytest.fixture
def review(boss):
    case = decided_case(approve=False, at=dt.datetime(2026, 11, 10, 15, 0, tzinfo=SEOUL))
    with time_machine.travel(REQUESTED, tick=False):
        return review_request(case=case, by=case.applicant, grounds="My doctorate was left out.")


def test_supervisors_are_reminded_at_each_threshold_and_daily_when_overdue_once_each(review, boss):
    other_boss = supervisor()
    assignee = review.case.assigned_to  # the reviewer who rejected it: not the one to decide a review
    assert review.due_at == dt.datetime(2026, 11, 26, 10, 0, tzinfo=SEOUL)
    for day in range(12, 29):
        sweep_at(november(day))
        sweep_at(november(day, hour=18))  # a second sweep that day adds nothing
    expected = [
        (ReminderKind.REVIEW_DUE_SOON, 5),
        (ReminderKind.REVIEW_DUE_SOON, 2),
        (ReminderKind.REVIEW_DUE_SOON, 0),
        (ReminderKind.REVIEW_OVERDUE, 1),
        (ReminderKind.REVIEW_OVERDUE, 2),
    ]
    assert sent() == [(kind, days, person.pk) for kind, days in expected for person in (boss, other_boss)]
    assert not Reminder.objects.filter(recipient=assignee).exists()
    assert not Reminder.objects.exclude(
        kind__in=REVIEW_KINDS
    ).exists()  # the decided case's clock is left alone
    assert len(mail.outbox) == 10
    first = next(m for m in mail.outbox if m.to == [boss.email])
    assert first.subject == f"{review.case.reference}: 5 days left to decide the review"
    assert "Dear Park Supervisor," in first.body
    assert "The review of the rejection of case" in first.body
    assert f"/ministry/cases/{review.case.reference}/#after-decision" in first.body
    assert "26 November 2026" in first.body  # the review's due date, not the case's processing clock


def test_the_thresholds_are_the_versions(review, boss, monkeypatch):
    """No day count in the code: a version whose clock says 7 and 1 days left is reminded then."""
    clocks = reminders.version_clocks()
    monkeypatch.setattr(
        reminders,
        "version_clocks",
        lambda: [dataclasses.replace(clock, reminder_days_left=(7, 1)) for clock in clocks],
    )
    for day in range(12, 27):
        sweep_at(november(day))
    assert sent() == [(ReminderKind.REVIEW_DUE_SOON, 7, boss.pk), (ReminderKind.REVIEW_DUE_SOON, 1, boss.pk)]


def test_a_decided_review_gets_no_more_reminders_and_one_owed_is_cancelled(review, boss):
    sweep_at(november(21))
    with time_machine.travel(november(24, hour=9), tick=False):
        reminders.sweep()  # recorded; its delivery task has not run yet
    owed = Reminder.objects.get(kind=ReminderKind.REVIEW_DUE_SOON, threshold=2)
    with time_machine.travel(november(24, hour=10), tick=False):
        review_decide(
            review=review, by=boss, uphold=True, explanation="Still too few points.",
            expected_version=review.case.lock_version,
        )  # fmt: skip
    with time_machine.travel(november(24, hour=11), tick=False):
        assert reminders.deliver_reminder(reminder_id=owed.pk) is False
    owed.refresh_from_db()
    assert owed.cancelled_at is not None
    for day in range(25, 30):
        sweep_at(november(day))
    assert sent() == [(ReminderKind.REVIEW_DUE_SOON, 5, boss.pk)]
    assert len(mail.outbox) == 1  # the 5-day reminder (the applicant's status e-mail is a task)


def test_a_review_reminder_whose_task_was_lost_is_re_driven_once(
    review, boss, django_capture_on_commit_callbacks
):
    with (
        time_machine.travel(november(21, hour=9), tick=False),
        django_capture_on_commit_callbacks(execute=False),
    ):
        first = reminders.sweep()  # the fan-out never runs: the broker was down
    assert first[ReminderKind.REVIEW_DUE_SOON.value] == 1
    assert mail.outbox == []
    later = sweep_at(november(21, hour=10))
    assert (later["redriven"], later["sent"]) == (1, 1)
    assert sweep_at(november(21, hour=11))["sent"] == 0
    assert sent() == [(ReminderKind.REVIEW_DUE_SOON, 5, boss.pk)]


def test_a_supervisor_who_wants_a_digest_gets_the_review_in_it_with_its_own_due_date(review, boss):
    reminders.set_reminder_preference(user=boss, daily_digest=True)
    sweep_at(november(21, hour=7))
    assert mail.outbox == []
    with time_machine.travel(november(21, hour=9), tick=False):
        assert reminders.send_digests(inline=True) == 1
    body = mail.outbox[0].body
    assert f"{review.case.reference}: Review of a rejection due soon. 5 days left." in body
    assert "26 November 2026" in body


def test_only_active_supervisors_are_reminded_of_reviews(review, boss):
    other = reviewer()
    gone = supervisor(is_active=False)
    sweep_at(november(21))
    assert set(Reminder.objects.values_list("recipient_id", flat=True)) == {boss.pk}
    assert other.pk != boss.pk != gone.pk
