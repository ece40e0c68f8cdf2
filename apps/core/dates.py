"""Dates and times as people read them on every page, letter and e-mail: one format per language
(the active language's DATE_FORMAT / DATETIME_FORMAT, config/formats for Korean), always in Korea
time, and a time always says so (decision 0048)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import formats
from django.utils.translation import gettext as _

KOREA = zoneinfo.ZoneInfo("Asia/Seoul")


def korea_date(value: dt.datetime | dt.date | None) -> str:
    """The day in Korea: "Dec. 7, 2026" / "2026년 12월 7일"; "" for nothing."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(KOREA).date()
    return formats.date_format(value, "DATE_FORMAT")


def korea_datetime(value: dt.datetime | None) -> str:
    """The moment in Korea, saying so: "Dec. 7, 2026, 9:30 a.m. (Korea time)"; "" for nothing."""
    if value is None:
        return ""
    text = formats.date_format(value.astimezone(KOREA), "DATETIME_FORMAT")
    return _("%(when)s (Korea time)") % {"when": text}
