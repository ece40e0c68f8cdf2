"""Prometheus metrics: requests, Celery tasks, and the service's own gauges computed at scrape time.

Gunicorn runs several worker processes and Celery several pool processes, so counters live in
prometheus-client's multiprocess mode when ``PROMETHEUS_MULTIPROC_DIR`` is set (config/gunicorn.py
sets a default and clears it at start): each process writes its own file there and a scrape adds
them up. Without it each process counts for itself (fine for ``manage.py runserver`` and tests).
A Celery worker on another machine than the web exposes its own counters on
``CELERY_METRICS_PORT`` (``start_worker_exporter``).

Service gauges are one cheap query each, on partial indexes, run by the scrape itself (registered
by ``apps.notifications.metrics``, which owns the data they count):

- ``ktp_cases_open{status}``: open cases by status (``case_open_due_idx``);
- ``ktp_cases_overdue``: open cases, clock running, due date passed (same index);
- ``ktp_reminders_owed``: reminders recorded and neither sent nor cancelled (``reminder_unsent_idx``);
- ``ktp_redrive_waiting{kind}``: what the beat sweeps would re-drive, older than
  ``METRICS_REDRIVE_AFTER_MINUTES``: ``unscored`` (open cases without a score: the scoring task was
  lost) and ``notifications`` (e-mails recorded but not sent or cancelled: a lost task or a mail
  outage; ``notification_unsent_idx``). A lost case-event task shows up one sweep later as an
  unsent notification, so it is not probed separately (that would be an anti-join on every scrape).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import REGISTRY, Collector

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "ktp_http_requests", "HTTP requests by view name, method and status", ["view", "method", "status"]
)
LATENCY = Histogram(
    "ktp_http_request_duration_seconds",
    "HTTP request latency by view name",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASKS = Counter("ktp_celery_tasks", "Celery tasks by name and state", ["task", "state"])


_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


def observe_request(*, view: str, method: str, status: int, seconds: float) -> None:
    # Bounded labels: a client's invented method must not make a new time series.
    method = method if method in _METHODS else "other"
    REQUESTS.labels(view=view, method=method, status=str(status)).inc()
    LATENCY.labels(view=view).observe(seconds)


def observe_task(*, task: str, state: str) -> None:
    TASKS.labels(task=task, state=state).inc()


def multiprocess_dir() -> str:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def counters_registry() -> CollectorRegistry:
    """Every process's counters when in multiprocess mode, else this process's."""
    if not multiprocess_dir():
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def render() -> tuple[bytes, str]:
    registry = CollectorRegistry()
    registry.register(_Registered(counters_registry()))
    registry.register(ServiceCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Registered(Collector):
    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterator[Any]:
        yield from self.source.collect()


class ServiceCollector(Collector):
    """The service gauges; ``ktp_service_metrics_up`` is 0 (and the gauges absent) when the
    database cannot answer, so the request and task counters are still scraped."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            gauges = list(self._gauges())
        except Exception:
            logger.warning("service metrics unavailable", exc_info=True)
            gauges = []
        yield GaugeMetricFamily(
            "ktp_service_metrics_up", "1 if the service gauges could be computed", value=1 if gauges else 0
        )
        yield from gauges

    def _gauges(self) -> Iterator[GaugeMetricFamily]:
        for source in GAUGE_SOURCES:
            yield from source()


# Where the service's own gauges come from. The apps that own the data register a source in their
# AppConfig.ready() (apps.notifications: cases, reminders, work to re-drive), so this module, at the
# bottom of the layers, imports none of them.
GAUGE_SOURCES: list[Callable[[], Iterable[GaugeMetricFamily]]] = []


def register_gauges(source: Callable[[], Iterable[GaugeMetricFamily]]) -> None:
    if source not in GAUGE_SOURCES:
        GAUGE_SOURCES.append(source)


# --- Celery -------------------------------------------------------------------------------------


def connect_celery_signals() -> None:
    """Count every task run by name and final state (SUCCESS, FAILURE, RETRY, ...)."""
    from celery import signals

    def _postrun(sender: Any = None, state: str | None = None, **_kwargs: Any) -> None:
        name = getattr(sender, "name", None) or "<unknown>"
        observe_task(task=name, state=state or "UNKNOWN")

    signals.task_postrun.connect(_postrun, weak=False)
    signals.worker_ready.connect(start_worker_exporter, weak=False)


def start_worker_exporter(**_kwargs: Any) -> Any:
    """A worker on its own machine serves its counters on CELERY_METRICS_PORT (unset: not served).
    Returns the (server, thread) pair, or None."""
    port = os.environ.get("CELERY_METRICS_PORT", "")
    if not port:
        return None
    from prometheus_client import start_http_server

    address = os.environ.get("CELERY_METRICS_ADDR", "0.0.0.0")  # noqa: S104 (a container's scrape port)
    return start_http_server(int(port), addr=address, registry=counters_registry())
