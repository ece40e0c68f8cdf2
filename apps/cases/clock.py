"""The 14-day processing clock, as pure functions of times (policy.md section 4).

The clock starts at a complete submission, pauses while the case waits on the applicant or the
employer, and the due date moves by the paused time. Days left are whole days, rounded down: a case
due in 4 days and 20 hours has 4 days left; one due within the next 24 hours has 0; past due, the
number is negative (-1 on the first overdue day).
"""

from __future__ import annotations

import datetime as dt
import math

ONE_DAY = dt.timedelta(days=1)


def due_at_on_submission(submitted_at: dt.datetime, clock_days: int) -> dt.datetime:
    return submitted_at + dt.timedelta(days=clock_days)


def time_left(*, due_at: dt.datetime, now: dt.datetime, paused_at: dt.datetime | None = None) -> dt.timedelta:
    """While paused, the clock is frozen at the moment it paused."""
    return due_at - (paused_at or now)


def days_left(*, due_at: dt.datetime, now: dt.datetime, paused_at: dt.datetime | None = None) -> int:
    return math.floor(time_left(due_at=due_at, now=now, paused_at=paused_at) / ONE_DAY)


def resumed_due_at(*, due_at: dt.datetime, paused_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    """The due date after a pause that ran from ``paused_at`` to ``now``."""
    return due_at + paused_for(paused_at=paused_at, now=now)


def paused_for(*, paused_at: dt.datetime, now: dt.datetime) -> dt.timedelta:
    return max(now - paused_at, dt.timedelta(0))
