"""The ministry queue at a million cases, side by side with Django's admin changelist, and the sweep.

    EMBEDDED_DATA_DIR=.data/bench1m .venv/bin/python scripts/services.py --profile bench -- \
        .venv/bin/python bench/ministry_queue.py [--requests 30] [--warmup 5] [--deep 50000] \
        [--fresh-sweeps 3] [--sweeps 5] [--max-load 1.5 --load-wait 600] [--proposed-index] \
        [--explain] [--json results.json]

Load the cases first with ``bench/generate_cases.py`` (same command, same data folder). Needs
DATABASE_URL and REDIS_URL (scripts/services.py starts embedded ones); refuses a database that is
not a bench one (see generate_cases.is_bench_database) unless ``--yes``.

In one process, on the same data (``config.settings.dev``, DEBUG off), through Django's test client
(``django.test.Client``: no HTTP and no network, one thread): what is measured is the server-side
time of a request, middleware, session, SQL and template rendering included. The test environment
is not installed, so templates are not instrumented and the client keeps no copy of each context.

- the queue (``ministry:queue``) as a reviewer signed in with a second factor (as allauth leaves a
  session after a TOTP code): the first page with the default filters; a deep page, after the
  cursor of the ``--deep``-th open case in queue order (its ``(due_at, id)`` read with SQL, the
  cursor made with ``apps.reviewers.queue.selectors.cursor_for``); a filtered page and two searches (a whole
  Korean name, a one-syllable family name), for information;
- the admin changelist of cases (``apps.cases.admin.CaseAdmin``) as a superuser, showing the same
  list: open cases (``?status__in=submitted,in_review,information_requested``, a plain field
  lookup the admin accepts) in due-date order (the admin's ``ordering``): page 1 and the page that
  holds the same rows as the queue's deep page (``?p=deep/25 + 1``: rows deep+1 .. deep+25), the
  same first page with Django's default ``show_full_result_count = True`` and, for information,
  the admin's search for the same Korean name;
- the same rows: the references each queue page shows must be the ones its admin counterpart shows
  (checked once, before timing);
- the selectors behind the queue page (``queue_page`` + ``queue_counts``), without the view;
- the reminder sweep (``apps.notifications.reminders.sweep()``, as beat runs it): ``--fresh-sweeps``
  first runs, each after every reminder was removed, so it records every reminder owed now (and
  enqueues their delivery tasks in the bench's Redis, purged at the end: no worker runs); then
  ``--sweeps`` later runs, which find everything recorded and record nothing new.

- with ``--proposed-index``: the queue's pages again with a covering partial index for its counts
  (``PROPOSED_INDEX``), built inside a transaction that is rolled back afterwards: the evidence
  for a proposed fix, leaving the schema as the migrations made it.

Each page: ``--warmup`` requests, then ``--requests`` timed requests, the scenarios interleaved
round by round so a change in the machine's speed hits all of them alike; then one more request
with ``CaptureQueriesContext`` for the query count and the time PostgreSQL reported for them.
Prints a table (p50, p95, max, queries, SQL ms) and the ratios the issue asks for, the 1-minute
load average before and after, and the table sizes. ``--explain`` prints ``EXPLAIN (ANALYZE,
BUFFERS)`` of every query slower than 5 ms in the captured requests.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import platform
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from harness import percentile  # noqa: E402

OPEN = ("submitted", "in_review", "information_requested")
REFERENCE = re.compile(r"KTP-[0-9A-Z]{4}-[0-9A-Z]{4}")
ADMIN_EMAIL = "bench-admin@bench.invalid"
REVIEWER_EMAIL = "bench-reviewer-01@bench.invalid"
TARGET_QUEUE_P95_MS = 100.0
TARGET_FIRST_RATIO = 10.0
TARGET_DEEP_RATIO = 100.0
TARGET_SWEEP_S = 2.0


@dataclass
class Scenario:
    name: str
    path: str
    who: str  # "reviewer" or "admin"
    group: str  # "queue", "admin", "info"
    times_ms: list[float] = field(default_factory=list)
    queries: int = 0
    sql_ms: float = 0.0
    status: int = 0
    bytes: int = 0
    references: list[str] = field(default_factory=list)
    slow_sql: list[str] = field(default_factory=list)

    def p(self, fraction: float) -> float:
        return percentile(sorted(self.times_ms), fraction)

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": self.path,
            "p50_ms": round(self.p(0.5), 2),
            "p95_ms": round(self.p(0.95), 2),
            "max_ms": round(max(self.times_ms), 2) if self.times_ms else None,
            "mean_ms": round(statistics.fmean(self.times_ms), 2) if self.times_ms else None,
            "queries": self.queries,
            "sql_ms": round(self.sql_ms, 2),
            "bytes": self.bytes,
            "rows": len(self.references),
        }


def setup_django() -> None:
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            sys.exit(f"{name} is not set: run through scripts/services.py --profile bench")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings

    # The sweep must not print thousands of e-mails to the console (dev's backend).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


# --------------------------------------------------------------------------------------------------
# People and clients


def signed_in_clients() -> dict[str, Any]:
    """A reviewer and a superuser, each signed in with a second factor (as tests/ministry.sign_in):
    the admin site asks for it too (apps.accounts.admin_site), so both sessions carry allauth's
    record of a TOTP code, as allauth leaves a session after one."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client

    from apps.accounts.models import User

    def with_second_factor(user: User) -> Client:
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, generate_totp_secret())
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        session = client.session
        now = time.time()
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": now, "email": user.email},
            {"method": "mfa", "at": now, "type": "totp"},
        ]
        session.save()
        return client

    reviewer = User.objects.get(email=REVIEWER_EMAIL)
    admin_user = User.objects.filter(email=ADMIN_EMAIL).first()
    if admin_user is None:
        admin_user = User.objects.create_superuser(ADMIN_EMAIL, None, full_name="Bench admin")
    return {
        "reviewer": with_second_factor(reviewer),
        "admin": with_second_factor(admin_user),
        "reviewer_id": reviewer.pk,
    }


