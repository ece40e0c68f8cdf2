"""The applicant's pages that shared apps link to (apps.core.links, decision 53)."""

from __future__ import annotations

from django.urls import reverse

from apps.cases.models import Case
from apps.core.links import register


def _case_status(*, case: Case) -> str:
    return reverse("application:status", kwargs={"reference": case.reference})


def _applications() -> str:
    return reverse("application:list")


register("case_status", _case_status)  # the applicant's status page of one case
register("applications", _applications)  # the applicant's list of applications (and sponsorship offers)
