"""The reviewer's work on a case besides its moves: the qualitative assessment (B1, B2), SME
certificate verification, the programme roster confirmation and internal notes.

Each service checks the actor and the case's state, writes a timeline event (inside a pghistory
context: who and why) and, where the score depends on what changed, scores the case again from the
engine; the points are never entered by hand. A change that can alter the score also bumps the
case's ``lock_version``, so a decision prepared on the screen before it is refused as stale.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.casefile import track_uses_assessment
from apps.cases.models import (
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseNote,
    QualitativeAssessment,
    Sponsorship,
    SponsorshipStatus,
    Track,
)
from apps.cases.score_snapshot import case_score
from apps.cases.transitions import SCORE_TASK, enqueue_after_commit, record_event
from apps.organisations.models import SizeClass, SmeClaim
from apps.organisations.services import sme_claim_reject, sme_claim_verify
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version
from apps.rubric.selectors import STRATEGIC, scorer_for

OTHER_FIELD = "other"
ESTIMATE = "estimate"  # the basis of criteria scored on self-declared facts a reviewer assesses


def max_led_years() -> Decimal:
    """The catalogue's bound on years of leading a project (a working life)."""
    maximum = default_catalogue().fact("led_project_years").maximum
    assert maximum is not None
    return maximum


# --- Who may act ---------------------------------------------------------------------------------


def _is_supervisor(user: User) -> bool:
    return user.has_role(Role.SUPERVISOR)


def _require_ministry(user: User) -> None:
    if not (user.has_role(Role.REVIEWER) or _is_supervisor(user)):
        raise PermissionDenied(_("Only ministry reviewers can do this."))


def _require_assignee_or_supervisor(case: Case, user: User) -> None:
    _require_ministry(user)
    if case.assigned_to_id != user.pk and not _is_supervisor(user):
        raise PermissionDenied(_("Only the assigned reviewer or a supervisor can do this."))


def _require_open(case: Case) -> None:
    if case.status not in OPEN_STATUSES:
        raise ValidationError(
            _("This case is %(status)s; it can no longer be changed.")
            % {"status": case.get_status_display().lower()}
        )


def _lock_for(case: Case, by: User) -> Case:
    """The case's row, locked for this transaction, once the actor may still work on it: the checks
    see the assignee and the state as they are now, not as the caller loaded them."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    _require_assignee_or_supervisor(locked, by)
    _require_open(locked)
    return locked


def _lock_in_key_order(case_ids: list[int]) -> None:
    """Lock the cases' rows in primary-key order: two transactions that each lock several cases this
    way wait for each other in a line, never in a circle."""
    list(Case.objects.select_for_update().filter(pk__in=case_ids).order_by("pk").values_list("pk", flat=True))


def _bump_versions(case_ids: list[int]) -> None:
    # The cases' scores change: a decision prepared before this is refused as stale.
    Case.objects.filter(pk__in=case_ids).update(lock_version=F("lock_version") + 1, updated_at=timezone.now())


# --- The qualitative assessment ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QualitativeValues:
    """What the reviewer verified for B1 and B2, each part with its written justification."""

    field: str
    field_justification: str
    publications_and_patents: int
    publications_justification: str
    led_project_years: Decimal
    international_award: bool
    leadership_justification: str
    core_technology_role: int
    core_technology_justification: str
    hard_to_fill: bool
    hard_to_fill_justification: str
    transfer_plan: int
    transfer_plan_justification: str


@dataclass(frozen=True, slots=True)
class QualitativeScales:
    """The limits of a case's rubric version for what the reviewer enters."""

    fields: frozenset[str]  # the strategic field codes, plus "other"
    core_technology_role_max: int
    transfer_plan_max: int


JUSTIFICATIONS = (
    "field_justification",
    "publications_justification",
    "leadership_justification",
    "core_technology_justification",
    "hard_to_fill_justification",
    "transfer_plan_justification",
)


def qualitative_scales(case: Case) -> QualitativeScales | None:
    """The scales of the case's rubric version; None when the version has no qualitative criteria."""
    if case.rubric_version is None or case.submitted_at is None:
        return None
    scorer = scorer_for(version_code=case.rubric_version.code, on=timezone.localdate(case.submitted_at))
    return scales_from_config(scorer.version, scorer.reference.lists.get(STRATEGIC, frozenset()))


