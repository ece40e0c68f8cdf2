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
migrations instead, which are idempotent ``get_or_create`` seeds: before each browser test whose
database is empty, and once more when the module ends, leaving the database as the migrations made
it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from apps.rubric.models import RubricVersion

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


def _seeded() -> bool:
    return RubricVersion.objects.exists()


def _run_seed_migrations() -> None:
    """Re-run the project's data migrations (idempotent get_or_create seeds) on an empty database."""
    from django.apps import apps

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    for key in sorted(loader.graph.nodes):  # a deterministic order; seeds only depend on tables
        migration = loader.graph.nodes[key]
        if not migration.__module__.startswith("apps."):
            continue
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                with connection.schema_editor() as editor:
                    operation.code(apps, editor)


def _restore_seeded_rows() -> None:
    if not _seeded():
        _run_seed_migrations()


@pytest.fixture(scope="module")
def _reseed_after_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Once the module's last transactional test has flushed the database, seed it again."""
    yield
    with django_db_blocker.unblock():
        _restore_seeded_rows()
    # This context's connection is not the one the session opened (see above): close it, or dropping
    # the test database at the end finds "1 other session using the database".
    connections.close_all()


@pytest.fixture(autouse=True)
def _seeded_rows(request: pytest.FixtureRequest) -> None:
    """Before a browser test: the seeded rows, as the migrations left them (the previous test flushed them)."""
    if request.node.get_closest_marker("browser") is None:
        return
    request.getfixturevalue("_reseed_after_module")
    request.getfixturevalue("transactional_db")
    _restore_seeded_rows()


@pytest.fixture
def screens() -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS
