"""The public statistics page (issue 15): no sign-in, English and Korean, from the latest release.

Every figure comes from the stored release (``apps.metrics``), so the page costs one query and never
computes anything; the CSV and JSON downloads are the same release in a stable schema
(``SCHEMA_FIELDS``, documented at /statistics/schema/).
"""

from __future__ import annotations

import csv
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from apps.metrics.selectors import latest_release
from apps.metrics.services import ROW_FIELDS
from apps.statistics import presentation as p


def _context() -> dict[str, object]:
    release = latest_release()
    if release is None:
        return {"release": None}
    figures = release.figures
    return {
        "release": release,
        "figures": figures,
        "headline": p.headline(figures),
        "months": p.by_month(figures),
        "quarters": p.by_quarter(figures),
        "tracks": p.by_group(figures, "track"),
        "sponsors": p.approvals(figures, "sponsor"),
        "track_approvals": p.approvals(figures, "track"),
        "ages": p.open_by_age(figures),
        "segments": p.segments(figures),
        "not_counted": [p.segment_title(figures, code) for code in figures["segments"]["not_counted"]],
    }


@require_safe
@cache_control(public=True, max_age=300)
def statistics_page(request: HttpRequest) -> HttpResponse:
    return render(request, "statistics/page.html", _context())


@require_safe
def schema_page(request: HttpRequest) -> HttpResponse:
    return render(request, "statistics/schema.html", {"fields": ROW_FIELDS})


@require_safe
@cache_control(public=True, max_age=300)
def statistics_json(request: HttpRequest) -> HttpResponse:
    release = latest_release()
    if release is None:
        return HttpResponse(
            json.dumps({"detail": "No statistics have been published yet."}),
            status=404,
            content_type="application/json",
        )
    document = {
        "release": {
            "published_at": release.published_at.isoformat(),
            "month": release.month.isoformat(),
            "revision": release.revision,
            "revision_note": release.revision_note,
            "next_release_on": release.next_release_on.isoformat(),
        },
        **release.figures,
    }
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'inline; filename="ktp-statistics-{release.month:%Y-%m}-r{release.revision}.json"'
    )
    return response


@require_safe
@cache_control(public=True, max_age=300)
def statistics_csv(request: HttpRequest) -> HttpResponse:
    release = latest_release()
    if release is None:
        return HttpResponse("No statistics have been published yet.\n", status=404, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ktp-statistics-{release.month:%Y-%m}-r{release.revision}.csv"'
    )
    writer = csv.writer(response)
    # Column names are the stable schema's (English codes, never translated); an empty cell is a
    # figure that was not published (a small number, or hidden so that one cannot be worked out).
    writer.writerow(["release", *ROW_FIELDS])
    name = f"{release.month:%Y-%m}-r{release.revision}"
    for row in release.figures["rows"]:
        writer.writerow([name, *("" if row[f] is None else row[f] for f in ROW_FIELDS)])
    return response
