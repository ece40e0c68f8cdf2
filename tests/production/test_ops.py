"""Probes, request ids, JSON log lines, metrics and the Content-Security-Policy, in-process."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import override_settings

from apps.core.ops import health, metrics, sentry
from apps.core.ops.context import RequestFacts, current
from apps.core.ops.logging import JsonFormatter, redact

PRODUCTION_TRANSPORT = {
    "ALLOWED_HOSTS": ["ktechpass.example.go.kr"],
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}
PROBE_HEADERS = {"HTTP_X_FORWARDED_PROTO": "http", "HTTP_X_FORWARDED_FOR": "10.0.0.7"}


@pytest.mark.django_db
@override_settings(**PRODUCTION_TRANSPORT, READINESS_CHECKS=["database", "cache", "migrations"])
@pytest.mark.parametrize("host", ["127.0.0.1:8000", "10.42.3.17:8000", "[fd00::12]:8000", "evil.example"])
def test_probes_answer_plain_http_on_any_host(client, host):
    live = client.get("/healthz", HTTP_HOST=host, **PROBE_HEADERS)
    assert live.status_code == 200
    assert live.json() == {"status": "ok"}
    ready = client.get("/readyz", HTTP_HOST=host, **PROBE_HEADERS)
    assert ready.status_code == 200, ready.content
    assert ready.json()["checks"] == {"database": "ok", "cache": "ok", "migrations": "ok"}


@pytest.mark.django_db
@override_settings(**PRODUCTION_TRANSPORT)
def test_every_other_path_keeps_allowed_hosts_and_the_https_redirect(client):
    assert client.get("/self-assessment/", HTTP_HOST="10.42.3.17:8000").status_code == 400
    assert client.get("/healthz/", HTTP_HOST="10.42.3.17:8000").status_code == 400
    assert client.get("/readyz?x=1", HTTP_HOST="10.42.3.17").status_code == 200  # same path, any query
    redirect = client.get("/self-assessment/", HTTP_HOST="ktechpass.example.go.kr")
    assert redirect.status_code == 301
    assert redirect["Location"].startswith("https://ktechpass.example.go.kr/")
    secure = client.get(
        "/self-assessment/", HTTP_HOST="ktechpass.example.go.kr", HTTP_X_FORWARDED_PROTO="https"
    )
    assert secure.status_code == 200


@pytest.mark.django_db
@override_settings(**PRODUCTION_TRANSPORT)
def test_readiness_shows_the_cache_without_deciding_on_it(client):
    """The app works without its cache (decision 14): a cache outage must not make pods unready."""
    ready = client.get("/readyz", HTTP_HOST="10.42.3.17:8000", **PROBE_HEADERS)
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "migrations": "ok", "cache": "ok"}
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:9/1",
            }
        }
    ):
        degraded = client.get("/readyz", HTTP_HOST="10.42.3.17:8000", **PROBE_HEADERS)
    assert degraded.status_code == 200
    assert degraded.json()["degraded"] == ["cache"]
    assert degraded.json()["checks"]["cache"].startswith("failed")


def test_probes_refuse_other_methods(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/1",
        }
    },
    READINESS_CHECKS=["database", "cache", "migrations"],  # the cache is checked only when asked for
)
def test_readiness_names_an_unreachable_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"].startswith("failed:")
    assert body["checks"]["database"] == "ok"
    assert client.get("/healthz").status_code == 200  # liveness does not depend on Redis


@pytest.mark.django_db
def test_readiness_names_unapplied_migrations(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_complete", False)
    monkeypatch.setattr(
        "django.db.migrations.executor.MigrationExecutor.migration_plan", lambda self, targets: [("x", False)]
    )
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]
    assert response.json()["checks"]["migrations"] == "1 unapplied migration(s)"


def test_readiness_names_an_unreachable_database(client, monkeypatch):
    def broken() -> str:
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["database", "migrations"]
    assert response.json()["checks"]["database"] == "failed: OSError"


@pytest.mark.django_db
def test_request_id_is_echoed_or_made(client):
    assert (
        client.get("/healthz", HTTP_X_REQUEST_ID="abcd-1234-efgh").headers["X-Request-ID"] == "abcd-1234-efgh"
    )
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith a newline").headers["X-Request-ID"]
    assert made != "bad id\nwith a newline"
    assert len(made) == 32


@pytest.mark.django_db
def test_access_log_line_has_the_path_without_its_query_and_no_personal_data(client, caplog):
    with caplog.at_level(logging.INFO, logger="ktp.request"):
        client.get("/self-assessment/?name=Kim+Minji&token=secret-token", HTTP_X_REQUEST_ID="req-0001-abcd")
    [record] = [r for r in caplog.records if r.name == "ktp.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "GET /self-assessment/ 200"
    assert line["status"] == 200
    assert line["view"] == "self_assessment"
    assert isinstance(line["duration_ms"], float)
    assert "secret-token" not in json.dumps(line)
    assert "Kim" not in json.dumps(line)


def test_json_formatter_carries_the_request_and_redacts():
    token = current.set(
        RequestFacts(request_id="r-12345678", method="GET", path="/accounts/confirm-email/MQ:abc/", user_id=7)
    )
    try:
        record = logging.LogRecord(
            "x", logging.WARNING, __file__, 1, "fetch %s", ("/ministry/?q=Kim%20Minji",), None
        )
        line = json.loads(JsonFormatter().format(record))
    finally:
        current.reset(token)
    assert line["message"] == "fetch /ministry/?[redacted]"
    assert line["request_id"] == "r-12345678"
    assert line["path"] == "/accounts/confirm-email/[redacted]/"
    assert line["user_id"] == 7
    assert set(line) == {"time", "level", "logger", "message", "request_id", "method", "path", "user_id"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET /a/?q=1&b=2 HTTP/1.1", "GET /a/?[redacted] HTTP/1.1"),
        ("/accounts/password/reset/key/3f-abc123/", "/accounts/password/reset/key/[redacted]/"),
        ("redis://:hunter2@cache:6379/0", "redis://:[redacted]@cache:6379/0"),
        ("smtp+tls://user:hunter2@mail:587", "smtp+tls://user:[redacted]@mail:587"),
        ("smtp://user:hunter2@mail:587", "smtp://user:[redacted]@mail:587"),
    ],
)
def test_redact(text, expected):
    assert redact(text) == expected


@pytest.mark.django_db
def test_html_pages_carry_a_strict_policy(client):
    response = client.get("/self-assessment/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "Content-Security-Policy" not in client.get("/healthz")  # JSON: no page to protect


@pytest.mark.django_db
def test_metrics_with_and_without_the_token(client):
    response = client.get("/metrics", HTTP_HOST="10.42.3.17:9000")
    assert response.status_code == 200
    text = response.content.decode()
    assert "ktp_service_metrics_up 1.0" in text
    for name in (
        "ktp_http_requests_total",
        "ktp_cases_open",
        "ktp_cases_overdue",
        "ktp_reminders_owed",
        "ktp_redrive_waiting",
    ):
        assert name in text
    with override_settings(METRICS_TOKEN="t" * 40):
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "t" * 40).status_code == 200


def test_celery_task_counts_by_name_and_state_and_the_worker_exporter(monkeypatch):
    import urllib.request

    from celery import signals

    from tests.production.stack import free_port

    class Task:
        name = "cases.score_case"

    signals.task_postrun.send(sender=Task(), task_id="t1", task=Task(), state="SUCCESS")
    signals.task_postrun.send(sender=Task(), task_id="t2", task=Task(), state="FAILURE")
    port = free_port()
    monkeypatch.setenv("CELERY_METRICS_PORT", str(port))
    monkeypatch.setenv("CELERY_METRICS_ADDR", "127.0.0.1")
    server, thread = metrics.start_worker_exporter()
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert 'ktp_celery_tasks_total{state="SUCCESS",task="cases.score_case"}' in text
    assert 'ktp_celery_tasks_total{state="FAILURE",task="cases.score_case"}' in text
    monkeypatch.delenv("CELERY_METRICS_PORT")
    assert metrics.start_worker_exporter() is None


def test_sentry_gets_no_personal_data_and_no_query_strings():
    event = {
        "request": {
            "url": "https://x/ministry/?q=Kim",
            "query_string": "q=Kim",
            "data": {"a": 1},
            "cookies": {"s": 1},
        }
    }
    assert sentry.scrub(event, {}) == {"request": {"url": "https://x/ministry/?[redacted]"}}
    assert sentry.sentry_options(major_version=2)["send_default_pii"] is False
    collection = sentry.sentry_options(major_version=3)["data_collection"]
    assert collection["user_info"] is False
    assert collection["url_query_params"] == {"mode": "off"}
    assert collection["stack_frame_variables"] is False


@pytest.mark.django_db
def test_metrics_still_answer_when_the_service_gauges_cannot(client, monkeypatch):
    def broken(self):
        raise RuntimeError("database gone")
        yield

    monkeypatch.setattr(metrics.ServiceCollector, "_gauges", broken)
    response = client.get("/metrics", REQUEST_METHOD="GET")
    assert response.status_code == 200
    text = response.content.decode()
    assert "ktp_service_metrics_up 0.0" in text
    assert "ktp_http_requests_total" in text
    assert "ktp_cases_open" not in text


def test_invented_methods_share_one_label():
    metrics.observe_request(view="x", method="BREW", status=405, seconds=0.01)
    assert metrics.REQUESTS.labels(view="x", method="other", status="405")._value.get() >= 1
