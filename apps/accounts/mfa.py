"""Two-factor policy: ministry staff must have signed in with TOTP (allauth MFA) in this session."""

from __future__ import annotations

from allauth.account.internal.flows.login import get_authentication_records
from django.http import HttpRequest

from apps.accounts.models import User
from apps.accounts.roles import Role

# The roles that may open ministry pages only after a second factor.
TWO_FACTOR_ROLES = frozenset({Role.REVIEWER, Role.SUPERVISOR})


def two_factor_satisfied(request: HttpRequest, user: User) -> bool:
    """True when this session's sign-in included a second factor (allauth records it as "mfa")."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))