# --------------------------------------------------------------------------------------------------
# The data


def data_facts(deep: int) -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_case")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT status, count(*) FROM cases_case GROUP BY 1 ORDER BY 2 DESC")
        by_status = dict(cursor.fetchall())
        cursor.execute(
            # The statuses as literals, as the ORM writes them: the partial index's predicate matches.
            "SELECT due_at, id FROM cases_case "
            "WHERE status IN ('submitted', 'in_review', 'information_requested') AND due_at IS NOT NULL "
            "ORDER BY due_at, id OFFSET %s LIMIT 1",
            [deep - 1],
        )
        row = cursor.fetchone()
        cursor.execute(
            "SELECT applicant_name FROM cases_case "
            "WHERE status IN ('submitted', 'in_review', 'information_requested') "
            "AND applicant_name ~ '^[가-힣]{3}$' ORDER BY due_at, id OFFSET 1000 LIMIT 1"
        )
        korean = cursor.fetchone()
        cursor.execute(
            "SELECT pg_size_pretty(pg_table_size('cases_case')), pg_size_pretty(pg_indexes_size('cases_case'))"
        )
        table_size, index_size = cursor.fetchone()
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    if row is None:
        sys.exit(f"fewer than {deep:,} open cases: load more with bench/generate_cases.py or lower --deep")
    return {
        "cases": total,
        "open": sum(by_status.get(s, 0) for s in OPEN),
        "by_status": by_status,
        "deep_due_at": row[0],
        "deep_id": row[1],
        "korean_name": korean[0] if korean else "김민준",
        "table_size": table_size,
        "index_size": index_size,
        "postgres": server,
        "shared_buffers": shared_buffers,
    }


# --------------------------------------------------------------------------------------------------
# Measuring


