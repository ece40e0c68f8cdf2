"""The admin site behind the same second factor as ministry pages (decision 7).

Site staff read personal data in the admin (cases, users), so a password alone must not open it:

- ``has_permission`` also asks for this session's second factor (apps.accounts.mfa), so every admin
  page, the changelists, ``jsi18n`` and the "view on site" redirect included, sends a session
  without it to the admin's login page;
- the admin's own password form is gone: its login page only routes. Signed out: to allauth's login
  (which asks for the code of anyone who has an authenticator), with ``next``. Signed in as site
  staff without the second factor: to set up an authenticator (which needs an enrolment grant) or
  to confirm a code. Signed in with it: on to ``next``. Signed in as someone who is not site staff:
  403, since allauth's login would send them straight back here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from apps.accounts.mfa import has_totp, local_url, second_factor_url, two_factor_satisfied, with_next
from apps.accounts.models import User


class SecondFactorAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        assert isinstance(request.user, User)
        return two_factor_satisfied(request, request.user)

    @method_decorator(never_cache)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Route to where the person can sign in with both factors; never a password form of its own."""
        next_url = local_url(request.GET.get(REDIRECT_FIELD_NAME)) or reverse(
            "admin:index", current_app=self.name
        )
        user = request.user
        if not user.is_authenticated:
            return HttpResponseRedirect(with_next(reverse("account_login"), next_url))
        assert isinstance(user, User)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not two_factor_satisfied(request, user):
            _warn_second_factor_needed(request, user)
            return HttpResponseRedirect(second_factor_url(request, user, next_url=next_url))
        return HttpResponseRedirect(next_url)


def _warn_second_factor_needed(request: HttpRequest, user: User) -> None:
    if has_totp(user):
        messages.warning(request, _("Confirm with your authenticator code to open the admin site."))
    else:
        messages.warning(
            request, _("The admin site needs two-factor authentication. Set up your authenticator app.")
        )
