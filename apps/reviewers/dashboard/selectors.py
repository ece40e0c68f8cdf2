"""Selectors for the supervisor dashboard: where the programme stands, in a handful of aggregate queries.

Every figure is counted by PostgreSQL (GROUP BY, ``COUNT(*) FILTER (WHERE ...)``, ``date_trunc('week')``);
Python only reshapes the few grouped rows that come back, never loops over cases, so the page costs
the same number of queries at ten cases as at a million.

Conventions shared by every figure:

- *Open* cases are submitted, in review or waiting on information (``OPEN_STATUSES``).
- *Decided* means approved or rejected. A withdrawal also stops the clock (``decided_at`` is set) but
  is not a decision, so rates never count it.
- Days and weeks are calendar days and ISO weeks (Monday to Sunday) in Korea (``settings.TIME_ZONE``),
  as ``apps.cases.clock`` counts them, whatever the reader's language.
- A case is *overdue* when its clock has run past the due date: now for a running clock, at the
  moment it paused for a paused one (the clock is frozen while the case waits on someone else).
- A case was *decided within the clock* (14 days in 2026-07) when ``decided_at <= due_at``: the due
  date carries its version's clock days and every paused stretch, so it is the ministry's own time.
- The age bands of open cases, the sponsor groups (SME, verified for the submission day, or not)
  and the mid-career group are ``apps.metrics``' definitions, from the version in force: no number of
  days, years or ranks is written here.

Cost at a million cases: the open-case figures and caseloads read the partial indexes on open cases
(``case_open_due_idx``, ``case_open_assignee_idx``). ``Case.decided_at`` and ``CaseEvent.at`` have no
index, so the weekly figures scan decided cases and decision events; the all-time outcome figures
(tracks, sponsors, mid-career) scan decided cases once each by design.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseStatus,
    Track,
)
from apps.metrics import selectors as metrics
from apps.metrics.selectors import (  # the one definition of each figure (issue 15)
    MID_CAREER_SEGMENT,
    SPONSOR_GROUPS,
    SegmentDef,
    age_bands,
    open_by_age,
    segment_defs,
    segment_outcomes,
    version_for_figures,
    within_clock,
)
from apps.rubric.language.document import Version

DECIDED_STATUSES = (CaseStatus.APPROVED, CaseStatus.REJECTED)
DECISION_EVENTS = (CaseEvent.Kind.APPROVED, CaseEvent.Kind.REJECTED)

DEFAULT_WEEKS = 12
MIN_WEEKS = 4
MAX_WEEKS = 52


# --- Shapes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    """``part`` of ``whole``; no percentage at all when ``whole`` is 0 (nothing to divide)."""

    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        if not self.whole:
            return None
        return Decimal(100 * self.part) / Decimal(self.whole)

    @property
    def text(self) -> str:
        """ "12 of 20, 60%" in the active language, or "no decisions yet": never a made-up 0%."""
        if self.percent is None:
            return gettext("no decisions yet")
        return gettext("%(part)s of %(whole)s, %(percent)s%%") % {
            "part": _count(self.part),
            "whole": _count(self.whole),
            "percent": _count(self.percent.quantize(Decimal(1), ROUND_HALF_UP)),
        }


def _count(value: int | Decimal) -> str:
    """A whole number with the active language's digit grouping (1,234)."""
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


@dataclass(frozen=True)
class StateCount:
    status: str
    cases: int
    overdue: int

    @property
    def label(self) -> str:
        return str(CaseStatus(self.status).label)


@dataclass(frozen=True)
class AgeBucket:
    first_day: int
    last_day: int | None  # None: this many days or more
    cases: int

    @property
    def label(self) -> str:
        if self.last_day is None:
            return gettext("%(first)s days or more") % {"first": self.first_day}
        return gettext("%(first)s to %(last)s days") % {"first": self.first_day, "last": self.last_day}


