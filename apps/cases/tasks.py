"""Celery tasks: thin, idempotent, addressed by name."""

from __future__ import annotations

from celery import shared_task
from django.db.models import F

from apps.cases.models import OPEN_STATUSES, Case, CaseStatus
from apps.cases.score_snapshot import case_score


@shared_task(name="cases.score_case", acks_late=True)
def score_case(case_id: int) -> int | None:
    snapshot = case_score(case_id=case_id)
    return snapshot.total if snapshot else None


@shared_task(name="cases.redrive_unscored")
def redrive_unscored(limit: int = 500) -> int:
    """Enqueue scoring for cases whose score is missing or may be out of date: a case submitted
    while the broker was down has none, and an open case changed after its last scoring (an SME
    claim verified, a re-score task lost) may hold an old one. Scoring is idempotent, so a case
    enqueued twice is still scored once, and one that did not change keeps its score."""
    unscored = (
        Case.objects.exclude(status=CaseStatus.DRAFT)
        .filter(score__isnull=True, submitted_at__isnull=False)
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )
    stale = (
        Case.objects.filter(status__in=OPEN_STATUSES, score__computed_at__lt=F("updated_at"))
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    ids = list(dict.fromkeys([*unscored, *stale]))
    for case_id in ids:
        score_case.delay(case_id)
    return len(ids)