def scales_from_config(config: Version, strategic: frozenset[str]) -> QualitativeScales | None:
    """The version's limits for the reviewer's values; None when no criterion is an estimate for a
    reviewer to assess. A rating's top is the catalogue's (a version's scales must use it)."""
    if not any(c.basis == ESTIMATE for c in config.criteria):
        return None
    catalogue = config.catalogue

    def top(fact: str) -> int:
        return int(catalogue.fact(fact).maximum or 0)

    return QualitativeScales(
        fields=frozenset(strategic | {OTHER_FIELD}),
        core_technology_role_max=top("core_technology_role"),
        transfer_plan_max=top("transfer_plan"),
    )


def _check_values(values: QualitativeValues, scales: QualitativeScales) -> None:
    """Every refusal at once, each under the name of the value it is about."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if values.field not in scales.fields:
        refuse("field", _("Choose a field from the list."))
    if values.publications_and_patents < 0:
        refuse("publications_and_patents", _("The count cannot be negative."))
    if not (0 <= values.led_project_years <= max_led_years()):
        refuse("led_project_years", _("Enter between 0 and %(max)s years.") % {"max": max_led_years()})
    for name, rating, maximum in (
        ("core_technology_role", values.core_technology_role, scales.core_technology_role_max),
        ("transfer_plan", values.transfer_plan, scales.transfer_plan_max),
    ):
        if not 0 <= rating <= maximum:
            refuse(name, rating_error(maximum))
    for name in JUSTIFICATIONS:
        if not str(getattr(values, name)).strip():
            refuse(name, _("Write the justification."))
    if errors:
        raise ValidationError(errors)


def rating_error(maximum: int) -> str:
    return _("Enter a rating from 0 to %(max)s (the maximum under this case's rules).") % {"max": maximum}


def qualitative_assess(*, case: Case, by: User, values: QualitativeValues) -> QualitativeAssessment:
    """Record (or correct) the reviewer's B1/B2 facts; the case is scored again from the engine."""
    _require_assignee_or_supervisor(case, by)
    scales = qualitative_scales(case)
    if scales is None:
        raise ValidationError(_("The rules this case is scored under have no qualitative criteria."))
    config = case.rubric_version.parsed_config() if case.rubric_version else None
    if config is None or not track_uses_assessment(config, case.track):  # asked of the rubric (decision 49)
        raise ValidationError(_("This case's track is not decided on the qualitative criteria."))
    _check_values(values, scales)
    stored = {**asdict(values), **{name: getattr(values, name).strip() for name in JUSTIFICATIONS}}
    with transaction.atomic():
        locked = _lock_for(case, by)
        with pghistory.context(actor=by.pk, action=CaseEvent.Kind.QUALITATIVE_ASSESSED):
            assessment, created = QualitativeAssessment.objects.update_or_create(
                case=locked, defaults={**stored, "assessed_by": by, "assessed_at": timezone.now()}
            )
            record_event(
                case=locked,
                kind=CaseEvent.Kind.QUALITATIVE_ASSESSED,
                by=by,
                data=_assessment_summary(values, first=created),
            )
            _bump_versions([locked.pk])
        case_score(case_id=locked.pk)
    case.refresh_from_db()
    return assessment


def _assessment_summary(values: QualitativeValues, *, first: bool) -> dict[str, object]:
    return {
        "first": first,
        "field": values.field,
        "publications_and_patents": values.publications_and_patents,
        "led_project_years": str(values.led_project_years),
        "international_award": values.international_award,
        "core_technology_role": values.core_technology_role,
        "hard_to_fill": values.hard_to_fill,
        "transfer_plan": values.transfer_plan,
    }


# --- SME certificate verification ----------------------------------------------------------------


def confirmed_sponsorship(case: Case) -> Sponsorship | None:
    return (
        Sponsorship.objects.filter(case=case, status=SponsorshipStatus.CONFIRMED)
        .select_related("organisation")
        .first()
    )


def claim_valid_for_case(claim: SmeClaim, case: Case) -> bool:
    """The certificate covers the case's submission day (policy.md 3.C): only then may it count."""
    if case.submitted_at is None:
        return False
    day = timezone.localdate(case.submitted_at)
    return claim.valid_from <= day <= claim.valid_to


def _check_claim(case: Case, claim: SmeClaim) -> None:
    sponsorship = confirmed_sponsorship(case)
    if sponsorship is None or sponsorship.organisation_id != claim.organisation_id:
        raise ValidationError(_("This certificate is not the confirmed sponsor's."))
    if sponsorship.organisation.size_class != SizeClass.SME:
        raise ValidationError(_("The sponsor does not claim SME status."))
    if not claim_valid_for_case(claim, case):
        raise ValidationError(
            _("This certificate is not valid on the case's submission date (%(date)s).")
            % {"date": formats.date_format(timezone.localdate(case.submitted_at))}
        )


