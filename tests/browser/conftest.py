"""Browser tests: Playwright's sync API on Debian chromium against pytest-django's live server.

The live server answers from its own thread, so a browser test runs as a transactional test, and a
transactional test flushes the database when it ends: the rows the migrations seeded (rubric
versions, strategic fields, programmes, the GNI figure, role groups) would be gone for the next test
and, with ``--reuse-db``, for the next run.

``serialized_rollback=True`` is meant for this, but it keeps its snapshot on the connection object,
and once Playwright's sync API runs, the test code sees a different connection object (Django keeps
connections per execution context) without the snapshot: the seeded rows were silently missing from
the second browser test on. A snapshot of every table is brittle too (it must also restore content
types that ``flush`` has recreated under new ids). So these fixtures re-run the project's data
migrations instead, which are idempotent ``get_or_create`` seeds: before each transactional test
whose database is empty, and once more when the module ends (``tests/conftest.py`` does this for
every transactional test, browser or not).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's event loop runs in the test thread

CHROMIUM = "/usr/bin/chromium"
SCREENS = Path("/tmp/screens")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not Path(CHROMIUM).exists():
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def screens() -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS
