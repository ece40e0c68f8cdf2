"""What a queue row shows, worked out in Python once per row rather than by template tags.

A page of 100 rows would otherwise run a URL reversal, four date filters with their time-zone
conversions and several translation look-ups per row inside the template engine: that was half the
server time of a queue page (docs/benchmarks.md, section 5). Each label here is looked up once per
page, and every row takes plain strings, which the template escapes as usual.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.cases.models import CaseStatus, Track
from apps.core.dates import format_when
from apps.reviewers.queue.selectors import QueueRow

# A placeholder reversed once per page; each row's link replaces it with the case's reference.
_REFERENCE_SLOT = "REFERENCE"


@dataclass(frozen=True, slots=True)
class RowDisplay:
    pk: int
    reference: str
    href: str
    select_label: str
    due_iso: str
    due_date: str
    due_text: str
    overdue: bool
    paused: bool
    review: bool  # a rejection under review: the due date is the review's, the link its panel
    applicant_name: str
    status: str
    track: str
    field: str
    sme: str
    reviewer: str
    submitted_iso: str
    submitted_date: str


def _dates(value: dt.datetime | None) -> tuple[str, str]:
    """The ISO timestamp for ``<time datetime>`` and the date shown, as ``{{ value|when:"date" }}``
    gives it (the one date format per language, in Korea: decision 50)."""
    if value is None:
        return "", ""
    return timezone.localtime(value).isoformat(), format_when(value, date_only=True)


def display_rows(rows: list[QueueRow]) -> list[RowDisplay]:
    case_url = reverse("ministry:case", args=[_REFERENCE_SLOT])
    statuses = {value: str(label) for value, label in CaseStatus.choices}
    tracks = {value: str(label) for value, label in Track.choices}
    texts = _Texts(_("Claimed"), _("Not claimed"), _("Nobody"), _("Select %(reference)s"))
    return [_display(row, case_url, statuses, tracks, texts) for row in rows]


@dataclass(frozen=True, slots=True)
class _Texts:
    claimed: str
    not_claimed: str
    nobody: str
    select: str


def _display(
    row: QueueRow,
    case_url: str,
    statuses: dict[str, str],
    tracks: dict[str, str],
    texts: _Texts,
) -> RowDisplay:
    case = row.case
    due_iso, due_date = _dates(row.due_at)
    submitted_iso, submitted_date = _dates(case.submitted_at)
    assignee = case.assigned_to
    return RowDisplay(
        pk=case.pk,
        reference=case.reference,
        href=case_url.replace(_REFERENCE_SLOT, case.reference) + ("#after-decision" if row.is_review else ""),
        select_label=texts.select % {"reference": case.reference},
        due_iso=due_iso,
        due_date=due_date,
        due_text=row.due_text,
        overdue=row.overdue,
        paused=row.paused,
        review=row.is_review,
        applicant_name=case.applicant_name,
        status=statuses.get(case.status, case.status),
        track=tracks.get(case.track, case.track),
        field=row.field_label or "–",
        sme=texts.claimed if case.sme_claimed else texts.not_claimed,
        reviewer=(assignee.full_name or assignee.email) if assignee else texts.nobody,
        submitted_iso=submitted_iso,
        submitted_date=submitted_date,
    )