def _open_sponsored_case_ids(organisation_id: int) -> list[int]:
    return list(
        Case.objects.filter(
            status__in=OPEN_STATUSES,
            sponsorships__organisation_id=organisation_id,
            sponsorships__status=SponsorshipStatus.CONFIRMED,
        )
        .distinct()
        .values_list("pk", flat=True)
    )


def case_sme_verify(*, case: Case, claim: SmeClaim, by: User, reason: str) -> SmeClaim:
    """Verify the sponsor's SME certificate from this case: the bonus counts from now on."""
    return _sme_review(case=case, claim=claim, by=by, reason=reason, verify=True)


def case_sme_reject(*, case: Case, claim: SmeClaim, by: User, reason: str) -> SmeClaim:
    """Refuse the sponsor's SME certificate, with a reason the employer sees: no bonus."""
    return _sme_review(case=case, claim=claim, by=by, reason=reason, verify=False)


def _sme_review(*, case: Case, claim: SmeClaim, by: User, reason: str, verify: bool) -> SmeClaim:
    _require_assignee_or_supervisor(case, by)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Write the reason for your decision.")})
    kind = CaseEvent.Kind.SME_VERIFIED if verify else CaseEvent.Kind.SME_REJECTED
    with transaction.atomic():
        # One lock order for every reviewer of this claim: the claim, then every open case it
        # scores, by key. Locking this case first and the other cases last deadlocked two
        # reviewers verifying from two cases of the same sponsor; now the second waits for the
        # claim and then gets the claim module's refusal (decided already).
        SmeClaim.objects.select_for_update().get(pk=claim.pk)
        others = [pk for pk in _open_sponsored_case_ids(claim.organisation_id) if pk != case.pk]
        _lock_in_key_order([case.pk, *others])
        locked = _lock_for(case, by)
        _check_claim(locked, claim)
        with pghistory.context(actor=by.pk, action=kind, reason=reason):
            if verify:
                reviewed = sme_claim_verify(claim=claim, by=by, reason=reason)
            else:
                reviewed = sme_claim_reject(claim=claim, by=by, reason=reason)
            record_event(
                case=locked,
                kind=kind,
                by=by,
                reason=reason,
                data={"claim": claim.pk, "organisation": claim.organisation_id},
            )
            _bump_versions([locked.pk, *others])
        case_score(case_id=locked.pk)
        # Every other open case of this sponsor may gain or lose the bonus: scored by the workers.
        for case_id in others:
            enqueue_after_commit(SCORE_TASK, case_id)
    case.refresh_from_db()
    return reviewed


# --- Programme roster confirmation ---------------------------------------------------------------


def roster_confirm(*, case: Case, by: User) -> CaseEvent:
    """The reviewer confirms the roster entry found at submission (government-programme track)."""
    _require_assignee_or_supervisor(case, by)
    with transaction.atomic():
        locked = _lock_for(case, by)
        if locked.track != Track.GOVERNMENT_PROGRAMME or not locked.roster_match:
            raise ValidationError(_("This case has no programme roster match to confirm."))
        if locked.roster_match.get("status") not in ("matched", "partial"):
            raise ValidationError(_("Nothing on the programme's roster matched this applicant."))
        if locked.roster_confirmed_at is not None:
            raise ValidationError(_("The roster match has already been confirmed."))
        now = timezone.now()
        with pghistory.context(actor=by.pk, action=CaseEvent.Kind.ROSTER_CONFIRMED):
            Case.objects.filter(pk=locked.pk).update(
                roster_confirmed_by=by,
                roster_confirmed_at=now,
                lock_version=F("lock_version") + 1,
                updated_at=now,
            )
            event = record_event(
                case=locked, kind=CaseEvent.Kind.ROSTER_CONFIRMED, by=by, data=dict(locked.roster_match)
            )
    case.refresh_from_db()
    return event


# --- Internal notes ------------------------------------------------------------------------------

NOTE_MAX_LENGTH = 5000


def note_add(*, case: Case, by: User, text: str) -> CaseNote:
    """An internal note on the case, for ministry staff only (never on applicant or employer pages)."""
    _require_ministry(by)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"text": _("Keep the note to %(max)s characters or fewer.") % {"max": NOTE_MAX_LENGTH}}
        )
    return CaseNote.objects.create(case=case, author=by, text=text, created_at=timezone.now())


__all__ = [
    "QualitativeScales",
    "QualitativeValues",
    "case_sme_reject",
    "case_sme_verify",
    "claim_valid_for_case",
    "confirmed_sponsorship",
    "note_add",
    "qualitative_assess",
    "qualitative_scales",
    "rating_error",
    "roster_confirm",
    "scales_from_config",
]
