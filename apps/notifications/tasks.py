"""Thin tasks: each calls a service that is safe to run twice."""

import datetime as dt

from celery import shared_task

from apps.notifications import reminders, services


@shared_task(name="notifications.deliver_case_event", acks_late=True)
def deliver_case_event(event_id: int) -> int:
    return len(services.notify_case_event(event_id))


@shared_task(name="notifications.deliver_sponsorship_change", acks_late=True)
def deliver_sponsorship_change(sponsorship_id: int, status: str) -> int:
    return len(services.notify_sponsorship_change(sponsorship_id, status))


@shared_task(name="notifications.deliver_ownership_claim", acks_late=True)
def deliver_ownership_claim(claim_id: int, status: str) -> int:
    return len(services.notify_ownership_claim(claim_id, status))


@shared_task(name="notifications.deliver", acks_late=True)
def deliver(notification_id: int) -> bool:
    """Send one recorded message (at most once: ``services.deliver`` locks and marks it)."""
    return services.deliver(notification_id)


@shared_task(name="notifications.sweep")
def sweep() -> dict[str, int]:
    """The periodic re-drive: unsent messages, and case status changes, sponsorship changes and
    ownership claims whose task was lost (the broker was down: decisions 15 and 57)."""
    return {
        "events": services.redrive_unnotified_events(),
        "sponsorships": services.redrive_unnotified_sponsorships(),
        "ownership_claims": services.redrive_unnotified_ownership_claims(),
        "resent": services.redrive_unsent(),
    }


@shared_task(name="notifications.sweep_reminders")
def sweep_reminders() -> dict[str, int]:
    """Beat, every five minutes: record the clock reminders owed now and fan their delivery out."""
    return reminders.sweep()


@shared_task(name="notifications.deliver_reminders", acks_late=True)
def deliver_reminders(reminder_ids: list[int]) -> int:
    return sum(reminders.deliver_reminder(reminder_id=reminder_id) for reminder_id in reminder_ids)


@shared_task(name="notifications.send_digests")
def send_digests() -> int:
    """Beat, every quarter hour: from 08:00 in Korea, start the day's digest for each person owed one."""
    return reminders.send_digests()


@shared_task(name="notifications.send_digest", acks_late=True)
def send_digest(user_id: int, day: str) -> bool:
    return reminders.send_digest(user_id=user_id, day=dt.date.fromisoformat(day))
