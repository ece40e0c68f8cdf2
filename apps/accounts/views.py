"""Account pages around allauth: two-factor set-up that keeps where it was headed (and, for staff,
needs an enrolment grant: apps.accounts.enrolment), the enrolment link's page, e-mail addresses
that staff cannot change themselves, and the session's inactivity clock for the warning script
(static/js/session-timeout.js)."""

from __future__ import annotations

from typing import Any

from allauth.account import views as account_views
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes import views as recovery_code_views
from allauth.mfa.totp import views as totp_views
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts import enrolment
from apps.accounts.mfa import has_totp, is_two_factor_staff, pop_next, record_totp_activation, remember_next
from apps.accounts.middleware import IdleSession, login_url, not_activity
from apps.accounts.models import User


def _enrolment_grant_required(request: HttpRequest, user: User) -> HttpResponse:
    """The page a staff member without an enrolment link sees instead of the set-up: whom to ask.

    Not an error for a GET (they were sent here, nothing is wrong with them); a POST, which would
    add an authenticator, is refused with the same explanation.
    """
    status = 200 if request.method in {"GET", "HEAD"} else 403
    return render(request, "accounts/enrolment_required.html", {"account": user}, status=status)


class ActivateTOTPView(totp_views.ActivateTOTPView):
    """allauth's set-up page, plus: staff need an enrolment grant claimed in this session; set-up
    counts as this session's second factor; and afterwards (past the recovery codes) the person
    continues to the ministry page that sent them here."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "GET":
            remember_next(request)  # the form posts to the bare URL, so ``next`` is kept aside
        # Checked before allauth's password confirmation: asking for the password first would
        # suggest that it is all that is missing. An existing authenticator is allauth's case.
        user = request.user
        if isinstance(user, User) and not has_totp(user) and not enrolment.enrolment_allowed(request, user):
            return _enrolment_grant_required(request, user)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Form) -> HttpResponse:
        request, user = self.request, self.request.user
        assert isinstance(user, User)
        with transaction.atomic():
            # Closed in the same transaction as the authenticator is added: two tabs posting at
            # once get one authenticator, and a failure leaves the grant usable.
            if enrolment.needs_grant(user) and not enrolment.grant_complete(request=request, user=user):
                return _enrolment_grant_required(request, user)
            # allauth's own set-up: the authenticator, recovery codes the first time, its message
            # and e-mail; the page it goes to next is get_success_url's.
            response = super().form_valid(form)
        enrolment.forget_claim(request)
        totp_auth = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
        record_totp_activation(request, user, totp_auth)
        return response

    def get_success_url(self) -> str:
        """allauth's: the new recovery codes when it made some (that page links on to ``next``),
        else the two-factor overview, which gives way to where the person was headed."""
        url = str(super().get_success_url())
        if url == reverse("mfa_index"):
            return pop_next(self.request) or url
        return url


def email_addresses(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """allauth's e-mail addresses page, except for staff, whose address administrators manage.

    The enrolment link goes to the account's address: if a password were enough to change that
    address (add one, confirm it from one's own mailbox, make it primary), it would be enough to
    receive the next link too.
    """
    user = request.user
    if isinstance(user, User) and is_two_factor_staff(user):
        status = 200 if request.method in {"GET", "HEAD"} else 403
        return render(request, "accounts/staff_email_managed.html", {"account": user}, status=status)
    return account_views.email(request, *args, **kwargs)


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def enrolment_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed enrolment link: a page that names the account, and a button that uses the link.

    Used by a POST, not on opening: mail scanners and link previews open links too. Anyone but the
    person the link was issued to (signed in as someone else) sees the same "not valid" page as for
    an unknown, used or expired link, and the link stays unused.
    """
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        if enrolment.grant_claim(request=request, token=token, user=user) is not None:
            messages.success(
                request, _("Your enrolment link is accepted. Now set up your authenticator app.")
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        grant = None
    else:
        grant = enrolment.grant_for_link(token=token, user=user)
    status = 200 if grant is not None else 404
    return render(request, "accounts/enrolment_link.html", {"grant": grant}, status=status)


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
