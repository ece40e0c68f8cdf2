"""Reads of cases, with object access in one place: outsiders get 404 and never learn a case exists."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.casefile import ESTIMATE, track_uses_assessment
from apps.cases.clock import days_left
from apps.cases.models import (
    INTERNAL_EVENT_KINDS,
    Case,
    CaseDocument,
    CaseEvent,
    Sponsorship,
    SponsorshipStatus,
)
from apps.cases.score_snapshot import explained_score, scored_answers
from apps.organisations.models import SmeClaimStatus
from apps.rubric.answers import UnknownInstitution, profile_from_answers
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.language.scorer import ScoreResult
from apps.rubric.selectors import NoGniFigure, NoVersionInForce, rubric_version_by_code, scorer_for

logger = logging.getLogger(__name__)


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


# --- One estimate for every page -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Estimate:
    """A case's score as every applicant page shows it (the track step, the review page, the status
    page): the same engine, facts and rules, so the three can never disagree.

    ``recorded``: the submitted case's score under its submission-day rules (the record reviewers
    decide on); otherwise a preview of what submitting today would give. ``estimated``: the criteria
    that stay estimates until a reviewer assesses them. ``awaiting_sponsorship``: no confirmed
    sponsorship yet, so what it sets (the job's strategic value, the SME bonus) counts nothing.
    """

    result: ScoreResult
    recorded: bool
    estimated: tuple[str, ...]
    awaiting_sponsorship: bool
    sme_basis: str  # "verified", "none" (the bonus counts only once a reviewer verified the claim)

    @property
    def total(self) -> int:
        return self.result.total

    @property
    def version(self) -> str:
        return self.result.rubric_version

    def is_estimate(self, code: str) -> bool:
        return code in self.estimated


def sme_verified_on(sponsorship: Sponsorship, day: dt.date) -> bool:
    return sponsorship.organisation.sme_claims.filter(
        status=SmeClaimStatus.VERIFIED, valid_from__lte=day, valid_to__gte=day
    ).exists()


def _draft_score(case: Case) -> ScoreResult:
    """A draft scored as its submission today would be: the rules in force today, the declared
    facts, the confirmed sponsorship's terms (without one, nothing the sponsorship sets counts), and
    the SME bonus only for a claim a reviewer verified for today."""
    day = timezone.localdate()
    scorer = scorer_for(on=day)
    sponsorship = (
        case.sponsorships.filter(status=SponsorshipStatus.CONFIRMED).select_related("organisation").first()
    )
    answers = scored_answers(case, scorer.version, sponsorship=sponsorship, assessment=None)
    answers["degree_level"] = answers.get("degree_level") or "none"
    verified = sponsorship is not None and sme_verified_on(sponsorship, day)
    return scorer.score(profile_from_answers(answers, scorer, sme_verified=verified))


def case_estimate(case: Case) -> Estimate | None:
    """The case's score for the applicant's pages; None when it cannot be worked out (no rules in
    force, facts the rules cannot read) or a submitted case is still waiting for its first score."""
    if case.submitted_at is not None:
        result = explained_score(case)
    else:
        try:
            result = _draft_score(case)
        except (NoVersionInForce, NoGniFigure, UnknownInstitution, ConfigErrors, ValueError, TypeError):
            logger.warning("could not estimate case %s", case.reference, exc_info=True)
            return None
    if result is None:
        return None
    sponsored = case.sponsorships.filter(status=SponsorshipStatus.CONFIRMED).exists()
    config = rubric_version_by_code(result.rubric_version).parsed_config()
    sponsorship_matters = not case.track or track_uses_assessment(config, case.track)
    return Estimate(
        result=result,
        recorded=case.submitted_at is not None,
        estimated=tuple(c.code for c in result.criteria if c.basis == ESTIMATE),
        awaiting_sponsorship=not sponsored and sponsorship_matters,
        sme_basis=result.sme_bonus_basis,
    )
