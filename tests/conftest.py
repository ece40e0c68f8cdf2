"""Shared fixtures: personas, reference data, and the guard that tests run on real servers."""

from __future__ import annotations

import os

import pytest
from django.conf import settings

# Playwright runs an event loop in the test thread; the ORM calls around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    return [f"database: {db['ENGINE']} {db.get('HOST') or 'local socket'}", f"redis: {settings.REDIS_URL}"]


@pytest.fixture(scope="session", autouse=True)
def _real_servers_only() -> None:
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql", "tests need PostgreSQL"
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "tests need a real Redis broker"
