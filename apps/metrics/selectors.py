"""Every figure about processing, defined once (issue 15, decision 0041).

The public statistics page, the supervisor dashboard and the applicant's status page all read these
definitions, so their figures cannot disagree. Everything is counted by PostgreSQL in a handful of
grouped queries (``GROUPING SETS``), never case by case in Python.

Definitions (methodology version ``METHODOLOGY_VERSION``):

- *Received*: cases submitted (``submitted_at``) in the period. Drafts never submitted are not the
  ministry's cases and are not counted anywhere.
- *Decided*: approved or rejected, by the day of the decision (``decided_at``) in Korea.
  *Withdrawn* cases also stop the clock but are not decisions: they are counted apart and excluded
  from every time and rate (the methodology says how many).
- *Processing time* of a decided case, in days (24 hours): **calendar days** from submission to the
  decision, and **clock days**, the same less the time the clock was paused while the case waited on
  the applicant or employer (``paused_total``). Percentiles (50th, 80th, 93rd) are the nearest-rank
  value (``percentile_disc``: the smallest time that at least that share of cases took no longer
  than), rounded up to whole days, so "80% were decided within N days" is always true.
- *Decided within the clock*: ``decided_at <= due_at``; the due date is the submission plus the
  clock's days of the rubric version the case was submitted under, plus every pause, so it is the
  ministry's own time. (No number of days is written here: it comes with each case.)
- *Share of time paused*: total paused time of the decided cases over their total calendar time.
- *Open cases by age*: cases submitted, in review or waiting for information at the moment of the
  figures, by calendar days since submission (Korea), in bands drawn from the clock's days of the
  version in force (``age_bands``).
- *Groups*: the track (``Case.track``) and the sponsor: the rubric version's segments
  ``SME_SEGMENT`` / ``LARGE_SEGMENT`` (an SME sponsor is one whose SME status was verified and valid
  on the submission day; every other case, with a large sponsor or none, is "large"). Approvals per
  segment use every segment the version in force defines (``segment_outcomes``), such as
  mid-career applicants from outside the top 100: the conditions are the version's data, compiled
  to SQL here (``segment_sql``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from apps.cases.models import Case, CaseStatus, Sponsorship, SponsorshipStatus
from apps.metrics.models import ProcessingInquiry, StatisticsRelease
from apps.organisations.models import SmeClaim, SmeClaimStatus
from apps.rubric.language.catalogue import Catalogue
from apps.rubric.language.document import AllOf, Amount, AnyOf, Compare, Condition, Not, Segment, Version
from apps.rubric.selectors import rubric_version_in_force

METHODOLOGY_VERSION = "1"
DECIDED_STATUSES = (CaseStatus.APPROVED, CaseStatus.REJECTED)
OPEN_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.INFORMATION_REQUESTED)
PERCENTILES = (50, 80, 93)
SME_SEGMENT = "sme_sponsor"
LARGE_SEGMENT = "large_sponsor"
SPONSOR_GROUPS = (SME_SEGMENT, LARGE_SEGMENT)
MID_CAREER_SEGMENT = "mid_career_outside_top_100"
MONTHS_PER_RELEASE = 12
_SAFE_CODE = re.compile(r"^[A-Za-z0-9_]+$")


def within_clock() -> Q:
    """A decided case was decided within its clock (the due date already includes every pause)."""
    return Q(decided_at__lte=F("due_at"))


# --- Periods ------------------------------------------------------------------------------------


def _korea() -> dt.tzinfo:
    return timezone.get_default_timezone()


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=_korea())


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_code(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def quarter_code(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class Window:
    """Whole months in Korea: ``first`` (a first day) up to, not including, ``end`` (a first day)."""

    first: dt.date
    end: dt.date

    @property
    def start_at(self) -> dt.datetime:
        return _midnight(self.first)

    @property
    def end_at(self) -> dt.datetime:
        return _midnight(self.end)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def months(self) -> list[str]:
        out, day = [], self.first
        while day < self.end:
            out.append(month_code(day))
            day = _add_months(day, 1)
        return out

    @property
    def quarters(self) -> dict[str, list[str]]:
        """Each calendar quarter touching the window, with its months inside the window."""
        out: dict[str, list[str]] = {}
        day = self.first
        while day < self.end:
            out.setdefault(quarter_code(day), []).append(month_code(day))
            day = _add_months(day, 1)
        return out


def release_window(on: dt.date, months: int = MONTHS_PER_RELEASE) -> Window:
    """The ``months`` whole calendar months before the month of ``on``."""
    end = on.replace(day=1)
    return Window(_add_months(end, -months), end)


def next_release_on(on: dt.date) -> dt.date:
    """Releases are built on the first day of each month (the beat job)."""
    return _add_months(on.replace(day=1), 1)


# --- Segments as SQL ----------------------------------------------------------------------------


class UnsupportedSegment(ValueError):
    """A segment whose condition cannot be counted in SQL here (a fact only a reviewer sets...)."""


def _sme_sql() -> str:
    """The case's confirmed sponsor held a verified SME status valid on the submission day (Seoul),
    as scoring reads it (``apps.cases.score_snapshot``): the applicant's own claim never counts."""
    claims = SmeClaim._meta.db_table
    return (
        "(r.sponsorship_id IS NOT NULL AND EXISTS (SELECT 1 FROM "  # noqa: S608
        f"{claims} m WHERE m.organisation_id = r.organisation_id "
        f"AND m.status = '{SmeClaimStatus.VERIFIED.value}' AND m.valid_from <= r.sub_day "
        "AND m.valid_to >= r.sub_day))"
    )


