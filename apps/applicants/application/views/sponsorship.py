"""Confirming, or declining, an employer's sponsorship for a draft (the qualitative track needs one).

Confirming is refused for a sponsorship from an organisation the applicant belongs to, or belonged
to while the application was open (decision 45): the page says so before anyone presses the button.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.applicants.application.views.common import user_of
from apps.applicants.application.views.steps import SPONSORSHIP, draft_or_status, step_url, steps_context
from apps.applicants.selectors import offered_sponsorship
from apps.applicants.services import profile_for
from apps.cases.models import Case, Sponsorship
from apps.cases.selectors import get_case_for_applicant
from apps.cases.sponsorships import sponsorship_confirm, sponsorship_decline
from apps.organisations.selectors import was_member_since

DECLINE_REASON_MAX = 1000


@login_required
@require_http_methods(["GET", "POST"])
def sponsorship_confirm_view(request: HttpRequest, reference: str, sponsorship_id: int) -> HttpResponse:
    case = get_case_for_applicant(user_of(request), reference)
    if (response := draft_or_status(case)) is not None:
        return response
    sponsorship = offered_sponsorship(case=case, user=user_of(request), sponsorship_id=sponsorship_id)
    if sponsorship is None:
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "decline":
            _decline(request, sponsorship)
        else:
            _confirm(request, case, sponsorship)
        return redirect(step_url(case, SPONSORSHIP))
    context = {
        "case": case,
        "sponsorship": sponsorship,
        "own_organisation": was_member_since(user_of(request), sponsorship.organisation_id, case.created_at),
        "decline_reason_max": DECLINE_REASON_MAX,
        **steps_context(case, SPONSORSHIP, profile_for(user_of(request))),
    }
    return render(request, "applicants/application/sponsorship_confirm.html", context)


def _confirm(request: HttpRequest, case: Case, sponsorship: Sponsorship) -> None:
    """Confirm, and say how it went."""
    try:
        sponsorship_confirm(sponsorship=sponsorship, case=case, by=user_of(request))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            _("You confirmed the sponsorship from %(organisation)s.")
            % {"organisation": sponsorship.organisation.name},
        )


def _decline(request: HttpRequest, sponsorship: Sponsorship) -> None:
    """Decline, and say how it went; the employer is told by e-mail."""
    reason = request.POST.get("reason", "").strip()[:DECLINE_REASON_MAX]
    try:
        sponsorship_decline(sponsorship=sponsorship, by=user_of(request), reason=reason)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(
            request,
            _("You declined the sponsorship from %(organisation)s. The employer has been told.")
            % {"organisation": sponsorship.organisation.name},
        )
