"""Two-factor policy: ministry staff must have signed in with TOTP (allauth MFA) in this session.

allauth keeps a log of how this session authenticated (password, "mfa" for a TOTP or recovery
code). A session passes when that log has an "mfa" entry, which allauth writes at the second stage
of a login and at a code confirmation (``mfa_reauthenticate``), and which we write when the
person has just set up their authenticator (``record_totp_activation``).

Where staff without it are sent (``second_factor_url``):

- no authenticator yet: to set one up (``mfa_activate_totp``), which asks for the password again
  if it was not entered in the last few minutes, then for a code from the new authenticator. Staff
  accounts (``is_two_factor_staff``) may set one up only after following an enrolment link someone
  else issued (apps.accounts.enrolment); without one the page says whom to ask;
- an authenticator, but this session signed in without it (it signed in before the authenticator
  existed, or by a password-only confirmation): to confirm with a code (``mfa_reauthenticate``).
  Not the password confirmation (``account_reauthenticate``): a password adds no second factor,
  so it would send the person straight back.

The page they wanted travels along as ``next``, only ever a path on this site.
"""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from apps.accounts.allauth_private import record_authentication
from apps.accounts.models import User
from apps.accounts.roles import Role

# The roles that may open ministry pages only after a second factor.
TWO_FACTOR_ROLES = frozenset({Role.REVIEWER, Role.SUPERVISOR, Role.POLICY_ADMINISTRATOR})
# Where to go once the second factor is in place, kept while the set-up pages (which post to
# themselves and then show the recovery codes) are in the way.
AFTER_TWO_FACTOR_SESSION_KEY = "accounts.after_two_factor"


def two_factor_satisfied(request: HttpRequest, user: User) -> bool:
    """True when this session's sign-in included a second factor (allauth records it as "mfa")."""
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def is_two_factor_staff(user: User) -> bool:
    """Accounts that open personal data behind the second factor: ministry reviewers and supervisors,
    and site staff (the admin site, apps.accounts.admin_site). Their authenticator may be set up only
    with an enrolment grant someone else issued (apps.accounts.enrolment)."""
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=TWO_FACTOR_ROLES).exists()


def local_url(url: str | None) -> str | None:
    """``url`` if it is a path on this site ("/ministry/?q=x"), else None.

    Stricter than allauth's check, which accepts any host in ALLOWED_HOSTS: a scheme or a host
    (also "//host", "/\\host") is refused, so a crafted link can never send someone elsewhere.
    """
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return None
    return url


def path_on_this_site(request: HttpRequest, url: str | None) -> str | None:
    """The path of an absolute URL on this site (a Referer, htmx's HX-Current-URL), else None."""
    origin = request.build_absolute_uri("/").rstrip("/")
    if not url or not url.startswith(origin + "/"):
        return None
    return local_url(url[len(origin) :])


def with_next(path: str, next_url: str | None) -> str:
    next_url = local_url(next_url)
    return f"{path}?{urlencode({REDIRECT_FIELD_NAME: next_url})}" if next_url else path


def second_factor_url(request: HttpRequest, user: User, *, next_url: str | None = None) -> str:
    """Where to send ``user`` whose session lacks the second factor, ``next`` being this page
    (or ``next_url`` when the caller knows better, as the admin's login page does).

    A POST cannot be replayed after a redirect: its ``next`` is the page it came from (the form).
    """
    here: str | None = next_url or request.get_full_path()
    if next_url is None and request.method != "GET":
        here = path_on_this_site(request, request.headers.get("Referer"))
    target = reverse("mfa_reauthenticate") if has_totp(user) else reverse("mfa_activate_totp")
    return with_next(target, here)


def remember_next(request: HttpRequest) -> None:
    """Keep a local ``next`` from this request for after the two-factor set-up."""
    next_url = local_url(request.GET.get(REDIRECT_FIELD_NAME))
    if next_url:
        request.session[AFTER_TWO_FACTOR_SESSION_KEY] = next_url


def pop_next(request: HttpRequest) -> str | None:
    return local_url(request.session.pop(AFTER_TWO_FACTOR_SESSION_KEY, None))


def record_totp_activation(request: HttpRequest, user: User, authenticator: Authenticator) -> None:
    """Count setting up an authenticator as this session's second factor.

    allauth does not record it as an authentication, yet the person has just shown both factors:
    set-up requires their password within the last few minutes (allauth's reauthentication) and a
    valid code from the new authenticator. Asking for another code at once would add nothing but a
    wait for the next 30-second window (allauth refuses a code used twice).
    """
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True)


def second_factor_needed(request: HttpRequest, user: User) -> HttpResponse:
    """Send staff who have not confirmed a second factor in this session to do so, and back."""
    if has_totp(user):
        messages.warning(request, _("Confirm with your authenticator code to open ministry pages."))
    else:
        messages.warning(
            request, _("Ministry pages need two-factor authentication. Set up your authenticator app.")
        )
    return redirect(second_factor_url(request, user))
