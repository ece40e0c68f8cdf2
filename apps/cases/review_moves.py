"""The ministry's moves on a case: take it into review, ask for information, decide.

The reviewer's screens come with the triage issue; the moves are part of the case model, so the
states can only change here, each checking the state and the actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.clock import paused_for
from apps.cases.documents import RESPONSE_KIND
from apps.cases.letters import letter_issue
from apps.cases.models import (
    Case,
    CaseEvent,
    DecisionReason,
    InformationRequest,
    QualitativeAssessment,
    SponsorshipStatus,
    Track,
)
from apps.cases.score_snapshot import case_profile
from apps.cases.services import store_document
from apps.cases.transitions import (
    APPROVE,
    PROVIDE_INFORMATION,
    REJECT,
    REQUEST_INFORMATION,
    START_REVIEW,
    transition,
)
from apps.core.uploads import check_upload
from apps.rubric.language.scorer import ScoreResult
from apps.rubric.selectors import scorer_for


def _is_supervisor(user: User) -> bool:
    return user.has_role(Role.SUPERVISOR)


def _require_reviewer(user: User) -> None:
    if not (user.has_role(Role.REVIEWER) or _is_supervisor(user)):
        raise PermissionDenied(_("Only ministry reviewers can do this."))


def _require_assignee_or_supervisor(case: Case, user: User) -> None:
    _require_reviewer(user)
    if case.assigned_to_id != user.pk and not _is_supervisor(user):
        raise PermissionDenied(_("Only the assigned reviewer or a supervisor can do this."))


def case_start_review(*, case: Case, reviewer: User, by: User) -> CaseEvent:
    """Assign a submitted case: a reviewer takes it (``by == reviewer``) or a supervisor assigns it.

    No reason here: this event is on the applicant's timeline and in their e-mail. A supervisor's
    reason for the assignment is an internal line (``apps.cases.assignment``)."""
    _require_reviewer(reviewer)
    if by.pk != reviewer.pk and not _is_supervisor(by):
        raise PermissionDenied(_("Only a supervisor can assign a case to someone else."))

    def assign(locked: Case, now: dt.datetime) -> list[str]:
        locked.assigned_to = reviewer
        locked.assigned_at = now
        return ["assigned_to", "assigned_at"]

    return transition(case=case, move=START_REVIEW, by=by, change=assign, data={"reviewer": reviewer.pk})


def case_request_information(
    *,
    case: Case,
    by: User,
    addressee: str,
    message: str,
    needed: str,
    respond_by: dt.date,
) -> InformationRequest:
    """Ask the applicant or the employer; the processing clock pauses until they answer."""
    _require_assignee_or_supervisor(case, by)
    if addressee not in InformationRequest.Addressee.values:
        raise ValidationError(_("Choose whom the request is for."))
    if not message.strip() or not needed.strip():
        raise ValidationError(_("Write the message and what is needed."))
    if respond_by < timezone.localdate():
        raise ValidationError(_("The response date cannot be in the past."))
    if addressee == InformationRequest.Addressee.EMPLOYER and not _confirmed_sponsor_exists(case):
        raise ValidationError(_("This case has no confirmed sponsor to ask."))
    with transaction.atomic():

        def pause(locked: Case, now: dt.datetime) -> list[str]:
            _require_assignee_or_supervisor(locked, by)  # again under the lock: it may have been reassigned
            locked.paused_at = now
            return ["paused_at"]

        event = transition(case=case, move=REQUEST_INFORMATION, by=by, reason=message, change=pause)
        return InformationRequest.objects.create(
            case=case,
            addressee=addressee,
            message=message,
            needed=needed,
            respond_by=respond_by,
            requested_by=by,
            requested_at=event.at,
        )


def _confirmed_sponsor_exists(case: Case) -> bool:
    return case.sponsorships.filter(status=SponsorshipStatus.CONFIRMED).exists()


def may_answer(request: InformationRequest, user: User) -> bool:
    case = request.case
    if request.addressee == InformationRequest.Addressee.APPLICANT:
        return case.applicant_id == user.pk
    return case.sponsorships.filter(
        status=SponsorshipStatus.CONFIRMED, organisation__memberships__user=user
    ).exists()


def information_respond(
    *, request: InformationRequest, by: User, text: str, uploads: Iterable[UploadedFile] = ()
) -> InformationRequest:
    """The answer (text and files) resumes the clock; the due date moves by the time it was paused."""
    if not may_answer(request, by):
        raise PermissionDenied(_("This request is not addressed to you."))
    if not text.strip():
        raise ValidationError(_("Write your answer."))
    checked = [(upload, check_upload(upload)) for upload in uploads]  # refuse before changing anything
    with transaction.atomic():

        def resume(locked: Case, now: dt.datetime) -> list[str]:
            assert locked.paused_at is not None
            assert locked.due_at is not None
            pause = paused_for(paused_at=locked.paused_at, now=now)
            locked.due_at += pause
            locked.paused_total += pause
            locked.paused_at = None
            locked.clock_period += 1  # a new stretch of the clock: its reminders are new ones
            return ["due_at", "paused_total", "paused_at", "clock_period"]

        event = transition(case=request.case, move=PROVIDE_INFORMATION, by=by, change=resume)
        locked_request = InformationRequest.objects.select_for_update().get(pk=request.pk)
        if not locked_request.is_open:
            raise ValidationError(_("This request has already been answered."))
        locked_request.response_text = text
        locked_request.responded_by = by
        locked_request.responded_at = event.at
        locked_request.save(update_fields=["response_text", "responded_by", "responded_at"])
        for upload, result in checked:
            store_document(case=request.case, by=by, kind=RESPONSE_KIND, upload=upload, checked=result)
    return locked_request


# Which outcome each reason explains (True: approval). The applicant reads the reasons under the
# decision, so "Approved — the verified score is below the pass mark" must be impossible. A reason
# added to DecisionReason without an outcome here is refused until it gets one.
REASON_APPROVES: Mapping[str, bool] = {
    DecisionReason.CRITERIA_MET: True,
    DecisionReason.BELOW_PASS_MARK: False,
    DecisionReason.TRACK_CRITERIA_NOT_MET: False,
    DecisionReason.EVIDENCE_NOT_VERIFIED: False,
    DecisionReason.NOT_ON_ROSTER: False,
    DecisionReason.NO_RESPONSE: False,
}


def reasons_for(*, approve: bool) -> list[str]:
    """The reason codes that can explain this outcome, in DecisionReason's order."""
    return [code for code in DecisionReason.values if REASON_APPROVES.get(code) is approve]