@dataclass(frozen=True)
class OpenCases:
    states: list[StateCount]
    ages: list[AgeBucket]  # in the bands of ``apps.metrics.age_bands``, from the version's clock
    overdue: int
    unassigned: int
    clock_days: int  # the clock of the version in force: an older case is past the promise

    @property
    def past_clock(self) -> AgeBucket:
        """Open cases submitted more than the clock's days ago (the bands beyond it together)."""
        cases = sum(bucket.cases for bucket in self.ages if bucket.first_day > self.clock_days)
        return AgeBucket(self.clock_days + 1, None, cases)

    @property
    def total(self) -> int:
        return sum(state.cases for state in self.states)

    @property
    def largest_state(self) -> int:
        return max((state.cases for state in self.states), default=0)

    @property
    def largest_age(self) -> int:
        return max((bucket.cases for bucket in self.ages), default=0)


@dataclass(frozen=True)
class Week:
    """An ISO week in Korea, named by its Monday."""

    start: dt.date

    @property
    def iso_year(self) -> int:
        return self.start.isocalendar().year

    @property
    def number(self) -> int:
        return self.start.isocalendar().week

    @property
    def code(self) -> str:
        return f"{self.iso_year}-W{self.number:02d}"


@dataclass(frozen=True)
class WeekShare:
    week: Week
    within: Rate  # decided within the clock, of all decided that week


@dataclass(frozen=True)
class ReviewerLoad:
    user_id: int
    name: str
    open_cases: int
    decisions: list[int]  # one count per week of the period, oldest first

    @property
    def total_decisions(self) -> int:
        return sum(self.decisions)


@dataclass(frozen=True)
class TrackOutcome:
    """Decided cases of one track, and of those the mid-career applicants from outside the top list."""

    track: str
    approved: int
    rejected: int
    mid_career_approved: int
    mid_career_rejected: int

    @property
    def label(self) -> str:
        return str(Track(self.track).label) if self.track in Track.values else self.track

    @property
    def approval(self) -> Rate:
        return Rate(self.approved, self.approved + self.rejected)

    @property
    def mid_career(self) -> Rate:
        return Rate(self.mid_career_approved, self.mid_career_approved + self.mid_career_rejected)

    @property
    def everyone_else(self) -> Rate:
        approved = self.approved - self.mid_career_approved
        return Rate(approved, approved + self.rejected - self.mid_career_rejected)


def _title(titles: tuple[tuple[str, str], ...], default: str) -> str:
    """A segment's title in the reader's language (English, else the code)."""
    found = dict(titles)
    return found.get((get_language() or "en")[:2]) or found.get("en") or default


def _segment_titles(version: Version, code: str) -> tuple[tuple[str, str], ...]:
    segment = next((s for s in version.segments if s.code == code), None)
    if segment is None:
        return ()
    return tuple((lang, str(segment.title.get(lang))) for lang in ("en", "ko") if segment.title.get(lang))


@dataclass(frozen=True)
class SponsorOutcome:
    """Cases received in one sponsor group of ``apps.metrics`` (the version's segments: an SME
    sponsor verified for the submission day, or any other), and their decisions."""

    group: str
    cases: int
    approved: int
    rejected: int
    titles: tuple[tuple[str, str], ...] = ()  # (language, title) from the version

    @property
    def label(self) -> str:
        return _title(self.titles, self.group)

    @property
    def approval(self) -> Rate:
        return Rate(self.approved, self.approved + self.rejected)


@dataclass(frozen=True)
class MidCareerCriteria:
    """Who counts as a mid-career applicant from outside the top institutions: the segment ``code``
    of the rubric version in force (its condition and its title are the version's data, e.g.
    8 years or more and outside the top 100 in 2026-07), counted by ``apps.metrics``."""

    code: str = MID_CAREER_SEGMENT
    titles: tuple[tuple[str, str], ...] = ()  # (language, title) from the version
    version: str = ""
    sql: str = ""  # the segment's condition compiled by apps.metrics ("" : the version has none)

    @property
    def label(self) -> str:
        return _title(self.titles, self.code)


