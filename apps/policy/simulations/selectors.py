"""Reads for the simulation pages: the versions a run may take as its draft, the runs, the period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from apps.cases.models import Case, CaseStatus
from apps.policy.models import SimulationRun
from apps.policy.population import period_bounds
from apps.rubric.models import RubricVersion


def draft_versions() -> list[RubricVersion]:
    """Every stored rubric version, published or not (a draft is simulated as a document)."""
    return list(RubricVersion.objects.order_by("-effective_from", "code").only("code", "title", "published"))


def version_document(code: str) -> dict[str, Any] | None:
    """The document of the stored version ``code`` (any row), or None."""
    row = RubricVersion.objects.filter(code=code).only("config").first()
    return None if row is None else dict(row.config)


def submitted_in(submitted_from: dt.date, submitted_to: dt.date) -> int:
    """How many cases a simulation of the period would replay (submitted, any status but draft)."""
    start, end = period_bounds(submitted_from, submitted_to)
    return (
        Case.objects.exclude(status=CaseStatus.DRAFT)
        .filter(submitted_at__gte=start, submitted_at__lt=end)
        .count()
    )


def runs() -> QuerySet[SimulationRun]:
    """Past runs, newest first, without their large JSON columns."""
    return (
        SimulationRun.objects.select_related("created_by")
        .defer("draft", "result")
        .order_by("-created_at", "-pk")
    )