def scenarios(facts: dict[str, Any], deep: int) -> list[Scenario]:
    from urllib.parse import urlencode

    from django.urls import NoReverseMatch, reverse

    found: list[Scenario] = []
    try:
        queue = reverse("ministry:queue")
    except NoReverseMatch:
        print("ministry:queue is not there yet: the queue's pages are skipped (the selectors are measured)")
        queue = ""
    if queue:
        from apps.reviewers.queue.selectors import cursor_for

        after = cursor_for(facts["deep_due_at"], facts["deep_id"])
        name = facts["korean_name"]
        found += [
            Scenario("queue, first page", queue, "reviewer", "queue"),
            Scenario(
                f"queue, deep page (after open case {deep:,})",
                f"{queue}?{urlencode({'after': after})}",
                "reviewer",
                "queue",
            ),
            # The largest page a reviewer can choose: what each row costs to show.
            Scenario("queue, first page of 100", f"{queue}?size=100", "reviewer", "info"),
            Scenario(
                "queue, filtered (in review, quantitative, semiconductors)",
                f"{queue}?{urlencode({'status': 'in_review', 'track': 'quantitative', 'field': 'semiconductors'})}",
                "reviewer",
                "info",
            ),
            Scenario(
                f"queue, search a Korean name ({name})",
                f"{queue}?{urlencode({'q': name})}",
                "reviewer",
                "info",
            ),
            Scenario(
                f"queue, search a family name ({name[0]})",
                f"{queue}?{urlencode({'q': name[0]})}",
                "reviewer",
                "info",
            ),
        ]
    changelist = reverse("admin:cases_case_changelist")
    open_filter = "status__in=" + ",".join(OPEN)
    admin_page = deep // 25 + 1  # 1-based: rows deep+1 .. deep+25, the queue's page after the cursor
    found += [
        Scenario("admin, first page", f"{changelist}?{open_filter}", "admin", "admin"),
        Scenario(
            f"admin, deep page (p={admin_page:,})",
            f"{changelist}?{open_filter}&p={admin_page}",
            "admin",
            "admin",
        ),
        Scenario(
            "admin, first page, Django's default full count",
            f"{changelist}?{open_filter}",
            "admin",
            "admin-default",
        ),
        Scenario(
            f"admin, search a Korean name ({facts['korean_name']})",
            f"{changelist}?{open_filter}&{urlencode({'q': facts['korean_name']})}",
            "admin",
            "info",
        ),
    ]
    return found


@contextlib.contextmanager
def full_count(enabled: bool) -> Iterator[None]:
    """Django's default changelist (``show_full_result_count = True``) for the duration."""
    from django.contrib import admin

    from apps.cases.models import Case

    model_admin = admin.site.get_model_admin(Case)
    before = model_admin.show_full_result_count
    setattr(model_admin, "show_full_result_count", enabled or before)  # noqa: B010 (a class variable)
    try:
        yield
    finally:
        setattr(model_admin, "show_full_result_count", before)  # noqa: B010


def fetch(clients: dict[str, Any], scenario: Scenario) -> tuple[float, Any]:
    with full_count(scenario.group == "admin-default"):
        started = time.perf_counter()
        response = clients[scenario.who].get(scenario.path)
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{scenario.path}: HTTP {response.status_code} {response.get('Location', '')}")
    return elapsed, response


