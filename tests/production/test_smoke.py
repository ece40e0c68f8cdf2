"""THE production smoke test: the production configuration started as an operator would, then used.

Real processes (tests/production/stack.py): moto's S3 server, ``manage.py migrate`` and
``collectstatic``, gunicorn with config/gunicorn.py (one worker), one Celery worker and one beat,
all with ``config.settings.production`` and a generated strong environment, on the test run's
PostgreSQL (a database of its own) and Redis. Then, over HTTP with the proxy's headers: the probes,
sign-up with the e-mailed link, an application with an uploaded PDF, submission, the worker's score,
the file in the bucket and readable only by its owner, security headers, JSON logs without query
strings, and the metrics. One test, so xdist never splits the stack across workers.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import boto3
import psycopg
import pytest
import redis
from django.conf import settings

from tests.factories import ONE_PAGE_PDF_BYTES
from tests.production.stack import (
    SITE,
    Client,
    Response,
    Stack,
    database_url_named,
    free_port,
    json_lines,
    smoke_database_name,
    strong_env,
    wait_for,
)

pytestmark = [pytest.mark.xdist_group("production-smoke")]

PASSWORD = "smoke-test-Password-2026"
ANSWERS = {
    "degree_level": "doctorate",
    "experience_years": "10",
    "field": "ai",
    "publications_and_patents": "10",
    "led_project_years": "3",
    "offered_salary_krw": "150000000",
}
QUANTITATIVE_KINDS = ("passport", "cv", "degree_certificate", "employment_certificate", "salary_evidence")
BUCKET = "ktp-smoke-uploads"


def _redis_db(url: str) -> int:
    return int(urlsplit(url).path.strip("/") or 0)


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[Stack]:
    started = time.monotonic()
    admin_url = os.environ["DATABASE_URL"]  # set by `make test` (scripts/services.py)
    database = smoke_database_name()
    cache_db = _redis_db(settings.CACHES["default"]["LOCATION"])  # this test process's own databases
    broker_db = _redis_db(settings.CELERY_BROKER_URL)
    redis_url = settings.REDIS_URL

    def flush_redis() -> None:
        for db in (cache_db, broker_db):
            client = redis.Redis.from_url(f"{redis_url}/{db}")
            client.flushdb()
            client.close()

    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    flush_redis()
    (tmp_path / "mail").mkdir()
    (tmp_path / "media").mkdir()
    env = strong_env(
        root=tmp_path,
        database_url=database_url_named(admin_url, database),
        redis_url=redis_url,
        cache_db=cache_db,
        broker_db=broker_db,
        s3_port=free_port(),
        web_port=free_port(),
    )
    stack = Stack(root=tmp_path, env=env, port=int(env["GUNICORN_BIND"].rsplit(":", 1)[1]))
    try:
        s3 = stack.start(
            "s3", ["-m", "moto.server", "-H", "127.0.0.1", "-p", env["AWS_S3_ENDPOINT_URL"].rsplit(":", 1)[1]]
        )
        bucket_client = boto3.client(
            "s3",
            endpoint_url=env["AWS_S3_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id="smoke-test-key",
            aws_secret_access_key="smoke-test-secret",
        )

        def s3_answers() -> object:
            s3.assert_running()
            return bucket_client.list_buckets()

        wait_for(s3_answers, timeout=30, what="moto's S3 server")
        bucket_client.create_bucket(Bucket=BUCKET)
        stack.run("migrate", ["manage.py", "migrate", "--noinput"], timeout=180)
        stack.run("collectstatic", ["manage.py", "collectstatic", "--noinput"], timeout=180)
        web = stack.start("web", ["-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi:application"])
        stack.start(
            "worker",
            [
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--concurrency",
                "1",
                "-l",
                "INFO",
                "-n",
                f"smoke-{database}@%h",
            ],
        )
        stack.start("beat", ["-m", "celery", "-A", "config", "beat", "-l", "INFO", "--pidfile="])

        def ready() -> bool:
            web.assert_running()
            return Client(stack.port).get("/readyz", proxy=False, headers={"Host": "127.0.0.1"}).status == 200

        wait_for(ready, timeout=60, what="gunicorn's /readyz")
        stack.env["STARTUP_SECONDS"] = f"{time.monotonic() - started:.1f}"
        yield stack
    finally:
        stack.stop_all()
        flush_redis()
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def sign_up(stack: Stack, client: Client, email: str) -> None:
    page = client.get("/accounts/signup/")
    assert page.status == 200, page.text[:500]
    done = client.submit(
        page,
        action_contains="/accounts/signup/",
        values={"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert done.status == 200, done.text[:2000]
    assert "/accounts/confirm-email/" in done.url, done.url

    def confirmation_link() -> str | None:
        for message in stack.mail_dir.glob("*.log"):
            text = message.read_text()
            if f"To: {email}" in text:
                match = re.search(re.escape(SITE) + r"(/accounts/confirm-email/[^\s]+/)", text)
                if match:
                    return match.group(1)
        return None

    link = wait_for(confirmation_link, timeout=15, what=f"the verification e-mail to {email}")
    confirm = client.get(link)
    assert confirm.status == 200, confirm.text[:2000]
    signed_in = client.submit(confirm, action_contains="/accounts/confirm-email/")
    assert signed_in.status == 200, signed_in.text[:2000]
    assert email in client.get("/apply/").text  # signed in (the header shows the address)


CREATE_REVIEWER = """
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_grant_role
user = User.objects.create_user({email!r}, {password!r}, full_name="Smoke Reviewer")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
user_grant_role(user=user, role=Role.REVIEWER)
TOTP.activate(user, {secret!r})
"""


def sign_in_reviewer(stack: Stack) -> Client:
    """A reviewer made on the server (as an operator would), signed in with password and TOTP code."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value

    email, secret = "smoke.reviewer@example.go.kr", generate_totp_secret()
    stack.run(
        "reviewer",
        ["manage.py", "shell", "-c", CREATE_REVIEWER.format(email=email, password=PASSWORD, secret=secret)],
    )
    client = stack.client()
    page = client.get("/accounts/login/")
    second = client.submit(
        page, action_contains="/accounts/login/", values={"login": email, "password": PASSWORD}
    )
    assert "/accounts/2fa/authenticate/" in second.url, problems(second)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    done = client.submit(second, action_contains="/accounts/2fa/authenticate/", values={"code": code})
    assert done.status == 200, problems(done)
    return client


