"""The one place a case changes state.

Each move is one atomic function: lock the row, check the current state and the actor, change the
case, write the timeline event (and the pghistory context: who and why), and only after the commit
enqueue side effects (notifications, scoring). A refused move changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pghistory
from celery import current_app  # noqa: F401  (tests replace current_app.send_task through this name)
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.cases.models import Case, CaseEvent, CaseStatus
from apps.core.hooks import enqueue, safe_on_commit

# Tasks are addressed by name so the case model never imports the apps that react to it.
NOTIFY_TASK = "notifications.deliver_case_event"
SCORE_TASK = "cases.score_case"


class TransitionNotAllowed(Exception):
    """The case is not in a state that allows this move (or someone else moved it first)."""

    def __init__(self, case: Case, move: str) -> None:
        self.case = case
        self.move = move
        super().__init__(
            _("This case is %(status)s, so it cannot be %(move)s.")
            % {"status": case.get_status_display().lower(), "move": move}
        )


class StaleCase(Exception):
    """The case changed since the actor loaded it (optimistic concurrency)."""


@dataclass(frozen=True, slots=True)
class Move:
    name: str | Promise  # for messages: "submitted", "withdrawn", ...
    allowed_from: frozenset[str]
    to: str
    event: str


SUBMIT = Move(_("submitted"), frozenset({CaseStatus.DRAFT}), CaseStatus.SUBMITTED, CaseEvent.Kind.SUBMITTED)
START_REVIEW = Move(
    _("taken into review"),
    frozenset({CaseStatus.SUBMITTED}),
    CaseStatus.IN_REVIEW,
    CaseEvent.Kind.REVIEW_STARTED,
)
REQUEST_INFORMATION = Move(
    _("paused for information"),
    frozenset({CaseStatus.IN_REVIEW}),
    CaseStatus.INFORMATION_REQUESTED,
    CaseEvent.Kind.INFORMATION_REQUESTED,
)
PROVIDE_INFORMATION = Move(
    _("answered"),
    frozenset({CaseStatus.INFORMATION_REQUESTED}),
    CaseStatus.IN_REVIEW,
    CaseEvent.Kind.INFORMATION_PROVIDED,
)
APPROVE = Move(_("approved"), frozenset({CaseStatus.IN_REVIEW}), CaseStatus.APPROVED, CaseEvent.Kind.APPROVED)
REJECT = Move(_("rejected"), frozenset({CaseStatus.IN_REVIEW}), CaseStatus.REJECTED, CaseEvent.Kind.REJECTED)
WITHDRAW = Move(
    _("withdrawn"),
    frozenset(
        {CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.INFORMATION_REQUESTED}
    ),
    CaseStatus.WITHDRAWN,
    CaseEvent.Kind.WITHDRAWN,
)
REQUEST_REVIEW = Move(
    _("sent for review"),
    frozenset({CaseStatus.REJECTED}),
    CaseStatus.REVIEW_REQUESTED,
    CaseEvent.Kind.REVIEW_REQUESTED,
)
UPHOLD_REJECTION = Move(
    _("upheld"), frozenset({CaseStatus.REVIEW_REQUESTED}), CaseStatus.REJECTED, CaseEvent.Kind.REVIEW_UPHELD
)
OVERTURN_REJECTION = Move(
    _("overturned"),
    frozenset({CaseStatus.REVIEW_REQUESTED}),
    CaseStatus.APPROVED,
    CaseEvent.Kind.REVIEW_OVERTURNED,
)


def transition(
    *,
    case: Case,
    move: Move,
    by: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    change: Callable[[Case, dt.datetime], Iterable[str]] = lambda case, now: (),
    side_effects: Iterable[str] = (NOTIFY_TASK,),
) -> CaseEvent:
    """Apply ``move`` to ``case`` atomically; ``change`` sets the move's own fields and names them."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if expected_version is not None and locked.lock_version != expected_version:
            raise StaleCase(locked.reference)
        if locked.status not in move.allowed_from:
            raise TransitionNotAllowed(locked, str(move.name))
        now = timezone.now()
        from_status = locked.status
        changed = set(change(locked, now))
        locked.status = move.to
        locked.lock_version += 1
        with pghistory.context(actor=by.pk if by else None, move=move.event, reason=reason):
            locked.save(update_fields=[*changed, "status", "lock_version", "updated_at"])
            event = CaseEvent.objects.create(
                case=locked,
                kind=move.event,
                from_status=from_status,
                to_status=move.to,
                actor=by,
                reason=reason,
                data=data or {},
                at=now,
            )
        for task_name in side_effects:
            enqueue_after_commit(task_name, event.pk if task_name == NOTIFY_TASK else locked.pk)
    _refresh(case, locked)
    return event


def record_event(
    *, case: Case, kind: str, by: User | None, reason: str = "", data: dict[str, Any] | None = None
) -> CaseEvent:
    """A timeline line that does not change the status (a document added, a score computed)."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        from_status=case.status,
        to_status=case.status,
        actor=by,
        reason=reason,
        data=data or {},
        at=timezone.now(),
    )


def enqueue_after_commit(task_name: str, *args: Any) -> None:
    """Send the task only once the transaction commits: a rolled-back change sends nothing.

    If the broker is down, the commit still stands and the request still succeeds (the hook logs
    and stops nothing else: apps.core.hooks): notifications and scoring are re-driven by the
    periodic sweeps, which find what was never done (the rows say so), so nothing is lost.
    """

    def send() -> None:
        enqueue(task_name, *args)

    safe_on_commit(send, what=f"enqueue {task_name}")


def _refresh(target: Case, source: Case) -> None:
    for field in Case._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
