"""The one place a case changes state.

Each move is one atomic function: lock the row, check the current state and the actor, change the
case, write the timeline event (and the pghistory context: who and why), and only after the commit
enqueue side effects (notifications, scoring). A refused move changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from celery import current_app  # noqa: F401  (tests replace current_app.send_task through this name)
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseStatus, Sponsorship
from apps.core.hooks import enqueue, safe_on_commit
from apps.core.moves import SAME, Change, Move, MoveRefused, MoveTable, StaleRow, apply, audit, no_change
from apps.core.moves import back_date as _back_date

# Tasks are addressed by name so the case model never imports the apps that react to it.
NOTIFY_TASK = "notifications.deliver_case_event"
SCORE_TASK = "cases.score_case"


class TransitionNotAllowed(MoveRefused):
    """The case is not in a state that allows this move (or someone else moved it first)."""

    def __init__(self, case: Case, move: str) -> None:
        self.case = case
        self.move = move
        super().__init__(
            _("This case is %(status)s, so it cannot be %(move)s.")
            % {"status": case.get_status_display().lower(), "move": move}
        )


StaleCase = StaleRow  # the case changed since the actor loaded it (optimistic concurrency)


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

# Moves that keep the status: they change the assignee, the roster match or the score's inputs, so
# a decision prepared before them is stale (the version is bumped) and the timeline says so.
REASSIGN = Move(_("reassigned"), frozenset(OPEN_STATUSES), SAME, CaseEvent.Kind.REASSIGNED)
CONFIRM_ROSTER = Move(
    _("confirmed against the roster"), frozenset(OPEN_STATUSES), SAME, CaseEvent.Kind.ROSTER_CONFIRMED
)
ASSESS_QUALITATIVE = Move(_("assessed"), frozenset(OPEN_STATUSES), SAME, CaseEvent.Kind.QUALITATIVE_ASSESSED)
VERIFY_SME = Move(_("given an SME verdict"), frozenset(OPEN_STATUSES), SAME, CaseEvent.Kind.SME_VERIFIED)
REJECT_SME = Move(_("given an SME verdict"), frozenset(OPEN_STATUSES), SAME, CaseEvent.Kind.SME_REJECTED)
# Another open case of the same sponsor: its SME bonus may change, so it is stale too (no timeline
# line: nothing happened to it that its applicant or reviewer did).
SPONSOR_SME_CHANGED = Move(_("rescored"), frozenset(OPEN_STATUSES), SAME, "sponsor_sme_changed")

CASE_MOVES: MoveTable[Case] = MoveTable(
    model=Case,
    moves=(
        SUBMIT,
        START_REVIEW,
        REQUEST_INFORMATION,
        PROVIDE_INFORMATION,
        APPROVE,
        REJECT,
        WITHDRAW,
        REQUEST_REVIEW,
        UPHOLD_REJECTION,
        OVERTURN_REJECTION,
        REASSIGN,
        CONFIRM_ROSTER,
        ASSESS_QUALITATIVE,
        VERIFY_SME,
        REJECT_SME,
        SPONSOR_SME_CHANGED,
    ),
    version_field="lock_version",
    refused=lambda case, move: TransitionNotAllowed(case, str(move.name)),
)


def transition(
    *,
    case: Case,
    move: Move,
    by: User | None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    expected_version: int | None = None,
    change: Change = no_change,
    side_effects: Iterable[str] = (NOTIFY_TASK,),
) -> CaseEvent:
    """Apply ``move`` to ``case`` atomically; ``change`` checks under the lock and returns the move's
    own fields with their values (it never sets them: this module does)."""
    with transaction.atomic():
        applied = apply(
            CASE_MOVES,
            pk=case.pk,
            move=move,
            by=by,
            reason=reason,
            expected_version=expected_version,
            change=change,
        )
        locked = applied.row
        with audit(by=by, move=move.event, reason=reason):
            event = CaseEvent.objects.create(
                case=locked,
                kind=move.event,
                from_status=applied.from_status,
                to_status=locked.status,
                actor=by,
                reason=reason,
                data=data or {},
                at=applied.now,
            )
        for task_name in side_effects:
            enqueue_after_commit(task_name, event.pk if task_name == NOTIFY_TASK else locked.pk)
    _refresh(case, locked)
    return event


def mark_stale(*, case_ids: Iterable[int], move: Move, by: User | None, reason: str = "") -> None:
    """A knock-on move of other open cases (their score's inputs changed): each is locked in key
    order, its version bumped and audited; no timeline line. Cases no longer open are left alone."""
    with transaction.atomic():
        for pk in sorted(set(case_ids)):
            try:
                apply(CASE_MOVES, pk=pk, move=move, by=by, reason=reason)
            except MoveRefused:
                continue


def back_date(
    *, case: Case, case_fields: Mapping[str, Any], sponsorship_fields: Mapping[str, Any], why: str
) -> None:
    """Demo and history data only: set a case's clock fields (and its sponsorships' times) as if it
    had happened earlier. Every real move takes its time from the clock; nothing else writes these
    fields after the fact (decision 51)."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _back_date(locked, case_fields, why=why)
        for sponsorship in Sponsorship.objects.select_for_update().filter(case=locked):
            _back_date(sponsorship, sponsorship_fields, why=why)
    _refresh(case, locked)


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
