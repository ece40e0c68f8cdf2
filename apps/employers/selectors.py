"""Reads for the employer pages. Objects are always looked up within the member's organisation, so
another organisation's sponsorship under this organisation's URL is a 404 like any unknown one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.cases.clock import days_left
from apps.cases.models import CaseStatus, Sponsorship, SponsorshipStatus
from apps.cases.reading import Audience, status_explained
from apps.organisations.models import Organisation
from apps.rubric.selectors import strategic_fields

SPONSORSHIP_STATUS_EXPLAINED: dict[str, Promise] = {
    SponsorshipStatus.DRAFT: _(
        "Only your organisation can see it. Submit it to the candidate when it is ready."
    ),
    SponsorshipStatus.SUBMITTED: _("Sent to the candidate, who must confirm it on their application."),
    SponsorshipStatus.CONFIRMED: _("The candidate confirmed it on their application."),
    SponsorshipStatus.WITHDRAWN: _("Your organisation withdrew it. It no longer counts for any application."),
    SponsorshipStatus.DECLINED: _("The candidate declined it. It does not count for any application."),
}


# The states in which the ministry's processing clock applies to a case.
OPEN_FOR_MINISTRY = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.INFORMATION_REQUESTED)


@dataclass(frozen=True, slots=True)
class SponsoredCase:
    """Everything an employer may know about a sponsored case (the applicant consented to this much):
    deliberately not the case itself, so no template can reach its facts or documents."""

    reference: str
    status: str
    status_label: str
    status_explained: str
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None = None  # while the ministry's clock runs (or is paused)
    days_left: int | None = None
    paused: bool = False

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


@dataclass(frozen=True, slots=True)
class SponsorshipRow:
    """A line of the sponsorships list: the application's status only once the candidate confirmed."""

    sponsorship: Sponsorship
    case_status_label: str


def sponsorships_of(organisation: Organisation) -> QuerySet[Sponsorship]:
    return (
        Sponsorship.objects.filter(organisation=organisation)
        .select_related("case")
        .only(
            "pk",
            "candidate_name",
            "job_title",
            "status",
            "created_at",
            "submitted_at",
            "case__reference",
            "case__status",
        )
        .order_by("-created_at", "-pk")
    )


def get_sponsorship(organisation: Organisation, pk: int) -> Sponsorship:
    sponsorship = (
        Sponsorship.objects.filter(organisation=organisation, pk=pk)
        .select_related("case", "organisation")
        .defer("case__facts", "case__roster_match")  # never needed here: keep them out of reach
        .first()
    )
    if sponsorship is None:
        raise Http404
    return sponsorship


def sponsored_case(sponsorship: Sponsorship) -> SponsoredCase:
    """The case's status, only once the candidate has confirmed this sponsorship on it; else 404."""
    case = sponsorship.case
    if case is None or sponsorship.status != SponsorshipStatus.CONFIRMED:
        raise Http404
    clock_runs = case.due_at is not None and case.status in OPEN_FOR_MINISTRY
    return SponsoredCase(
        reference=case.reference,
        status=case.status,
        status_label=str(case.get_status_display()),
        status_explained=status_explained(case.status, Audience.EMPLOYER),  # apps.cases.reading
        submitted_at=case.submitted_at,
        due_at=case.due_at if clock_runs else None,
        days_left=(
            days_left(due_at=case.due_at, now=timezone.now(), paused_at=case.paused_at)
            if clock_runs and case.due_at is not None
            else None
        ),
        paused=clock_runs and case.paused_at is not None,
    )


def sponsorship_rows(sponsorships: Iterable[Sponsorship]) -> list[SponsorshipRow]:
    rows = []
    for sponsorship in sponsorships:
        label = ""
        if sponsorship.status == SponsorshipStatus.CONFIRMED and sponsorship.case is not None:
            label = str(sponsorship.case.get_status_display())
        rows.append(SponsorshipRow(sponsorship, label))
    return rows


def field_label(code: str) -> str:
    """The field's name in the request's language; "Other field" for anything not on the list."""
    for field in strategic_fields():
        if field.code == code:
            return field.display_name
    return str(pgettext_lazy("field of work", "Other field"))


def can_withdraw(sponsorship: Sponsorship) -> bool:
    """Mirrors ``sponsorship_withdraw``: not once the application went in with this sponsorship."""
    if sponsorship.status == SponsorshipStatus.WITHDRAWN:
        return False
    return sponsorship.case is None or sponsorship.case.status in (CaseStatus.DRAFT, CaseStatus.WITHDRAWN)
