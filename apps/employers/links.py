"""The employer's pages that shared apps link to (apps.core.links, decision 53)."""

from __future__ import annotations

from django.urls import reverse

from apps.cases.models import Sponsorship
from apps.core.links import register
from apps.organisations.models import Organisation


def _employer_home() -> str:
    return reverse("employers:dashboard")


def _organisation_verification(*, organisation: Organisation) -> str:
    return reverse("employers:verification", kwargs={"pk": organisation.pk})


def _sponsored_case(*, sponsorship: Sponsorship) -> str:
    return reverse(
        "employers:sponsored_case",
        kwargs={"pk": sponsorship.organisation_id, "sponsorship_pk": sponsorship.pk},
    )


def _invitation_accept(*, token: str) -> str:
    return reverse("employers:invitation_accept", kwargs={"token": token})


register("employer_home", _employer_home)  # the employer's start page: organisations, sponsorships
register("organisation_verification", _organisation_verification)  # where a certificate is sent
register("sponsored_case", _sponsored_case)  # the case a member's organisation sponsors
register("invitation_accept", _invitation_accept)  # an invitation to join an organisation
