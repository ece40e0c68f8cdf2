"""Reads of cases, with object access in one place: outsiders get 404 and never learn a case exists."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.clock import days_left
from apps.cases.models import INTERNAL_EVENT_KINDS, Case, CaseDocument, CaseEvent


def cases_of_applicant(user: User) -> QuerySet[Case]:
    return Case.objects.filter(applicant=user).select_related("rubric_version").order_by("-created_at")


def get_case_for_applicant(user: User, reference: str) -> Case:
    """The applicant's own case by reference, or 404 (also for a case that exists but is not theirs)."""
    if not user.is_authenticated:
        raise Http404
    case = (
        Case.objects.filter(applicant=user, reference=reference.upper())
        .select_related("rubric_version")
        .first()
    )
    if case is None:
        raise Http404
    return case


def get_document_for_applicant(user: User, reference: str, document_id: int) -> CaseDocument:
    case = get_case_for_applicant(user, reference)
    document = CaseDocument.objects.filter(case=case, pk=document_id).first()
    if document is None:
        raise Http404
    return document


def case_timeline(case: Case) -> QuerySet[CaseEvent]:
    """Every line of the case's timeline: what ministry staff see."""
    return case.events.select_related("actor").order_by("at", "pk")


def public_timeline(case: Case) -> QuerySet[CaseEvent]:
    """The timeline without the ministry's internal lines: what applicants and employers see."""
    return case_timeline(case).exclude(kind__in=INTERNAL_EVENT_KINDS)


def case_days_left(case: Case, now: dt.datetime | None = None) -> int | None:
    if case.due_at is None or case.is_final:
        return None
    return days_left(due_at=case.due_at, now=now or timezone.now(), paused_at=case.paused_at)
