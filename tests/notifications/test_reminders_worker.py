"""The reminder sweep through a real Celery worker on the real Redis broker: the beat task records
what is owed, fans delivery out after commit, and every reminder becomes exactly one e-mail, also
when the sweep and the delivery tasks arrive twice."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone

from apps.cases.models import CaseStatus
from apps.notifications.models import Notification, Reminder
from apps.notifications.tasks import deliver_reminders, sweep_reminders
from config.celery import app
from tests.ministry import reviewer, submitted_case, supervisor

# Transactional: the worker reads what the test committed (tests/conftest.py re-seeds the rubric).
pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def worker() -> Iterator[None]:
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("the worker did not finish in time")


def wait_until_idle(timeout: float = 20.0) -> None:
    """The broker's queue is empty and the solo worker has finished what it took."""
    deadline = time.monotonic() + timeout
    with app.connection_for_write() as connection:
        while time.monotonic() < deadline and connection.default_channel.client.llen("celery"):
            time.sleep(0.1)
    time.sleep(1.0)


def test_a_real_worker_sends_one_e_mail_per_reminder_however_often_tasks_arrive():
    now = timezone.now()
    assignee = reviewer()
    supervisor()
    submitted_case(submitted_at=now - dt.timedelta(days=9), status=CaseStatus.IN_REVIEW, assigned_to=assignee)
    submitted_case(
        submitted_at=now - dt.timedelta(days=16), status=CaseStatus.IN_REVIEW, assigned_to=assignee
    )
    submitted_case(submitted_at=now - dt.timedelta(days=2, hours=1))

    with worker():
        sweep_reminders.delay()
        wait_for(
            lambda: Reminder.objects.exists() and not Reminder.objects.filter(sent_at__isnull=True).exists()
        )
        owed = Reminder.objects.count()
        assert owed == 4  # 5 days left; overdue; its escalation; unassigned

        sweep_reminders.delay()  # beat fired twice, or the broker redelivered the sweep
        deliver_reminders.delay(list(Reminder.objects.values_list("pk", flat=True)))  # and the deliveries
        wait_until_idle()

    assert Reminder.objects.count() == owed
    assert len(mail.outbox) == owed
    assert Notification.objects.filter(sent_at__isnull=False).count() == owed
    assert sorted(address for message in mail.outbox for address in message.to) == sorted(
        Reminder.objects.values_list("recipient__email", flat=True)
    )
