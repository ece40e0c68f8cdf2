"""Load test of ``POST /api/v1/self-assessment`` through gunicorn: p95 <= 50 ms at 20 concurrent clients.

    python scripts/services.py --profile bench -- python bench/api_load.py \
        [--workers 2,3,4] [--clients 20] [--requests 500] [--time-cap 120] [--target-p95-ms 50]

Needs DATABASE_URL and REDIS_URL (scripts/services.py provides embedded servers). Migrates the
database and loads the demo reference lists, then for each gunicorn worker count: starts
``gunicorn config.wsgi`` on a free 127.0.0.1 port (``config.settings.dev`` with DEBUG off,
persistent database connections), waits for /healthz, warms up, and drives it with closed-loop
clients (threads, one ``http.client`` connection each) posting varied, realistic profiles: a
bounded number of requests per client, stopped early at the time cap. Prints p50/p95/p99/max
latency, throughput and errors per worker count, the SQL queries one request makes, and the best
worker count; ``--json FILE`` also writes the numbers. Exits 1 when any request failed.

The endpoint is rate-limited per client address (120/min). Real load comes from many people, so each
request carries its own X-Forwarded-For address (as a proxy would add it): the limiter's Redis round
trip is measured, its refusals are not. A 429 is counted as an error.

Everything listens on 127.0.0.1 only; gunicorn is stopped (SIGTERM to the process this script
started) before the next worker count and on exit.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import cpu_seconds, gunicorn, percentile

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PATH = "/api/v1/self-assessment"

DEGREES = ("none", "bachelor", "master", "master", "doctorate", "doctorate")
FIELDS = (
    "semiconductors",
    "ai",
    "aerospace",
    "quantum",
    "robotics",
    "defence",
    "biotechnology",
    "secondary_batteries",
    "advanced_mobility",
    "other",
    "other",
)
PROGRAMMES = (None,) * 8 + ("MOHW", "KASA")
# Names from apps/demo/fixtures/schools.csv (loaded by load_demo), English and Korean.
SCHOOLS = ("Massachusetts Institute of Technology", "ETH Zurich", "칭화대학교", "Stanford University")


# --------------------------------------------------------------------------------------------------
# Profiles


def make_profile(rng: random.Random) -> dict[str, Any]:
    """One plausible applicant: a spread of degrees, ranks, salaries and optional answers."""
    profile: dict[str, Any] = {
        "degree_level": rng.choice(DEGREES),
        "experience_years": round(rng.uniform(0, 25), rng.choice((0, 1, 2))),
        "offered_salary_krw": rng.randrange(30_000_000, 300_000_000, 500_000),
        "field": rng.choice(FIELDS),
    }
    where = rng.random()
    if where < 0.15:
        profile["institution"] = rng.choice(SCHOOLS)
    elif where < 0.85:
        profile["institution_rank"] = rng.randint(1, 400)
    if rng.random() < 0.7:  # the rest of the form filled in
        profile.update(
            fortune_global_500_years=rng.choice((0, 0, 1, 2, 3, 5.5)),
            publications_and_patents=rng.choice((0, 1, 3, 6, 12, 40)),
            led_project_years=rng.choice((0, 0, 1.5, 3, 7)),
            international_award=rng.random() < 0.1,
            sponsor_is_sme=rng.random() < 0.4,
            core_technology_role=rng.randint(0, 5),
            hard_to_fill=rng.random() < 0.3,
            transfer_plan=rng.randint(0, 5),
            government_programme=rng.choice(PROGRAMMES),
        )
    if rng.random() < 0.1:
        profile["rubric_version"] = rng.choice(("2025-03", "2026-07"))
    return profile


def make_bodies(count: int, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    return [json.dumps(make_profile(rng)).encode() for _ in range(count)]


# --------------------------------------------------------------------------------------------------
# The server


def server_env() -> dict[str, str]:
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            sys.exit(f"{name} is not set: run through scripts/services.py --profile bench")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_CONN_MAX_AGE": "60",
        # As behind one reverse proxy: the client address comes from X-Forwarded-For, so the many
        # simulated clients each have their own rate limit (as real users would).
        "DJANGO_NUM_PROXIES": "1",
        "GUNICORN_ACCESS_LOG": "",  # measure the app, not the access log
        "LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def server_cpu_seconds(master: int) -> float:
    """CPU time of gunicorn's master and its workers so far."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        children = []
    return cpu_seconds(master) + sum(cpu_seconds(int(pid)) for pid in children)


# --------------------------------------------------------------------------------------------------
# The clients


@dataclass
class ClientResult:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # exceptions, by type


