"""Account pages around allauth: two-factor set-up that keeps where it was headed, and the
session's inactivity clock for the warning script (static/js/session-timeout.js)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.recovery_codes import views as recovery_code_views
from allauth.mfa.totp import views as totp_views
from allauth.mfa.totp.internal import flows as totp_flows
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.mfa import pop_next, record_totp_activation, remember_next
from apps.accounts.middleware import IdleSession, login_url, not_activity
from apps.accounts.models import User


class ActivateTOTPView(totp_views.ActivateTOTPView):
    """allauth's set-up page, plus: it counts as this session's second factor, and afterwards
    (past the recovery codes) the person continues to the ministry page that sent them here."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "GET":
            remember_next(request)  # the form posts to the bare URL, so ``next`` is kept aside
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Form) -> HttpResponse:
        totp_auth, recovery_codes = totp_flows.activate_totp(self.request, form)
        assert isinstance(self.request.user, User)
        record_totp_activation(self.request, self.request.user, totp_auth)
        if recovery_codes:
            return HttpResponseRedirect(reverse("mfa_view_recovery_codes"))
        return HttpResponseRedirect(pop_next(self.request) or reverse("mfa_index"))


class ViewRecoveryCodesView(recovery_code_views.ViewRecoveryCodesView):
    """allauth's recovery codes page, with a link on to where the person was headed."""

    template_name = "accounts/recovery_codes.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["continue_url"] = pop_next(self.request)
        return context


activate_totp = ActivateTOTPView.as_view()
view_recovery_codes = ViewRecoveryCodesView.as_view()


def _idle_state(request: HttpRequest) -> IdleSession | None:
    idle = getattr(request, "session_idle", None)
    return idle if isinstance(idle, IdleSession) else None


def _signed_out() -> JsonResponse:
    # JSON, not a redirect to the login page: the caller is a script that will navigate itself.
    return JsonResponse({"signed_in": False, "login_url": login_url()}, status=401)


@require_POST
@never_cache
def keep_alive(request: HttpRequest) -> JsonResponse:
    """ "Stay signed in": an explicit request, so the middleware records it as activity."""
    if not request.user.is_authenticated:
        return _signed_out()
    idle = _idle_state(request)
    remaining = idle.timeout if idle else None
    return JsonResponse({"signed_in": True, "remaining": remaining, "login_url": login_url()})


@not_activity
@require_GET
@never_cache
def session_status(request: HttpRequest) -> JsonResponse:
    """Seconds left before the session expires (another tab may have kept it alive); not activity."""
    if not request.user.is_authenticated:
        return _signed_out()
    idle = _idle_state(request)
    remaining = idle.remaining if idle and idle.watched else None
    return JsonResponse({"signed_in": True, "remaining": remaining, "login_url": login_url()})
