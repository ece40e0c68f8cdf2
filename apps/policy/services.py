"""Impact simulation runs: request one, run one (from the Celery task). Keyword-only, typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pghistory
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.core.hooks import enqueue, safe_on_commit
from apps.policy.models import DraftSource, SimulationRun, SimulationStatus
from apps.policy.simulation import SimulationError, simulate
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import read_version
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.selectors import NoVersionInForce, rubric_version_by_code, rubric_version_in_force

RUN_TASK = "policy.run_simulation"
# A run left "running" this long was lost with its worker (a crash, a redelivery after the broker's
# visibility timeout): the next delivery may take it over.
STALE_AFTER = dt.timedelta(hours=1)
# A pending run whose task the broker did not take (or lost) is enqueued again after this long.
REDRIVE_AFTER = dt.timedelta(minutes=10)
# A run claimed this many times without finishing is failed by the re-drive, not claimed again.
MAX_ATTEMPTS = 3
LOST_ERROR = gettext_noop(
    "The simulation stopped without finishing several times (its worker was lost or timed out). "
    "Start it again with a shorter period."
)


def simulation_request(
    *,
    draft: dict[str, Any],
    submitted_from: dt.date,
    submitted_to: dt.date,
    by: User | None,
    base_code: str | None = None,
    source: str = DraftSource.DOCUMENT,
) -> SimulationRun:
    """Store a run (the draft document, where it came from, the base: the version in force today
    unless named) and enqueue it after commit; pghistory records who asked. Raises ``ConfigErrors``
    for an invalid draft, ``SimulationError`` for a bad period or base."""
    version = read_version(draft, default_catalogue())
    if submitted_from > submitted_to:
        raise SimulationError(f"the period starts ({submitted_from}) after it ends ({submitted_to})")
    try:
        base = (
            rubric_version_by_code(base_code) if base_code else rubric_version_in_force(timezone.localdate())
        )
    except (LookupError, NoVersionInForce) as exc:
        raise SimulationError(f"no base version: {exc}") from None
    with transaction.atomic(), pghistory.context(actor=by.pk if by else None, move="simulation_requested"):
        run = SimulationRun.objects.create(
            draft_code=version.code,
            draft=draft,
            draft_source=source,
            base_code=base.code,
            submitted_from=submitted_from,
            submitted_to=submitted_to,
            created_by=by,
        )
    safe_on_commit(lambda: _enqueue(run.pk), what=f"enqueue {RUN_TASK}")
    return run


def _enqueue(run_id: int) -> bool:
    """Hand the run to the broker; note when it took it (the re-drive looks at that)."""
    if not enqueue(RUN_TASK, run_id):
        return False
    SimulationRun.objects.filter(pk=run_id).update(enqueued_at=timezone.now())
    return True


def simulation_redrive(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The beat's sweep (``policy.redrive_simulations``): enqueue again each pending run the broker
    did not take (or took over ``REDRIVE_AFTER`` ago without a worker starting it), and each run left
    running past ``STALE_AFTER`` (its claim takes it over); a run claimed ``MAX_ATTEMPTS`` times
    without finishing is failed instead. Safe to run twice: the task claims by compare-and-set."""
    now = now or timezone.now()
    not_recently = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - REDRIVE_AFTER)
    stale = Q(status=SimulationStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    with pghistory.context(move="simulation_redrive"):
        failed = SimulationRun.objects.filter(stale, attempts__gte=MAX_ATTEMPTS).update(
            status=SimulationStatus.FAILED, error=LOST_ERROR, finished_at=now
        )
    due = SimulationRun.objects.filter(Q(status=SimulationStatus.PENDING) | stale, not_recently)
    enqueued = 0
    for run_id in due.order_by("created_at").values_list("pk", flat=True)[:100]:
        enqueued += _enqueue(run_id)
    return {"enqueued": enqueued, "failed": failed}


def _claim(run_id: int) -> bool:
    """Compare-and-set to running: a pending run, or one left running by a lost worker."""
    now = timezone.now()
    pending = SimulationRun.objects.filter(pk=run_id, status=SimulationStatus.PENDING)
    stale = SimulationRun.objects.filter(
        pk=run_id, status=SimulationStatus.RUNNING, started_at__lt=now - STALE_AFTER
    )
    fields = {"status": SimulationStatus.RUNNING, "started_at": now, "done": 0, "attempts": F("attempts") + 1}
    with pghistory.context(move="simulation_started"):
        return bool(pending.update(**fields) or stale.filter(attempts__lt=MAX_ATTEMPTS).update(**fields))


def simulation_run(*, run_id: int) -> SimulationRun:
    """Run a stored simulation once: a finished, failed or (freshly) running run is left alone."""
    if not _claim(run_id):
        return SimulationRun.objects.get(pk=run_id)
    run = SimulationRun.objects.get(pk=run_id)
    running = SimulationRun.objects.filter(pk=run_id, status=SimulationStatus.RUNNING)
    # The rows stream through this thread's connection while the simulation runs, so progress is
    # written through a connection of its own (autocommit: visible at once).
    side = connections.create_connection(DEFAULT_DB_ALIAS)

    def progress(done: int, total: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {SimulationRun._meta.db_table} SET done = %s, total = %s WHERE id = %s AND status = %s",  # noqa: S608
                [done, total, run_id, SimulationStatus.RUNNING.value],
            )

    try:
        draft = read_version(run.draft, default_catalogue())
        base = rubric_version_by_code(run.base_code).parsed_config()
        result = simulate(
            draft,
            base=base,
            submitted_from=run.submitted_from,
            submitted_to=run.submitted_to,
            progress=progress,
        )
    except (ConfigErrors, SimulationError, LookupError) as exc:
        running.update(status=SimulationStatus.FAILED, error=str(exc), finished_at=timezone.now())
    else:
        running.update(status=SimulationStatus.FINISHED, result=result.as_dict(), finished_at=timezone.now())
    finally:
        side.close()
    run.refresh_from_db()
    return run
