"""Who works on which case: claim the next one, assign, reassign, bulk-assign.

Taking a submitted case into review is a state change, so it goes through
``apps.cases.review_moves.case_start_review`` (and the transition service). Moving an open case from one
reviewer to another does not change its status; ``case_reassign`` does it under the same rules (row
lock, ``lock_version`` bumped, a timeline event and a pghistory context saying who and why).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import Case, CaseEvent, CaseStatus
from apps.cases.review_moves import case_start_review
from apps.cases.transitions import TransitionNotAllowed, record_event

ASSIGNEE_ROLES = (Role.REVIEWER, Role.SUPERVISOR)
BULK_ASSIGN_LIMIT = 100  # the queue's largest page
REASSIGNED = gettext_lazy("reassigned")  # for TransitionNotAllowed: "... so it cannot be reassigned."


class Outcome(enum.StrEnum):
    """What happened to one case of an assignment."""

    ASSIGNED = "assigned"  # it was waiting; now in review with the new reviewer
    REASSIGNED = "reassigned"  # moved from another reviewer
    UNCHANGED = "unchanged"  # already with that reviewer
    DECIDED = "decided"  # approved or rejected meanwhile: skipped
    WITHDRAWN = "withdrawn"  # withdrawn meanwhile: skipped
    MISSING = "missing"  # no such case (or never submitted): skipped

    @property
    def changed(self) -> bool:
        return self in (Outcome.ASSIGNED, Outcome.REASSIGNED)

    @property
    def skipped(self) -> bool:
        return self in (Outcome.DECIDED, Outcome.WITHDRAWN, Outcome.MISSING)


@dataclass(frozen=True, slots=True)
class AssignmentOutcome:
    case_id: int
    reference: str  # empty for a missing case
    outcome: Outcome


def assignable_users() -> QuerySet[User]:
    """Active reviewers and supervisors: the only people a case can be assigned to."""
    membership = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name__in=ASSIGNEE_ROLES)
    return User.objects.filter(Exists(membership), is_active=True).order_by("full_name", "email")


def is_assignable(user: User) -> bool:
    return user.is_active and assignable_users().filter(pk=user.pk).exists()


def _require_assignable(user: User) -> None:
    if not is_assignable(user):
        raise ValidationError(_("Cases can only be assigned to active reviewers and supervisors."))


def _require_supervisor(user: User) -> None:
    if not (user.is_active and user.has_role(Role.SUPERVISOR)):
        raise PermissionDenied(_("Only a supervisor can assign cases to reviewers."))


def claim_next(*, reviewer: User) -> Case | None:
    """Take the most urgent unassigned case into review, or None when nothing is waiting.

    SKIP LOCKED: a case another reviewer is claiming at this instant is passed over rather than
    waited for, so two reviewers pressing "claim next" together get two different cases.
    """
    _require_assignable(reviewer)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(skip_locked=True)
            .filter(status=CaseStatus.SUBMITTED)
            .order_by("due_at", "id")
            .first()
        )
        if case is None:
            return None
        case_start_review(case=case, reviewer=reviewer, by=reviewer)
    return case


def case_reassign(*, case: Case, to: User, by: User, reason: str = "") -> CaseEvent:
    """Move an open, assigned case to another reviewer (a supervisor's move); the status stays."""
    _require_supervisor(by)
    _require_assignable(to)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if not locked.is_open:
            raise TransitionNotAllowed(locked, str(REASSIGNED))
        if locked.assigned_to_id is None:
            raise ValidationError(_("Nobody has this case yet: assign it instead."))
        if locked.assigned_to_id == to.pk:
            raise ValidationError(_("This case is already assigned to that reviewer."))
        event = _move_to(locked, to=to, by=by, reason=reason, now=timezone.now())
    _copy_assignment(case, locked)
    return event


def _move_to(locked: Case, *, to: User, by: User, reason: str, now: dt.datetime) -> CaseEvent:
    previous = locked.assigned_to_id
    locked.assigned_to = to
    locked.assigned_at = now
    locked.lock_version += 1  # a decision prepared by the previous assignee is now stale
    with pghistory.context(actor=by.pk, move=str(CaseEvent.Kind.REASSIGNED), reason=reason):
        locked.save(update_fields=["assigned_to", "assigned_at", "lock_version", "updated_at"])
        return CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.REASSIGNED,
            from_status=locked.status,
            to_status=locked.status,
            actor=by,
            reason=reason,
            data={"from": previous, "to": to.pk},
            at=now,
        )


