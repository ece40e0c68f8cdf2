"""The re-drive of simulation runs (beat task ``policy.redrive_simulations``): a pending run the
broker did not take is enqueued again, not more often than every ten minutes; a run left running
past the timeout is handed to a worker again, and failed after three claims; repeated sweeps are
harmless."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from apps.policy import services
from apps.policy.models import SimulationRun, SimulationStatus
from apps.policy.services import MAX_ATTEMPTS, simulation_redrive
from apps.policy.tasks import redrive_simulations, run_simulation
from tests.policy.helpers import top_200_document

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


class Broker(list[tuple[str, tuple[Any, ...]]]):
    """What was handed to the broker; ``up`` False: it refuses everything."""

    up = True


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Broker:
    calls = Broker()

    def enqueue(name: str, *args: Any) -> bool:
        if not calls.up:
            return False
        calls.append((name, args))
        return True

    monkeypatch.setattr(services, "enqueue", enqueue)
    return calls


def run(**kwargs: Any) -> SimulationRun:
    fields: dict[str, Any] = {
        "draft_code": "2027-03-top-200", "draft": top_200_document(), "base_code": "2026-07",
        "submitted_from": dt.date(2026, 9, 1), "submitted_to": dt.date(2026, 9, 30),
    }  # fmt: skip
    return SimulationRun.objects.create(**{**fields, **kwargs})


def test_the_beat_schedules_the_redrive() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["policy-redrive-simulations"]
    assert entry["task"] == redrive_simulations.name == "policy.redrive_simulations"


def test_a_pending_run_the_broker_never_took_is_enqueued_again(sent: list[Any]) -> None:
    never = run()  # enqueued_at None: the broker was down when it was requested
    with time_machine.travel(NOW, tick=False):
        recent = run(enqueued_at=timezone.now() - dt.timedelta(minutes=3))
        old = run(enqueued_at=timezone.now() - dt.timedelta(minutes=30))
        done = run(status=SimulationStatus.FINISHED, result={})
        assert simulation_redrive() == {"enqueued": 2, "failed": 0}
        assert sorted(args[0] for _name, args in sent) == sorted([never.pk, old.pk])
        assert done.pk not in [args[0] for _name, args in sent]
        never.refresh_from_db()
        assert never.enqueued_at == timezone.now()
        # Again at once: nothing (each was just handed to the broker).
        assert simulation_redrive() == {"enqueued": 0, "failed": 0}
    assert recent.pk not in [args[0] for _name, args in sent]


def test_while_the_broker_is_down_the_run_stays_due(sent: Broker) -> None:
    waiting = run()
    sent.up = False
    assert simulation_redrive() == {"enqueued": 0, "failed": 0}
    waiting.refresh_from_db()
    assert waiting.enqueued_at is None
    sent.up = True
    assert simulation_redrive() == {"enqueued": 1, "failed": 0}


def test_a_run_stuck_running_is_run_again_and_failed_after_three_claims(
    sent: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    with time_machine.travel(NOW, tick=False):
        stuck = run(
            status=SimulationStatus.RUNNING,
            started_at=timezone.now() - dt.timedelta(hours=2),
            enqueued_at=timezone.now() - dt.timedelta(hours=2),
            attempts=1,
        )
        fresh = run(status=SimulationStatus.RUNNING, started_at=timezone.now(), attempts=1)
        assert simulation_redrive() == {"enqueued": 1, "failed": 0}
        assert [args for _name, args in sent] == [(stuck.pk,)]

    # The worker takes it over (the claim accepts a stale run) and loses it again, twice.
    def lose(*args: Any, **kwargs: Any) -> Any:
        raise SystemExit("worker lost")

    monkeypatch.setattr(services, "simulate", lose)
    for attempt in range(2, MAX_ATTEMPTS + 1):
        with (
            time_machine.travel(NOW + dt.timedelta(hours=2 * attempt), tick=False),
            pytest.raises(SystemExit),
        ):
            run_simulation(stuck.pk)
        stuck.refresh_from_db()
        assert (stuck.status, stuck.attempts) == (SimulationStatus.RUNNING, attempt)

    with time_machine.travel(NOW + dt.timedelta(hours=2 * MAX_ATTEMPTS + 2), tick=False):
        assert run_simulation(stuck.pk) == SimulationStatus.RUNNING  # no fourth claim
        result = simulation_redrive()
    assert result["failed"] == 1
    stuck.refresh_from_db()
    assert stuck.status == SimulationStatus.FAILED
    assert "several times" in stuck.error
    fresh.refresh_from_db()
    assert fresh.status == SimulationStatus.RUNNING  # claimed once only: handed to a worker again
    assert (fresh.pk,) in [args for _name, args in sent]
