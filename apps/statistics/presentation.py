"""The public page's charts and tables, read from a stored release's figures (never the live tables).

Each chart is a list of bars (label, value as text, width 0-100) and its table; a value the release
withheld (``None``: a small number, or hidden so a small one cannot be worked out) stays ``None``
and the templates write "not published".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from apps.cases.models import Track

Row = dict[str, Any]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | int | None
    width: int  # 0-100
    text: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    rows: list[Row] = field(default_factory=list)


def _index(figures: dict[str, Any]) -> dict[tuple[str, str, str, str], Row]:
    return {(r["period_type"], r["period"], r["group_type"], r["group"]): r for r in figures["rows"]}


def group_label(figures: dict[str, Any], group_type: str, group: str) -> str:
    if group_type == "all":
        return _("All cases")
    if group_type == "track":
        return str(Track(group).label) if group in Track.values else group
    return segment_title(figures, group)


def segment_title(figures: dict[str, Any], code: str) -> str:
    language = (get_language() or "en")[:2]
    for definition in figures["segments"]["definitions"]:
        if definition["code"] == code:
            title = definition["title"]
            return str(title.get(language) or title.get("en") or code)
    if code == "sme_sponsor":
        return _("SME sponsor")
    if code == "large_sponsor":
        return _("Large sponsor or none")
    return code


def month_label(code: str) -> str:
    year, month = code.split("-")
    from django.utils.formats import date_format

    return date_format(dt.date(int(year), int(month), 1), "YEAR_MONTH_FORMAT")


def quarter_label(code: str) -> str:
    year, quarter = code.split("-Q")
    return _("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def _share_bar(label: str, share: float | None) -> Bar:
    if share is None:
        return Bar(label, None, 0, _("not published"))
    return Bar(label, share, round(share), f"{share:.1f}%")


def _days_bar(label: str, days: int | None, longest: int) -> Bar:
    if days is None:
        return Bar(label, None, 0, _("not published"))
    width = round(100 * days / longest) if longest else 0
    return Bar(label, days, min(width, 100), _("%(days)s days") % {"days": days})


def _count_bar(label: str, count: int | None, largest: int) -> Bar:
    if count is None:
        return Bar(label, None, 0, _("not published"))
    width = round(100 * count / largest) if largest else 0
    return Bar(label, count, width, f"{count:,}")


def headline(figures: dict[str, Any]) -> Row:
    return _index(figures)[("all", "all", "all", "all")]


def by_month(figures: dict[str, Any]) -> Chart:
    rows = _index(figures)
    table = [
        {**rows[("month", code, "all", "all")], "label": month_label(code)} for code in figures["months"]
    ]
    return Chart([_share_bar(r["label"], r["share_within_clock"]) for r in table], table)


def by_quarter(figures: dict[str, Any]) -> Chart:
    rows = _index(figures)
    table = [
        {**rows[("quarter", code, "all", "all")], "label": quarter_label(code)}
        for code in figures["quarters"]
    ]
    return Chart([_share_bar(r["label"], r["share_within_clock"]) for r in table], table)


def by_group(figures: dict[str, Any], group_type: str) -> Chart:
    rows = _index(figures)
    groups = figures["tracks"] if group_type == "track" else figures["sponsor_groups"]
    table = [
        {**rows[("all", "all", group_type, g)], "label": group_label(figures, group_type, g)} for g in groups
    ]
    longest = max((r["clock_days_p80"] or 0 for r in table), default=0)
    return Chart([_days_bar(r["label"], r["clock_days_p80"], longest) for r in table], table)


def approvals(figures: dict[str, Any], group_type: str) -> Chart:
    """Approval rate (approved of decided) per group, for the whole period."""
    rows = _index(figures)
    groups = figures["tracks"] if group_type == "track" else figures["sponsor_groups"]
    table = []
    for g in groups:
        row = rows[("all", "all", group_type, g)]
        rate = (
            round(100 * row["approved"] / row["decided"], 1)
            if row["approved"] is not None and row["decided"]
            else None
        )
        table.append({**row, "label": group_label(figures, group_type, g), "approval_rate": rate})
    return Chart([_share_bar(r["label"], r["approval_rate"]) for r in table], table)


def open_by_age(figures: dict[str, Any]) -> Chart:
    opened = {(r["band"], r["group_type"], r["group"]): r["open"] for r in figures["open_by_age"]["rows"]}
    table: list[Row] = []
    for band in figures["open_by_age"]["bands"]:
        if band["last_day"] is None:
            label = _("%(first)s days or more") % {"first": band["first_day"]}
        else:
            label = _("%(first)s to %(last)s days") % {"first": band["first_day"], "last": band["last_day"]}
        table.append({"label": label, "open": opened.get((band["code"], "all", "all"))})
    largest = max((r["open"] or 0 for r in table), default=0)
    return Chart([_count_bar(r["label"], r["open"], largest) for r in table], table)


def segments(figures: dict[str, Any]) -> Chart:
    table = [
        {**row, "label": segment_title(figures, row["segment"])}
        for row in figures["segments"]["rows"]
        if row["track"] == "all"
    ]
    return Chart([_share_bar(r["label"], r["approval_rate"]) for r in table], table)
