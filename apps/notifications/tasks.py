"""Thin tasks: each calls a service that is safe to run twice."""

from celery import shared_task

from apps.notifications import services


@shared_task(name="notifications.deliver_case_event", acks_late=True)
def deliver_case_event(event_id: int) -> int:
    return len(services.notify_case_event(event_id))


@shared_task(name="notifications.deliver_sponsorship_change", acks_late=True)
def deliver_sponsorship_change(sponsorship_id: int, status: str) -> int:
    return len(services.notify_sponsorship_change(sponsorship_id, status))


@shared_task(name="notifications.sweep")
def sweep() -> dict[str, int]:
    """The periodic re-drive: unsent messages, and status changes whose task was lost."""
    return {
        "events": services.redrive_unnotified_events(),
        "resent": services.redrive_unsent(),
    }
