"""Submission under load: a 2 MB evidence upload plus the final submit, p95 at 20 concurrent clients.

    EMBEDDED_DATA_DIR=.data/bench-sub python scripts/services.py --profile bench -- \
        python bench/submission_load.py [--clients 20] [--rounds 5] [--workers 2,3] [--json FILE]

Needs DATABASE_URL and REDIS_URL (scripts/services.py provides embedded servers). With Django loaded
in this process (``config.settings.dev``, DEBUG off, ``MEDIA_ROOT`` in a temporary folder that is
removed at the end): migrates, loads the demo reference lists, and creates one applicant per client
(bulk: user with a verified e-mail address, profile, a degree, a job) with ``rounds`` draft
quantitative cases per worker count, each complete except its salary evidence (``case_start`` and
``document_add`` with tiny PDFs). Setup is not measured.

Then, in this process, one applicant's upload and submit go through Django's test client (no HTTP)
with the upload's and the submit's work timed by phase (multipart parsing, magic, sha256, storage
write, SQL, rubric parsing, the enqueue), and their SQL listed.

For each gunicorn worker count: waits (a while) for the 1-minute load average to fall below
``--max-load``, starts one real Celery worker (``celery -A config worker --concurrency=1``) and
``gunicorn config.wsgi`` on a free 127.0.0.1 port, makes checked warm-up submissions (``--warmup``
per gunicorn worker, as many at a time as there are workers), then runs closed-loop client threads
(one ``http.client`` connection and cookie jar each). Each client logs in through the allauth form
once (GET for the CSRF token, POST e-mail and password; timed separately, before the measurement)
and then, for each of its cases, measures one submission: the multipart POST of a 2 MiB PDF to
the document upload endpoint and the confirmation step's POST (``confirm=on``) to the submit
endpoint. Both must answer 302 to the page a browser would go to next; that page is not fetched.
The ``messages`` cookie the redirects set is dropped, as the page the browser would show next
consumes it.

Afterwards the database must say SUBMITTED with one salary evidence for every case attempted, and
the worker gets up to ``--score-timeout`` seconds to finish scoring: reported are how many cases
were scored when the last client finished, and how long after that the last one was. Prints
p50/p95/p99/max of the upload, the submit and the two together, throughput, errors, the load average
and the machine's CPU use; ``--json FILE`` also writes everything. Exits 1 when a request failed or
a case did not end SUBMITTED.

Everything listens on 127.0.0.1 only. gunicorn and the Celery worker are stopped (SIGTERM to the
processes this script started) after each worker count and on errors.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import inspect
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import cpu_seconds, gunicorn, percentile, stop

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-submission-2026"  # noqa: S105 - throwaway accounts in the bench database
EMAIL_DOMAIN = "submission-bench.invalid"
TRACK = "quantitative"
UPLOAD_KIND = "salary_evidence"  # the one document each draft still lacks
PRESENT_KINDS = ("passport", "cv", "degree_certificate", "employment_certificate")
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIELDS = ("ai", "semiconductors", "robotics", "aerospace", "biotechnology", "other")
NATIONALITIES = ("Canadian", "Indian", "German", "Vietnamese", "Brazilian", "Kenyan")


# --------------------------------------------------------------------------------------------------
# Files and forms


def make_pdf(size: int, seed: int) -> bytes:
    """A PDF of exactly ``size`` bytes: a real header (libmagic says application/pdf), one stream of
    incompressible bytes (like a scan), a trailer."""
    rng = random.Random(seed)
    head = (
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /XObject /Subtype /Image /Filter /DCTDecode /Length "
    )
    tail = b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    for digits in range(1, 12):  # the /Length value's own digits count towards the size
        length = size - len(head) - digits - len(b" >>\nstream\n") - len(tail)
        if length >= 0 and len(str(length)) == digits:
            return head + str(length).encode() + b" >>\nstream\n" + rng.randbytes(length) + tail
    raise ValueError(f"{size} bytes are too few for a PDF")


def multipart_body(
    fields: dict[str, str], file_field: str, filename: str, content: bytes
) -> tuple[bytes, str]:
    """multipart/form-data as a browser sends it: the form's fields, then the file."""
    boundary = f"----KtpBenchBoundary{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
    )
    parts.extend((content, f"\r\n--{boundary}--\r\n".encode()))
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload_path(reference: str) -> str:
    return f"/apply/{reference}/documents/{UPLOAD_KIND}/upload/"


def submit_path(reference: str) -> str:
    return f"/apply/{reference}/submit/"


def upload_next(reference: str) -> str:
    return f"/apply/{reference}/documents/#doc-{UPLOAD_KIND}"


def submit_next(reference: str) -> str:
    return f"/apply/{reference}/status/"


# --------------------------------------------------------------------------------------------------
# Setup: Django in this process, applicants with almost complete drafts


def setup_django(media_root: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["MEDIA_ROOT"] = str(media_root)
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def prepare_database() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)


