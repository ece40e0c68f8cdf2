"""The allauth account adapter: sign-in throttling by account and source (apps.accounts.throttle),
where people land, and e-mails that name the service.

Only allauth's public hooks are overridden: ``pre_authenticate`` (before the password is checked)
and ``authentication_failed`` (after a wrong one). allauth's own per-e-mail counter is no longer
consumed, so its rollback on success has nothing to undo.

Landing (decision 50): ``next`` wins only when it is a path on this site (``local_url``, stricter
than allauth's, which accepts any host in ALLOWED_HOSTS); otherwise ``LOGIN_REDIRECT_URL``, the
``landing`` view, sends each role to its home. E-mails get the service's name and address from
settings (``SERVICE_NAME``, ``SITE_URL``), not from the request's host ("Hello from 127.0.0.1:8000!").
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext

from apps.accounts import throttle
from apps.accounts.mfa import local_url


def service_context() -> dict[str, str]:
    """What every account e-mail says about the service: its name (in the current language) and address."""
    return {"service_name": gettext(settings.SERVICE_NAME), "site_url": settings.SITE_URL}


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        attempt = throttle.attempt_of(request, credentials, self.get_client_ip(request))
        if throttle.is_refused(request, attempt):
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        attempt = throttle.attempt_of(request, credentials, self.get_client_ip(request))
        throttle.record_failure(request, attempt)

    def is_safe_url(self, url: str | None) -> bool:
        """Only a path on this site may be ``next`` (apps.accounts.mfa.local_url)."""
        return local_url(url) is not None

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        super().send_mail(template_prefix, email, {**service_context(), **context})