def run_client(
    index: int,
    port: int,
    bodies: list[bytes],
    count: int,
    start: threading.Barrier,
    deadline: list[float],
    result: ClientResult,
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    rng = random.Random(index)
    start.wait()
    for number in range(count):
        if time.monotonic() > deadline[0]:
            break
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            # A distinct address per request: many people, not one client over its rate limit.
            "X-Forwarded-For": f"10.{index}.{number // 256 % 256}.{number % 256}",
        }
        body = bodies[rng.randrange(len(bodies))]
        began = time.perf_counter()
        try:
            conn.request("POST", PATH, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as exc:
            result.failures[type(exc).__name__] += 1
            conn.close()  # reconnects on the next request
            continue
        result.latencies_ms.append((time.perf_counter() - began) * 1000)
        result.statuses[response.status] += 1
    conn.close()


@dataclass
class LoadResult:
    workers: int
    clients: int
    requests: int
    errors: int
    statuses: dict[str, int]
    seconds: float
    throughput_rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    stopped_by_time_cap: bool
    load_average_before: float  # 1-minute load average: other work on the machine skews the numbers
    server_cpu_ms_per_request: float  # gunicorn master + workers
    client_cpu_ms_per_request: float  # this load generator


def drive(
    port: int, bodies: list[bytes], clients: int, per_client: int, time_cap: float
) -> tuple[list[ClientResult], float, bool]:
    results = [ClientResult() for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    deadline = [float("inf")]
    threads = [
        threading.Thread(
            target=run_client, args=(i, port, bodies, per_client, start, deadline, results[i]), daemon=True
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + time_cap
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    capped = time.monotonic() > deadline[0]
    return results, elapsed, capped


def summarise(
    workers: int,
    load_before: float,
    cpu: tuple[float, float],
    results: list[ClientResult],
    elapsed: float,
    capped: bool,
) -> LoadResult:
    latencies = sorted(ms for r in results for ms in r.latencies_ms)
    statuses: Counter[int] = Counter()
    failures = 0
    for r in results:
        statuses.update(r.statuses)
        failures += sum(r.failures.values())
    done = len(latencies)
    errors = failures + sum(n for status, n in statuses.items() if status != 200)
    return LoadResult(
        workers=workers,
        clients=len(results),
        requests=done,
        errors=errors,
        statuses={str(k): v for k, v in sorted(statuses.items())},
        seconds=round(elapsed, 2),
        throughput_rps=round(done / elapsed, 1) if elapsed else 0.0,
        p50_ms=round(percentile(latencies, 0.50), 1),
        p95_ms=round(percentile(latencies, 0.95), 1),
        p99_ms=round(percentile(latencies, 0.99), 1),
        max_ms=round(latencies[-1], 1) if latencies else float("nan"),
        mean_ms=round(statistics.fmean(latencies), 1) if latencies else float("nan"),
        stopped_by_time_cap=capped,
        load_average_before=round(load_before, 2),
        server_cpu_ms_per_request=round(cpu[0] * 1000 / done, 2) if done else 0.0,
        client_cpu_ms_per_request=round(cpu[1] * 1000 / done, 2) if done else 0.0,
    )


def check_response(port: int, body: bytes, log_path: Path) -> None:
    """One request before measuring: a wrong setup should fail loudly, not as 10,000 errors."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", PATH, body=body, headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    if response.status != 200 or b'"tracks"' not in payload:
        sys.exit(
            f"POST {PATH} answered {response.status}: {payload[:300]!r}\n"
            f"gunicorn log:\n{log_path.read_text(errors='replace')[-4000:]}"
        )


# --------------------------------------------------------------------------------------------------
# Where the time goes: queries per request, and an in-process profile (no HTTP)


def inspect_request(requests: int) -> dict[str, Any]:
    """Run inside Django (``--inspect``): SQL per request and the time of the view without HTTP."""
    import cProfile
    import io
    import pstats

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import connection
    from django.test import Client

    from apps.applicants.api.serializers import clear_scorer_cache

    client = Client(HTTP_HOST="127.0.0.1", HTTP_X_FORWARDED_FOR="10.255.0.1")
    bodies = make_bodies(200, seed=7)
    typical = json.dumps(
        {
            "degree_level": "doctorate",
            "institution_rank": 26,
            "experience_years": 10,
            "offered_salary_krw": 150_000_000,
            "field": "ai",
            "government_programme": "KASA",
        }
    )

    def post(body: str | bytes, number: int) -> int:
        response = client.post(
            PATH,
            data=body,
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.254.{number // 256 % 256}.{number % 256}",
        )
        return response.status_code

    def queries_of(body: str) -> tuple[int, list[str]]:
        sql: list[str] = []

        def record(execute: Any, statement: str, params: Any, many: bool, context: Any) -> Any:
            sql.append(" ".join(statement.split())[:150])
            return execute(statement, params, many, context)

        with connection.execute_wrapper(record):
            status = post(body, 1)
        if status != 200:
            sys.exit(f"POST {PATH} answered {status} in-process")
        return status, sql

    post(typical, 0)  # open the connections
    clear_scorer_cache()
    _, cold = queries_of(typical)  # the first request of a process (or after the memo expires)
    _, warm = queries_of(typical)
    began = time.perf_counter()
    for number in range(requests):
        post(bodies[number % len(bodies)], number)
    per_request_ms = (time.perf_counter() - began) * 1000 / requests
    profiler = cProfile.Profile()
    profiler.enable()
    for number in range(requests):
        post(bodies[number % len(bodies)], number)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(35)
    return {
        "queries_cold": len(cold),
        "queries": len(warm),
        "sql_cold": cold,
        "sql": warm,
        "in_process_ms_per_request": round(per_request_ms, 2),
        "profile": text.getvalue(),
    }


def run_inspect(env: dict[str, str], requests: int) -> dict[str, Any]:
    completed = subprocess.run(
        [PYTHON, str(Path(__file__).resolve()), "--inspect", str(requests)],
        env=env,
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if completed.returncode != 0:
        sys.exit(f"the in-process inspection failed:\n{completed.stdout[-2000:]}{completed.stderr[-4000:]}")
    return dict(json.loads(completed.stdout))


# --------------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", default="2,3,4", help="gunicorn worker counts to try, comma-separated")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=500, help="requests per client")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up requests per client")
    parser.add_argument("--time-cap", type=float, default=120.0, help="seconds per measured run")
    parser.add_argument("--target-p95-ms", type=float, default=50.0)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--profile-requests", type=int, default=300, help="requests for the in-process profile"
    )
    parser.add_argument("--show-profile", action="store_true", help="print the cProfile table")
    parser.add_argument("--inspect", type=int, help=argparse.SUPPRESS)  # internal: run inside Django
    return parser.parse_args(argv)


def print_row(result: LoadResult) -> None:
    print(
        f"  workers={result.workers}  requests={result.requests}  errors={result.errors}  "
        f"{result.throughput_rps:7.1f} req/s  p50 {result.p50_ms:6.1f} ms  p95 {result.p95_ms:6.1f} ms  "
        f"p99 {result.p99_ms:6.1f} ms  max {result.max_ms:6.1f} ms  CPU/request: server "
        f"{result.server_cpu_ms_per_request} ms, client {result.client_cpu_ms_per_request} ms  "
        f"(load avg {result.load_average_before})"
        + ("  (time cap reached)" if result.stopped_by_time_cap else ""),
        flush=True,
    )


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.inspect is not None:
        print(json.dumps(inspect_request(args.inspect)))
        return 0
    env = server_env()
    worker_counts = [int(n) for n in args.workers.split(",") if n.strip()]
    print(
        f"setup: migrate, load_demo ({platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs)",
        flush=True,
    )
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    bodies = make_bodies(500, args.seed)
    inspection = run_inspect(env, args.profile_requests)
    print(
        f"one request: {inspection['queries']} SQL queries ({inspection['queries_cold']} when the process's "
        f"scorer memo is cold); {inspection['in_process_ms_per_request']} ms in-process "
        "(Django test client, no HTTP, one thread)",
        flush=True,
    )
    for sql in inspection["sql_cold"]:
        print(f"    cold: {sql}")
    for sql in inspection["sql"]:
        print(f"    warm: {sql}")
    if args.show_profile:
        print(inspection["profile"])

    print(
        f"load: {args.clients} concurrent clients x {args.requests} requests (cap {args.time_cap:.0f} s), "
        f"{args.warmup} warm-up requests each, POST {PATH}",
        flush=True,
    )
    results: list[LoadResult] = []
    with tempfile.TemporaryDirectory(prefix="ktp-bench-") as log_dir:
        for workers in worker_counts:
            with gunicorn(env, workers, Path(log_dir)) as (port, log_path, pid):
                check_response(port, bodies[0], log_path)
                drive(port, bodies, args.clients, args.warmup, args.time_cap)
                load_before = os.getloadavg()[0]
                server_before, client_before = server_cpu_seconds(pid), time.process_time()
                outcome = drive(port, bodies, args.clients, args.requests, args.time_cap)
                cpu = (server_cpu_seconds(pid) - server_before, time.process_time() - client_before)
                result = summarise(workers, load_before, cpu, *outcome)
            results.append(result)
            print_row(result)

    best = min(results, key=lambda r: (r.errors > 0, r.p95_ms))
    met = best.p95_ms <= args.target_p95_ms
    print(
        f"best: gunicorn --workers {best.workers}: p95 {best.p95_ms} ms "
        f"({'meets' if met else 'misses'} the {args.target_p95_ms:.0f} ms target), "
        f"{best.throughput_rps} req/s, {best.errors} errors",
        flush=True,
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "target_p95_ms": args.target_p95_ms,
                    "cpus": os.cpu_count(),
                    "queries_per_request": inspection["queries"],
                    "in_process_ms_per_request": inspection["in_process_ms_per_request"],
                    "results": [asdict(r) for r in results],
                    "best_workers": best.workers,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