@dataclass
class Applicant:
    email: str
    user_id: int
    cases: list[tuple[int, str]]  # (pk, reference) of its drafts, in the order they are used


def create_applicants(count: int, cases_each: int, tag: str, seed: int) -> list[Applicant]:
    """Users, verified addresses, profiles, a degree and a job each in bulk; the drafts through
    ``case_start`` and the four other documents through ``document_add``."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from apps.accounts.models import User
    from apps.accounts.roles import Role
    from apps.applicants.models import ApplicantProfile, Education, Employment
    from apps.applicants.services import profile_answers
    from apps.cases.services import case_start, document_add

    rng = random.Random(seed)
    hashed = make_password(PASSWORD)  # one hash for all: setting 1,000 passwords would take minutes
    users = User.objects.bulk_create(
        [
            User(email=f"sub-{tag}-{i:04d}@{EMAIL_DOMAIN}", full_name=f"Bench Applicant {i}", password=hashed)
            for i in range(count)
        ]
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
    )
    group, _ = Group.objects.get_or_create(name=Role.APPLICANT.value)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=group.pk) for u in users]
    )
    profiles = ApplicantProfile.objects.bulk_create(
        [
            ApplicantProfile(
                user=u,
                full_name=u.full_name,
                nationality=rng.choice(NATIONALITIES),
                field=rng.choice(FIELDS),
                offered_salary_krw=rng.randrange(60_000_000, 200_000_000, 1_000_000),
                publications_and_patents=rng.randint(0, 12),
            )
            for u in users
        ]
    )
    Education.objects.bulk_create(
        [
            Education(
                profile=p,
                degree_level=rng.choice(("master", "doctorate")),
                institution_rank=rng.choice((None, 12, 58, 150)),  # a stated rank, no listed name
                field_of_study="Engineering",
                year=rng.randint(2005, 2020),
            )
            for p in profiles
        ]
    )
    Employment.objects.bulk_create(
        [
            Employment(profile=p, employer=f"Employer {p.pk}", years=rng.randint(3, 15), relevant=True)
            for p in profiles
        ]
    )
    applicants: list[Applicant] = []
    for user, profile in zip(users, profiles, strict=True):
        answers = profile_answers(profile)  # what the wizard would have synced into the draft
        drafts: list[tuple[int, str]] = []
        with transaction.atomic():
            for _ in range(cases_each):
                case = case_start(applicant=user, answers=answers, track=TRACK)
                for kind in PRESENT_KINDS:
                    upload = SimpleUploadedFile(f"{kind}.pdf", TINY_PDF, content_type="application/pdf")
                    document_add(case=case, by=user, kind=kind, upload=upload)
                drafts.append((case.pk, case.reference))
        applicants.append(Applicant(email=user.email, user_id=user.pk, cases=drafts))
    return applicants


# --------------------------------------------------------------------------------------------------
# Where the time goes: one request at a time in this process (Django's test client, no HTTP)


class PhaseTimer:
    """Wall time and calls of chosen functions, patched in this process only (phases may nest)."""

    def __init__(self) -> None:
        self.ms: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()
        self._restore: list[tuple[Any, str, Any]] = []

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = inspect.getattr_static(owner, name)  # a class's own function, even if inherited
        own = name in vars(owner)

        def timed(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.ms[label] += (time.perf_counter() - began) * 1000
                self.calls[label] += 1

        setattr(owner, name, timed)
        self._restore.append((owner, name, original if own else None))

    def restore(self) -> None:
        for owner, name, original in reversed(self._restore):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self._restore.clear()

    def take(self) -> tuple[dict[str, float], dict[str, int]]:
        ms, calls = dict(self.ms), dict(self.calls)
        self.ms.clear()
        self.calls.clear()
        return ms, calls


def inspect_in_process(applicant: Applicant, pdf: bytes, show_profile: bool) -> dict[str, Any]:
    """SQL and phases of one upload and one submit (the first of the process, then warm ones)."""
    import cProfile
    import io
    import pstats

    from celery import Celery
    from django.core.files.storage import FileSystemStorage
    from django.db import connection, connections
    from django.http.multipartparser import MultiPartParser
    from django.test import Client

    import apps.applicants.services as applicant_services
    import apps.core.uploads as uploads
    from apps.accounts.models import User
    from apps.rubric.models import RubricVersion

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=applicant.user_id))
    timer = PhaseTimer()
    sql: list[tuple[float, str]] = []

    def record(execute: Any, statement: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql.append(((time.perf_counter() - began) * 1000, " ".join(statement.split())[:160]))

    timer.wrap(MultiPartParser, "parse", "multipart parse")
    timer.wrap(uploads, "sniff", "magic (8 KB)")
    timer.wrap(uploads, "sha256_of", "sha256")
    timer.wrap(FileSystemStorage, "_save", "storage write")
    timer.wrap(RubricVersion, "parsed_config", "RubricConfig.from_dict")
    timer.wrap(applicant_services, "profile_answers", "profile_answers")
    timer.wrap(Celery, "send_task", "enqueue (Redis)")
    timer.wrap(type(connections["default"]), "commit", "COMMIT")

    def one(reference: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        body, content_type = multipart_body({}, "file", f"salary-{reference}.pdf", pdf)
        for step, call, expected in (
            (
                "upload",
                lambda: client.post(upload_path(reference), body, content_type=content_type),
                upload_next,
            ),
            ("submit", lambda: client.post(submit_path(reference), {"confirm": "on"}), submit_next),
        ):
            sql.clear()
            timer.take()
            began = time.perf_counter()
            with connection.execute_wrapper(record):
                response = call()
            elapsed = (time.perf_counter() - began) * 1000
            if response.status_code != 302 or response["Location"] != expected(reference):
                sys.exit(
                    f"in-process {step} of {reference} answered {response.status_code}: {response.content[:500]!r}"
                )
            ms, calls = timer.take()
            out[step] = {
                "ms": elapsed,
                "queries": len(sql),
                "sql_ms": sum(ms_ for ms_, _ in sql),
                "sql": [f"{ms_:6.2f} ms  {text}" for ms_, text in sql],
                "phases_ms": ms,
                "phase_calls": calls,
            }
        return out

    try:
        references = [reference for _, reference in applicant.cases]
        cold = one(references[0])  # the process's first: URLconf, templates, scorer memo all cold
        warm = [one(reference) for reference in references[1:-2]]
        profile_text = ""
        if show_profile and len(references) >= 3:
            profiler = cProfile.Profile()
            profiler.enable()
            for reference in references[-2:]:
                one(reference)
            profiler.disable()
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(40)
            profile_text = text.getvalue()
    finally:
        timer.restore()

    def mean_of(step: str) -> dict[str, Any]:
        runs = [w[step] for w in warm]
        labels = sorted({label for r in runs for label in r["phases_ms"]})
        return {
            "ms": round(statistics.fmean(r["ms"] for r in runs), 2),
            "queries": runs[-1]["queries"],
            "sql_ms": round(statistics.fmean(r["sql_ms"] for r in runs), 2),
            "phases_ms": {
                label: round(statistics.fmean(r["phases_ms"].get(label, 0.0) for r in runs), 2)
                for label in labels
            },
            "phase_calls": runs[-1]["phase_calls"],
            "sql": runs[-1]["sql"],
        }

    return {
        "requests": len(warm),
        "upload": mean_of("upload"),
        "submit": mean_of("submit"),
        "cold_upload_queries": cold["upload"]["queries"],
        "cold_submit_queries": cold["submit"]["queries"],
        "cold_upload_ms": round(cold["upload"]["ms"], 2),
        "cold_submit_ms": round(cold["submit"]["ms"], 2),
        "profile": profile_text,
    }


def print_inspection(inspection: dict[str, Any], show_sql: bool) -> None:
    print(
        f"in-process (Django test client, no HTTP, one thread; mean of {inspection['requests']} warm requests):",
        flush=True,
    )
    for step in ("upload", "submit"):
        data = inspection[step]
        phases = ", ".join(
            f"{label} {ms:.2f} ms ({data['phase_calls'].get(label, 0)}x)"
            for label, ms in data["phases_ms"].items()
        )
        print(
            f"  {step}: {data['ms']:.1f} ms, {data['queries']} SQL queries taking {data['sql_ms']:.1f} ms "
            f"(the process's first: {inspection[f'cold_{step}_queries']} queries, "
            f"{inspection[f'cold_{step}_ms']:.0f} ms)\n    of which: {phases}"
        )
        if show_sql:
            for line in data["sql"]:
                print(f"      {line}")


# --------------------------------------------------------------------------------------------------
# The servers


def server_env(media_root: Path) -> dict[str, str]:
    for name in ("DATABASE_URL", "REDIS_URL"):
        if not os.environ.get(name):
            sys.exit(f"{name} is not set: run through scripts/services.py --profile bench")
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "",  # measure the app, not the access log
        "MEDIA_ROOT": str(media_root),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


@contextlib.contextmanager
def celery_worker(env: dict[str, str], log_path: Path) -> Iterator[int]:
    """One real worker (prefork, one child) as in production; yields its pid once it is ready."""
    command = [
        str(BIN / "celery"),
        "-A",
        "config",
        "worker",
        "--pool=prefork",
        "--concurrency=1",
        "--loglevel=INFO",  # a line per task with its run time; the e-mails go to the console backend
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-n",
        f"submission-bench-{os.getpid()}@%h",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while " ready." not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Celery worker did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield process.pid
    finally:
        stop(process)


def task_times(log_path: Path) -> dict[str, dict[str, float]]:
    """Run time per task name from the worker's log ("Task x[id] succeeded in 0.01s: ...")."""
    seconds: dict[str, list[float]] = {}
    for name, value in re.findall(
        r"Task (\S+)\[[^\]]+\] succeeded in ([0-9.]+)s", log_path.read_text(errors="replace")
    ):
        seconds.setdefault(name, []).append(float(value))
    return {
        name: {"tasks": len(values), "mean_ms": round(statistics.fmean(values) * 1000, 1)}
        for name, values in sorted(seconds.items())
    }


