"""The service's own Prometheus gauges (open cases by state, overdue cases, reminders owed, work the
sweeps would re-drive), registered with ``apps.core.ops.metrics`` at start-up. One cheap query each,
on partial indexes, run by the scrape itself; see that module for what each gauge means."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from apps.cases.models import OPEN_STATUSES, Case
from apps.notifications.models import Notification, Reminder


def service_gauges() -> Iterator[GaugeMetricFamily]:
    now = timezone.now()
    waited = now - dt.timedelta(minutes=getattr(settings, "METRICS_REDRIVE_AFTER_MINUTES", 15))
    open_cases = Case.objects.filter(status__in=OPEN_STATUSES)

    by_status = GaugeMetricFamily("ktp_cases_open", "Open cases by status", labels=["status"])
    counts = dict(
        open_cases.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    for status in OPEN_STATUSES:
        by_status.add_metric([str(status)], counts.get(status, 0))
    yield by_status

    overdue = open_cases.filter(paused_at__isnull=True, due_at__lt=now).count()
    yield GaugeMetricFamily("ktp_cases_overdue", "Open cases past their due date", value=overdue)

    owed = Reminder.objects.filter(sent_at__isnull=True, cancelled_at__isnull=True).count()
    yield GaugeMetricFamily("ktp_reminders_owed", "Reminders recorded, not yet sent", value=owed)

    waiting = GaugeMetricFamily(
        "ktp_redrive_waiting",
        "Work the sweeps would re-drive (lost tasks, failed sends)",
        labels=["kind"],
    )
    unscored = open_cases.filter(score__isnull=True, submitted_at__lt=waited).count()
    waiting.add_metric(["unscored"], unscored)
    unsent = Notification.objects.filter(
        sent_at__isnull=True, cancelled_at__isnull=True, created_at__lt=waited
    ).count()
    waiting.add_metric(["notifications"], unsent)
    yield waiting
