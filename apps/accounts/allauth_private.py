"""The one place this project uses a private allauth module (decision 20).

allauth keeps a log of how the session authenticated ("authentication records"). Reading it is
public (``allauth.account.authentication.get_authentication_records``); adding to it is not:
``record_authentication`` lives in ``allauth.account.internal.flows.login``, and its public callers
(the login, reauthentication and MFA flows) each record their own step only. Setting up an
authenticator is not one of those steps, yet the person has just shown both factors, so
``apps.accounts.mfa.record_totp_activation`` records it through the adapter below.

Writing the session keys ourselves would depend on more private detail (a second, underscored key
that ties the log to the user), and would skip the ``authentication_step_completed`` signal.
tests/accounts/test_allauth_private.py fails loudly if allauth moves or changes the function, and
checks that no other module under apps/ imports an allauth ``internal`` module.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import record_authentication as _record_authentication
from django.http import HttpRequest

from apps.accounts.models import User


def record_authentication(request: HttpRequest, user: User, method: str, **extra: Any) -> None:
    """Add a ``method`` step (with ``extra`` data) to this session's authentication records."""
    _record_authentication(request, user, method, **extra)