def mid_career_criteria(
    *, on: dt.date | None = None, code: str = MID_CAREER_SEGMENT, version: Version | None = None
) -> MidCareerCriteria:
    version = version or version_for_figures(on or timezone.localdate())
    definition = next((d for d in segment_defs(version)[0] if d.code == code), None)
    titles = _segment_titles(version, code)
    return MidCareerCriteria(code, titles, version.code, definition.sql if definition else "")


@dataclass(frozen=True)
class Dashboard:
    now: dt.datetime
    weeks: list[Week]
    open_cases: OpenCases
    within_clock: list[WeekShare]
    reviewers: list[ReviewerLoad]
    tracks: list[TrackOutcome]
    sponsors: list[SponsorOutcome]
    criteria: MidCareerCriteria = field(default_factory=MidCareerCriteria)

    @property
    def old_cases(self) -> AgeBucket:
        return self.open_cases.past_clock

    @property
    def clock_days(self) -> int:
        """The clock of the version in force: "decided within N days" in every label."""
        return self.open_cases.clock_days

    @property
    def largest_caseload(self) -> int:
        return max((load.open_cases for load in self.reviewers), default=0)

    @property
    def reviewers_open_cases(self) -> int:
        return sum(load.open_cases for load in self.reviewers)

    @property
    def reviewers_decisions(self) -> int:
        return sum(load.total_decisions for load in self.reviewers)

    @property
    def largest_sponsor_count(self) -> int:
        return max((sponsor.cases for sponsor in self.sponsors), default=0)

    @property
    def within_clock_total(self) -> Rate:
        return sum_rates(w.within for w in self.within_clock)

    @property
    def latest_week_with_decisions(self) -> WeekShare | None:
        return next((w for w in reversed(self.within_clock) if w.within.whole), None)

    @property
    def approval(self) -> Rate:
        return sum_rates(t.approval for t in self.tracks)

    @property
    def mid_career(self) -> Rate:
        return sum_rates(t.mid_career for t in self.tracks)

    @property
    def everyone_else(self) -> Rate:
        return sum_rates(t.everyone_else for t in self.tracks)


def sum_rates(rates: Iterable[Rate]) -> Rate:
    """Rates added up part by part and whole by whole (never an average of percentages)."""
    listed = list(rates)
    return Rate(sum(r.part for r in listed), sum(r.whole for r in listed))


# --- Time ---------------------------------------------------------------------------------------


def _korea() -> dt.tzinfo:
    return timezone.get_default_timezone()


def _midnight(day: dt.date) -> dt.datetime:
    """The instant a calendar day in Korea begins."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=_korea())


def period_weeks(*, now: dt.datetime, weeks: int) -> list[Week]:
    """The last ``weeks`` ISO weeks in Korea, oldest first, ending with the (partial) current one."""
    today = timezone.localdate(now, _korea())
    this_monday = today - dt.timedelta(days=today.weekday())
    return [Week(this_monday - dt.timedelta(weeks=back)) for back in range(weeks - 1, -1, -1)]


def _within_period(field: str, weeks: list[Week]) -> dict[str, dt.datetime]:
    """``field`` from the period's first Monday to the end of its last week (a later time has no column)."""
    end = weeks[-1].start + dt.timedelta(weeks=1)
    return {f"{field}__gte": _midnight(weeks[0].start), f"{field}__lt": _midnight(end)}


def _week_of(value: dt.datetime | dt.date) -> dt.date:
    # TruncWeek returns Monday 00:00 in Korea as an aware datetime; keep its calendar date.
    return timezone.localtime(value, _korea()).date() if isinstance(value, dt.datetime) else value


# --- Selectors ----------------------------------------------------------------------------------


def has_cases() -> bool:
    """Has any case ever been submitted? (A draft, or a draft withdrawn before submission, is the
    applicant's own business.)"""
    return Case.objects.filter(submitted_at__isnull=False).exists()


def _overdue(now: dt.datetime) -> Q:
    running = Q(paused_at__isnull=True, due_at__lt=now)
    paused = Q(paused_at__isnull=False, due_at__lt=F("paused_at"))
    return running | paused


def clock_days(*, now: dt.datetime) -> int:
    """The clock's days of the version in force (the CSV's "decided within N days")."""
    return version_for_figures(timezone.localdate(now, _korea())).service_clock.days


