"""The ministry's moves on a case: take it into review, ask for information, decide.

The reviewer's screens come with the triage issue; the moves are part of the case model, so the
states can only change here, each checking the state and the actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.clock import paused_for
from apps.cases.documents import RESPONSE_KIND
from apps.cases.models import Case, CaseEvent, DecisionReason, InformationRequest, SponsorshipStatus
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
    """Assign a submitted case: a reviewer takes it (``by == reviewer``) or a supervisor assigns it."""
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


def case_decide(
    *,
    case: Case,
    by: User,
    approve: bool,
    reason_codes: Sequence[str],
    explanation: str,
    expected_version: int,
) -> CaseEvent:
    """Approve or reject with reasons the applicant sees; refused if the case changed meanwhile."""
    _require_assignee_or_supervisor(case, by)
    unknown = set(reason_codes) - set(DecisionReason.values)
    if not reason_codes or unknown:
        raise ValidationError(_("Choose at least one reason from the list."))
    if not explanation.strip():
        raise ValidationError(_("Write an explanation for the applicant."))

    def close(locked: Case, now: dt.datetime) -> list[str]:
        locked.decided_at = now
        return ["decided_at"]

    return transition(
        case=case,
        move=APPROVE if approve else REJECT,
        by=by,
        reason=explanation,
        data={"reason_codes": list(reason_codes)},
        expected_version=expected_version,
        change=close,
    )