def _fact_sql(code: str, catalogue: Catalogue) -> tuple[str, str]:
    """The fact's SQL expression over the base row ``b`` and its type."""
    fact = catalogue.facts.get(code)
    if fact is None or not _SAFE_CODE.match(code):
        raise UnsupportedSegment(f"unknown fact {code!r}")
    if code == "sponsor_is_sme":
        return "b.sponsor_is_sme", "yes_no"
    raw = f"NULLIF(b.facts->>'{code}', '')"
    kind = fact.type
    if kind in ("decimal", "integer", "money", "rank"):
        expr = f"({raw})::numeric"
        if fact.default is not None:
            expr = f"COALESCE({expr}, {Decimal(str(fact.default))})"
        return expr, kind
    if kind == "yes_no":
        expr = f"({raw})::boolean"
        if fact.default is not None:
            expr = f"COALESCE({expr}, {'true' if fact.default else 'false'})"
        return expr, kind
    if fact.default is not None:
        return f"COALESCE({raw}, {_text(str(fact.default))})", kind
    return raw, kind


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_SQL_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "=": "=", "!=": "<>"}


def segment_sql(condition: Condition, catalogue: Catalogue) -> str:
    """A boolean SQL expression, never NULL: a missing fact meets no comparison (as the engine)."""
    if isinstance(condition, AllOf | AnyOf):
        joiner = " AND " if isinstance(condition, AllOf) else " OR "
        return "(" + joiner.join(segment_sql(c, catalogue) for c in condition.conditions) + ")"
    if isinstance(condition, Not):
        return f"(NOT {segment_sql(condition.condition, catalogue)})"
    if not isinstance(condition, Compare):
        raise UnsupportedSegment("segments are conditions on facts only")
    expr, _kind = _fact_sql(condition.fact, catalogue)
    op, value = condition.op, condition.value
    if op == "is_set":
        return f"({expr} IS NOT NULL)"
    if op in ("in", "not_in") and isinstance(value, tuple):
        listed = ", ".join(_text(v) for v in value)
        sql = f"{expr} IN ({listed})" if op == "in" else f"{expr} NOT IN ({listed})"
        return f"COALESCE({sql}, false)"
    if op not in _SQL_OPS:
        raise UnsupportedSegment(f"operator {op!r}")
    if isinstance(value, bool):
        literal = "true" if value else "false"
    elif isinstance(value, Amount):
        if value.quantity:
            raise UnsupportedSegment("a threshold in multiples of a reference quantity")
        literal = str(Decimal(value.value))
    elif isinstance(value, str):
        literal = _text(value)
    else:
        raise UnsupportedSegment(f"value {value!r}")
    return f"COALESCE({expr} {_SQL_OPS[op]} {literal}, false)"