def tree_cpu_seconds(parent: int) -> float:
    """CPU time of a process and its children (gunicorn's workers, the worker's pool child)."""
    try:
        children = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
    except OSError:
        children = []
    return cpu_seconds(parent) + sum(cpu_seconds(int(pid)) for pid in children)


def postgres_pid() -> int | None:
    """The postmaster's pid from its Unix-socket lock file (first line), when DATABASE_URL names a
    socket directory; None otherwise (then the database's CPU is not reported)."""
    from django.db import connections

    settings = connections["default"].settings_dict
    host, port = str(settings.get("HOST") or ""), str(settings.get("PORT") or "5432")
    if not host.startswith("/"):
        return None
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int((Path(host) / f".s.PGSQL.{port}.lock").read_text().splitlines()[0])
    return None


def machine_cpu() -> tuple[float, float, float]:
    """(busy, total, interrupts + steal) jiffies of all CPUs from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # without guest time, which is already in user
    return float(total - idle), float(total), float(values[5] + values[6] + values[7])


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def wait_for_quiet(max_load: float, patience: float) -> tuple[float, float]:
    """Wait up to ``patience`` seconds for the 1-minute load average to fall below ``max_load``."""
    began = time.monotonic()
    load = os.getloadavg()[0]
    while load > max_load and time.monotonic() - began < patience:
        print(f"  load average {load:.2f} > {max_load}: waiting", flush=True)
        time.sleep(15)
        load = os.getloadavg()[0]
    return load, time.monotonic() - began


# --------------------------------------------------------------------------------------------------
# The clients


class Browser:
    """One person's browser: a keep-alive connection (reopened when gunicorn closes it) and cookies."""

    def __init__(self, port: int, timeout: float = 60.0) -> None:
        self.cookies: dict[str, str] = {}
        self.connect(port, timeout)

    def connect(self, port: int, timeout: float = 60.0) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def close(self) -> None:
        self.conn.close()

    @property
    def csrf_token(self) -> str:
        return self.cookies.get("csrftoken", "")

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, str, bytes]:
        headers = {"User-Agent": "ktp-submission-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = content_type
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # reconnects on the next request
            raise
        for header in response.msg.get_all("Set-Cookie") or []:
            self._keep(header)
        return response.status, response.getheader("Location", ""), payload

    def _keep(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if name == "messages":
                continue  # the page the browser shows next consumes the flash messages
            if morsel["max-age"] == "0" or morsel.value == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


def log_in(browser: Browser, email: str, patience: float = 90.0) -> float:
    """The allauth form: GET (CSRF cookie and token), POST; milliseconds of the POST. Retries on 429
    (allauth allows 30 logins a minute from one address, and every client here is 127.0.0.1)."""
    deadline = time.monotonic() + patience
    while True:
        status, _, page = browser.request("GET", "/accounts/login/")
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or found is None:
            raise RuntimeError(f"GET /accounts/login/ answered {status} without a CSRF token")
        body = urlencode(
            {"csrfmiddlewaretoken": found.group(1).decode(), "login": email, "password": PASSWORD}
        )
        began = time.perf_counter()
        status, location, payload = browser.request(
            "POST", "/accounts/login/", body.encode(), "application/x-www-form-urlencoded"
        )
        elapsed = (time.perf_counter() - began) * 1000
        if status == 302 and "sessionid" in browser.cookies:
            return elapsed
        if status == 429 and time.monotonic() < deadline:
            time.sleep(5)
            continue
        raise RuntimeError(f"log-in of {email} answered {status} (Location {location!r}): {payload[:300]!r}")


@dataclass
class ClientResult:
    upload_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    submission_ms: list[float] = field(default_factory=list)
    login_ms: float | None = None
    statuses: Counter[str] = field(default_factory=Counter)  # "upload 302", "submit 302", ...
    failures: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)  # the first few failures, for the report
    attempted: list[int] = field(default_factory=list)  # case pks whose upload was sent


def submission(browser: Browser, pk: int, reference: str, pdf: bytes, result: ClientResult) -> None:
    """One measured submission: the upload, then (if it worked) the confirmation step's POST."""
    body, content_type = multipart_body(
        {"csrfmiddlewaretoken": browser.csrf_token}, "file", f"salary-evidence-{reference}.pdf", pdf
    )
    form = urlencode({"csrfmiddlewaretoken": browser.csrf_token, "confirm": "on"}).encode()
    result.attempted.append(pk)
    steps = (
        ("upload", upload_path(reference), body, content_type, upload_next(reference), result.upload_ms),
        (
            "submit",
            submit_path(reference),
            form,
            "application/x-www-form-urlencoded",
            submit_next(reference),
            result.submit_ms,
        ),
    )
    began = time.perf_counter()
    for step, path, payload, kind, expected, latencies in steps:
        started = time.perf_counter()
        try:
            status, location, answer = browser.request("POST", path, payload, kind)
        except (OSError, http.client.HTTPException) as exc:
            result.failures[f"{step} {type(exc).__name__}"] += 1
            if len(result.samples) < 5:
                result.samples.append(f"{step} {reference}: {exc!r}")
            return
        latencies.append((time.perf_counter() - started) * 1000)
        result.statuses[f"{step} {status}"] += 1
        if status != 302 or location != expected:
            result.failures[f"{step} {status}"] += 1
            if len(result.samples) < 5:
                result.samples.append(f"{step} {reference}: {status} Location {location!r} {answer[:300]!r}")
            return
    result.submission_ms.append((time.perf_counter() - began) * 1000)


def run_client(
    browser: Browser,
    applicant: Applicant,
    cases: list[tuple[int, str]],
    pdf: bytes,
    start: threading.Barrier,
    deadline: list[float],
    result: ClientResult,
) -> None:
    try:
        if "sessionid" not in browser.cookies:
            result.login_ms = log_in(browser, applicant.email)
    except (OSError, http.client.HTTPException, RuntimeError) as exc:
        result.failures[f"login {type(exc).__name__}"] += 1
        result.samples.append(f"login {applicant.email}: {exc}")
        cases = []
    finally:
        start.wait()
    for pk, reference in cases:
        if time.monotonic() > deadline[0]:
            break
        submission(browser, pk, reference, pdf, result)
    browser.close()


def drive(
    browsers: list[Browser],
    applicants: list[Applicant],
    cases: list[list[tuple[int, str]]],
    pdfs: list[bytes],
    time_cap: float,
    on_start: Callable[[], None],
) -> tuple[list[ClientResult], float, bool]:
    results = [ClientResult() for _ in applicants]
    start = threading.Barrier(len(applicants) + 1)
    deadline = [float("inf")]
    threads = [
        threading.Thread(
            target=run_client,
            args=(browsers[i], applicants[i], cases[i], pdfs[i], start, deadline, results[i]),
            daemon=True,
        )
        for i in range(len(applicants))
    ]
    for thread in threads:
        thread.start()
    start.wait()  # every client has logged in
    on_start()
    deadline[0] = time.monotonic() + time_cap
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout=time_cap + 120)
    elapsed = time.perf_counter() - began
    return results, elapsed, time.monotonic() > deadline[0]


