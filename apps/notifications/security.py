"""E-mails about an account's security: repeated wrong passwords (apps.accounts.throttle).

The message is recorded first (one per account per alert window: its dedupe key), then delivered by
a task after commit; if the broker cannot take the task, the periodic sweep sends the unsent row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.urls import reverse

from apps.accounts.models import User
from apps.core.hooks import enqueue, safe_on_commit
from apps.notifications.services import recipient_for, record

DELIVER_TASK = "notifications.deliver"


def notify_sign_in_failures(*, user: User, failures: int, source: str, window_start: int) -> int:
    """Record the alert for ``user`` (once per window) and enqueue its delivery; its row's id."""
    context = {
        "user": user,
        "email": user.email,
        "failures": failures,
        "since": dt.datetime.fromtimestamp(window_start, tz=dt.UTC),  # in words by the template
        "source": source,
        "reset_url": f"{settings.SITE_URL}{reverse('account_reset_password')}",
    }
    notification = record(
        key=f"sign-in-failures:{user.pk}:{window_start}",
        to=recipient_for(user),
        template="sign_in_failures",
        context=context,
    )
    if notification.sent_at is None:
        notification_id = notification.pk
        safe_on_commit(lambda: enqueue(DELIVER_TASK, notification_id), what=f"enqueue {DELIVER_TASK}")
    return notification.pk


def on_repeated_sign_in_failures(
    sender: Any, *, user: User, failures: int, source: str, window_start: int, **kwargs: Any
) -> None:
    notify_sign_in_failures(user=user, failures=failures, source=source, window_start=window_start)
