"""A review of a rejection (issue 12, decision 0047): the applicant asks for it within the rubric
version's ``clock.review_request_days``, with their grounds and any documents; the case goes back to
the ministry with its own clock (the version's ``clock.days`` from the request); a supervisor
upholds the rejection or overturns it (an approval, with its letter). Every change is a move of the
transition service (apps.cases.transitions), so each is checked, audited and told to the applicant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.documents import REVIEW_KIND
from apps.cases.letters import letter_issue
from apps.cases.models import Case, CaseEvent, CaseStatus, ReviewRequest
from apps.cases.review_moves import case_eligibility
from apps.cases.services import store_document
from apps.cases.transitions import OVERTURN_REJECTION, REQUEST_REVIEW, UPHOLD_REJECTION, transition
from apps.core.uploads import check_upload
from apps.rubric.language.document import Clock

MAX_REVIEW_FILES = 5


@dataclass(frozen=True, slots=True)
class ReviewWindow:
    """When a rejected applicant may still ask for a review."""

    days: int | None  # the version's period; None: the version offers no review
    last_day: dt.date | None  # the last day (in Korea) a request is accepted, inclusive
    open: bool  # a request would be accepted now
    already_requested: bool


def _clock(case: Case) -> Clock | None:
    return case.rubric_version.parsed_config().clock if case.rubric_version else None


def review_window(case: Case, now: dt.datetime | None = None) -> ReviewWindow:
    """The period runs from the day after the decision to the ``review_request_days``-th day after
    it, on Korea's calendar, the last day included (a decision on 1 December with 30 days: requests
    until 31 December, 23:59:59 in Korea)."""
    now = now or timezone.now()
    requested = ReviewRequest.objects.filter(case_id=case.pk).exists()
    clock = _clock(case)
    days = clock.review_request_days if clock else None
    if days is None or case.decided_at is None:
        return ReviewWindow(days, None, False, requested)
    last_day = timezone.localdate(case.decided_at) + dt.timedelta(days=days)
    is_open = case.status == CaseStatus.REJECTED and not requested and timezone.localdate(now) <= last_day
    return ReviewWindow(days, last_day, is_open, requested)


def review_request(
    *, case: Case, by: User, grounds: str, uploads: Iterable[UploadedFile] = ()
) -> ReviewRequest:
    """The applicant's request: refused outside the period, a second time, or without grounds."""
    if case.applicant_id != by.pk:
        raise PermissionDenied(_("Only the applicant can ask for a review of this decision."))
    if not grounds.strip():
        raise ValidationError({"grounds": _("Write why the decision should be reviewed.")})
    files = list(uploads)
    if len(files) > MAX_REVIEW_FILES:
        raise ValidationError(
            {"attachments": _("Attach at most %(count)s files.") % {"count": MAX_REVIEW_FILES}}
        )
    checked = [(upload, check_upload(upload)) for upload in files]  # refuse before changing anything
    with transaction.atomic():

        def open_review(locked: Case, now: dt.datetime) -> list[str]:
            window = review_window(locked, now)
            if window.already_requested:
                raise ValidationError(_("A review of this decision has already been requested."))
            if window.days is None:
                raise ValidationError(_("The rules this case was decided under offer no review."))
            if not window.open:
                raise ValidationError(
                    _("The period to ask for a review ended on %(day)s.")
                    % {"day": window.last_day.isoformat() if window.last_day else ""}
                )
            return []

        event = transition(case=case, move=REQUEST_REVIEW, by=by, reason=grounds.strip(), change=open_review)
        clock = _clock(case)
        assert clock is not None  # open_review checked it
        review = ReviewRequest.objects.create(
            case=case,
            grounds=grounds.strip(),
            requested_by=by,
            requested_at=event.at,
            due_at=event.at + dt.timedelta(days=clock.days),
        )
        for upload, result in checked:
            store_document(case=case, by=by, kind=REVIEW_KIND, upload=upload, checked=result)
    return review


def may_decide_review(user: User) -> bool:
    return user.has_role(Role.SUPERVISOR)


def review_decide(
    *, review: ReviewRequest, by: User, uphold: bool, explanation: str, expected_version: int
) -> CaseEvent:
    """A supervisor upholds the rejection (rejected, final) or overturns it (approved, with a new
    decision letter). Overturning needs what any approval needs (decision 0008): the track's
    conditions met on the verified facts."""
    if not may_decide_review(by):
        raise PermissionDenied(_("Only a supervisor can decide a review."))
    if not explanation.strip():
        raise ValidationError({"explanation": _("Write an explanation for the applicant.")})
    with transaction.atomic():

        def close(locked: Case, now: dt.datetime) -> list[str]:
            if not uphold:
                missing = case_eligibility(locked).missing
                if missing:
                    raise ValidationError(list(missing))
            locked.decided_at = now
            return ["decided_at"]

        event = transition(
            case=review.case,
            move=UPHOLD_REJECTION if uphold else OVERTURN_REJECTION,
            by=by,
            reason=explanation.strip(),
            data={"review": review.pk},
            expected_version=expected_version,
            change=close,
        )
        updated = ReviewRequest.objects.filter(pk=review.pk, outcome="").update(
            outcome=ReviewRequest.Outcome.UPHELD if uphold else ReviewRequest.Outcome.OVERTURNED,
            explanation=explanation.strip(),
            decided_by=by,
            decided_at=event.at,
        )
        if not updated:
            raise ValidationError(_("This review has already been decided."))
        if not uphold:
            letter_issue(case=review.case, by=by)
    review.refresh_from_db()
    return event


def open_review(case: Case) -> ReviewRequest | None:
    if case.status != CaseStatus.REVIEW_REQUESTED:
        return None
    return ReviewRequest.objects.filter(case=case, outcome="").select_related("requested_by").first()


def open_reviews() -> list[ReviewRequest]:
    """Every review waiting for a supervisor, the earliest due first."""
    return list(
        ReviewRequest.objects.filter(outcome="", case__status=CaseStatus.REVIEW_REQUESTED)
        .select_related("case", "requested_by")
        .order_by("due_at", "pk")
    )
