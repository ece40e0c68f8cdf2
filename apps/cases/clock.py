"""The 14-day processing clock, as pure functions of times (policy.md section 4).

The clock starts at a complete submission, pauses while the case waits on the applicant or the
employer, and the due date moves by the paused time. Days left count calendar days in Korea
(settings.TIME_ZONE), as people count them: 14 on the day of submission, 0 on the day it is due,
-1 the day after. Whether a case is overdue is decided by the instant (``is_overdue``).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

ONE_DAY = dt.timedelta(days=1)


def due_at_on_submission(submitted_at: dt.datetime, clock_days: int) -> dt.datetime:
    return submitted_at + dt.timedelta(days=clock_days)


def time_left(*, due_at: dt.datetime, now: dt.datetime, paused_at: dt.datetime | None = None) -> dt.timedelta:
    """While paused, the clock is frozen at the moment it paused."""
    return due_at - (paused_at or now)


def days_left(*, due_at: dt.datetime, now: dt.datetime, paused_at: dt.datetime | None = None) -> int:
    """Calendar days from today (or the day the clock paused) to the due day, in Korea."""
    return (timezone.localdate(due_at) - timezone.localdate(paused_at or now)).days


def is_overdue(*, due_at: dt.datetime, now: dt.datetime, paused_at: dt.datetime | None = None) -> bool:
    return time_left(due_at=due_at, now=now, paused_at=paused_at) < dt.timedelta(0)


def resumed_due_at(*, due_at: dt.datetime, paused_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    """The due date after a pause that ran from ``paused_at`` to ``now``."""
    return due_at + paused_for(paused_at=paused_at, now=now)


def paused_for(*, paused_at: dt.datetime, now: dt.datetime) -> dt.timedelta:
    return max(now - paused_at, dt.timedelta(0))