# --------------------------------------------------------------------------------------------------
# Results


def distribution(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"n": 0}
    return {
        "n": len(ordered),
        "p50_ms": round(percentile(ordered, 0.50), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "p99_ms": round(percentile(ordered, 0.99), 1),
        "max_ms": round(ordered[-1], 1),
        "mean_ms": round(statistics.fmean(ordered), 1),
    }


@dataclass
class RunResult:
    workers: int
    clients: int
    submissions: int  # both requests answered as expected
    attempted: int
    errors: int
    statuses: dict[str, int]
    error_samples: list[str]
    seconds: float
    throughput_per_s: float  # complete submissions per second
    upload: dict[str, float]
    submit: dict[str, float]
    submission: dict[str, float]
    login: dict[str, float]  # the allauth log-in POST, measured before the run (first worker count only)
    stopped_by_time_cap: bool
    load_average_before: tuple[float, float, float]  # 1, 5, 15 minutes, after waiting for quiet
    load_wait_seconds: float
    load_average_at_start: float  # 1 minute, once the clients had logged in
    machine_cpu_busy_pct: float  # of all cores, during the measured part
    server_cpu_ms_per_submission: float  # gunicorn master + workers
    worker_cpu_ms_per_submission: float  # the Celery worker and its pool child, until all were scored
    postgres_cpu_ms_per_submission: float  # the postmaster and its backends (0: not found)
    other_cpu_pct: float  # of the busy CPU time during the run: other processes (Redis, other people's work)
    interrupt_steal_cpu_pct: float  # of the busy CPU time: interrupts, softirqs (loopback traffic), steal
    client_cpu_ms_per_submission: float  # this load generator
    cases_submitted: int  # in the database afterwards, of those attempted
    case_statuses: dict[str, int]
    salary_evidence_not_one: int  # attempted cases without exactly one salary evidence
    scored_when_clients_finished: int
    scored_in_the_end: int
    all_scored_seconds_after_run: float | None  # None: not within --score-timeout
    score_lag: dict[str, float]  # submitted_at -> score computed_at
    worker_tasks: dict[str, dict[str, float]]


def check_database(attempted: list[int]) -> tuple[Counter[str], int]:
    from django.db.models import Count

    from apps.cases.models import Case, CaseDocument

    statuses = Counter(Case.objects.filter(pk__in=attempted).values_list("status", flat=True))
    counts = dict(
        CaseDocument.objects.filter(case_id__in=attempted, kind=UPLOAD_KIND)
        .values_list("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    return statuses, sum(1 for pk in attempted if counts.get(pk) != 1)


def count_scored(case_ids: list[int]) -> int:
    from apps.cases.models import CaseScore

    return CaseScore.objects.filter(case_id__in=case_ids).count()


def wait_for_scores(
    case_ids: list[int], run_end: float, timeout: float
) -> tuple[int, float | None, list[float]]:
    """(scored in the end, seconds after ``run_end`` until all were, lag per case in ms)."""
    from apps.cases.models import CaseScore

    scored = CaseScore.objects.filter(case_id__in=case_ids)
    done = scored.count()
    while done < len(case_ids) and time.monotonic() - run_end < timeout:
        time.sleep(0.1)
        done = scored.count()
    after = round(time.monotonic() - run_end, 2) if done >= len(case_ids) else None
    lags = [
        (computed - submitted).total_seconds() * 1000
        for computed, submitted in scored.values_list("computed_at", "case__submitted_at")
        if submitted is not None
    ]
    return done, after, lags


def print_row(r: RunResult) -> None:
    def cell(d: dict[str, float]) -> str:
        if not d.get("n"):
            return "-"
        return f"p50 {d['p50_ms']:6.0f}  p95 {d['p95_ms']:6.0f}  p99 {d['p99_ms']:6.0f}  max {d['max_ms']:6.0f} ms"

    scored = (
        f"all scored {r.all_scored_seconds_after_run:.1f} s after the run"
        if r.all_scored_seconds_after_run is not None
        else f"only {r.scored_in_the_end} scored"
    )
    print(
        f"  workers={r.workers}: {r.submissions}/{r.attempted} submissions in {r.seconds:.1f} s "
        f"({r.throughput_per_s:.2f}/s), errors={r.errors}"
        + (" (time cap reached)" if r.stopped_by_time_cap else "")
        + f"\n    upload      {cell(r.upload)}\n    submit      {cell(r.submit)}\n"
        f"    submission  {cell(r.submission)}\n"
        f"    load avg before {r.load_average_before[0]:.2f}/{r.load_average_before[1]:.2f}/"
        f"{r.load_average_before[2]:.2f} (waited {r.load_wait_seconds:.0f} s), at start "
        f"{r.load_average_at_start:.2f}; CPU busy {r.machine_cpu_busy_pct:.0f}% of {os.cpu_count()} cores; "
        f"CPU per submission: gunicorn {r.server_cpu_ms_per_submission} ms, PostgreSQL "
        f"{r.postgres_cpu_ms_per_submission} ms, worker {r.worker_cpu_ms_per_submission} ms, clients "
        f"{r.client_cpu_ms_per_submission} ms; of the busy CPU, {r.other_cpu_pct:.0f}% other processes "
        f"(Redis, other work), {r.interrupt_steal_cpu_pct:.0f}% interrupts and steal\n"
        f"    database: {r.cases_submitted}/{r.attempted} SUBMITTED {r.case_statuses}; "
        f"scored when the clients finished: {r.scored_when_clients_finished}/{r.cases_submitted}, {scored}; "
        f"lag p50 {r.score_lag.get('p50_ms', float('nan')):.0f} ms, max {r.score_lag.get('max_ms', float('nan')):.0f} ms; "
        f"worker tasks {r.worker_tasks}",
        flush=True,
    )
    if r.login.get("n"):
        print(f"    log-in POST (before the run, {r.login['n']} at once): {cell(r.login)}")
    for sample in r.error_samples:
        print(f"    error: {sample}")


# --------------------------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", default="2,3", help="gunicorn worker counts to try, comma-separated")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="submissions per client and worker count")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up submissions per gunicorn worker")
    parser.add_argument("--upload-bytes", type=int, default=2 * 1024 * 1024)
    parser.add_argument("--time-cap", type=float, default=300.0, help="seconds per measured run")
    parser.add_argument("--score-timeout", type=float, default=120.0, help="seconds to wait for scoring")
    parser.add_argument("--max-load", type=float, default=1.5, help="wait for a lower 1-minute load average")
    parser.add_argument("--load-wait", type=float, default=180.0, help="at most this long (seconds)")
    parser.add_argument("--inspect-cases", type=int, default=8, help="in-process submissions to inspect")
    parser.add_argument("--show-sql", action="store_true", help="print the SQL of one upload and one submit")
    parser.add_argument("--show-profile", action="store_true", help="print a cProfile table (in-process)")
    parser.add_argument("--inspect-only", action="store_true", help="only the in-process inspection")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.rounds < 1 or args.warmup < 1 or args.inspect_cases < 4:
        parser.error("--clients, --rounds, --warmup must be at least 1, --inspect-cases at least 4")
    return args


def warm_up(
    port: int,
    workers: int,
    warmer: Applicant,
    cases: list[tuple[int, str]],
    browser: Browser,
    pdf: bytes,
    log_path: Path,
) -> None:
    """One checked submission, then the rest ``workers`` at a time: each sync worker serves one
    request at a time, so every worker gets warm (URLconf, templates, the scorer memo)."""
    browser.connect(port)
    if "sessionid" not in browser.cookies:
        log_in(browser, warmer.email)
    checks = [ClientResult() for _ in cases]
    submission(browser, *cases[0], pdf, checks[0])
    browser.close()
    for start in range(1, len(cases), workers):
        threads = []
        for index in range(start, min(start + workers, len(cases))):
            twin = Browser(port)
            twin.cookies = dict(browser.cookies)  # the same session, as a second tab would have
            threads.append(
                threading.Thread(
                    target=submission, args=(twin, *cases[index], pdf, checks[index]), daemon=True
                )
            )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    failed = [sample for check in checks for sample in check.samples]
    if failed or sum(len(check.submission_ms) for check in checks) != len(cases):
        raise RuntimeError(
            f"warm-up submissions failed: {failed[:3]}\ngunicorn log:\n"
            f"{log_path.read_text(errors='replace')[-4000:]}"
        )


def run_one(
    workers: int,
    run_index: int,
    args: argparse.Namespace,
    env: dict[str, str],
    log_dir: Path,
    clients: list[Applicant],
    browsers: list[Browser],
    warmer: Applicant,
    warm_cases: list[tuple[int, str]],
    warm_browser: Browser,
    pdfs: list[bytes],
) -> RunResult:
    _, waited = wait_for_quiet(args.max_load, args.load_wait)
    load_triplet = os.getloadavg()
    cases = [a.cases[run_index * args.rounds : (run_index + 1) * args.rounds] for a in clients]
    pg_pid = postgres_pid()
    worker_log = log_dir / f"celery-{workers}.log"
    with celery_worker(env, worker_log) as worker_pid:
        with gunicorn(env, workers, log_dir) as (port, log_path, server_pid):
            warm_up(port, workers, warmer, warm_cases, warm_browser, pdfs[0], log_path)
            for browser in browsers:
                browser.connect(port)
            marks: dict[str, Any] = {}

            def on_start() -> None:
                marks["load"] = os.getloadavg()[0]
                marks["machine"] = machine_cpu()
                marks["server"] = tree_cpu_seconds(server_pid)
                marks["worker"] = tree_cpu_seconds(worker_pid)
                marks["postgres"] = tree_cpu_seconds(pg_pid) if pg_pid else 0.0
                marks["client"] = time.process_time()

            results, elapsed, capped = drive(browsers, clients, cases, pdfs, args.time_cap, on_start)
            run_end = time.monotonic()
            busy, total, kernel = machine_cpu()
            attempted = [pk for r in results for pk in r.attempted]
            scored_now = count_scored(attempted)  # only submitted cases are ever scored
            server_cpu = tree_cpu_seconds(server_pid) - marks["server"]
            worker_cpu_run = tree_cpu_seconds(worker_pid) - marks["worker"]
            postgres_cpu = (tree_cpu_seconds(pg_pid) - marks["postgres"]) if pg_pid else 0.0
            client_cpu = time.process_time() - marks["client"]
        statuses, evidence_not_one = check_database(attempted)
        submitted_ids = list(_submitted(attempted))
        scored_end, after, lags = wait_for_scores(submitted_ids, run_end, args.score_timeout)
        worker_cpu = tree_cpu_seconds(worker_pid) - marks["worker"]
    done = sum(len(r.submission_ms) for r in results)
    all_statuses: Counter[str] = Counter()
    for r in results:
        all_statuses.update(r.statuses)
    errors = sum(sum(r.failures.values()) for r in results)
    samples = [s for r in results for s in r.samples][:8]
    logins = [r.login_ms for r in results if r.login_ms is not None]

    def per(cpu: float) -> float:
        return round(cpu * 1000 / done, 1) if done else 0.0

    ticks = os.sysconf("SC_CLK_TCK")
    busy_seconds = (busy - marks["machine"][0]) / ticks
    machine_busy = (busy - marks["machine"][0]) / max(total - marks["machine"][1], 1.0) * 100
    ours = server_cpu + worker_cpu_run + client_cpu + postgres_cpu
    interrupts = (kernel - marks["machine"][2]) / ticks
    others = max(busy_seconds - ours - interrupts, 0.0) / busy_seconds * 100 if busy_seconds else 0.0
    interrupts_pct = interrupts / busy_seconds * 100 if busy_seconds else 0.0
    return RunResult(
        workers=workers,
        clients=len(clients),
        submissions=done,
        attempted=len(attempted),
        errors=errors,
        statuses=dict(sorted(all_statuses.items())),
        error_samples=samples,
        seconds=round(elapsed, 2),
        throughput_per_s=round(done / elapsed, 2) if elapsed else 0.0,
        upload=distribution([ms for r in results for ms in r.upload_ms]),
        submit=distribution([ms for r in results for ms in r.submit_ms]),
        submission=distribution([ms for r in results for ms in r.submission_ms]),
        login=distribution(logins),
        stopped_by_time_cap=capped,
        load_average_before=(round(load_triplet[0], 2), round(load_triplet[1], 2), round(load_triplet[2], 2)),
        load_wait_seconds=round(waited, 1),
        load_average_at_start=round(marks["load"], 2),
        machine_cpu_busy_pct=round(machine_busy, 1),
        server_cpu_ms_per_submission=per(server_cpu),
        worker_cpu_ms_per_submission=per(worker_cpu),
        postgres_cpu_ms_per_submission=per(postgres_cpu),
        other_cpu_pct=round(others, 1),
        interrupt_steal_cpu_pct=round(interrupts_pct, 1),
        client_cpu_ms_per_submission=per(client_cpu),
        cases_submitted=statuses.get("submitted", 0),
        case_statuses=dict(statuses),
        salary_evidence_not_one=evidence_not_one,
        scored_when_clients_finished=scored_now,
        scored_in_the_end=scored_end,
        all_scored_seconds_after_run=after,
        score_lag=distribution(lags),
        worker_tasks=task_times(worker_log),
    )


def _submitted(case_ids: list[int]) -> Iterator[int]:
    from apps.cases.models import Case, CaseStatus

    yield from Case.objects.filter(pk__in=case_ids, status=CaseStatus.SUBMITTED).values_list("pk", flat=True)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    worker_counts = [int(n) for n in args.workers.split(",") if n.strip()]
    with tempfile.TemporaryDirectory(prefix="ktp-bench-sub-") as scratch:
        media_root = Path(scratch) / "media"
        log_dir = Path(scratch) / "logs"
        media_root.mkdir()
        log_dir.mkdir()
        env = server_env(media_root)
        machine = {
            "cpu_model": cpu_model(),
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
        }
        print(
            f"machine: {machine['cpu_model']}, {machine['cpus']} CPUs; Python {machine['python']}; "
            f"load average {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        setup_django(media_root)
        began = time.perf_counter()
        prepare_database()
        tag = uuid.uuid4().hex[:8]
        per_client = args.rounds * len(worker_counts)
        clients = create_applicants(args.clients, per_client, tag, args.seed)
        warm_counts = [1 + args.warmup * workers for workers in worker_counts]
        warmer, inspected = create_applicants(
            2, max(sum(warm_counts), args.inspect_cases), f"{tag}w", args.seed + 1
        )
        print(
            f"setup: migrate, load_demo, {args.clients} applicants x {per_client} drafts (+ warm-up and "
            f"inspection) complete but for {UPLOAD_KIND}, in {time.perf_counter() - began:.1f} s",
            flush=True,
        )
        pdfs = [make_pdf(args.upload_bytes, args.seed + i) for i in range(args.clients)]
        load, waited = wait_for_quiet(args.max_load, args.load_wait)
        print(f"inspection at load average {load:.2f} (waited {waited:.0f} s)", flush=True)
        inspection = inspect_in_process(inspected, pdfs[0], args.show_profile)
        inspection["load_average"] = round(load, 2)
        print_inspection(inspection, args.show_sql)
        if args.show_profile:
            print(inspection["profile"])
        if args.inspect_only:
            return 0

        print(
            f"load: {args.clients} clients x {args.rounds} submissions per worker count (upload of "
            f"{args.upload_bytes:,} bytes + submit; cap {args.time_cap:.0f} s), first 1 + {args.warmup} x "
            "workers warm-up submissions; one Celery worker (concurrency 1)",
            flush=True,
        )
        browsers = [Browser(0) for _ in clients]
        warm_browser = Browser(0)
        results: list[RunResult] = []
        for index, workers in enumerate(worker_counts):
            first = sum(warm_counts[:index])
            warm_cases = warmer.cases[first : first + warm_counts[index]]
            result = run_one(
                workers, index, args, env, log_dir, clients, browsers, warmer, warm_cases, warm_browser, pdfs
            )
            results.append(result)
            print_row(result)

    best = min(results, key=lambda r: (r.errors > 0, r.submission.get("p95_ms", float("inf"))))
    print(
        f"best: gunicorn --workers {best.workers}: submission p95 {best.submission.get('p95_ms')} ms "
        f"(upload p95 {best.upload.get('p95_ms')} ms, submit p95 {best.submit.get('p95_ms')} ms), "
        f"{best.throughput_per_s} submissions/s, {best.errors} errors",
        flush=True,
    )
    if args.json:
        inspection.pop("profile", None)
        args.json.write_text(
            json.dumps(
                {
                    "machine": machine,
                    "clients": args.clients,
                    "rounds": args.rounds,
                    "upload_bytes": args.upload_bytes,
                    "in_process": inspection,
                    "results": [asdict(r) for r in results],
                    "best_workers": best.workers,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    failed = any(r.errors or r.cases_submitted != r.attempted or r.salary_evidence_not_one for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