def inspect(clients: dict[str, Any], scenario: Scenario, explain: bool) -> None:
    """One request with its SQL captured: query count, the time PostgreSQL took, the rows shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        _elapsed, response = fetch(clients, scenario)
    scenario.queries = len(captured.captured_queries)
    scenario.sql_ms = sum(float(q["time"]) for q in captured.captured_queries) * 1000
    scenario.status = response.status_code
    scenario.bytes = len(response.content)
    html = response.content.decode()
    table = html.split("<tbody", 1)[1] if "<tbody" in html else html
    scenario.references = list(dict.fromkeys(REFERENCE.findall(table)))
    if explain:
        scenario.slow_sql = [q["sql"] for q in captured.captured_queries if float(q["time"]) * 1000 >= 5]


# Proposed (not in the schema): case_open_due_idx as migration cases/0004 made it, plus ``field``, so
# the counts and pages filtered by field stay index-only scans too (0004 leaves them reading rows).
PROPOSED_INDEX = (
    "CREATE INDEX bench_proposed_open_queue_idx ON cases_case (due_at, id) "
    "INCLUDE (status, track, field, sme_claimed, assigned_to_id, paused_at) "
    "WHERE status IN ('submitted', 'in_review', 'information_requested')"
)


def measure_with_proposed_index(
    clients: dict[str, Any], found: list[Scenario], *, warmup: int, requests: int
) -> list[Scenario]:
    """The queue's pages again, with PROPOSED_INDEX built inside a transaction that is rolled back.

    The test client runs the views on this thread's connection, so they see the uncommitted index;
    nothing of it is left afterwards.
    """
    from django.db import connection, transaction

    proposed = [
        Scenario(f"{s.name}, with the proposed index", s.path, s.who, "proposed")
        for s in found
        if s.group in ("queue", "info") and s.who == "reviewer"
    ]
    with transaction.atomic():
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(PROPOSED_INDEX)
            cursor.execute("ANALYZE cases_case")
            print(f"proposed index built (uncommitted) in {time.perf_counter() - started:.1f}s")
        measure(clients, proposed, warmup=warmup, requests=requests)
        for scenario in proposed:
            inspect(clients, scenario, explain=False)
        transaction.set_rollback(True)
    return proposed


def measure(clients: dict[str, Any], found: list[Scenario], *, warmup: int, requests: int) -> None:
    for _ in range(warmup):
        for scenario in found:
            fetch(clients, scenario)
    for round_ in range(requests):
        for scenario in found:
            scenario.times_ms.append(fetch(clients, scenario)[0])
        if round_ % 10 == 9:
            print(f"  round {round_ + 1}/{requests}", flush=True)


def measure_selectors(reviewer_id: int, facts: dict[str, Any], requests: int) -> dict[str, Any]:
    """The queue's two reads without the view: the page and the counts (one query per source: open
    cases, reviews of rejections; decision 57)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.reviewers.queue import selectors as queue

    results: dict[str, Any] = {}
    after = queue.Cursor(facts["deep_due_at"], facts["deep_id"])
    calls: dict[str, Callable[[], object]] = {
        "queue_page, first": lambda: queue.queue_page(
            queue.QueueFilters(), user_id=reviewer_id, now=timezone.now()
        ),
        "queue_page, deep": lambda: queue.queue_page(
            queue.QueueFilters(), user_id=reviewer_id, now=timezone.now(), after=after
        ),
        "queue_counts": lambda: queue.queue_counts(
            queue.QueueFilters(), user_id=reviewer_id, now=timezone.now()
        ),
    }
    for name, call in calls.items():
        try:
            call()
        except Exception as exc:
            print(f"left out: {name}: {type(exc).__name__}: {exc}")
            continue
        for _ in range(3):
            call()
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            call()
        times.sort()
        results[name] = {
            "p50_ms": round(percentile(times, 0.5), 2),
            "p95_ms": round(percentile(times, 0.95), 2),
            "queries": len(captured.captured_queries),
        }
    return results


