"""Reads for the applicant's pages: what a draft is worth today, its evidence checklist, and the
status page's timeline, score and decision. Nothing here writes; changes go through ``services``.

Object access is not checked here: callers pass a case already fetched through
``apps.cases.selectors.get_case_for_applicant``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from apps.accounts.models import User
from apps.cases.documents import document_kinds, document_label
from apps.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CaseStatus,
    InformationRequest,
    Sponsorship,
    SponsorshipStatus,
)
from apps.cases.reading import Audience, TimelineLine, timeline
from apps.cases.services import config_for
from apps.cases.sponsorships import sponsorships_offered_to
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version
from apps.rubric.selectors import NoVersionInForce, reference_names
from apps.rubric.wording import fact_label, fact_value, with_institution

logger = logging.getLogger(__name__)


# --- The rules that apply to a case --------------------------------------------------------------


def case_config(case: Case) -> Version | None:
    """The case's rubric (today's for a draft), or None when no rules are in force."""
    try:
        return config_for(case)
    except NoVersionInForce:
        return None


def required_document_kinds(case: Case, config: Version | None) -> tuple[str, ...]:
    track = config.track(case.track) if config and case.track else None
    return track.documents if track else ()


def clock_days(case: Case) -> int | None:
    """The processing time the case's rules promise, in days."""
    config = case_config(case)
    return config.service_clock.days if config else None


# --- Sponsorships and the draft's assessment -----------------------------------------------------


def confirmed_sponsorship(case: Case) -> Sponsorship | None:
    return case.sponsorships.filter(status=SponsorshipStatus.CONFIRMED).select_related("organisation").first()


def sponsorships_for_case(case: Case, offered: Iterable[Sponsorship]) -> list[Sponsorship]:
    """Of the sponsorships offered to the person, those this draft can take (not another case's)."""
    return [s for s in offered if s.case_id in (None, case.pk)]


def offered_sponsorship(*, case: Case, user: User, sponsorship_id: int) -> Sponsorship | None:
    """One of the sponsorships this draft can take, by id; None when it is not on offer."""
    for sponsorship in sponsorships_for_case(case, sponsorships_offered_to(user)):
        if sponsorship.pk == sponsorship_id:
            return sponsorship
    return None


# --- The evidence checklist ----------------------------------------------------------------------


@dataclass(slots=True)
class ChecklistItem:
    kind: str
    label: str
    required: bool
    documents: list[CaseDocument]
    errors: list[str] = field(default_factory=list)

    @property
    def present(self) -> bool:
        return bool(self.documents)


def document_checklist(
    case: Case, errors: dict[str, list[str]] | None = None
) -> tuple[list[ChecklistItem], bool]:
    """The track's documents in the configured order, then any others on the case; and whether the
    case has a track that requires any."""
    errors = errors or {}
    required = required_document_kinds(case, case_config(case))
    documents: dict[str, list[CaseDocument]] = {}
    for document in case.documents.order_by("uploaded_at", "pk"):
        documents.setdefault(document.kind, []).append(document)
    kinds = document_kinds()
    others = [k for k in kinds if k in documents and k not in required]
    others += [k for k in documents if k not in kinds]  # e.g. files sent with an answer
    items = [
        ChecklistItem(
            kind=kind,
            label=document_label(kind),
            required=kind in required,
            documents=documents.get(kind, []),
            errors=errors.get(kind, []),
        )
        for kind in list(required) + others
    ]
    return items, bool(required)


def answer_rows(answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The self-assessment's answers in words, in the catalogue's order, for the printed result: what
    it was worked out from. Answers left empty or at their default are left out."""
    names = reference_names()
    facts = default_catalogue().facts
    rows = []
    for code in with_institution(tuple(facts)):
        value = answers.get(code)
        fact = facts.get(code)
        if value in (None, "", False) or (fact is not None and value == fact.default):
            continue
        rows.append((fact_label(code), fact_value(code, value, names)))
    return rows


# --- The status page -----------------------------------------------------------------------------


def applicant_timeline(case: Case, user: User) -> list[TimelineLine]:
    """The case's timeline as its applicant reads it (apps.cases.reading: no internal lines, no
    reviewer's name, their own answers on their lines)."""
    return timeline(case, Audience.APPLICANT, viewer=user)


def open_information_request(case: Case) -> InformationRequest | None:
    if case.status != CaseStatus.INFORMATION_REQUESTED:
        return None
    return case.information_requests.filter(responded_at__isnull=True).order_by("-requested_at").first()


def case_decision(case: Case) -> CaseEvent | None:
    """The event that decided a closed case (approval or rejection); None for any other case."""
    if case.status not in (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.REVIEW_REQUESTED):
        return None
    # A review's outcome is the decision that stands (an overturned rejection is an approval).
    kinds = [
        CaseEvent.Kind.APPROVED,
        CaseEvent.Kind.REJECTED,
        CaseEvent.Kind.REVIEW_UPHELD,
        CaseEvent.Kind.REVIEW_OVERTURNED,
    ]
    return case.events.filter(kind__in=kinds).order_by("-at", "-pk").first()
