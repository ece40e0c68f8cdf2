"""Scoring a submitted case under the rubric version in force on its submission date.

Idempotent: the snapshot is one row per case (a one-to-one), written with update-or-create, so a
task delivered twice, or re-run after a reviewer verifies an SME claim, leaves one current snapshot.

The facts are the applicant's declared ones, overlaid by what others verified: the confirmed
sponsorship's terms, the SME status a reviewer verified, and the reviewer's qualitative assessment
(B1, B2). Once a reviewer has assessed the qualitative criteria, their basis in the result is
"assessed" instead of the configuration's "estimate".
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.cases.models import (
    Case,
    CaseEvent,
    CaseScore,
    CaseStatus,
    QualitativeAssessment,
    Sponsorship,
    SponsorshipStatus,
)
from apps.cases.transitions import record_event
from apps.organisations.models import SizeClass, SmeClaimStatus
from apps.rubric.answers import profile_from_answers
from apps.rubric.language.document import Version
from apps.rubric.language.scorer import Profile, Scorer, ScoreResult
from apps.rubric.selectors import scorer_for

# The version parameter that says how long a post must have been advertised to count as hard to fill.
HARD_TO_FILL_MONTHS = "hard_to_fill_min_months"


def case_profile(case: Case, scorer: Scorer) -> Profile:
    """The case's declared facts, with the confirmed sponsorship's terms, the verified SME status and
    the reviewer's qualitative assessment (when there is one)."""
    return _profile(case, scorer, _assessment(case))


def _profile(case: Case, scorer: Scorer, assessment: QualitativeAssessment | None) -> Profile:
    sponsorship = (
        Sponsorship.objects.filter(case=case, status=SponsorshipStatus.CONFIRMED)
        .select_related("organisation")
        .first()
    )
    answers = scored_answers(case, scorer.version, sponsorship=sponsorship, assessment=assessment)
    # A real case: only a claim verified for the submission day earns the bonus.
    sme_verified = sponsorship is not None and _sme_verified_on_submission(sponsorship, case)
    # A school named without a rank is ranked by the list of the submission day (decision 39).
    day = timezone.localdate(case.submitted_at) if case.submitted_at else None
    return profile_from_answers(answers, scorer, sme_verified=sme_verified, submitted_on=day)


# Without a confirmed sponsorship there is nobody to rate the post: B2 and the SME bonus start from
# nothing, whatever the applicant declared.
NO_SPONSOR_ANSWERS: dict[str, Any] = {
    "sponsor_is_sme": False,
    "core_technology_role": 0,
    "hard_to_fill": False,
    "transfer_plan": 0,
}


def scored_answers(
    case: Case,
    config: Version,
    *,
    sponsorship: Sponsorship | None,
    assessment: QualitativeAssessment | None,
) -> dict[str, Any]:
    """The answers the engine scores the case on: declared, then the confirmed sponsorship's terms
    (or ``NO_SPONSOR_ANSWERS``), then the reviewer's assessment. What the workspace shows as "the
    facts used" and pre-fills the assessment with, so it can never show facts the score ignored."""
    answers: dict[str, Any] = dict(case.facts)
    if sponsorship is not None:
        answers.update(sponsorship_answers(sponsorship, config))
    else:
        answers.update(NO_SPONSOR_ANSWERS)
    if assessment is not None:
        answers.update(_assessed_answers(assessment))
    return answers


# The basis of a criterion the reviewer assessed (the configuration says "estimate" for B1 and B2).
ASSESSED = "assessed"


def _assessment(case: Case) -> QualitativeAssessment | None:
    return QualitativeAssessment.objects.filter(case_id=case.pk).first()


def _assessed_answers(assessment: QualitativeAssessment) -> dict[str, Any]:
    """The reviewer's verified B1/B2 facts replace the declared ones and the sponsor's own ratings."""
    return {
        "field": assessment.field,
        "publications_and_patents": assessment.publications_and_patents,
        "led_project_years": str(assessment.led_project_years),
        "international_award": assessment.international_award,
        "core_technology_role": assessment.core_technology_role,
        "hard_to_fill": assessment.hard_to_fill,
        "transfer_plan": assessment.transfer_plan,
    }


def _marked_assessed(result: ScoreResult) -> ScoreResult:
    """The estimated (self-declared) criteria become "assessed": a reviewer has verified their facts."""
    criteria = tuple(c._replace(basis=ASSESSED) if c.basis == "estimate" else c for c in result.criteria)
    return result._replace(criteria=criteria)


def _score(case: Case) -> ScoreResult:
    assert case.rubric_version is not None
    assert case.submitted_at is not None
    scorer = scorer_for(version_code=case.rubric_version.code, on=timezone.localdate(case.submitted_at))
    assessment = _assessment(case)
    result = scorer.score(_profile(case, scorer, assessment))
    return _marked_assessed(result) if assessment is not None else result


def hard_to_fill(sponsorship: Sponsorship, version: Version) -> bool:
    """Advertised for at least the version's minimum months; False under a version without one."""
    months = version.parameter(HARD_TO_FILL_MONTHS)
    return months is not None and sponsorship.recruiting_months >= months


def sponsorship_answers(sponsorship: Sponsorship, config: Version) -> dict[str, Any]:
    """The confirmed sponsorship's terms as answers: they replace the applicant's guesses."""
    return {
        "offered_salary_krw": sponsorship.offered_salary_krw,  # the employer's offer, not the applicant's guess
        "core_technology_role": sponsorship.core_technology_role,
        "hard_to_fill": hard_to_fill(sponsorship, config),
        "transfer_plan": sponsorship.transfer_plan,
        "sponsor_is_sme": sponsorship.organisation.size_class == SizeClass.SME,
    }


def _sme_verified_on_submission(sponsorship: Sponsorship, case: Case) -> bool:
    assert case.submitted_at is not None
    day = timezone.localdate(case.submitted_at)
    return sponsorship.organisation.sme_claims.filter(
        status=SmeClaimStatus.VERIFIED, valid_from__lte=day, valid_to__gte=day
    ).exists()


def case_score(*, case_id: int) -> CaseScore | None:
    """Compute and store the case's score snapshot; None for a draft (nothing to score yet)."""
    with transaction.atomic():
        case = Case.objects.select_for_update(of=("self",)).select_related("rubric_version").get(pk=case_id)
        if case.status == CaseStatus.DRAFT or case.rubric_version is None or case.submitted_at is None:
            return None
        result = _score(case)
        previous = CaseScore.objects.filter(case=case).values_list("total", flat=True).first()
        snapshot, _created = CaseScore.objects.update_or_create(
            case=case,
            defaults={
                "rubric_version": case.rubric_version,
                "result": result.as_dict(),
                "total": result.total,
                "computed_at": timezone.now(),
            },
        )
        if previous != result.total:  # a rerun with the same outcome adds no timeline noise
            record_event(case=case, kind=CaseEvent.Kind.SCORED, by=None, data={"total": result.total})
    return snapshot


def explained_score(case: Case) -> ScoreResult | None:
    """The case's current score, explained in the active language; None before the first snapshot.

    The snapshot is the record (what was decided on); its sentences are in the language of the worker
    that wrote them. Scoring is a pure function of the same facts, version and reference date, so
    recomputing gives the same points with sentences in the reader's language.
    """
    if case.rubric_version is None or case.submitted_at is None or not hasattr(case, "score"):
        return None
    return _score(case)
