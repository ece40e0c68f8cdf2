"""The supervisor dashboard (issue 4): one page of charts, and each chart's data as a CSV file.

The figures come from ``apps.reviewers.dashboard.selectors``; this module validates the period (``weeks``)
and writes the CSV files. Supervisors only: everyone else gets 404 (``supervisor_required``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.spreadsheet import inert_cell
from apps.reviewers.access import supervisor_required
from apps.reviewers.dashboard import selectors as figures
from apps.reviewers.dashboard.selectors import (
    DEFAULT_WEEKS,
    MAX_WEEKS,
    MIN_WEEKS,
    Rate,
    TrackOutcome,
    sum_rates,
)

Cell = str | int
Table = tuple[list[str], list[list[Cell]]]


class PeriodForm(forms.Form):
    weeks = forms.IntegerField(
        label=_("Weeks shown"), min_value=MIN_WEEKS, max_value=MAX_WEEKS, required=False
    )


def _period(request: HttpRequest) -> tuple[PeriodForm, int]:
    """The form as submitted and the number of weeks to show (the default when it is invalid)."""
    form = PeriodForm(request.GET) if "weeks" in request.GET else PeriodForm(initial={"weeks": DEFAULT_WEEKS})
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["weeks"] or DEFAULT_WEEKS
    return form, DEFAULT_WEEKS


@supervisor_required
def dashboard_page(request: HttpRequest) -> HttpResponse:
    form, weeks = _period(request)
    context = {
        "ministry_section": "dashboard",
        "form": form,
        "weeks": weeks,
        "weeks_limits": {"min": MIN_WEEKS, "max": MAX_WEEKS},
    }
    if figures.has_cases():
        context["board"] = figures.dashboard_cached(now=timezone.now(), weeks=weeks)
    return render(request, "reviewers/dashboard.html", context)


@supervisor_required
def dashboard_csv(request: HttpRequest, chart: str) -> HttpResponse:
    export = EXPORTS.get(chart)
    if export is None:
        raise Http404
    form, weeks = _period(request)
    if form.is_bound and not form.is_valid():
        # A file download has nowhere to show the error: refuse rather than export another period.
        message = gettext("Weeks must be a whole number from %(min)s to %(max)s.")
        return HttpResponseBadRequest(message % {"min": MIN_WEEKS, "max": MAX_WEEKS})
    header, rows = export(timezone.now(), weeks)
    return _csv_response(f"ktp-dashboard-{chart}-{timezone.localdate():%Y-%m-%d}.csv", header, rows)


def _csv_response(filename: str, header: list[str], rows: Iterable[list[Cell]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The byte-order mark tells Excel the file is UTF-8, so Korean headers and names open correctly.
    response.write("\ufeff")
    writer = csv.writer(response)
    # A name that starts like a formula ("=HYPERLINK(...)", " =...", "＝...") is written as text,
    # not run by the spreadsheet (apps.core.spreadsheet).
    writer.writerow([inert_cell(cell) for cell in header])
    writer.writerows([inert_cell(cell) for cell in row] for row in rows)
    return response


# --- Exports: each chart's table as plain values (counts as numbers, rates as percentages) ---------


def _percent(rate: Rate) -> str:
    """One decimal, or empty when there is nothing to divide (a spreadsheet then shows no value)."""
    percent = rate.percent
    return "" if percent is None else str(percent.quantize(Decimal("0.1")))


def _rate_header() -> list[str]:
    return [gettext("Approved"), gettext("Rejected"), gettext("Decided"), gettext("Approval rate (%)")]


def _rate_cells(rate: Rate) -> list[Cell]:
    return [rate.part, rate.whole - rate.part, rate.whole, _percent(rate)]


def _queue_table(now: dt.datetime, weeks: int) -> Table:
    board = figures.open_cases(now=now)
    rows: list[list[Cell]] = [[s.label, s.cases, s.overdue] for s in board.states]
    rows.append([gettext("All open cases"), board.total, board.overdue])
    return [gettext("State"), gettext("Open cases"), gettext("Overdue")], rows


def _age_table(now: dt.datetime, weeks: int) -> Table:
    board = figures.open_cases(now=now)
    rows: list[list[Cell]] = [[bucket.label, bucket.cases] for bucket in board.ages]
    return [gettext("Days since submission"), gettext("Open cases")], rows


def _within_table(now: dt.datetime, weeks: int) -> Table:
    shares = figures.within_clock_by_week(weeks=figures.period_weeks(now=now, weeks=weeks))
    days = {"days": figures.clock_days(now=now)}
    header = [
        gettext("ISO week"),
        gettext("Week starting"),
        gettext("Decided"),
        gettext("Decided within %(days)s days") % days,
        gettext("Share within %(days)s days (%%)") % days,
    ]
    rows: list[list[Cell]] = [
        [s.week.code, s.week.start.isoformat(), s.within.whole, s.within.part, _percent(s.within)]
        for s in shares
    ]
    return header, rows


def _reviewers_table(now: dt.datetime, weeks: int) -> Table:
    period = figures.period_weeks(now=now, weeks=weeks)
    loads = figures.reviewer_loads(weeks=period)
    header = [gettext("Reviewer"), gettext("Open cases"), *(week.code for week in period)]
    header.append(gettext("Decisions in the period"))
    rows: list[list[Cell]] = [
        [load.name, load.open_cases, *load.decisions, load.total_decisions] for load in loads
    ]
    return header, rows


def _tracks_table(now: dt.datetime, weeks: int) -> Table:
    rows: list[list[Cell]] = [[t.label, *_rate_cells(t.approval)] for t in figures.track_outcomes()]
    return [gettext("Track"), *_rate_header()], rows


def _sponsors_table(now: dt.datetime, weeks: int) -> Table:
    rows: list[list[Cell]] = [
        [s.label, s.cases, *_rate_cells(s.approval)] for s in figures.sponsor_outcomes()
    ]
    return [gettext("Sponsor group"), gettext("Cases received"), *_rate_header()], rows


def _mid_career_table(now: dt.datetime, weeks: int) -> Table:
    criteria = figures.mid_career_criteria()
    outcomes = figures.track_outcomes(criteria=criteria)
    groups: list[tuple[str, Callable[[TrackOutcome], Rate]]] = [
        (criteria.label, lambda outcome: outcome.mid_career),
        (gettext("Everyone else"), lambda outcome: outcome.everyone_else),
    ]
    rows: list[list[Cell]] = []
    for group, rate_of in groups:
        rows.append([group, gettext("All tracks"), *_rate_cells(sum_rates(map(rate_of, outcomes)))])
        rows += [[group, outcome.label, *_rate_cells(rate_of(outcome))] for outcome in outcomes]
    return [gettext("Applicants"), gettext("Track"), *_rate_header()], rows


EXPORTS: dict[str, Callable[[dt.datetime, int], Table]] = {
    "queue": _queue_table,
    "age": _age_table,
    "within-14-days": _within_table,
    "reviewers": _reviewers_table,
    "tracks": _tracks_table,
    "sponsors": _sponsors_table,
    "mid-career": _mid_career_table,
}
