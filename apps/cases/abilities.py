"""What may this user do with this case now: the one answer (decision 52).

A move is allowed when the case's state allows it (the move table, ``apps.cases.transitions``)
and its guard allows this user: the guards below are the only statement of who may make each
move (role, assignee, supervisor, the applicant who owns the case). Services ask ``require`` (or
the guard predicates) before they move; pages ask ``may`` and ``allowed_moves`` to decide what to
offer. Neither restates the rules.

``roles`` is the user's ministry roles when the caller already knows them (a page: read once per
request); services pass nothing and the roles are read fresh from the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases import transitions as t
from apps.cases.models import Case
from apps.core.moves import Move

Roles = frozenset[str]
MINISTRY_ROLES = (Role.REVIEWER, Role.SUPERVISOR)


def ministry_roles(user: User, roles: Roles | None = None) -> Roles:
    """The user's ministry roles: ``roles`` when the caller has them, else read now (one query)."""
    if roles is not None:
        return roles
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(user.groups.filter(name__in=MINISTRY_ROLES).values_list("name", flat=True))


# --- Guard predicates ----------------------------------------------------------------------------


def is_ministry(user: User, roles: Roles | None = None) -> bool:
    return bool(ministry_roles(user, roles))


def is_supervisor(user: User, roles: Roles | None = None) -> bool:
    return Role.SUPERVISOR in ministry_roles(user, roles)


def is_assignee(case: Case, user: User) -> bool:
    return case.assigned_to_id is not None and case.assigned_to_id == user.pk


def works_on(case: Case, user: User, roles: Roles | None = None) -> bool:
    """The assigned reviewer, or any supervisor: who may work on an assigned case."""
    roles = ministry_roles(user, roles)
    return bool(roles) and (Role.SUPERVISOR in roles or is_assignee(case, user))


def owns(case: Case, user: User) -> bool:
    """The applicant whose case it is."""
    return case.applicant_id == user.pk


def _may_take(case: Case, user: User, roles: Roles | None) -> bool:
    # A reviewer takes a waiting case for themselves (a supervisor assigns it: apps.cases.assignment).
    return case.assigned_to_id is None and is_ministry(user, roles)


def _supervises_assigned(case: Case, user: User, roles: Roles | None) -> bool:
    return case.assigned_to_id is not None and is_supervisor(user, roles)


def _applicant(case: Case, user: User, roles: Roles | None) -> bool:
    return owns(case, user)


def _supervisor(case: Case, user: User, roles: Roles | None) -> bool:
    return is_supervisor(user, roles)


Guard = Callable[[Case, User, "Roles | None"], bool]

# Who may make each move of the case's table. PROVIDE_INFORMATION is guarded per request (the
# addressee: apps.cases.review_moves.may_answer); SPONSOR_SME_CHANGED is a knock-on move, never asked for.
GUARDS: dict[Move, Guard] = {
    t.SUBMIT: _applicant,
    t.WITHDRAW: _applicant,
    t.REQUEST_REVIEW: _applicant,
    t.START_REVIEW: _may_take,
    t.REQUEST_INFORMATION: works_on,
    t.APPROVE: works_on,
    t.REJECT: works_on,
    t.ASSESS_QUALITATIVE: works_on,
    t.VERIFY_SME: works_on,
    t.REJECT_SME: works_on,
    t.CONFIRM_ROSTER: works_on,
    t.REASSIGN: _supervises_assigned,
    t.UPHOLD_REJECTION: _supervisor,
    t.OVERTURN_REJECTION: _supervisor,
}


def may(user: User, case: Case, move: Move, roles: Roles | None = None) -> bool:
    """The case's state allows ``move`` and its guard allows ``user``."""
    guard = GUARDS.get(move)
    return guard is not None and case.status in move.allowed_from and guard(case, user, roles)


def allowed_moves(user: User, case: Case, roles: Roles | None = None) -> frozenset[Move]:
    roles = ministry_roles(user, roles)
    return frozenset(move for move in t.CASE_MOVES.allowed(case) if may(user, case, move, roles))


def may_any(user: User, case: Case, moves: Iterable[Move], roles: Roles | None = None) -> bool:
    return any(may(user, case, move, roles) for move in moves)


# The reviewer's own moves on an open case: working on it (assessing, verdicts, the roster).
WORK_MOVES = (t.ASSESS_QUALITATIVE, t.VERIFY_SME, t.REJECT_SME, t.CONFIRM_ROSTER)


def may_work(user: User, case: Case, roles: Roles | None = None) -> bool:
    return may_any(user, case, WORK_MOVES, roles)


def may_assign(user: User, case: Case, roles: Roles | None = None) -> bool:
    """A supervisor gives a waiting case to a reviewer (START_REVIEW for someone else) or moves an
    assigned one (REASSIGN): apps.cases.assignment."""
    states = t.START_REVIEW.allowed_from | t.REASSIGN.allowed_from
    return case.status in states and is_supervisor(user, roles)


# --- For services: refuse with the reason ---------------------------------------------------------


def require_ministry(user: User) -> None:
    if not is_ministry(user):
        raise PermissionDenied(_("Only ministry reviewers can do this."))


def require_works_on(case: Case, user: User) -> None:
    """The assigned reviewer or a supervisor (checked on the row as the caller holds it)."""
    roles = ministry_roles(user)
    if not roles:
        raise PermissionDenied(_("Only ministry reviewers can do this."))
    if not works_on(case, user, roles):
        raise PermissionDenied(_("Only the assigned reviewer or a supervisor can do this."))
