"""The page everyone lands on after signing in (``/welcome/``): a redirect to their role's home.

The order of roles is apps.accounts.landing's (decision 50); this view, above cases and
organisations, knows where each role's home is. The ministry's and the policy pages are reversed
by name, so no role app is imported.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.accounts.landing import roles_in_landing_order
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import FINAL_STATUSES, Case
from apps.organisations.selectors import organisations_of
from apps.programmes.selectors import keeps_a_roster


def _applicant_home(user: User) -> str:
    """Their open application (a draft or one not yet decided), else the list of applications."""
    open_case = (
        Case.objects.filter(applicant=user)
        .exclude(status__in=FINAL_STATUSES)
        .order_by("-created_at")
        .values_list("reference", flat=True)
        .first()
    )
    if open_case:
        return reverse("application:wizard", args=[open_case])
    return reverse("application:list")


def _employer_home(user: User) -> str:
    """Their organisation; the list of them when they belong to several (or, no longer, to any)."""
    pks = list(organisations_of(user).values_list("pk", flat=True)[:2])
    if len(pks) == 1:
        return reverse("employers:organisation", args=[pks[0]])
    return reverse("employers:dashboard")


def home_for(user: User) -> str:
    """The home of the first of ``user``'s roles in the landing order that has one for them."""
    for role in roles_in_landing_order(user):
        if role == Role.POLICY_ADMINISTRATOR:
            return reverse("policy:home")
        if role in (Role.SUPERVISOR, Role.REVIEWER):
            return reverse("ministry:queue")
        if role == Role.PROGRAMME_OFFICER and keeps_a_roster(user):
            return reverse("programmes:index")
        if role == Role.EMPLOYER:
            return _employer_home(user)
        if role == Role.APPLICANT:
            return _applicant_home(user)
    return _applicant_home(user)  # a programme officer who keeps no roster yet, and nothing else


@never_cache
@require_GET
@login_required
def landing(request: HttpRequest) -> HttpResponseRedirect:
    user = request.user
    assert isinstance(user, User)
    return HttpResponseRedirect(home_for(user))