def measure_sweep(fresh: int, later: int) -> list[dict[str, Any]]:
    """``fresh`` first runs, each on a table without reminders (all of them removed first), then
    ``later`` runs that find everything already recorded. Every run is a real ``sweep()``: its
    INSERTs commit and its delivery tasks go to the bench's Redis (purged at the end: no worker)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    try:
        from apps.notifications import reminders
    except ImportError:
        print("apps.notifications.reminders is not there yet: the sweep is skipped")
        return []
    from apps.notifications.models import Reminder

    results = []
    for n in range(fresh + later):
        first = n < fresh
        if first:
            removed = Reminder.objects.all().delete()[0]
            print(f"  {removed:,} reminders removed: the next sweep starts from none")
        before = Reminder.objects.count()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            outcome = reminders.sweep()
            elapsed = time.perf_counter() - started
        created = Reminder.objects.count() - before
        results.append(
            {
                "run": "first" if first else "later",
                "seconds": round(elapsed, 3),
                "queries": len(captured.captured_queries),
                "reminders_created": created,
                "returned": outcome if isinstance(outcome, (dict, int, list, str)) else repr(outcome),
            }
        )
        print(
            f"  sweep ({'first' if first else 'later'}): {elapsed:.3f}s, {created:,} new reminders, "
            f"{len(captured.captured_queries)} queries, returned {outcome}"
        )
    with contextlib.suppress(Exception):
        from config.celery import app

        print(f"  {app.control.purge()} delivery tasks purged from the bench broker (no worker runs)")
    return results


def wait_for_quiet(max_load: float, patience: float) -> float:
    """Wait up to ``patience`` seconds for the 1-minute load average to fall below ``max_load``."""
    began = time.monotonic()
    load = os.getloadavg()[0]
    while load > max_load and time.monotonic() - began < patience:
        print(f"  load average {load:.2f} > {max_load}: waiting", flush=True)
        time.sleep(15)
        load = os.getloadavg()[0]
    return time.monotonic() - began


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


# --------------------------------------------------------------------------------------------------
# Reporting


def ratio(slow: Scenario | None, fast: Scenario | None, fraction: float) -> float | None:
    if not slow or not fast or not slow.times_ms or not fast.times_ms:
        return None
    return slow.p(fraction) / fast.p(fraction)


def report(found: list[Scenario], facts: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    print()
    print("| scenario | p50 ms | p95 ms | max ms | queries | SQL ms (one request) | rows |")
    print("|---|---|---|---|---|---|---|")
    for s in found:
        d = s.summary()
        print(
            f"| {s.name} | {d['p50_ms']:.1f} | {d['p95_ms']:.1f} | {d['max_ms']:.1f} | {s.queries} | "
            f"{s.sql_ms:.1f} | {len(s.references)} |"
        )
    by_group = {
        (s.group, "deep" in s.name): s for s in found if s.group in ("queue", "admin", "admin-default")
    }
    queue_first, queue_deep = by_group.get(("queue", False)), by_group.get(("queue", True))
    admin_first, admin_deep = by_group.get(("admin", False)), by_group.get(("admin", True))
    default_first = by_group.get(("admin-default", False))
    verdict: dict[str, Any] = {}
    if queue_first and queue_deep:
        worst = max(queue_first.p(0.95), queue_deep.p(0.95))
        verdict["queue_p95_ms"] = round(worst, 2)
        verdict["queue_p95_met"] = worst <= TARGET_QUEUE_P95_MS
    for label, slow, fast, target in (
        ("first_page", admin_first, queue_first, TARGET_FIRST_RATIO),
        ("deep_page", admin_deep, queue_deep, TARGET_DEEP_RATIO),
        ("first_page_vs_default_admin", default_first, queue_first, TARGET_FIRST_RATIO),
    ):
        p50, p95 = ratio(slow, fast, 0.5), ratio(slow, fast, 0.95)
        if p50 is not None and p95 is not None:
            verdict[f"{label}_ratio_p50"] = round(p50, 1)
            verdict[f"{label}_ratio_p95"] = round(p95, 1)
            verdict[f"{label}_target"] = target
    pages = [s for s in found if s.group == "proposed" and s.name.startswith(("queue, first", "queue, deep"))]
    if len(pages) == 2:
        first, deep = sorted(pages, key=lambda s: "deep" in s.name)
        verdict["proposed_index_queue_p95_ms"] = round(max(first.p(0.95), deep.p(0.95)), 2)
        for label, slow, fast in (("first_page", admin_first, first), ("deep_page", admin_deep, deep)):
            p50 = ratio(slow, fast, 0.5)
            if p50 is not None:
                verdict[f"proposed_index_{label}_ratio_p50"] = round(p50, 1)
    sweeps = extra.get("sweeps") or []
    for kind in ("first", "later"):
        times = sorted(s["seconds"] for s in sweeps if s["run"] == kind)
        if times:
            verdict[f"sweep_{kind}_s_p50"] = round(statistics.median(times), 3)
            verdict[f"sweep_{kind}_s_max"] = times[-1]
    if sweeps:
        verdict["sweep_met"] = all(s["seconds"] <= TARGET_SWEEP_S for s in sweeps)
    print()
    for key, value in verdict.items():
        print(f"{key}: {value}")
    return verdict


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--deep", type=int, default=50_000, help="the deep page starts after this open case")
    parser.add_argument("--fresh-sweeps", type=int, default=3, help="sweeps that start from no reminders")
    parser.add_argument("--sweeps", type=int, default=5, help="sweeps after those, finding nothing new")
    parser.add_argument("--max-load", type=float, default=1.5, help="wait for a quieter machine first")
    parser.add_argument("--load-wait", type=float, default=0, help="seconds to wait for it (0: do not)")
    parser.add_argument(
        "--proposed-index",
        action="store_true",
        help="also time the queue with a covering index for its counts (built and rolled back)",
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slow queries")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--yes", action="store_true", help="run on a database not named for benches")
    args = parser.parse_args(argv)
    setup_django()

    from django.conf import settings
    from django.core.management import call_command
    from generate_cases import is_bench_database

    if not (args.yes or is_bench_database(settings.DATABASES["default"])):
        print("not a bench database (see bench/generate_cases.py); --yes to run anyway", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    if args.load_wait:
        waited = wait_for_quiet(args.max_load, args.load_wait)
        print(f"waited {waited:.0f}s for the load average (now {os.getloadavg()[0]:.2f})")
    load_before = os.getloadavg()
    facts = data_facts(args.deep)
    print(
        f"{facts['cases']:,} cases, {facts['open']:,} open; case table {facts['table_size']} + indexes "
        f"{facts['index_size']}; PostgreSQL {facts['postgres']}, shared_buffers {facts['shared_buffers']}; "
        f"load average {load_before[0]:.2f} on {os.cpu_count()} CPUs"
    )
    clients = signed_in_clients()
    found = scenarios(facts, args.deep)
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # a failing page: one line below
    for scenario in list(found):
        try:
            inspect(clients, scenario, args.explain)
        except Exception as exc:  # a page that fails is reported and left out; the others still run
            print(f"left out: {scenario.name}: {type(exc).__name__}: {exc}")
            found.remove(scenario)
    pairs = [
        (q, a)
        for q in found
        for a in found
        if q.group == "queue" and a.group == "admin" and ("deep" in q.name) == ("deep" in a.name)
    ]
    for q, a in pairs:
        same = q.references == a.references
        print(
            f"same rows: {q.name} / {a.name}: {'yes' if same else 'NO'} ({len(q.references)} / {len(a.references)})"
        )
        if not same:
            print(f"  queue: {q.references[:5]}...\n  admin: {a.references[:5]}...")
    print(
        f"timing {len(found)} pages: {args.warmup} warm-up + {args.requests} timed requests each, interleaved"
    )
    measure(clients, found, warmup=args.warmup, requests=args.requests)
    for scenario in found:  # again, warm: the query count and SQL time reported are of a warm request
        inspect(clients, scenario, args.explain)
    extra: dict[str, Any] = {}
    with contextlib.suppress(ImportError):
        extra["selectors"] = measure_selectors(clients["reviewer_id"], facts, args.requests)
        for name, result in extra["selectors"].items():
            print(
                f"  {name}: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, {result['queries']} query"
            )
    if args.proposed_index:
        found += measure_with_proposed_index(clients, found, warmup=args.warmup, requests=args.requests)
    if args.fresh_sweeps or args.sweeps:
        print(f"the reminder sweep: {args.fresh_sweeps} first runs, then {args.sweeps} later runs")
        extra["sweeps"] = measure_sweep(args.fresh_sweeps, args.sweeps)
    load_after = os.getloadavg()
    verdict = report(found, facts, extra)
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    if args.explain:
        for scenario in found:
            for sql in scenario.slow_sql:
                print(f"\n--- {scenario.name}\n{sql}\n{explain(sql)}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                    "load_before": load_before,
                    "load_after": load_after,
                    "facts": {k: str(v) if isinstance(v, dt.datetime) else v for k, v in facts.items()},
                    "scenarios": [asdict(s) | s.summary() for s in found],
                    **extra,
                    "verdict": verdict,
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
