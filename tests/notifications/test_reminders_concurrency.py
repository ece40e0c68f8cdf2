"""Reminders exactly once when sweeps and deliveries really run at the same time, in threads with their
own database connections (committed data, so transactional tests)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone

from apps.cases.models import CaseStatus
from apps.notifications import reminders, services
from apps.notifications.models import Reminder
from tests.ministry import reviewer, submitted_case, supervisor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    """Deliveries run inline here; nothing is left on the test broker for another module's worker."""
    enqueued = []
    monkeypatch.setattr(reminders, "fan_out", enqueued.extend)
    return enqueued


@pytest.fixture
def owed():
    """Cases owing six reminders now: 5 days left, 2 days overdue (assignee and two supervisors), and
    unassigned for 2 days and an hour (two supervisors). Real time: the deliveries check the day."""
    now = timezone.now()
    assignee = reviewer()
    supervisor(), supervisor()
    submitted_case(submitted_at=now - dt.timedelta(days=9), status=CaseStatus.IN_REVIEW, assigned_to=assignee)
    submitted_case(
        submitted_at=now - dt.timedelta(days=16), status=CaseStatus.IN_REVIEW, assigned_to=assignee
    )
    submitted_case(submitted_at=now - dt.timedelta(days=2, hours=1))
    return 1 + 1 + 2 + 2


def together(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released at the same moment; each thread closes its connection."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = call()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def recorded(counts: dict[str, int]) -> int:
    return sum(counts[kind] for kind in ("due_soon", "overdue", "escalation", "unassigned"))


def test_two_sweeps_at_once_record_and_send_each_reminder_once(owed):
    results = together(lambda: reminders.sweep(inline=True), lambda: reminders.sweep(inline=True))
    assert sum(recorded(counts) for counts in results) == owed
    assert Reminder.objects.count() == owed
    assert Reminder.objects.filter(sent_at__isnull=False).count() == owed
    assert len(mail.outbox) == owed


def test_without_the_lock_the_unique_record_still_sends_each_reminder_once(owed, monkeypatch):
    # Belt and braces: were the advisory lock lost (a second database, a bug), the unique
    # constraint and ON CONFLICT DO NOTHING still let only one sweep record each reminder.
    monkeypatch.setattr(reminders, "_take_sweep_lock", lambda: True)
    results = together(*[lambda: reminders.sweep(inline=True)] * 3)
    assert sum(recorded(counts) for counts in results) == owed
    assert Reminder.objects.count() == owed
    assert len(mail.outbox) == owed


def test_a_sweep_that_finds_another_one_running_returns_at_once(owed):
    holding, release = threading.Event(), threading.Event()

    def other_sweep() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [reminders.SWEEP_LOCK_KEY])
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_sweep)
    thread.start()
    try:
        assert holding.wait(timeout=10)
        started = time.monotonic()
        assert reminders.sweep(inline=True)["skipped"] == 1
        assert time.monotonic() - started < 1
        assert Reminder.objects.count() == 0
    finally:
        release.set()
        thread.join(timeout=30)
    assert recorded(reminders.sweep(inline=True)) == owed  # the lock ends with its transaction


def test_a_delivery_running_twice_at_once_sends_one_e_mail(owed, no_broker, monkeypatch):
    reminders.sweep()
    assert len(no_broker) == owed  # enqueued after commit (captured here)

    def slow_send_mail(*args, **kwargs):
        time.sleep(0.3)  # the other delivery arrives while this one is sending
        return real_send_mail(*args, **kwargs)

    real_send_mail = services.send_mail
    monkeypatch.setattr(services, "send_mail", slow_send_mail)
    reminder_id = no_broker[0]
    results = together(*[lambda: reminders.deliver_reminder(reminder_id=reminder_id)] * 2)
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    assert Reminder.objects.get(pk=reminder_id).sent_at is not None
