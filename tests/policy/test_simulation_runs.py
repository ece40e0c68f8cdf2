"""Stored simulation runs and the ``policy.run_simulation`` task: progress in chunks, written while
the rows stream (through a connection of its own), and a finished run never run again."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from apps.policy import services
from apps.policy.models import SimulationRun, SimulationStatus
from apps.policy.services import simulation_request
from apps.policy.simulation import SimulationError, simulate
from apps.policy.tasks import run_simulation
from tests.factories import UserFactory
from tests.ministry import submitted_case
from tests.policy.helpers import top_200_document

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
FROM, TO = dt.date(2026, 9, 1), dt.date(2026, 9, 30)


def stored_run(**kwargs: Any) -> SimulationRun:
    fields: dict[str, Any] = {
        "draft_code": "2027-03-top-200",
        "draft": top_200_document(),
        "base_code": "2026-07",
        "submitted_from": FROM,
        "submitted_to": TO,
    }
    return SimulationRun.objects.create(**{**fields, **kwargs})


@pytest.mark.django_db(transaction=True)
def test_the_task_reports_progress_in_chunks_and_never_redoes_a_finished_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for day in range(1, 6):
        submitted_case(submitted_at=dt.datetime(2026, 9, day, 10, tzinfo=SEOUL), degree_level="master",
                       institution_rank=150, fortune_global_500_years="0", offered_salary_krw=60_000_000)  # fmt: skip
    run = stored_run()
    seen: list[tuple[int, int, str]] = []
    calls = []

    def simulate_in_chunks_of_two(*args: Any, progress: Any, **kwargs: Any) -> Any:
        calls.append(1)
        reader = connections.create_connection(DEFAULT_DB_ALIAS)  # what a progress bar's request sees

        def spy(done: int, total: int) -> None:
            progress(done, total)
            with reader.cursor() as cursor:
                cursor.execute("SELECT done, total, status FROM policy_simulationrun WHERE id = %s", [run.pk])
                seen.append(cursor.fetchone())

        try:
            return simulate(*args, progress=spy, chunk_rows=2, **kwargs)
        finally:
            reader.close()

    monkeypatch.setattr(services, "simulate", simulate_in_chunks_of_two)

    assert run_simulation(run.pk) == SimulationStatus.FINISHED
    assert seen == [(0, 5, "running"), (2, 5, "running"), (4, 5, "running"), (5, 5, "running")]
    run.refresh_from_db()
    assert (run.done, run.total) == (5, 5)
    assert run.result is not None
    assert run.result["tracks"]["quantitative"]["fail_to_pass"] == 5
    assert run.started_at is not None
    finished_at = run.finished_at
    assert finished_at is not None

    assert run_simulation(run.pk) == SimulationStatus.FINISHED  # delivered again
    run.refresh_from_db()
    assert calls == [1]
    assert run.finished_at == finished_at


@pytest.mark.django_db
def test_a_run_another_worker_is_running_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone

    run = stored_run(status=SimulationStatus.RUNNING, started_at=timezone.now())
    monkeypatch.setattr(services, "simulate", lambda *a, **k: pytest.fail("ran twice"))
    assert run_simulation(run.pk) == SimulationStatus.RUNNING


@pytest.mark.django_db
def test_a_draft_that_cannot_be_simulated_fails_with_its_reason() -> None:
    submitted_case(submitted_at=dt.datetime(2026, 9, 1, 10, tzinfo=SEOUL))
    run = stored_run(submitted_from=FROM, submitted_to=FROM)
    draft = top_200_document()
    for band in draft["criteria"][2]["points"]["bands"]["bands"]:
        band["min"]["year"] = 1990  # no figure on file for that year
    SimulationRun.objects.filter(pk=run.pk).update(draft=draft)
    assert run_simulation(run.pk) == SimulationStatus.FAILED
    run.refresh_from_db()
    assert "1990" in run.error


@pytest.mark.django_db
def test_a_request_stores_its_inputs_and_enqueues_after_commit(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def enqueue(name: str, *args: Any) -> bool:
        sent.append((name, args))
        return True

    monkeypatch.setattr(services, "enqueue", enqueue)
    who = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        run = simulation_request(draft=top_200_document(), submitted_from=FROM, submitted_to=TO, by=who)
    assert sent == [("policy.run_simulation", (run.pk,))]
    assert (run.draft_code, run.base_code, run.created_by, run.status) == (
        "2027-03-top-200",
        "2026-07",
        who,
        SimulationStatus.PENDING,
    )
    with pytest.raises(SimulationError, match="after it ends"):
        simulation_request(draft=top_200_document(), submitted_from=TO, submitted_to=FROM, by=who)
