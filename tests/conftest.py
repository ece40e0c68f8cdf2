"""Shared fixtures: personas, reference data, and the guard that tests run on real servers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from apps.accounts.models import User
from apps.accounts.roles import Role
from tests.factories import ApplicantProfileFactory, EducationFactory, EmploymentFactory, UserFactory

# Playwright runs an event loop in the test thread; the ORM calls around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _own_redis_databases_per_xdist_worker() -> None:
    """Each xdist worker gets its own broker and cache databases: a cache.clear() is a FLUSHDB, and
    a Celery worker started by one test process must never take another process's tasks (they
    point at another test database). Done here because settings are imported before xdist names
    the worker."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    slot = int(worker[2:]) + 1
    if slot > 6:
        raise RuntimeError("tests use two Redis databases per xdist worker: run with -n 6 or fewer")
    from django.core.cache import caches

    from config.celery import app

    settings.CACHES["default"]["LOCATION"] = f"{settings.REDIS_URL}/{15 - 2 * slot}"
    settings.CELERY_BROKER_URL = f"{settings.REDIS_URL}/{14 - 2 * slot}"
    app.conf.broker_url = settings.CELERY_BROKER_URL
    caches.__dict__.pop("settings", None)  # the handler caches the CACHES setting it first read


_own_redis_databases_per_xdist_worker()


def pytest_report_header(config: pytest.Config) -> list[str]:
    db = settings.DATABASES["default"]
    return [f"database: {db['ENGINE']} {db.get('HOST') or 'local socket'}", f"redis: {settings.REDIS_URL}"]


@pytest.fixture(autouse=True)
def _english_unless_a_test_says_otherwise() -> Iterator[None]:
    """LocaleMiddleware activates a request's language in the thread and nothing resets it, so one
    test's Korean request would leak Korean into the next test's messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Rate-limit counters (allauth's, the API's) must not carry over from one test to the next.
    Each xdist worker has its own Redis cache database (config/settings/test.py), so this is safe."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_scorer_cache() -> None:
    """A rolled-back test leaves no signal behind: start every test without compiled scorers."""
    from apps.rubric.selectors import clear_scorer_cache

    clear_scorer_cache()


@pytest.fixture(scope="session", autouse=True)
def _real_servers_only() -> None:
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql", "tests need PostgreSQL"
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "tests need a real Redis broker"


# --- Seeded rows and transactional tests -------------------------------------------------------
# A transactional test (a real Celery worker, a live server for the browser) flushes every table
# when it ends, taking the rows the data migrations seeded (rubric versions, strategic fields,
# programmes, the GNI figure, role groups). ``serialized_rollback`` does not survive Playwright (it
# sees another connection object), so the seeds are re-run instead: they are idempotent
# ``get_or_create`` migrations.


def _run_seed_migrations() -> None:
    from django.apps import apps

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    for key in sorted(loader.graph.nodes):  # deterministic; the seeds only depend on tables
        migration = loader.graph.nodes[key]
        if not migration.__module__.startswith("apps."):
            continue
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                with connection.schema_editor() as editor:
                    operation.code(apps, editor)


def restore_seeded_rows() -> None:
    from apps.rubric.models import RubricVersion

    if not RubricVersion.objects.exists():
        _run_seed_migrations()


def _is_transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))


@pytest.fixture(scope="module")
def _reseed_after_module(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """After a module's transactional tests have flushed the tables, seed them again for what follows."""
    yield
    with django_db_blocker.unblock():
        restore_seeded_rows()
    connections.close_all()  # Playwright's context may hold another connection object


@pytest.fixture(autouse=True)
def _seeded_rows_for_transactional_tests(request: pytest.FixtureRequest) -> None:
    if not _is_transactional(request.node):
        return
    request.getfixturevalue("_reseed_after_module")
    request.getfixturevalue("transactional_db")
    restore_seeded_rows()


# Personas: one definition each, built from tests/factories.py. A test module that needs someone
# different asks for a persona named for what sets them apart, never redefines these.


@pytest.fixture
def applicant(db: None) -> User:
    """A person with the applicant role and nothing else yet (no profile, no case)."""
    return UserFactory(role=Role.APPLICANT)


@pytest.fixture
def applicant_with_profile(applicant: User) -> User:
    """An applicant who has saved a profile (the factory's defaults: no degree, no job)."""
    ApplicantProfileFactory(user=applicant)
    return applicant


@pytest.fixture
def applicant_without_a_name(db: None) -> User:
    """An applicant whose account has no name: the profile step must ask for it."""
    return UserFactory(role=Role.APPLICANT, full_name="")


@pytest.fixture
def applicant_named_ada_kim(db: None) -> User:
    """An applicant whose account says "Ada Kim" and who has no profile yet (the profile page
    starts from the account's name)."""
    return UserFactory(role=Role.APPLICANT, full_name="Ada Kim")


@pytest.fixture
def doctor_with_ten_years(applicant_with_profile: User) -> User:
    """An applicant whose profile holds a doctorate and ten years of work."""
    profile = ApplicantProfileFactory(user=applicant_with_profile)  # get-or-create: the saved one
    EducationFactory(profile=profile, degree_level="doctorate")
    EmploymentFactory(profile=profile, years=10)
    return applicant_with_profile


@pytest.fixture
def employer(db: None) -> User:
    """A person with the employer role and no organisation."""
    return UserFactory(role=Role.EMPLOYER)


@pytest.fixture
def reviewer(db: None) -> User:
    """A ministry reviewer (no second factor set up: tests that open ministry pages use
    ``tests.ministry.logged_in``)."""
    return UserFactory(role=Role.REVIEWER)