def problems(response: Response) -> str:
    """The page's error summary (or its start), for a failing assertion's message."""
    match = re.search(r'id="error-summary".*?</div>', response.text, re.S)
    return f"{response.status} {response.url}: " + (match.group(0) if match else response.text[:1500])


def apply_and_submit(client: Client) -> str:
    start = client.get(f"/apply/start/?{urlencode(ANSWERS)}")
    assert start.status == 200, start.text[:2000]
    profile = client.submit(start, button="Start my application with these answers")
    assert "Your profile" in profile.text, profile.text[:3000]
    reference = re.search(r"/apply/(KTP-[0-9A-Z]{4}-[0-9A-Z]{4})/", profile.url).group(1)  # type: ignore[union-attr]
    track = client.submit(
        profile,
        button="Save and continue",
        values={
            "full_name": "Smoke Test",
            "nationality": "Canadian",
            "education-0-institution": "",  # unranked: the demo school list is not seeded
            "employment-0-employer": "Samsung Electronics",
        },
    )
    assert "Step 2" in track.text, problems(track)
    documents = client.submit(track, button="Save and continue", values={"track": "quantitative"})
    assert "Documents" in documents.text, documents.text[:3000]
    for kind in QUANTITATIVE_KINDS:
        page = client.get(f"/apply/{reference}/documents/")
        uploaded = client.submit(
            page,
            action_contains=f"/documents/{kind}/upload/",
            files=[("file", f"{kind}.pdf", "application/pdf", ONE_PAGE_PDF_BYTES)],
        )
        assert uploaded.status == 200, uploaded.text[:3000]
        assert f"{kind}.pdf" in uploaded.text
    review = client.get(f"/apply/{reference}/review/")
    assert "complete and ready to submit" in review.text, review.text[:4000]
    submit_page = client.get(f"/apply/{reference}/submit/")
    status = client.submit(submit_page, button="Submit application", values={"confirm": "on"})
    assert status.status == 200, status.text[:3000]
    assert status.url.endswith(f"/apply/{reference}/status/"), status.url
    return reference