def reason_codes_error(*, approve: bool, reason_codes: Sequence[str]) -> str | None:
    """Why these reasons cannot explain this outcome (reasons of the other outcome), or None."""
    wrong = [
        code
        for code in reason_codes
        if code in DecisionReason.values and code not in reasons_for(approve=approve)
    ]
    if not wrong:
        return None
    labels = "; ".join(f"“{DecisionReason(code).label}”" for code in wrong)
    if approve:
        return _("These reasons explain a rejection, not an approval: %(reasons)s.") % {"reasons": labels}
    return _("These reasons explain an approval, not a rejection: %(reasons)s.") % {"reasons": labels}


class RosterStatus:
    """Where the government-programme roster match stands (the other tracks need none)."""

    NOT_NEEDED = ""
    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"  # a match found at submission, not yet confirmed by a reviewer
    NO_MATCH = "no_match"


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The case's track as the scoring engine judges it on the verified facts, and what approval
    still needs (policy.md section 2; docs/decisions/0008-approval-requires-eligibility.md)."""

    track_title: str
    eligible: bool | None  # None: no rules version, or the version has no such track
    reasons: tuple[str, ...]  # the engine's explanation, in the active language
    roster: str  # a RosterStatus
    assessment: QualitativeAssessment | None
    missing: tuple[str, ...]  # why approval is refused now; empty when it is allowed

    @property
    def allows_approval(self) -> bool:
        return not self.missing


def case_eligibility(case: Case) -> Eligibility:
    """Computed now by the engine from the case's verified facts under its rules version (a read)."""
    result = _verified_score(case)
    track = result.tracks.get(case.track) if result is not None else None
    roster = _roster_status(case)
    missing: list[str] = []
    if result is None:
        missing.append(_("The case has no rules version to judge it by, so it cannot be approved."))
    elif track is None:
        missing.append(
            _("The rules version this case is scored under has no such track, so it cannot be approved.")
        )
    elif not track.eligible:
        missing.append(
            _("%(track)s: the conditions are not met on the verified facts, so the case cannot be approved.")
            % {"track": track.title}
        )
        missing.extend(track.reasons)
    if roster == RosterStatus.NO_MATCH:
        missing.append(
            _("Nothing on the programme's roster matched this applicant, so the case cannot be approved.")
        )
    elif roster == RosterStatus.UNCONFIRMED:
        missing.append(_("Confirm the programme roster match before approving."))
    assessment = QualitativeAssessment.objects.filter(case_id=case.pk).select_related("assessed_by").first()
    if case.track == Track.QUALITATIVE and assessment is None:
        # Policy 3.B: the qualitative points are assessed by a reviewer. Until then B1 and B2 are
        # the applicant's own estimates, which must not carry an approval.
        missing.append(
            _(
                "Assess the qualitative criteria (B1 and B2) before approving: until then their points are the applicant's own estimate."
            )
        )
    return Eligibility(
        track_title=track.title if track else "",
        eligible=track.eligible if track else None,
        reasons=track.reasons if track else (),
        roster=roster,
        assessment=assessment,
        missing=tuple(missing),
    )