@dataclass(frozen=True)
class SegmentDef:
    code: str
    title: dict[str, str]  # language -> title, from the version
    sql: str


def version_for_figures(on: dt.date) -> Version:
    """The rubric version in force on ``on``: its segments and clock define the groups and bands."""
    return rubric_version_in_force(on).parsed_config()


def segment_defs(version: Version) -> tuple[list[SegmentDef], list[str]]:
    """The version's segments that can be counted, and the codes of those that cannot."""
    found, skipped = [], []
    for segment in version.segments:
        try:
            found.append(_segment_def(segment, version.catalogue))
        except UnsupportedSegment:
            skipped.append(segment.code)
    return found, skipped


def _segment_def(segment: Segment, catalogue: Catalogue) -> SegmentDef:
    if not _SAFE_CODE.match(segment.code):
        raise UnsupportedSegment(segment.code)
    title = {lang: str(segment.title.get(lang)) for lang in ("en", "ko") if segment.title.get(lang)}
    return SegmentDef(segment.code, title, segment_sql(segment.when, catalogue))


# --- The base rows ------------------------------------------------------------------------------


def _base_sql(segments: Sequence[SegmentDef]) -> str:
    """Submitted cases with the columns every figure reads; ``sponsor`` is SME or large."""
    tz = settings.TIME_ZONE
    seg = {d.code: d for d in segments}
    sponsor = "'large_sponsor'"
    if SME_SEGMENT in seg:
        sponsor = f"CASE WHEN {seg[SME_SEGMENT].sql} THEN '{SME_SEGMENT}' ELSE '{LARGE_SEGMENT}' END"
    columns = "".join(f", {d.sql} AS seg_{d.code}" for d in segments)
    return (
        "WITH r AS ("  # noqa: S608
        "SELECT c.id, c.track, c.status, c.facts, c.submitted_at, c.due_at, c.paused_total, "
        "CASE WHEN c.status = 'withdrawn' THEN COALESCE(c.decided_at, c.updated_at) ELSE c.decided_at END "
        "AS decided_at, "
        f"(c.submitted_at AT TIME ZONE '{tz}')::date AS sub_day, s.id AS sponsorship_id, "
        "s.organisation_id "
        f"FROM {Case._meta.db_table} c "
        f"LEFT JOIN {Sponsorship._meta.db_table} s ON s.case_id = c.id "
        f"AND s.status = '{SponsorshipStatus.CONFIRMED.value}' "
        "WHERE c.submitted_at IS NOT NULL AND c.status <> 'draft'), "
        f"b AS (SELECT r.*, {_sme_sql()} AS sponsor_is_sme FROM r), "
        f"base AS (SELECT b.*, {sponsor} AS sponsor{columns} FROM b)"
    )


def _period_sql(column: str) -> tuple[str, str]:
    tz = settings.TIME_ZONE
    local = f"({column} AT TIME ZONE '{tz}')"
    return f"to_char({local}, 'YYYY-MM')", f"to_char({local}, 'YYYY-\"Q\"Q')"


GROUPING = (
    "GROUPING SETS ((month, track), (month, sponsor), (month), (quarter, track), (quarter, sponsor), "
    "(quarter), (track), (sponsor), ())"
)


