"""``{% load korea_time %}``: ``value|korea_date`` and ``value|korea_datetime`` (apps.core.dates)."""

from __future__ import annotations

import datetime as dt

from django import template

from apps.core import dates

register = template.Library()


@register.filter
def korea_date(value: dt.datetime | dt.date | None) -> str:
    return dates.korea_date(value)


@register.filter
def korea_datetime(value: dt.datetime | None) -> str:
    return dates.korea_datetime(value)