def open_cases(*, now: dt.datetime, version: Version | None = None) -> OpenCases:
    """Queue depth by state, overdue and unassigned counts (one query); the age of open cases in
    ``apps.metrics``' bands from the clock of the version in force (``open_by_age``, as published)."""
    counts: dict[str, Count] = {"overdue": Count("pk", filter=_overdue(now))}
    counts["unassigned"] = Count("pk", filter=Q(assigned_to__isnull=True))
    for status in OPEN_STATUSES:
        counts[f"cases_{status}"] = Count("pk", filter=Q(status=status))
        counts[f"overdue_{status}"] = Count("pk", filter=Q(status=status) & _overdue(now))
    row = Case.objects.filter(status__in=OPEN_STATUSES).aggregate(**counts)
    version = version or version_for_figures(timezone.localdate(now, _korea()))
    clock_days = version.service_clock.days
    bands = age_bands(clock_days)
    opened = open_by_age(now, bands, segment_defs(version)[0])
    return OpenCases(
        states=[StateCount(s, row[f"cases_{s}"], row[f"overdue_{s}"]) for s in OPEN_STATUSES],
        ages=[AgeBucket(b.first_day, b.last_day, opened.get((b.code, "all", "all"), 0)) for b in bands],
        overdue=row["overdue"],
        unassigned=row["unassigned"],
        clock_days=clock_days,
    )


def within_clock_by_week(*, weeks: list[Week]) -> list[WeekShare]:
    """Per ISO week of decision: decided cases, and how many were decided by their due date."""
    rows = (
        Case.objects.filter(status__in=DECIDED_STATUSES, **_within_period("decided_at", weeks))
        .annotate(week=TruncWeek("decided_at", tzinfo=_korea()))
        .values("week")
        .annotate(decided=Count("pk"), within=Count("pk", filter=within_clock()))
        .order_by()
    )
    found = {_week_of(row["week"]): Rate(row["within"], row["decided"]) for row in rows}
    return [WeekShare(week, found.get(week.start, Rate(0, 0))) for week in weeks]


def _reviewer_rows() -> list[dict[str, Any]]:
    """Reviewers, and anyone else holding open cases, with their open caseload."""
    open_assigned = Case.objects.filter(assigned_to=OuterRef("pk"), status__in=OPEN_STATUSES)
    caseload = open_assigned.order_by().values("assigned_to").annotate(n=Count("pk")).values("n")
    is_reviewer = Group.objects.filter(user=OuterRef("pk"), name=Role.REVIEWER)
    users = User.objects.filter(Exists(is_reviewer) | Exists(open_assigned))
    users = users.annotate(open_cases=Coalesce(Subquery(caseload, output_field=IntegerField()), 0))
    return list(users.values("pk", "full_name", "email", "open_cases"))


def _decision_rows(weeks: list[Week]) -> list[dict[str, Any]]:
    """Approvals and rejections per person per ISO week (the people who signed the decisions)."""
    period = _within_period("at", weeks)
    events = CaseEvent.objects.filter(kind__in=DECISION_EVENTS, actor__isnull=False, **period)
    events = events.annotate(week=TruncWeek("at", tzinfo=_korea()))
    grouped = events.values("actor", "actor__full_name", "actor__email", "week").annotate(n=Count("pk"))
    return list(grouped.order_by())


def reviewer_loads(*, weeks: list[Week]) -> list[ReviewerLoad]:
    """Each reviewer's open caseload and decisions per week; busiest first. Two queries."""
    names: dict[int, str] = {}
    open_counts: dict[int, int] = {}
    for row in _reviewer_rows():
        names[row["pk"]] = row["full_name"] or row["email"]
        open_counts[row["pk"]] = row["open_cases"]
    position = {week.start: index for index, week in enumerate(weeks)}
    decisions: dict[int, list[int]] = {}
    for row in _decision_rows(weeks):
        # Someone who decided without being a reviewer (a supervisor) is listed too.
        names.setdefault(row["actor"], row["actor__full_name"] or row["actor__email"])
        counts = decisions.setdefault(row["actor"], [0] * len(weeks))
        counts[position[_week_of(row["week"])]] += row["n"]
    loads = [
        ReviewerLoad(pk, name, open_counts.get(pk, 0), decisions.get(pk, [0] * len(weeks)))
        for pk, name in names.items()
    ]
    return sorted(loads, key=lambda load: (-load.open_cases, -load.total_decisions, load.name.casefold()))


