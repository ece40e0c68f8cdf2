"""Ministry pages for employers' ownership: business registration certificates to verify.

A new organisation's certificate ("registration") and a claim to a number someone else registered
("transfer") wait here for a reviewer or supervisor, who verifies or rejects each with a reason
(decision 44), as SME certificates are decided in the case workspace. Thin: selector -> form ->
service (apps.organisations.services) -> redirect. Non-staff get 404 (apps.reviewers.access).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.models import User
from apps.core.uploads import safe_download_name
from apps.organisations.models import OwnershipClaimStatus
from apps.organisations.selectors import (
    get_ownership_claim,
    membership_periods,
    organisation_members,
    ownership_claims_for_ministry,
    recently_decided_ownership_claims,
)
from apps.organisations.services import ownership_claim_reject, ownership_claim_verify
from apps.reviewers.access import ministry_required

VERIFY, REJECT = "verify", "reject"
LIST_LIMIT = 200


class OwnershipDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Your decision on the certificate"),
        choices=[
            (VERIFY, gettext_lazy("Verify: the certificate is genuine and shows this number and name")),
            (REJECT, gettext_lazy("Reject: the certificate does not prove the number is theirs")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose verify or reject.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What you checked. A rejection's reason is shown to the person who sent it."),
        error_messages={"required": gettext_lazy("Write the reason for your decision.")},
    )


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # ministry_required lets only signed-in staff through
    return request.user


@ministry_required
@require_GET
def ownership_claims(request: HttpRequest) -> HttpResponse:
    """Certificates waiting, the oldest first; and the latest decided ones."""
    context: dict[str, Any] = {
        "ministry_section": "organisations",
        "pending": list(ownership_claims_for_ministry()[:LIST_LIMIT]),
        "decided": list(recently_decided_ownership_claims()),
    }
    return render(request, "reviewers/organisations/claims.html", context)


@ministry_required
@require_http_methods(["GET", "POST"])
def ownership_claim(request: HttpRequest, ownership_claim_id: int) -> HttpResponse:
    claim = get_ownership_claim(ownership_claim_id)
    form = OwnershipDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            service = (
                ownership_claim_verify if form.cleaned_data["decision"] == VERIFY else ownership_claim_reject
            )
            try:
                service(claim=claim, by=_user(request), reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error("reason" if hasattr(error, "error_dict") else None, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                if form.cleaned_data["decision"] == VERIFY:
                    text = _("The certificate was verified: %(name)s is now a verified organisation.")
                else:
                    text = _("The certificate was rejected. The person who sent it will see your reason.")
                messages.success(request, text % {"name": claim.organisation.name})
                return redirect(reverse("ministry:ownership_claims"))
        status = 400
    organisation = claim.organisation
    context = {
        "ministry_section": "organisations",
        "claim": claim,
        "organisation": organisation,
        "form": form,
        "members": list(organisation_members(organisation)),
        "periods": membership_periods(organisation.pk),
        "is_pending": claim.status == OwnershipClaimStatus.PENDING,
    }
    return render(request, "reviewers/organisations/claim.html", context, status=status)


@ministry_required
@require_GET
def ownership_certificate(request: HttpRequest, ownership_claim_id: int) -> HttpResponseBase:
    claim = get_ownership_claim(ownership_claim_id)
    response = FileResponse(
        claim.certificate.open("rb"),
        as_attachment=request.GET.get("download") == "1"
        or claim.certificate_content_type != "application/pdf",
        filename=safe_download_name(claim.certificate_name, claim.certificate_extension),
        content_type=claim.certificate_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