def test_the_production_stack_end_to_end(stack: Stack) -> None:
    started = time.monotonic()
    env = stack.env

    # --- Probes as compose and Kubernetes send them: plain HTTP, the pod's address as Host ------
    probe = Client(stack.port)
    for host in ("127.0.0.1:8000", "10.42.0.17:8000"):
        for path in ("/healthz", "/readyz"):
            response = probe.get(path, proxy=False, headers={"Host": host, "X-Forwarded-For": "10.42.0.1"})
            assert response.status == 200, (host, path, response.text)
        assert probe.get("/readyz", headers={"Host": host}).json()["checks"] == {
            "database": "ok",
            "cache": "ok",
            "migrations": "ok",
        }
    # ...and nothing else skips ALLOWED_HOSTS or the HTTPS redirect.
    assert probe.get("/", proxy=False, headers={"Host": "10.42.0.17:8000"}).status == 400
    insecure = probe.get("/self-assessment/", proxy=False, follow=False)
    assert insecure.status == 301
    assert insecure.headers["Location"] == f"{SITE}/self-assessment/"

    # --- Security headers ----------------------------------------------------------------------
    page = probe.get("/self-assessment/")
    assert page.status == 200
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Request-ID"]
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page.text)
    assert stylesheet, "static files are not hashed"
    css = probe.get(stylesheet.group(1))
    assert css.status == 200
    assert "immutable" in css.headers["Cache-Control"]

    # --- Sign-up, application, upload, submission ------------------------------------------------
    owner = Client(stack.port)
    sign_up(stack, owner, "smoke.applicant@example.org")
    session_cookie = next(h for h in owner.set_cookie_headers if h.startswith("sessionid="))
    assert "Secure" in session_cookie, session_cookie
    assert "HttpOnly" in session_cookie, session_cookie
    csrf_cookie = next(h for h in owner.set_cookie_headers if h.startswith("csrftoken="))
    assert "Secure" in csrf_cookie, csrf_cookie
    reference = apply_and_submit(owner)

    # --- The worker scores the case ----------------------------------------------------------------
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:

        def score() -> int | None:
            row = connection.execute(
                "select s.total from cases_casescore s join cases_case c on c.id = s.case_id where c.reference = %s",
                [reference],
            ).fetchone()
            return None if row is None else int(row[0]) + 1  # +1: a score of 0 is still a score

        wait_for(score, timeout=30, what="the worker's score")
        stored_names = [
            row[0]
            for row in connection.execute(
                "select d.file from cases_casedocument d join cases_case c on c.id = d.case_id where c.reference = %s",
                [reference],
            )
        ]
        document_ids = [
            row[0]
            for row in connection.execute(
                "select d.id from cases_casedocument d join cases_case c on c.id = d.case_id where c.reference = %s",
                [reference],
            )
        ]
    status_page = owner.get(f"/apply/{reference}/status/")
    assert 'data-score="waiting"' not in status_page.text

    # --- The uploads are in the bucket, not on the disk, and only their owner reads them --------------
    bucket = boto3.client(
        "s3",
        endpoint_url=env["AWS_S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="smoke-test-key",
        aws_secret_access_key="smoke-test-secret",
    )
    keys = {item["Key"] for item in bucket.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    assert len(stored_names) == len(QUANTITATIVE_KINDS)
    assert set(stored_names) <= keys, (stored_names, keys)
    assert bucket.get_object(Bucket=BUCKET, Key=stored_names[0])["Body"].read() == ONE_PAGE_PDF_BYTES
    assert not any(Path(env["MEDIA_ROOT"]).rglob("*.*")), "an upload was written to the local disk"
    download_path = f"/apply/{reference}/documents/{document_ids[0]}/download/"
    download = owner.get(download_path)
    assert download.status == 200, download.text[:500]
    assert download.body == ONE_PAGE_PDF_BYTES
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Security-Policy"] == "sandbox"  # the file's own policy, kept
    assert download.headers["Content-Disposition"].startswith("attachment")
    reviewer = sign_in_reviewer(stack)
    preview = reviewer.get(f"/ministry/cases/{reference}/documents/{document_ids[0]}/")
    assert preview.status == 200, problems(preview)
    assert preview.body == ONE_PAGE_PDF_BYTES
    assert preview.headers["Content-Disposition"].startswith("inline")  # previewed in the workspace
    assert preview.headers["Content-Security-Policy"] == "sandbox"
    outsider = Client(stack.port)
    sign_up(stack, outsider, "smoke.outsider@example.org")
    assert outsider.get(download_path).status == 404
    assert outsider.get(f"/ministry/cases/{reference}/documents/{document_ids[0]}/").status == 404
    assert Client(stack.port).get(download_path, follow=False).status == 302  # anonymous: sign in first

    # --- Logs: JSON lines, and no query string anywhere ---------------------------------------------
    secret = "secret-token-" + env["METRICS_TOKEN"][:8]
    assert owner.get(f"/self-assessment/?q={secret}&name=Kim").status == 200
    time.sleep(0.5)
    web_log = (stack.root / "web.log").read_text()
    lines = list(json_lines(web_log))
    assert secret not in web_log + (stack.root / "worker.log").read_text()
    non_json = [line for line in web_log.splitlines() if line.strip() and not line.startswith("{")]
    assert not non_json, non_json[:5]
    access = [
        line for line in lines if line["logger"] == "gunicorn.access" and line["path"] == "/self-assessment/"
    ]
    app = [line for line in lines if line["logger"] == "ktp.request" and line["path"] == "/self-assessment/"]
    assert access
    assert app
    assert {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
    } <= set(app[-1])
    assert app[-1]["user_id"] > 0
    assert "smoke.applicant" not in web_log
    worker_lines = list(json_lines((stack.root / "worker.log").read_text()))
    assert any("score_case" in line["message"] for line in worker_lines), "the worker's lines are not JSON"

    # --- Metrics --------------------------------------------------------------------------------------
    assert probe.get("/metrics", proxy=False, headers={"Host": "10.42.0.17:8000"}).status == 401
    metrics = probe.get(
        "/metrics",
        proxy=False,
        headers={"Host": "10.42.0.17:8000", "Authorization": f"Bearer {env['METRICS_TOKEN']}"},
    ).text
    assert re.search(
        r'ktp_http_requests_total\{method="POST",status="302",view="application:submit"\} 1\.0', metrics
    ), metrics[:3000]
    assert 'ktp_http_request_duration_seconds_bucket{le="0.1",view="self_assessment"}' in metrics
    assert re.search(r'ktp_celery_tasks_total\{state="SUCCESS",task="cases.score_case"\} [1-9]', metrics)
    assert 'ktp_cases_open{status="submitted"} 1.0' in metrics
    assert "ktp_service_metrics_up 1.0" in metrics
    assert "ktp_cases_overdue 0.0" in metrics
    assert "ktp_reminders_owed 0.0" in metrics
    assert 'ktp_redrive_waiting{kind="unscored"} 0.0' in metrics

    for name in ("web", "worker", "beat", "s3"):
        next(p for p in stack.processes if p.name == name).assert_running()
    print(
        json.dumps(
            {
                "startup_seconds": env["STARTUP_SECONDS"],
                "journey_seconds": round(time.monotonic() - started, 1),
            }
        )
    )
