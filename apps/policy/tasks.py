"""Celery tasks: thin, idempotent, addressed by name."""

from __future__ import annotations

from celery import shared_task

from apps.policy.services import simulation_redrive, simulation_run


@shared_task(name="policy.run_simulation", acks_late=True)
def run_simulation(run_id: int) -> str:
    """Replay a stored simulation; a finished run is not redone (compare-and-set on its status)."""
    return simulation_run(run_id=run_id).status


@shared_task(name="policy.redrive_simulations")
def redrive_simulations() -> dict[str, int]:
    """Beat: re-enqueue runs the broker lost, fail runs lost too often (services.simulation_redrive)."""
    return simulation_redrive()
