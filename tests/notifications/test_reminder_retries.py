"""A reminder whose e-mail failed is checked again before every retry (decision 6: never sent late
or about a case that no longer needs it), whichever path retries it: the delivery task redelivered
by the broker, or the message re-drive (``notifications.sweep``) hours later.

The clock as in test_reminders: submitted 1 September 2026 10:00 in Korea, due 15 September 10:00;
5 days left on 10 September.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from apps.cases.assignment import case_reassign
from apps.cases.models import CaseStatus
from apps.notifications import reminders, services
from apps.notifications.models import Notification, Reminder
from apps.notifications.tasks import deliver_reminders
from tests.ministry import reviewer, submitted_case, supervisor

pytestmark = pytest.mark.django_db
SEOUL = ZoneInfo("Asia/Seoul")
SUBMITTED = dt.datetime(2026, 9, 1, 10, 0, tzinfo=SEOUL)


def seoul(day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 9, day, hour, minute, tzinfo=SEOUL)


@pytest.fixture
def assignee():
    return reviewer(full_name="Kim Reviewer")


@pytest.fixture
def case(assignee):
    return submitted_case(submitted_at=SUBMITTED, status=CaseStatus.IN_REVIEW, assigned_to=assignee)


@pytest.fixture
def smtp(monkeypatch):
    """The mail server: down until ``smtp.up()``; ``smtp.calls`` counts every hand-off tried."""

    class Smtp:
        calls = 0
        down = True

        def send(self, *args, **kwargs):
            self.calls += 1
            if self.down:
                raise ConnectionRefusedError("smtp down")
            return real_send_mail(*args, **kwargs)

        def up(self) -> None:
            self.down = False

    real_send_mail = services.send_mail
    server = Smtp()
    monkeypatch.setattr(services, "send_mail", server.send)
    return server


def failed_at_first_send(at: dt.datetime) -> Reminder:
    """The sweep records the 5-day reminder and its first send fails."""
    with time_machine.travel(at, tick=False):
        reminders.sweep(inline=True)
    reminder = Reminder.objects.select_related("notification").get()
    assert reminder.notification is not None
    assert (reminder.notification.attempts, reminder.sent_at) == (1, None)
    return reminder


def redrive_at(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return services.redrive_unsent()


def assert_cancelled(reminder: Reminder, *, attempts: int = 1) -> None:
    reminder.refresh_from_db()
    message = Notification.objects.get(pk=reminder.notification_id)
    assert reminder.cancelled_at is not None
    assert reminder.sent_at is None
    assert message.cancelled_at is not None
    assert (message.sent_at, message.attempts) == (None, attempts)  # no further attempt was made


def test_a_case_decided_after_a_failed_send_gets_no_reminder_from_the_message_re_drive(case, smtp):
    reminder = failed_at_first_send(seoul(10))
    case.status = CaseStatus.APPROVED  # decided an hour later, the mail server back up
    case.save()
    smtp.up()
    assert redrive_at(seoul(10, 10)) == 0
    assert smtp.calls == 1
    assert mail.outbox == []
    assert_cancelled(reminder)
    assert redrive_at(seoul(10, 12)) == 0  # and it is not tried again
    assert smtp.calls == 1


def test_a_case_decided_after_a_failed_send_gets_no_reminder_from_a_redelivered_task(case, smtp):
    reminder = failed_at_first_send(seoul(10))
    case.status = CaseStatus.REJECTED
    case.save()
    smtp.up()
    with time_machine.travel(seoul(10, 10), tick=False):
        assert deliver_reminders([reminder.pk]) == 0  # the broker redelivered the delivery task
    assert smtp.calls == 1
    assert mail.outbox == []
    assert_cancelled(reminder)


def test_a_retry_after_the_reminders_day_has_passed_sends_nothing(case, smtp):
    reminder = failed_at_first_send(seoul(10, 23))  # "5 days left", the last hour of that day
    smtp.up()
    assert redrive_at(seoul(11, 0, 5)) == 0  # the retry falls on the next day: 4 days left
    assert mail.outbox == []
    assert_cancelled(reminder)


def test_a_reminder_reassigned_after_a_failed_send_is_not_sent_to_the_former_assignee(case, smtp):
    reminder = failed_at_first_send(seoul(10))
    with time_machine.travel(seoul(10, 9, 2), tick=False):
        case_reassign(case=case, to=reviewer(), by=supervisor(), reason="Leave")
    smtp.up()
    assert redrive_at(seoul(10, 9, 6)) == 0
    assert mail.outbox == []
    assert_cancelled(reminder)


def test_a_still_current_reminder_is_retried_and_sent_once(case, assignee, smtp):
    reminder = failed_at_first_send(seoul(10))
    smtp.up()
    assert redrive_at(seoul(10, 9, 4)) == 0  # its back-off (5 minutes) has not passed
    assert redrive_at(seoul(10, 9, 5)) == 1
    assert redrive_at(seoul(10, 9, 30)) == 0
    with time_machine.travel(seoul(10, 9, 31), tick=False):
        assert deliver_reminders([reminder.pk]) == 0  # a late redelivered task finds it sent
        reminders.sweep(inline=True)  # copies the message's sent state to the reminder
    assert [m.to for m in mail.outbox] == [[assignee.email]]
    reminder.refresh_from_db()
    assert reminder.cancelled_at is None
    assert reminder.sent_at == Notification.objects.get().sent_at


def test_a_redelivered_task_retries_a_still_current_reminder_once(case, assignee, smtp):
    reminder = failed_at_first_send(seoul(10))
    smtp.up()
    with time_machine.travel(seoul(10, 9, 1), tick=False):
        assert deliver_reminders([reminder.pk]) == 1
        assert deliver_reminders([reminder.pk]) == 0
    assert len(mail.outbox) == 1
    assert redrive_at(seoul(10, 9, 10)) == 0


# --- the daily digest carries reminders too --------------------------------------------------------


@pytest.fixture
def digest_reader(assignee):
    reminders.set_reminder_preference(user=assignee, daily_digest=True)
    return assignee


def failed_digest(at: dt.datetime) -> Notification:
    with time_machine.travel(at, tick=False):
        reminders.sweep(inline=True)
        assert reminders.send_digests(inline=True) == 0  # composed, the send failed
    digest = Notification.objects.get(dedupe_key__startswith="digest:")
    assert (digest.attempts, digest.sent_at) == (1, None)
    return digest


def test_a_digest_retried_after_one_of_its_cases_was_decided_leaves_that_case_out(case, digest_reader, smtp):
    second = submitted_case(
        submitted_at=SUBMITTED + dt.timedelta(days=3), status=CaseStatus.IN_REVIEW, assigned_to=digest_reader
    )  # 5 days left on the 13th, when the first case has 2
    with time_machine.travel(seoul(13, 7), tick=False):
        reminders.sweep(inline=True)
    digest = failed_digest(seoul(13, 8))
    assert case.reference in digest.body
    assert second.reference in digest.body
    case.status = CaseStatus.APPROVED
    case.save()
    smtp.up()
    assert redrive_at(seoul(13, 8, 5)) == 1
    message = mail.outbox[0]
    assert message.subject == "Your reminders for 13 September 2026: 1 case"
    assert second.reference in message.body
    assert case.reference not in message.body
    assert Reminder.objects.get(case=case).cancelled_at is not None


def test_a_digest_whose_cases_were_all_decided_is_not_sent(case, digest_reader, smtp):
    digest = failed_digest(seoul(10, 8))
    case.status = CaseStatus.WITHDRAWN
    case.save()
    smtp.up()
    assert redrive_at(seoul(10, 8, 5)) == 0
    assert mail.outbox == []
    digest.refresh_from_db()
    assert digest.cancelled_at is not None
    assert Reminder.objects.get().cancelled_at is not None


def test_a_digest_not_sent_on_its_day_gives_way_to_the_next_days_digest(case, digest_reader, smtp):
    failed_digest(seoul(10, 8))
    for hour in range(9, 24):  # the mail server stays down for the rest of the day
        redrive_at(seoul(10, hour))
    smtp.up()
    # The next retry is due at 09:40 (its back-off has grown to over ten hours): the day is over.
    assert redrive_at(seoul(11, 10)) == 0  # yesterday's digest is not sent today
    assert mail.outbox == []
    reminder = Reminder.objects.get()
    assert (reminder.notification_id, reminder.cancelled_at) == (None, None)  # waits for today's
    with time_machine.travel(seoul(11, 10, 15), tick=False):  # send_digests, every quarter hour
        assert reminders.send_digests(inline=True) == 1
    assert mail.outbox[0].subject == "Your reminders for 11 September 2026: 1 case"
    assert "4 days left." in mail.outbox[0].body  # as of today's digest