def case_assign(*, case: Case, to: User, by: User, reason: str = "") -> Outcome:
    """A supervisor gives a case to ``to``: a waiting case starts review, an assigned one moves.

    A case decided or withdrawn meanwhile is skipped and reported, not an error: the supervisor
    acted on a screen that was right when they loaded it.
    """
    _require_supervisor(by)
    _require_assignable(to)
    return _assign(case_id=case.pk, to=to, by=by, reason=reason, target=case)


def _assign(*, case_id: int, to: User, by: User, reason: str = "", target: Case | None = None) -> Outcome:
    with transaction.atomic():
        # Decide on the locked row: a case claimed a moment ago is reassigned, not refused.
        locked = Case.objects.select_for_update().filter(pk=case_id).first()
        outcome = _skip_reason(locked, to)
        if outcome is not None:
            return outcome
        assert locked is not None
        if locked.status == CaseStatus.SUBMITTED:
            case_start_review(case=locked, reviewer=to, by=by)
            if reason:
                # For the ministry only: an internal line, never on the applicant's timeline or
                # in their e-mail (the review-started event above is on both).
                with pghistory.context(reason=reason):
                    record_event(
                        case=locked,
                        kind=CaseEvent.Kind.ASSIGNED,
                        by=by,
                        reason=reason,
                        data={"reviewer": to.pk},
                    )
            outcome = Outcome.ASSIGNED
        else:
            _move_to(locked, to=to, by=by, reason=reason, now=timezone.now())
            outcome = Outcome.REASSIGNED
    if target is not None:
        _copy_assignment(target, locked)
    return outcome


def _skip_reason(locked: Case | None, to: User) -> Outcome | None:
    # Never submitted (a draft, or a draft withdrawn before submission): not the ministry's to see.
    if locked is None or locked.status == CaseStatus.DRAFT or locked.submitted_at is None:
        return Outcome.MISSING
    if locked.status == CaseStatus.WITHDRAWN:
        return Outcome.WITHDRAWN
    if locked.is_final:
        return Outcome.DECIDED
    if locked.status != CaseStatus.SUBMITTED and locked.assigned_to_id == to.pk:
        return Outcome.UNCHANGED
    return None


def bulk_assign(*, case_ids: Iterable[int], to: User, by: User) -> list[AssignmentOutcome]:
    """Assign each case to ``to``, one transaction per case; what could not be done is reported."""
    _require_supervisor(by)
    _require_assignable(to)
    wanted = list(dict.fromkeys(case_ids))
    if len(wanted) > BULK_ASSIGN_LIMIT:
        raise ValidationError(_("Assign at most %(limit)d cases at a time.") % {"limit": BULK_ASSIGN_LIMIT})
    # The queue's order: every bulk action locks rows in the same order, so two cannot deadlock.
    found = list(Case.objects.filter(pk__in=wanted).order_by("due_at", "id").values_list("pk", "reference"))
    outcomes = [
        AssignmentOutcome(pk, reference, _assign(case_id=pk, to=to, by=by)) for pk, reference in found
    ]
    known = {pk for pk, _reference in found}
    outcomes += [AssignmentOutcome(pk, "", Outcome.MISSING) for pk in wanted if pk not in known]
    return outcomes


def _copy_assignment(target: Case, source: Case) -> None:
    for name in ("status", "assigned_to_id", "assigned_at", "lock_version", "updated_at"):
        setattr(target, name, getattr(source, name))
