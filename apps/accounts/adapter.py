"""The allauth account adapter: sign-in throttling by account and source (apps.accounts.throttle).

Only allauth's public hooks are overridden: ``pre_authenticate`` (before the password is checked)
and ``authentication_failed`` (after a wrong one). allauth's own per-e-mail counter is no longer
consumed, so its rollback on success has nothing to undo.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from apps.accounts import throttle


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        attempt = throttle.attempt_of(request, credentials, self.get_client_ip(request))
        if throttle.is_refused(request, attempt):
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        attempt = throttle.attempt_of(request, credentials, self.get_client_ip(request))
        throttle.record_failure(request, attempt)
