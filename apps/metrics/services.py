"""Building and publishing statistics releases (issue 15, decisions 0041-0042).

``build_figures`` reads every figure through ``apps.metrics.selectors`` and applies the suppression
rules (``apps.metrics.suppression``); ``release_publish`` stores the result as a dated release. The
stored ``figures`` is the published document: the public page, its CSV and JSON downloads and the
status page's comparison read it as it is, never the live tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.cases.models import Case, Track
from apps.core.hooks import safe_on_commit
from apps.metrics import selectors as m
from apps.metrics.models import ProcessingInquiry, StatisticsRelease
from apps.metrics.selectors import clock_days_elapsed, similar_cases
from apps.metrics.suppression import Relation, percentile_allowed, suppress

SCHEMA = "ktp-statistics/1"
ADDITIVE = ("received", "decided", "approved", "rejected", "withdrawn", "decided_within_clock")
HIDDEN_ONLY = ("decided_after_clock",)  # never published, but given away by decided - within
TIMES = tuple(f"{kind}_days_p{p}" for kind in ("clock", "calendar") for p in m.PERCENTILES)
ROW_FIELDS = (
    "period_type",
    "period",
    "group_type",
    "group",
    *ADDITIVE,
    "share_within_clock",
    *TIMES,
    "share_time_paused",
)


class ReleaseRefused(ValueError):
    """A release cannot be published as asked (a correction without a note...)."""


def _groups(tracks: Iterable[str]) -> list[tuple[str, str]]:
    return [("all", "all"), *(("track", t) for t in tracks), *(("sponsor", s) for s in m.SPONSOR_GROUPS)]


def _periods(window: m.Window) -> list[tuple[str, str]]:
    return [
        *(("month", code) for code in window.months),
        *(("quarter", code) for code in window.quarters),
        ("all", "all"),
    ]


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def build_figures(*, now: dt.datetime) -> dict[str, Any]:
    """Every published figure for the release made at ``now``, suppressed, as a JSON document."""
    today = timezone.localdate(now)
    window = m.release_window(today)
    version = m.version_for_figures(window.last_day)
    clock_days = version.service_clock.days
    segments, skipped = m.segment_defs(version)
    decided = m.decided_figures(window, segments)
    received = m.received_figures(window, segments)
    bands = m.age_bands(clock_days)
    opened = m.open_by_age(now, bands, segments)
    by_segment = m.segment_outcomes(window, segments)

    extra = {key[3] for key in (*decided, *received) if key[2] == "track"} - set(Track.values)
    tracks = [*Track.values, *sorted(extra)]
    groups, periods = _groups(tracks), _periods(window)

    values: dict[Any, int] = {}
    published: set[Any] = set()
    key: tuple[Any, ...]
    parts: tuple[Any, ...]
    total: tuple[Any, ...]
    relations: list[Relation] = []

    # The main table: period x group x measure.
    for period in periods:
        for group in groups:
            figures = decided.get((*period, *group), {})
            cell = {measure: int(figures.get(measure, 0)) for measure in ADDITIVE if measure != "received"}
            cell["received"] = received.get((*period, *group), 0)
            cell["decided_after_clock"] = cell["decided"] - cell["decided_within_clock"]
            for measure, value in cell.items():
                values[("d", *period, *group, measure)] = value
                if measure in ADDITIVE:
                    published.add(("d", *period, *group, measure))
            key = ("d", *period, *group)
            relations.append(Relation((*key, "decided"), ((*key, "approved"), (*key, "rejected"))))
            relations.append(
                Relation((*key, "decided"), ((*key, "decided_within_clock"), (*key, "decided_after_clock")))
            )
    for measure in (*ADDITIVE, *HIDDEN_ONLY):
        for period in periods:
            for kind in ("track", "sponsor"):
                parts = tuple(("d", *period, kind, g, measure) for t, g in groups if t == kind)
                relations.append(Relation(("d", *period, "all", "all", measure), parts))
        for group in groups:
            quarter_cells: list[tuple[Any, ...]] = []
            for quarter, months in window.quarters.items():
                total = ("d", "quarter", quarter, *group, measure)
                quarter_cells.append(total)
                relations.append(Relation(total, tuple(("d", "month", mo, *group, measure) for mo in months)))
            relations.append(Relation(("d", "all", "all", *group, measure), tuple(quarter_cells)))

    # Open cases by age.
    band_codes = [band.code for band in bands]
    for band in [*band_codes, "all"]:
        for group in groups:
            key = ("o", band, *group)
            values[key] = opened.get((band, *group), 0)
            published.add(key)
        for kind in ("track", "sponsor"):
            parts = tuple(("o", band, kind, g) for t, g in groups if t == kind)
            relations.append(Relation(("o", band, "all", "all"), parts))
    for group in groups:
        relations.append(Relation(("o", "all", *group), tuple(("o", b, *group) for b in band_codes)))

    # Approvals per segment of the version, by track; each segment's complement is given away by
    # the main table's totals, so it takes part in the sums without being published.
    for segment in segments:
        for track in ["all", *tracks]:
            counts = by_segment.get((segment.code, track), {"approved": 0, "rejected": 0})
            key = ("s", segment.code, track)
            main = ("d", "all", "all", *(("all", "all") if track == "all" else ("track", track)))
            for measure in ("approved", "rejected"):
                values[(*key, measure)] = counts[measure]
                values[(*key, f"rest_{measure}")] = values[(*main, measure)] - counts[measure]
                published.add((*key, measure))
                relations.append(Relation((*main, measure), ((*key, measure), (*key, f"rest_{measure}"))))
            values[(*key, "decided")] = counts["approved"] + counts["rejected"]
            published.add((*key, "decided"))
            relations.append(Relation((*key, "decided"), ((*key, "approved"), (*key, "rejected"))))
        for measure in ("approved", "rejected", "decided", "rest_approved", "rest_rejected"):
            relations.append(
                Relation(
                    ("s", segment.code, "all", measure),
                    tuple(("s", segment.code, t, measure) for t in tracks),
                )
            )

    hidden = suppress(values, relations, published=published)

    def shown(key: Any) -> int | None:
        return None if key in hidden else values[key]

    rows = []
    for period in periods:
        for group in groups:
            key = ("d", *period, *group)
            figures = decided.get((*period, *group), {})
            row: dict[str, Any] = {
                "period_type": period[0],
                "period": period[1],
                "group_type": group[0],
                "group": group[1],
            }
            for measure in ADDITIVE:
                row[measure] = shown((*key, measure))
            decided_count = values[(*key, "decided")]
            within = row["decided_within_clock"]
            row["share_within_clock"] = (
                _percent(within, decided_count) if within is not None and row["decided"] is not None else None
            )
            allowed = percentile_allowed(decided_count)
            for name in TIMES:
                row[name] = figures.get(name) if allowed else None
            row["share_time_paused"] = figures.get("share_time_paused") if allowed else None
            rows.append(row)

    segment_rows = []
    for segment in segments:
        for track in ["all", *tracks]:
            key = ("s", segment.code, track)
            approved, rejected, decisions = (shown((*key, x)) for x in ("approved", "rejected", "decided"))
            segment_rows.append(
                {
                    "segment": segment.code,
                    "track": track,
                    "approved": approved,
                    "rejected": rejected,
                    "decided": decisions,
                    "approval_rate": (
                        _percent(approved, decisions) if approved is not None and decisions else None
                    ),
                }
            )

    all_key = ("d", "all", "all", "all", "all")
    return {
        "schema": SCHEMA,
        "methodology_version": m.METHODOLOGY_VERSION,
        "rubric_version": version.code,
        "clock_days": clock_days,
        "as_of": now.isoformat(),
        "period": {"first": window.first.isoformat(), "last": window.last_day.isoformat()},
        "months": window.months,
        "quarters": list(window.quarters),
        "tracks": tracks,
        "sponsor_groups": list(m.SPONSOR_GROUPS),
        "rows": rows,
        "open_by_age": {
            "bands": [{"code": b.code, "first_day": b.first_day, "last_day": b.last_day} for b in bands],
            "rows": [
                {"band": band, "group_type": g[0], "group": g[1], "open": shown(("o", band, *g))}
                for band in [*band_codes, "all"]
                for g in groups
            ],
        },
        "segments": {
            "definitions": [{"code": s.code, "title": s.title} for s in segments],
            "not_counted": skipped,
            "rows": segment_rows,
        },
        "excluded": {
            "withdrawn": values[(*all_key, "withdrawn")],
            "open": values[("o", "all", "all", "all")],
        },
        "suppression": {
            "min_count": 5,
            "min_cases_for_percentile": 10,
            "hidden_cells": len(hidden),
        },
    }


# --- Publishing ---------------------------------------------------------------------------------


def release_publish(
    *, now: dt.datetime | None = None, by: User | None = None, revision_note: str = ""
) -> StatisticsRelease:
    """Publish this month's release. Without ``by`` (the monthly beat job) it is idempotent: the
    month's first release is returned if it exists. A supervisor (``by``) publishes a correction when
    the month already has one: a new release with ``revision_note`` (required), never an edit."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    month = today.replace(day=1)
    note = revision_note.strip()
    latest = StatisticsRelease.objects.filter(month=month).order_by("-revision").first()
    if latest is not None and by is None:
        return latest
    if latest is not None and not note:
        raise ReleaseRefused(
            _("This month's figures are already published. Say what the new release corrects and why.")
        )
    figures = build_figures(now=now)
    window = m.release_window(today)
    revision = 0 if latest is None else (latest.revision + 1)
    with (
        transaction.atomic(),
        pghistory.context(actor=by.pk if by else None, reason=note or "monthly release"),
    ):
        # Readers keep the release in force in the cache for a minute (m.latest_release_key): a new
        # one is seen at once, and once more after the commit (a read between the two refills it).
        m.forget_latest_release()
        safe_on_commit(m.forget_latest_release, what="forget the cached latest release")
        try:
            with transaction.atomic():
                return StatisticsRelease.objects.create(
                    month=month,
                    revision=revision,
                    revises=latest,
                    revision_note=note,
                    trigger=StatisticsRelease.Trigger.SUPERVISOR
                    if by
                    else StatisticsRelease.Trigger.SCHEDULED,
                    published_by=by,
                    published_at=now,
                    next_release_on=m.next_release_on(today),
                    methodology_version=m.METHODOLOGY_VERSION,
                    rubric_version_code=figures["rubric_version"],
                    period_first=window.first,
                    period_last=window.last_day,
                    figures=figures,
                )
        except IntegrityError as error:
            # Someone else published this revision at the same moment: theirs stands.
            existing = StatisticsRelease.objects.filter(month=month, revision=revision).first()
            if existing is None or by is not None:
                raise ReleaseRefused(
                    _("Another release was published at the same moment. Reload and try again.")
                ) from error
            return existing


