"""The public statistics (issue 15): building a release over the bench cases (target <= 10 s at
1,000,000), and the public page served from the stored release (target p95 <= 50 ms at 20 clients).

    EMBEDDED_DATA_DIR=.data/bench1m .venv/bin/python scripts/services.py --profile bench -- \
        .venv/bin/python bench/public_statistics.py [--rounds 3] [--clients 20] [--requests 300] [--ab] [--page-only] \
        [--workers 2] [--json FILE]

Needs the bench cases (bench/generate_cases.py: 1,000,000 by default) in the database that
DATABASE_URL names. Part 1 times ``apps.metrics.services.build_figures`` (every grouped query and
the suppression; the release as the beat job builds it) ``--rounds`` times in this process and
reports each phase once more with a breakdown; the release is then stored with ``release_publish``
(a supervisor's correction when the month already has one, so the page shows these figures). Part 2
starts gunicorn (bench/harness.py, production gunicorn configuration) and drives ``GET /statistics/``
with closed-loop clients, one keep-alive connection each, as bench/api_load.py does for the API.
``--ab`` drives the page with ApacheBench instead (``ab -k``; ``apt-get install apache2-utils``): the
Python clients cost as much CPU as the server on this 2-core machine. ``--page-only`` skips part 1.
Everything listens on 127.0.0.1; gunicorn is stopped on exit. Prints the 1-minute load average
before each part: this machine is shared, and its speed drifts with the neighbours.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from harness import gunicorn, percentile  # noqa: E402

PAGE = "/statistics/"


def load_average() -> float:
    return os.getloadavg()[0]


def build(rounds: int) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    from django.utils import timezone

    from apps.cases.models import Case
    from apps.metrics import selectors as m
    from apps.metrics.services import build_figures

    cases = Case.objects.exclude(submitted_at__isnull=True).count()
    load = load_average()
    times = []
    figures: dict[str, Any] = {}
    for _ in range(rounds):
        began = time.perf_counter()
        figures = build_figures(now=timezone.now())
        times.append(time.perf_counter() - began)
    # One more round, phase by phase.
    now = timezone.now()
    window = m.release_window(timezone.localdate(now))
    version = m.version_for_figures(window.last_day)
    segments, _ = m.segment_defs(version)
    phases = {}
    for name, call in (
        ("decided_figures", lambda: m.decided_figures(window, segments)),
        ("received_figures", lambda: m.received_figures(window, segments)),
        ("open_by_age", lambda: m.open_by_age(now, m.age_bands(14), segments)),
        ("segment_outcomes", lambda: m.segment_outcomes(window, segments)),
    ):
        began = time.perf_counter()
        call()
        phases[name] = round(time.perf_counter() - began, 3)
    return {
        "submitted_cases": cases,
        "load_average_before": load,
        "build_seconds": [round(t, 3) for t in times],
        "build_median_seconds": round(statistics.median(times), 3),
        "phases_seconds": phases,
        "hidden_cells": figures["suppression"]["hidden_cells"],
        "rows": len(figures["rows"]),
    }


def publish() -> str:
    """Store the figures as this month's release (a correction when the month already has one)."""
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.metrics.models import StatisticsRelease
    from apps.metrics.services import release_publish

    month = timezone.localdate().replace(day=1)
    if not StatisticsRelease.objects.filter(month=month).exists():
        return str(release_publish())
    by = User.objects.order_by("pk").first()
    return str(release_publish(by=by, revision_note="Benchmark run: figures rebuilt."))


def client(port: int, count: int, start: threading.Barrier, out: list[float], errors: list[int]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    start.wait()
    for _ in range(count):
        began = time.perf_counter()
        try:
            conn.request("GET", PAGE, headers={"Accept-Language": "en"})
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            errors.append(1)
            conn.close()
            continue
        if response.status != 200:
            errors.append(response.status)
        out.append((time.perf_counter() - began) * 1000)
    conn.close()


def drive_with_ab(port: int, clients: int, requests: int) -> dict[str, Any]:
    """ApacheBench (``ab -k``, Debian's apache2-utils) as the load generator: one C process, so the
    client's own cost (parsing each 29 KB page) does not compete for the GIL with 20 Python threads."""
    import re
    import subprocess

    out = subprocess.run(
        ["ab", "-k", "-q", "-c", str(clients), "-n", str(requests), f"http://127.0.0.1:{port}{PAGE}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    served = dict(re.findall(r"^\s+(\d+)%\s+(\d+)", out, flags=re.M))
    failed = re.search(r"^Failed requests:\s+(\d+)", out, flags=re.M)
    non_2xx = re.search(r"^Non-2xx responses:\s+(\d+)", out, flags=re.M)
    rate = re.search(r"^Requests per second:\s+([\d.]+)", out, flags=re.M)
    return {
        "client": "ab",
        "errors": int(failed.group(1) if failed else 0) + int(non_2xx.group(1) if non_2xx else 0),
        "throughput_rps": float(rate.group(1)) if rate else None,
        "p50_ms": int(served["50"]),
        "p95_ms": int(served["95"]),
        "p99_ms": int(served["99"]),
        "max_ms": int(served["100"]),
    }


def serve(workers: int, clients: int, requests: int, use_ab: bool = False) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_CONN_MAX_AGE": "60",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
    }
    with tempfile.TemporaryDirectory() as logs, gunicorn(env, workers, Path(logs)) as (port, _log, _pid):
        warm: list[float] = []
        client(port, 20, threading.Barrier(1), warm, [])
        load = load_average()
        if use_ab:
            return {"workers": workers, "clients": clients, "requests": requests, "load_average_before": load,
                    **drive_with_ab(port, clients, requests)}  # fmt: skip
        latencies: list[float] = []
        errors: list[int] = []
        start = threading.Barrier(clients + 1)
        per = max(requests // clients, 1)
        threads = [
            threading.Thread(target=client, args=(port, per, start, latencies, errors), daemon=True)
            for _ in range(clients)
        ]
        for thread in threads:
            thread.start()
        began = time.perf_counter()
        start.wait()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "workers": workers,
        "clients": clients,
        "requests": len(ordered),
        "errors": len(errors),
        "load_average_before": load,
        "throughput_rps": round(len(ordered) / elapsed, 1),
        "p50_ms": round(percentile(ordered, 0.50), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "p99_ms": round(percentile(ordered, 0.99), 1),
        "max_ms": round(ordered[-1], 1) if ordered else None,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--ab", action="store_true", help="drive the page with ApacheBench (ab -k)")
    parser.add_argument("--page-only", action="store_true", help="skip the build (a release is stored)")
    args = parser.parse_args(argv)
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            sys.exit(f"{name} is not set: run through scripts/services.py --profile bench")
    result: dict[str, Any] = {}
    if not args.page_only:
        result["build"] = build(args.rounds)
        print(json.dumps(result["build"], indent=1))
        result["release"] = publish()
    result["page"] = serve(args.workers, args.clients, args.requests, use_ab=args.ab)
    print(json.dumps(result["page"], indent=1))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 1 if result["page"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
