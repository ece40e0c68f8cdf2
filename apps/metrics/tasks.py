"""The monthly statistics release (beat job in config/settings/base.py): thin and idempotent."""

from __future__ import annotations

from celery import shared_task

from apps.metrics.services import release_publish


@shared_task(name="metrics.publish_monthly_release")
def publish_monthly_release() -> int:
    """Publish this month's release unless it exists (safe to run every hour, or twice)."""
    return release_publish().pk
