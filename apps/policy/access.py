"""Who may open the policy administrator's pages (``/policy/``), in one place.

Only policy administrators, signed in with a second factor in this session (as for ministry
pages: they change the rules every case is scored by). Everyone else gets 404, so other roles
never learn what is there.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase

from apps.accounts.mfa import second_factor_needed, two_factor_satisfied
from apps.accounts.models import User
from apps.accounts.roles import Role

View = Callable[..., HttpResponseBase]


def is_policy_administrator(user: Any) -> bool:
    """True for a signed-in policy administrator (the answer is kept on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return False
    known: bool | None = getattr(user, "_is_policy_administrator", None)
    if known is None:
        known = user.groups.filter(name=Role.POLICY_ADMINISTRATOR).exists()
        user._is_policy_administrator = known
    return known


def policy_administrator_required(view: View) -> View:
    """Policy administrators signed in with a second factor; 404 for everyone else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_policy_administrator(request.user):
            raise Http404
        assert isinstance(request.user, User)
        if not two_factor_satisfied(request, request.user):
            return second_factor_needed(request, request.user)
        return view(request, *args, **kwargs)

    return wrapper
