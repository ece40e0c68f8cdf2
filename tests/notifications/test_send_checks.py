"""The check made before every attempt to send (decision 54): the module that owns a kind of message
registers it by dedupe-key prefix, so services.deliver does not import reminders (no import cycle)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core import mail

from apps.notifications import reminders, services
from apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_reminders_check_is_registered_for_both_of_their_keys() -> None:
    # Registered by the app's ready(), in every process that sends, not only where reminders is imported.
    assert services._send_check("reminder:17") is reminders.still_due
    assert services._send_check("digest:3:2026-12-07") is reminders.still_due
    assert services._send_check("case-event:5:a@example.org") is None


@pytest.fixture
def probe_check() -> Iterator[list[str]]:
    asked: list[str] = []

    def refuse(notification: Notification, *, now: dt.datetime) -> bool:
        asked.append(notification.dedupe_key)
        return False

    services.check_before_sending(("probe:",), refuse)
    yield asked
    services._send_checks.pop("probe:")


def test_a_message_whose_check_refuses_is_not_sent(probe_check: list[str]) -> None:
    to = services.Recipient(email="someone@example.org", language="en")
    refused = services.record(key="probe:1", to=to, template="case_status", context={"name": "A"})
    other = services.record(key="other:1", to=to, template="case_status", context={"name": "A"})
    assert services.deliver(refused.pk) is False
    assert services.deliver(other.pk) is True  # no check for its prefix: sent as before
    assert probe_check == ["probe:1"]
    assert [message.to for message in mail.outbox] == [["someone@example.org"]]
