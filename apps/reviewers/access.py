"""Who may open ministry pages, in one place.

Everyone who is not ministry staff (anonymous visitors, applicants, employers) gets 404 on every
ministry URL, so outsiders never learn what is there. Staff who have not signed in with their second
factor in this session are sent to set it up or to sign in again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase

from apps.accounts.mfa import second_factor_needed, two_factor_satisfied
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import Case, CaseStatus

View = Callable[..., HttpResponseBase]


def ministry_roles(user: Any) -> frozenset[str]:
    """The ministry roles the user holds, empty for everyone else.

    One query per request: the answer is kept on the user object, which the access check, the
    navigation and the page all ask about.
    """
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    known: frozenset[str] | None = getattr(user, "_ministry_roles", None)
    if known is None:
        names = user.groups.filter(name__in=[Role.REVIEWER, Role.SUPERVISOR]).values_list("name", flat=True)
        known = frozenset(names)
        user._ministry_roles = known
    return known


def is_supervisor(user: Any) -> bool:
    return Role.SUPERVISOR in ministry_roles(user)


def _guard(request: HttpRequest, *, supervisor_only: bool) -> HttpResponseBase | None:
    roles = ministry_roles(request.user)
    if not roles or (supervisor_only and Role.SUPERVISOR not in roles):
        raise Http404
    assert isinstance(request.user, User)
    if not two_factor_satisfied(request, request.user):
        return second_factor_needed(request, request.user)
    request.ministry_roles = roles  # type: ignore[attr-defined]
    return None


def ministry_required(view: View) -> View:
    """Reviewers and supervisors, signed in with a second factor; 404 for everyone else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return _guard(request, supervisor_only=False) or view(request, *args, **kwargs)

    return wrapper


def supervisor_required(view: View) -> View:
    """Supervisors only, signed in with a second factor; 404 for everyone else (reviewers too)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return _guard(request, supervisor_only=True) or view(request, *args, **kwargs)

    return wrapper


def get_case_for_ministry(user: User, reference: str) -> Case:
    """A submitted case by reference for ministry staff, or 404.

    Submitted means ``submitted_at`` is set: a draft, and a draft withdrawn before it was ever
    submitted, are the applicant's own business (and their documents with them).
    """
    if not ministry_roles(user):
        raise Http404
    case = (
        Case.objects.exclude(status=CaseStatus.DRAFT)
        .filter(submitted_at__isnull=False)
        .select_related("applicant", "assigned_to", "rubric_version")
        .filter(reference=reference.upper())
        .first()
    )
    if case is None:
        raise Http404
    return case