def _verified_score(case: Case) -> ScoreResult | None:
    """The engine on the verified facts (apps.cases.score_snapshot.case_profile), as the score snapshot is
    computed, but without waiting for the snapshot: a case scored by a task not yet run is judged
    all the same. The sentences are in the active language."""
    if case.rubric_version is None or case.submitted_at is None:
        return None
    scorer = scorer_for(version_code=case.rubric_version.code, on=timezone.localdate(case.submitted_at))
    return scorer.score(case_profile(case, scorer))


def _roster_status(case: Case) -> str:
    if case.track != Track.GOVERNMENT_PROGRAMME:
        return RosterStatus.NOT_NEEDED
    if case.roster_confirmed_at is not None:
        return RosterStatus.CONFIRMED
    if (case.roster_match or {}).get("status") in ("matched", "partial"):
        return RosterStatus.UNCONFIRMED
    return RosterStatus.NO_MATCH


def case_decide(
    *,
    case: Case,
    by: User,
    approve: bool,
    reason_codes: Sequence[str],
    explanation: str,
    expected_version: int,
) -> CaseEvent:
    """Approve or reject with reasons the applicant sees; refused if the case changed meanwhile, if a
    reason belongs to the other outcome, or (an approval) if the track's conditions are not met. An
    approval issues the decision letter in the same transaction."""
    _require_assignee_or_supervisor(case, by)
    unknown = set(reason_codes) - set(DecisionReason.values)
    if not reason_codes or unknown:
        raise ValidationError(_("Choose at least one reason from the list."))
    mismatch = reason_codes_error(approve=approve, reason_codes=reason_codes)
    if mismatch:
        raise ValidationError({"reason_codes": mismatch})
    if not explanation.strip():
        raise ValidationError(_("Write an explanation for the applicant."))

    def close(locked: Case, now: dt.datetime) -> list[str]:
        _require_assignee_or_supervisor(locked, by)  # again under the lock: it may have been reassigned
        if approve:
            missing = case_eligibility(locked).missing  # on the locked row: facts as they are now
            if missing:
                raise ValidationError(list(missing))
        locked.decided_at = now
        return ["decided_at"]

    with transaction.atomic():
        event = transition(
            case=case,
            move=APPROVE if approve else REJECT,
            by=by,
            reason=explanation,
            data={"reason_codes": list(reason_codes)},
            expected_version=expected_version,
            change=close,
        )
        if approve:
            letter_issue(case=case, by=by)  # the decision letter and its code (decision 0046)
    return event
