"""Delivery faults, with a real Celery worker on a real Redis broker.

- a scoring task delivered twice leaves one snapshot;
- a submission while the broker is down still succeeds, and the case is scored once it returns
  (the periodic re-drive finds submitted cases without a snapshot).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker

from apps.accounts.roles import Role
from apps.cases.models import CaseScore
from apps.cases.services import case_start, case_submit, document_add
from apps.cases.tasks import redrive_unscored, score_case
from config.celery import app
from tests.factories import FULL_ANSWERS, UserFactory, pdf_upload

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from services import embedded_redis

# Transactional: the worker reads what the test committed (tests/conftest.py re-seeds the rubric).
pytestmark = pytest.mark.django_db(transaction=True)
DOCUMENTS = ["passport", "cv", "degree_certificate", "employment_certificate", "salary_evidence"]


@contextlib.contextmanager
def broker(url: str) -> Iterator[None]:
    """Point the Celery app at ``url`` for the duration (dropping pooled connections both ways)."""
    previous = app.conf.broker_url
    _drop_connections()
    app.conf.broker_url = url
    try:
        yield
    finally:
        _drop_connections()
        app.conf.broker_url = previous


def _drop_connections() -> None:
    # The app caches a connection pool and a producer pool built on it; both must be rebuilt. kombu
    # also keeps producer pools in a registry keyed by broker URL, which would hand the closed
    # pool back to the next test that sends a task: reset that registry too.
    app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@contextlib.contextmanager
def worker() -> Iterator[None]:
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def submitted_case():
    applicant = UserFactory(role=Role.APPLICANT)
    case = case_start(applicant=applicant, answers=FULL_ANSWERS, track="quantitative")
    for kind in DOCUMENTS:
        document_add(case=case, by=applicant, kind=kind, upload=pdf_upload())
    case_submit(case=case, by=applicant)
    return case


def wait_for_score(case, timeout: float = 20.0) -> CaseScore:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snapshot = CaseScore.objects.filter(case=case).first()
        if snapshot is not None:
            return snapshot
        time.sleep(0.1)
    raise AssertionError("the worker did not score the case in time")


def test_a_real_worker_scores_a_submitted_case_once_even_when_the_task_arrives_twice():
    with worker():
        case = submitted_case()  # enqueues scoring after commit
        snapshot = wait_for_score(case)
        score_case.apply_async(args=[case.pk])  # a redelivery, and one more for good measure
        score_case.apply_async(args=[case.pk])
        _wait_until_idle()
    assert CaseScore.objects.filter(case=case).count() == 1
    assert CaseScore.objects.get(case=case).total == snapshot.total
    assert case.events.filter(kind="scored").count() == 1


def _wait_until_idle(timeout: float = 20.0) -> None:
    """Wait for the broker's queue to empty and the solo worker to finish what it took."""
    import time

    deadline = time.monotonic() + timeout
    with app.connection_for_write() as connection:
        while time.monotonic() < deadline:
            if connection.default_channel.client.llen("celery") == 0:
                break
            time.sleep(0.1)
    time.sleep(1.0)  # the last message taken is processed by the solo pool before shutdown


def test_a_submission_while_the_broker_is_down_is_scored_when_it_returns(tmp_path):
    with embedded_redis(tmp_path / "broker") as url:
        dead_url = f"{url}/0"
    # The broker's server has stopped: submitting must still succeed, and nothing is scored yet.
    with broker(dead_url):
        case = submitted_case()
    assert case.status == "submitted"
    assert not CaseScore.objects.filter(case=case).exists()

    # The broker returns; the periodic re-drive finds the unscored case and a real worker scores it.
    with embedded_redis(tmp_path / "broker") as url, broker(f"{url}/0"), worker():
        assert redrive_unscored.apply().get() == 1
        snapshot = wait_for_score(case)
    assert snapshot.total > 0
    assert CaseScore.objects.filter(case=case).count() == 1
