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