def track_outcomes(*, criteria: MidCareerCriteria | None = None) -> list[TrackOutcome]:
    """All decided cases by track, and the mid-career segment's among them (``apps.metrics``)."""
    criteria = criteria or mid_career_criteria()
    approved, rejected = Q(status=CaseStatus.APPROVED), Q(status=CaseStatus.REJECTED)
    rows = (
        Case.objects.filter(status__in=DECIDED_STATUSES)
        .values("track")
        .annotate(approved=Count("pk", filter=approved), rejected=Count("pk", filter=rejected))
        .order_by()
    )
    if not criteria.sql:
        criteria = mid_career_criteria(code=criteria.code)
    definitions = [SegmentDef(criteria.code, dict(criteria.titles), criteria.sql)] if criteria.sql else []
    mid = segment_outcomes(None, definitions)
    none = {"approved": 0, "rejected": 0}
    found = {
        row["track"]: TrackOutcome(
            row["track"],
            row["approved"],
            row["rejected"],
            mid.get((criteria.code, row["track"] or ""), none)["approved"],
            mid.get((criteria.code, row["track"] or ""), none)["rejected"],
        )
        for row in rows
    }
    ordered = [found.pop(track, TrackOutcome(track, 0, 0, 0, 0)) for track in Track.values]
    return ordered + sorted(found.values(), key=lambda outcome: outcome.track)


def sponsor_outcomes(*, version: Version | None = None) -> list[SponsorOutcome]:
    """Cases received ever, by ``apps.metrics``' sponsor groups (the segments of ``version``, default
    the one in force today), and the decisions among them: the public statistics' definition."""
    version = version or version_for_figures(timezone.localdate())
    totals = metrics.sponsor_outcomes(segment_defs(version)[0])
    return [
        SponsorOutcome(
            group,
            totals[group]["received"],
            totals[group]["approved"],
            totals[group]["rejected"],
            _segment_titles(version, group),
        )
        for group in SPONSOR_GROUPS
    ]


def dashboard(
    *, now: dt.datetime, weeks: int = DEFAULT_WEEKS, criteria: MidCareerCriteria | None = None
) -> Dashboard:
    """Every figure of the dashboard: a handful of aggregate queries. The groups, bands and clock
    are those of the rubric version in force today (read once)."""
    version = version_for_figures(timezone.localdate(now, _korea()))
    criteria = criteria or mid_career_criteria(version=version)
    period = period_weeks(now=now, weeks=weeks)
    return Dashboard(
        now=now,
        weeks=period,
        open_cases=open_cases(now=now, version=version),
        within_clock=within_clock_by_week(weeks=period),
        reviewers=reviewer_loads(weeks=period),
        tracks=track_outcomes(criteria=criteria),
        sponsors=sponsor_outcomes(version=version),
        criteria=criteria,
    )


# At a million cases the figures take one to two seconds to compute; supervisors reload the page
# far more often than the figures move. The page says when they were computed ("Figures as of").
DASHBOARD_TTL_SECONDS = 60


def dashboard_cached(*, now: dt.datetime, weeks: int = DEFAULT_WEEKS) -> Dashboard:
    """``dashboard``, computed at most once a minute per period (the figures hold no translated text)."""
    key = f"ministry:dashboard:{weeks}:{int(now.timestamp()) // DASHBOARD_TTL_SECONDS}"
    board = cache.get(key)
    if not isinstance(board, Dashboard):
        board = dashboard(now=now, weeks=weeks)
        cache.set(key, board, timeout=DASHBOARD_TTL_SECONDS)
    return board
