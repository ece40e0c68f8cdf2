"""Gunicorn settings: one file for `make run`, docker-compose, the Dockerfile and the benchmarks.

Threaded workers keep connections alive between requests (a sync worker closes each one, so every
request also paid for a new TCP connection) and overlap the short waits on Redis and PostgreSQL.
On the 2-core machines this is measured on, 2 workers x 4 threads gave the best tail latency
(docs/benchmarks.md). Command-line flags override these (e.g. --bind, --workers).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = 5
timeout = 30
# "-" is stdout; an empty value turns the access log off (the benchmarks do, to measure the app).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
# JSON lines, no query strings, no client addresses (apps.core.ops.gunicorn): an access line never
# holds a search by name, a self-assessment's answers or a single-use token.
logger_class = "apps.core.ops.gunicorn.JsonLogger"
errorlog = "-"

# Prometheus counters from every worker process, added up at each scrape (apps.core.ops.metrics).
# The directory must be empty when the server starts (old files would be counted again); by
# default one per server, removed when it stops. Celery workers on the same machine may share it
# (set the same PROMETHEUS_MULTIPROC_DIR) so /metrics shows their task counts too.
_own_metrics_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
_metrics_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", f"/tmp/ktp-prometheus-{os.getpid()}")  # noqa: S108


def on_starting(_server: object) -> None:
    import shutil

    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
    os.makedirs(_metrics_dir, exist_ok=True)


def on_exit(_server: object) -> None:
    import shutil

    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)


def child_exit(_server: object, worker: object) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]


# Gunicorn's runtime control socket lives in $HOME by default, shared by every server a user runs
# on one machine (two would fight over it); nothing here uses gunicornc.
control_socket_disable = True
