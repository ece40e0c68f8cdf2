"""Redis refusing writes (``min-replicas-to-write 1``: NOREPLICAS on every write, reads still answer).

The issue's case: a submission was stored but the applicant got a 500, because the queue-count
bump raised inside ``on_commit`` and the scoring task registered after it was never enqueued.
Now the submission answers 302 and its tasks are enqueued (the broker on its own Redis) or, with
the broker refusing too, re-driven by the sweep once writes are accepted again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client

from apps.accounts.roles import Role
from apps.cases.models import CaseStatus
from apps.cases.services import case_start
from apps.cases.tasks import redrive_unscored
from apps.core.hooks import reset_broker_state
from tests.factories import (
    ApplicantProfileFactory,
    EducationFactory,
    EmploymentFactory,
    UserFactory,
    upload_documents,
)
from tests.resilience.redis_server import RedisServer, pointed_at, redis_server

# Transactional: the hooks run at a real commit, as in production (a captured hook cannot 500).
pytestmark = pytest.mark.django_db(transaction=True)


def refuse_writes(server: RedisServer) -> None:
    server.client().config_set("min-replicas-to-write", 1)


def accept_writes(server: RedisServer) -> None:
    server.client().config_set("min-replicas-to-write", 0)


def queued_tasks(server: RedisServer) -> list[str]:
    """The names of the tasks waiting in the broker's default queue."""
    return [json.loads(raw)["headers"]["task"] for raw in server.client(0).lrange("celery", 0, -1)]


def complete_draft():
    applicant = UserFactory(role=Role.APPLICANT)
    profile = ApplicantProfileFactory(user=applicant)
    EducationFactory(profile=profile, degree_level="doctorate")
    EmploymentFactory(profile=profile, years=10)
    case = case_start(applicant=applicant, track="quantitative", answers={"degree_level": "doctorate"})
    upload_documents(case, applicant)
    client = Client()
    client.force_login(applicant)
    return case, client


def submit(client: Client, case) -> int:
    return client.post(f"/apply/{case.reference}/submit/", {"confirm": "on"}).status_code


def test_with_the_cache_refusing_writes_a_submission_answers_and_its_tasks_are_enqueued(tmp_path: Path):
    with (
        redis_server(tmp_path / "cache") as cache_server,
        redis_server(tmp_path / "broker") as broker_server,
        pointed_at(cache_url=cache_server.url, broker_url=broker_server.url),
    ):
        case, client = complete_draft()
        refuse_writes(cache_server)
        assert submit(client, case) == 302
        case.refresh_from_db()
        assert case.status == CaseStatus.SUBMITTED
        assert client.get(f"/apply/{case.reference}/status/").status_code == 200
        assert sorted(queued_tasks(broker_server)) == ["cases.score_case", "notifications.deliver_case_event"]


def test_with_cache_and_broker_refusing_writes_the_sweep_re_drives_the_scoring(tmp_path: Path):
    with redis_server(tmp_path / "redis") as server, pointed_at(cache_url=server.url, broker_url=server.url):
        case, client = complete_draft()
        refuse_writes(server)
        assert submit(client, case) == 302
        assert queued_tasks(server) == []  # the broker refused them
        accept_writes(server)
        reset_broker_state()
        assert redrive_unscored() == 1
        assert queued_tasks(server) == ["cases.score_case"]