def _fetch(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    # Every figure reads all the submitted cases once: hash joins, never a nested loop (which a
    # stale row estimate after a bulk load turns into minutes), and no JIT (compiling these wide
    # expressions costs more than the scan it would speed up). Set for this statement, then reset.
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off; SET enable_nestloop = off")
        try:
            cursor.execute(sql, params)
            names = [col.name for col in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        finally:
            cursor.execute("RESET jit; RESET enable_nestloop")


def _cell_key(row: dict[str, Any]) -> tuple[str, str, str, str]:
    """(period type, period, group type, group) of a grouped row."""
    if not row["g_month"]:
        period_type, period = "month", row["month"]
    elif not row["g_quarter"]:
        period_type, period = "quarter", row["quarter"]
    else:
        period_type, period = "all", "all"
    if not row["g_track"]:
        return period_type, period, "track", row["track"] or ""
    if not row["g_sponsor"]:
        return period_type, period, "sponsor", row["sponsor"]
    return period_type, period, "all", "all"


def _days(value: float | None) -> int | None:
    return None if value is None else math.ceil(round(float(value), 6))


def decided_figures(
    window: Window, segments: Sequence[SegmentDef]
) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    """Per period and group: decisions, outcomes, withdrawals, within the clock, times (exact)."""
    month, quarter = _period_sql("decided_at")
    pct = ", ".join(str(p / 100) for p in PERCENTILES)
    decided = "status IN ('approved', 'rejected')"
    sql = (
        _base_sql(segments)  # noqa: S608 (codes checked, literals quoted)
        + f", d AS (SELECT track, sponsor, status, {month} AS month, {quarter} AS quarter, "  # noqa: S608 (codes checked, literals quoted)
        "decided_at <= due_at AS within, "
        "EXTRACT(EPOCH FROM (decided_at - submitted_at - paused_total)) / 86400 AS clock_days, "
        "EXTRACT(EPOCH FROM (decided_at - submitted_at)) / 86400 AS calendar_days, "
        "EXTRACT(EPOCH FROM paused_total) / 86400 AS paused_days "
        "FROM base WHERE status IN ('approved', 'rejected', 'withdrawn') "
        "AND decided_at >= %s AND decided_at < %s) "
        "SELECT GROUPING(month) AS g_month, GROUPING(quarter) AS g_quarter, GROUPING(track) AS g_track, "
        "GROUPING(sponsor) AS g_sponsor, month, quarter, track, sponsor, "
        f"count(*) FILTER (WHERE {decided}) AS decided, "
        "count(*) FILTER (WHERE status = 'approved') AS approved, "
        "count(*) FILTER (WHERE status = 'rejected') AS rejected, "
        "count(*) FILTER (WHERE status = 'withdrawn') AS withdrawn, "
        f"count(*) FILTER (WHERE {decided} AND within) AS decided_within_clock, "
        f"percentile_disc(ARRAY[{pct}]) WITHIN GROUP (ORDER BY clock_days) FILTER (WHERE {decided}) "
        "AS clock_pct, "
        f"percentile_disc(ARRAY[{pct}]) WITHIN GROUP (ORDER BY calendar_days) FILTER (WHERE {decided}) "
        "AS calendar_pct, "
        f"sum(paused_days) FILTER (WHERE {decided}) AS paused_days, "
        f"sum(calendar_days) FILTER (WHERE {decided}) AS calendar_days "
        f"FROM d GROUP BY {GROUPING}"
    )
    out: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for row in _fetch(sql, [window.start_at, window.end_at]):
        figures: dict[str, Any] = {
            key: int(row[key])
            for key in ("decided", "approved", "rejected", "withdrawn", "decided_within_clock")
        }
        for name in ("clock", "calendar"):
            values = row[f"{name}_pct"] or [None] * len(PERCENTILES)
            for p, value in zip(PERCENTILES, values, strict=True):
                figures[f"{name}_days_p{p}"] = _days(value)
        total = float(row["calendar_days"] or 0)
        figures["share_time_paused"] = (
            round(100 * float(row["paused_days"] or 0) / total, 1) if total > 0 else None
        )
        out[_cell_key(row)] = figures
    return out


def received_figures(window: Window, segments: Sequence[SegmentDef]) -> dict[tuple[str, str, str, str], int]:
    month, quarter = _period_sql("submitted_at")
    sql = (
        _base_sql(segments)  # noqa: S608 (codes checked, literals quoted)
        + f", d AS (SELECT track, sponsor, {month} AS month, {quarter} AS quarter FROM base "  # noqa: S608 (codes checked, literals quoted)
        "WHERE submitted_at >= %s AND submitted_at < %s) "
        "SELECT GROUPING(month) AS g_month, GROUPING(quarter) AS g_quarter, GROUPING(track) AS g_track, "
        "GROUPING(sponsor) AS g_sponsor, month, quarter, track, sponsor, count(*) AS received "
        f"FROM d GROUP BY {GROUPING}"
    )
    return {_cell_key(row): int(row["received"]) for row in _fetch(sql, [window.start_at, window.end_at])}


@dataclass(frozen=True)
class AgeBand:
    first_day: int
    last_day: int | None  # None: this many days or more

    @property
    def code(self) -> str:
        return f"{self.first_day}-{'' if self.last_day is None else self.last_day}"


def age_bands(clock_days: int) -> list[AgeBand]:
    """Bands of calendar days since submission, from the clock's days: the first and second half of
    the clock, up to twice the clock, and beyond."""
    half = clock_days // 2
    return [
        AgeBand(0, half),
        AgeBand(half + 1, clock_days),
        AgeBand(clock_days + 1, 2 * clock_days),
        AgeBand(2 * clock_days + 1, None),
    ]


def open_by_age(
    now: dt.datetime, bands: Sequence[AgeBand], segments: Sequence[SegmentDef]
) -> dict[tuple[str, str, str], int]:
    """Open cases now, by (age band code or "all", group type, group)."""
    tz = settings.TIME_ZONE
    whens = " ".join(
        f"WHEN age >= {band.first_day}"
        + (f" AND age <= {band.last_day}" if band.last_day is not None else "")
        + f" THEN '{band.code}'"
        for band in bands
    )
    sql = (
        _base_sql(segments) + f", d AS (SELECT track, sponsor, CASE {whens} END AS band FROM ("  # noqa: S608 (codes checked, literals quoted)
        f"SELECT track, sponsor, ((%s::timestamptz AT TIME ZONE '{tz}')::date - sub_day) AS age FROM base "
        "WHERE status IN ('submitted', 'in_review', 'information_requested')) x) "
        "SELECT GROUPING(band) AS g_band, GROUPING(track) AS g_track, GROUPING(sponsor) AS g_sponsor, "
        "band, track, sponsor, count(*) AS open "
        "FROM d GROUP BY GROUPING SETS ((band, track), (band, sponsor), (band), (track), (sponsor), ())"
    )
    out: dict[tuple[str, str, str], int] = {}
    for row in _fetch(sql, [now]):
        band = "all" if row["g_band"] else row["band"]
        if not row["g_track"]:
            key = (band, "track", row["track"] or "")
        elif not row["g_sponsor"]:
            key = (band, "sponsor", row["sponsor"])
        else:
            key = (band, "all", "all")
        out[key] = int(row["open"])
    return out


def segment_outcomes(
    window: Window | None, segments: Sequence[SegmentDef]
) -> dict[tuple[str, str], dict[str, int]]:
    """Approved and rejected per (segment, track or "all"), decided in ``window`` (None: ever)."""
    if not segments:
        return {}
    columns = ", ".join(
        f"count(*) FILTER (WHERE seg_{d.code} AND status = 'approved') AS {d.code}__approved, "
        f"count(*) FILTER (WHERE seg_{d.code} AND status = 'rejected') AS {d.code}__rejected"
        for d in segments
    )
    where = "status IN ('approved', 'rejected')"
    params: list[Any] = []
    if window is not None:
        where += " AND decided_at >= %s AND decided_at < %s"
        params = [window.start_at, window.end_at]
    sql = (
        _base_sql(segments) + f" SELECT GROUPING(track) AS g_track, track, {columns} FROM base WHERE {where} "  # noqa: S608 (codes checked, literals quoted)
        "GROUP BY GROUPING SETS ((track), ())"
    )
    out: dict[tuple[str, str], dict[str, int]] = {}
    for row in _fetch(sql, params):
        track = "all" if row["g_track"] else (row["track"] or "")
        for d in segments:
            out[(d.code, track)] = {
                "approved": int(row[f"{d.code}__approved"]),
                "rejected": int(row[f"{d.code}__rejected"]),
            }
    return out


def sponsor_outcomes(segments: Sequence[SegmentDef]) -> dict[str, dict[str, int]]:
    """Every case ever received, by sponsor group (``SPONSOR_GROUPS``, as the releases group them):
    ``received``, and of those ``approved`` and ``rejected`` (the supervisor dashboard's all-time view)."""
    sql = (
        _base_sql(segments) + " SELECT sponsor, count(*) AS received, "  # noqa: S608 (codes checked, literals quoted)
        "count(*) FILTER (WHERE status = 'approved') AS approved, "
        "count(*) FILTER (WHERE status = 'rejected') AS rejected FROM base GROUP BY sponsor"
    )
    found = {row["sponsor"]: row for row in _fetch(sql, [])}
    measures = ("received", "approved", "rejected")
    return {group: {x: int(found.get(group, {}).get(x, 0)) for x in measures} for group in SPONSOR_GROUPS}


def latest_release(*, with_figures: bool = True) -> StatisticsRelease | None:
    """The release in force: the newest published (a correction replaces its month's earlier one).

    ``with_figures=False`` leaves the figures (a large JSON document) to be loaded on first use:
    the public page serves its rendered figures from the cache and needs only the release's key.
    """
    releases = StatisticsRelease.objects.order_by("-published_at", "-pk")
    return (releases if with_figures else releases.defer("figures")).first()


# The public page asks which release is in force on every request; the answer changes once a month.
LATEST_RELEASE_KEY = "metrics:latest-release"
LATEST_RELEASE_SECONDS = 60


def latest_release_key() -> tuple[int, int] | None:
    """``(pk, revision)`` of the release in force, from the shared cache for up to a minute
    (publishing forgets it); None when nothing is published."""
    found = cache.get(LATEST_RELEASE_KEY)
    if not isinstance(found, tuple):
        release = latest_release(with_figures=False)
        found = (release.pk, release.revision) if release is not None else ()
        cache.set(LATEST_RELEASE_KEY, found, LATEST_RELEASE_SECONDS)
    return (found[0], found[1]) if found else None


def forget_latest_release() -> None:
    cache.delete(LATEST_RELEASE_KEY)


def similar_cases_days(release: StatisticsRelease | None, track: str) -> int | None:
    """From a release: the clock days within which 80% of decided cases of ``track`` were decided
    (None when there is no release or the figure was withheld). The status page reads this."""
    if release is None:
        return None
    for row in release.figures.get("rows", []):
        if (row["period_type"], row["group_type"], row["group"]) == ("all", "track", track):
            value = row.get("clock_days_p80")
            return int(value) if value is not None else None
    return None


def clock_days_elapsed(case: Case, now: dt.datetime) -> float | None:
    """Days of the clock a case has used so far (paused time not counted), as processing times count
    them; None before submission or once it is closed."""
    if case.submitted_at is None or case.status not in OPEN_STATUSES:
        return None
    until = case.paused_at or now
    return max((until - case.submitted_at - case.paused_total).total_seconds() / 86400, 0.0)


@dataclass(frozen=True)
class SimilarCases:
    """The status page's comparison: 80% of decided cases of the same track took at most ``days``."""

    days: int
    release: StatisticsRelease
    past: bool  # this case has used more clock days than that
    asked: ProcessingInquiry | None  # the applicant's inquiry under this release, if any


def similar_cases(case: Case, now: dt.datetime) -> SimilarCases | None:
    elapsed = clock_days_elapsed(case, now)
    if elapsed is None:
        return None
    release = latest_release()
    days = similar_cases_days(release, case.track)
    if release is None or days is None:
        return None
    asked = ProcessingInquiry.objects.filter(case=case, release=release).first()
    return SimilarCases(days, release, elapsed > days, asked)


def processing_inquiries(case: Case) -> list[ProcessingInquiry]:
    """Every inquiry on a case, newest first (the reviewers' workspace)."""
    return list(ProcessingInquiry.objects.filter(case=case).select_related("asked_by", "release"))