# --- Inquiries ------------------------------------------------------------------------------------

INQUIRY_MAX_LENGTH = 2000


def inquiry_send(*, case: Case, by: User, message: str, now: dt.datetime | None = None) -> ProcessingInquiry:
    """The applicant asks the ministry about their case once it has used more clock days than 80% of
    similar cases took (the latest release). Refused, with a reason a person understands, otherwise."""
    now = now or timezone.now()
    text = message.strip()
    if case.applicant_id != by.pk:
        raise ValidationError(_("Only the applicant can ask about this application."))
    if not text:
        raise ValidationError({"message": _("Write your question.")})
    if len(text) > INQUIRY_MAX_LENGTH:
        raise ValidationError(
            {"message": _("Keep your question under %(n)s characters.") % {"n": INQUIRY_MAX_LENGTH}}
        )
    similar = similar_cases(case, now)
    if similar is None or not similar.past:
        raise ValidationError(
            _("You can ask once your application has taken longer than %(share)s of similar applications.")
            % {"share": "80%"}
        )
    if similar.asked is not None:
        raise ValidationError(
            _("You have already asked. You can ask again after the next statistics release.")
        )
    used = clock_days_elapsed(case, now) or 0.0
    with transaction.atomic(), pghistory.context(actor=by.pk, reason="processing-time inquiry"):
        try:
            with transaction.atomic():
                return ProcessingInquiry.objects.create(
                    case=case,
                    release=similar.release,
                    asked_by=by,
                    asked_at=now,
                    message=text,
                    similar_days=similar.days,
                    clock_days_used=Decimal(str(round(used, 1))),
                )
        except IntegrityError as error:
            raise ValidationError(
                _("You have already asked. You can ask again after the next statistics release.")
            ) from error
