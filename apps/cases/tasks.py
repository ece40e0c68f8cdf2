"""Celery tasks: thin, idempotent, addressed by name."""

from __future__ import annotations

from celery import shared_task

from apps.cases.models import Case, CaseStatus
from apps.cases.scoring import case_score


@shared_task(name="cases.score_case", acks_late=True)
def score_case(case_id: int) -> int | None:
    snapshot = case_score(case_id=case_id)
    return snapshot.total if snapshot else None


@shared_task(name="cases.redrive_unscored")
def redrive_unscored(limit: int = 500) -> int:
    """Enqueue scoring for submitted cases that have no snapshot: covers a broker that was down at
    submission. Scoring is idempotent, so a case enqueued twice is still scored once."""
    ids = list(
        Case.objects.exclude(status=CaseStatus.DRAFT)
        .filter(score__isnull=True, submitted_at__isnull=False)
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )
    for case_id in ids:
        score_case.delay(case_id)
    return len(ids)
