"""Dates read the same everywhere (decision 48): the language's format, Korea's time zone, stated."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from apps.core.dates import korea_date, korea_datetime

# 23:30 UTC on 9 November is 08:30 on 10 November in Korea.
LATE_UTC = dt.datetime(2026, 11, 9, 23, 30, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("en", "Nov. 10, 2026", "Nov. 10, 2026, 8:30 a.m. (Korea time)"),
        ("ko", "2026년 11월 10일", "2026년 11월 10일 오전 8:30(한국 시간)"),
    ],
)
def test_one_format_per_language_in_korea_time(language, day, moment):
    with translation.override(language):
        assert korea_date(LATE_UTC) == day
        assert korea_datetime(LATE_UTC) == moment
        rendered = Template("{% load korea_time %}{{ v|korea_date }}|{{ v|korea_datetime }}").render(
            Context({"v": LATE_UTC})
        )
    assert rendered == f"{day}|{moment}"


def test_a_plain_date_and_nothing():
    with translation.override("en"):
        assert korea_date(dt.date(2026, 12, 10)) == "Dec. 10, 2026"
    assert korea_date(None) == ""
    assert korea_datetime(None) == ""
