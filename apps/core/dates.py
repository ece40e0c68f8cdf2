"""Dates and date-times in words, the same way everywhere (decision 50).

One format per language (``DATE_FORMAT`` and ``DATETIME_FORMAT`` in config/formats/<language>),
always in Korea time whatever the server's or the request's time zone, and saying so ("KST"): an
applicant abroad and a reviewer in Sejong read the same moment the same way. A ``date`` is a
calendar day and is not converted; a ``datetime`` is converted to Korea time first, so an event at
23:30 UTC falls on the next day in Korea.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format

KOREA = ZoneInfo("Asia/Seoul")


def in_korea(value: dt.datetime) -> dt.datetime:
    """``value`` in Korea time; a naive value is taken to be Korea time already."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=KOREA)
    return value.astimezone(KOREA)


def format_when(value: dt.datetime | dt.date | None, *, date_only: bool = False) -> str:
    """ "7 December 2026, 14:05 KST" / "2026년 12월 7일 14:05 (KST)" (the active language's format);
    with ``date_only`` (or for a ``date``), "7 December 2026" / "2026년 12월 7일". Empty for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = in_korea(value)
        if date_only:
            return date_format(local.date(), "DATE_FORMAT")
        return date_format(local, "DATETIME_FORMAT")
    return date_format(value, "DATE_FORMAT")
