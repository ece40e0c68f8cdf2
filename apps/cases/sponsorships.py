"""The life of a sponsorship: an employer drafts and submits it; the named applicant confirms it.

States: draft -> submitted -> confirmed, draft/submitted -> withdrawn by the employer, and
submitted -> declined by the candidate. Only a verified organisation can submit (decision 44); nobody
can confirm a sponsorship from an organisation they belong to, or belonged to while their case was
open (decision 45). Every change is recorded by pghistory (who, through the context) and tells the employer's members by
e-mail (the notifications app reacts to the task sent after commit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.models import User
from apps.cases.models import Case, CaseEvent, CaseStatus, Sponsorship, SponsorshipStatus
from apps.cases.transitions import enqueue_after_commit, record_event
from apps.core.moves import Change, Move, MoveTable, apply, no_change
from apps.core.text import one_line
from apps.organisations.models import Organisation
from apps.organisations.selectors import was_member_since

SPONSORSHIP_TASK = "notifications.deliver_sponsorship_change"
EDITABLE_FIELDS = (
    "candidate_email",
    "candidate_name",
    "job_title",
    "field",
    "offered_salary_krw",
    "core_technology_role",
    "core_technology_basis",
    "recruiting_months",
    "hard_to_fill_evidence",
    "transfer_plan",
    "transfer_plan_text",
)

# The candidate's name is in e-mail subjects, where a line break stops the message (apps.core.text).
ONE_LINE_FIELDS = ("candidate_name", "job_title")


def _require_member(organisation: Organisation, by: User) -> None:
    if not organisation.memberships.filter(user=by).exists():
        raise PermissionDenied(_("Only members of the organisation can change its sponsorships."))


# The declared moves of a sponsorship (apps.core.moves): each refused with its own message.
SUBMIT = Move(
    _lazy("submitted"),
    frozenset({SponsorshipStatus.DRAFT}),
    SponsorshipStatus.SUBMITTED,
    CaseEvent.Kind.SPONSORSHIP_SUBMITTED,
    refusal=_lazy("This sponsorship has already been submitted or withdrawn."),
)
WITHDRAW = Move(
    _lazy("withdrawn"),
    frozenset(SponsorshipStatus.values) - {SponsorshipStatus.WITHDRAWN},
    SponsorshipStatus.WITHDRAWN,
    CaseEvent.Kind.SPONSORSHIP_WITHDRAWN,
    refusal=_lazy("This sponsorship has already been withdrawn."),
)
CONFIRM = Move(
    _lazy("confirmed"),
    frozenset({SponsorshipStatus.SUBMITTED}),
    SponsorshipStatus.CONFIRMED,
    CaseEvent.Kind.SPONSORSHIP_CONFIRMED,
    refusal=_lazy("This sponsorship is not waiting for confirmation."),
)
DECLINE = Move(
    _lazy("declined"),
    frozenset({SponsorshipStatus.SUBMITTED}),
    SponsorshipStatus.DECLINED,
    CaseEvent.Kind.SPONSORSHIP_DECLINED,
    refusal=_lazy("This sponsorship is not waiting for your answer."),
)
SPONSORSHIP_MOVES: MoveTable[Sponsorship] = MoveTable(
    model=Sponsorship, moves=(SUBMIT, WITHDRAW, CONFIRM, DECLINE)
)


# A sponsorship linked to a case can be withdrawn only while that case has not gone in.
WITHDRAWABLE_WITH_CASE = (CaseStatus.DRAFT, CaseStatus.WITHDRAWN)


def may_submit(sponsorship: Sponsorship) -> bool:
    """The state allows sending it (membership and verification are the caller's and the move's)."""
    return sponsorship.status in SUBMIT.allowed_from


def may_withdraw(sponsorship: Sponsorship) -> bool:
    """The state allows withdrawing it, and its case (if any) has not gone in with it."""
    if sponsorship.status not in WITHDRAW.allowed_from:
        return False
    return sponsorship.case is None or sponsorship.case.status in WITHDRAWABLE_WITH_CASE


def _move(
    sponsorship: Sponsorship, *, move: Move, by: User, reason: str = "", change: Change = no_change
) -> Sponsorship:
    """One sponsorship move, inside the caller's transaction: the row locked, its state checked, the
    move's fields set and audited, the case's timeline line (when it is linked to a case) and the
    employer's e-mail after commit."""
    applied = apply(SPONSORSHIP_MOVES, pk=sponsorship.pk, move=move, by=by, reason=reason, change=change)
    locked = applied.row
    if locked.case_id is not None:
        record_event(
            case=Case.objects.get(pk=locked.case_id),
            kind=move.event,
            by=by,
            reason=reason,
            data={"organisation": locked.organisation.name, "sponsorship": locked.pk},
        )
    enqueue_after_commit(SPONSORSHIP_TASK, locked.pk, locked.status)
    return locked


def sponsorship_create(*, organisation: Organisation, by: User, data: Mapping[str, Any]) -> Sponsorship:
    _require_member(organisation, by)
    values = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    values["candidate_email"] = str(values.get("candidate_email", "")).strip().lower()
    for name in ONE_LINE_FIELDS:
        if name in values:
            values[name] = one_line(str(values[name]))
    with transaction.atomic(), pghistory.context(actor=by.pk):
        sponsorship = Sponsorship.objects.create(organisation=organisation, created_by=by, **values)
    return sponsorship


def sponsorship_update(*, sponsorship: Sponsorship, by: User, data: Mapping[str, Any]) -> Sponsorship:
    _require_member(sponsorship.organisation, by)
    with transaction.atomic(), pghistory.context(actor=by.pk):
        locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
        if locked.status != SponsorshipStatus.DRAFT:
            raise ValidationError(
                _("Only a draft sponsorship can be edited. Withdraw it and start a new one.")
            )
        for name in EDITABLE_FIELDS:
            if name in data:
                setattr(locked, name, data[name])
        locked.candidate_email = locked.candidate_email.strip().lower()
        for name in ONE_LINE_FIELDS:
            setattr(locked, name, one_line(getattr(locked, name)))
        locked.save()
    return locked


def sponsorship_submit(*, sponsorship: Sponsorship, by: User, case_reference: str = "") -> Sponsorship:
    """Send the sponsorship to the candidate: linked to their case by its reference, or by e-mail."""
    _require_member(sponsorship.organisation, by)

    def send(locked: Sponsorship, now: dt.datetime) -> dict[str, Any]:
        if not locked.organisation.is_verified:
            raise ValidationError(
                _(
                    "Your organisation is not verified yet, so its sponsorships cannot be sent. Upload the "
                    "business registration certificate; once the ministry verifies it you can send this one."
                ),
                code="unverified",
            )
        fields: dict[str, Any] = {"submitted_at": now}
        if case_reference:
            fields["case"] = _open_draft_case(case_reference, locked.candidate_email)
        return fields

    with transaction.atomic():
        return _move(sponsorship, move=SUBMIT, by=by, change=send)


def _open_draft_case(reference: str, candidate_email: str) -> Case:
    case = Case.objects.select_related("applicant").filter(reference=reference.strip().upper()).first()
    # The same message whether the case is missing or belongs to someone else: a reference and an
    # e-mail address that do not belong together reveal nothing.
    if case is None or case.applicant.email.lower() != candidate_email:
        raise ValidationError(
            _("No application with this reference belongs to the candidate's e-mail address. Check both.")
        )
    if case.status == CaseStatus.WITHDRAWN:
        raise ValidationError(_("The candidate has withdrawn this application; it cannot be sponsored."))
    if case.status != CaseStatus.DRAFT:
        raise ValidationError(
            _("This application has already been submitted; a sponsorship can no longer be added.")
        )
    return case


def sponsorship_withdraw(*, sponsorship: Sponsorship, by: User, reason: str = "") -> Sponsorship:
    _require_member(sponsorship.organisation, by)
    with transaction.atomic():
        # The case's row first, then the sponsorship's: the order case_submit (which checks the
        # confirmed sponsorship under the case's lock) and sponsorship_confirm take. A submission in
        # progress finishes before the case's status is read here, and one that starts later finds
        # the sponsorship withdrawn: a case never goes in on a sponsorship withdrawn meanwhile.
        case_id = Sponsorship.objects.filter(pk=sponsorship.pk).values_list("case_id", flat=True).get()
        case = Case.objects.select_for_update().get(pk=case_id) if case_id is not None else None

        def withdraw(locked: Sponsorship, now: dt.datetime) -> dict[str, Any]:
            if locked.case_id != case_id:  # linked to a case between the read and the lock: start again
                raise ValidationError(
                    _("This sponsorship changed a moment ago. Reload the page and try again.")
                )
            if case is not None and case.status not in WITHDRAWABLE_WITH_CASE:
                raise ValidationError(
                    _(
                        "The application has been submitted with this sponsorship; contact the ministry to change it."
                    )
                )
            return {"withdrawn_at": now}

        return _move(sponsorship, move=WITHDRAW, by=by, reason=reason, change=withdraw)


def sponsorships_offered_to(user: User) -> list[Sponsorship]:
    """Submitted sponsorships waiting for this applicant: linked to their case or sent to their address."""
    return list(
        Sponsorship.objects.filter(status=SponsorshipStatus.SUBMITTED)
        .filter(case__applicant=user)
        .select_related("organisation", "case")
        | Sponsorship.objects.filter(status=SponsorshipStatus.SUBMITTED, case__isnull=True)
        .filter(candidate_email=user.email.lower())
        .select_related("organisation", "case")
    )


def sponsorship_confirm(*, sponsorship: Sponsorship, case: Case, by: User) -> Sponsorship:
    """The applicant accepts the sponsorship on their draft case (one confirmed sponsorship a case)."""
    if case.applicant_id != by.pk:
        raise PermissionDenied(_("Only the applicant can confirm a sponsorship."))
    try:
        with transaction.atomic():
            # The case first, then the sponsorship: the order sponsorship_withdraw takes.
            locked_case = Case.objects.select_for_update().get(pk=case.pk)

            def confirm(locked: Sponsorship, now: dt.datetime) -> dict[str, Any]:
                _check_confirmable(locked, locked_case, by)
                return {"case": locked_case, "confirmed_at": now}

            return _move(sponsorship, move=CONFIRM, by=by, change=confirm)
    except IntegrityError:
        raise ValidationError(_("This application already has a confirmed sponsorship.")) from None


def _check_confirmable(sponsorship: Sponsorship, case: Case, by: User) -> None:
    """What confirming needs besides the sponsorship's state (the move table checks that)."""
    addressed_to_case = sponsorship.case_id == case.pk
    addressed_to_email = sponsorship.case_id is None and sponsorship.candidate_email == by.email.lower()
    if not (addressed_to_case or addressed_to_email):
        raise PermissionDenied(_("This sponsorship is not addressed to you."))
    if case.status == CaseStatus.WITHDRAWN:
        raise ValidationError(_("This application has been withdrawn; it cannot take a sponsorship."))
    if case.status != CaseStatus.DRAFT:
        raise ValidationError(_("This application has already been submitted."))
    if was_member_since(by, sponsorship.organisation_id, case.created_at):
        raise PermissionDenied(
            _(
                "You cannot confirm a sponsorship from %(organisation)s: you are, or were while this "
                "application was open, a member of it. An employer must sponsor you independently."
            )
            % {"organisation": sponsorship.organisation.name}
        )


def sponsorship_decline(*, sponsorship: Sponsorship, by: User, reason: str = "") -> Sponsorship:
    """The candidate refuses a sponsorship offered to them; the employer's members are told."""
    with transaction.atomic():
        # Whom it is addressed to is checked first (under the lock): a stranger learns nothing of its state.
        locked = (
            Sponsorship.objects.select_for_update(of=("self",)).select_related("case").get(pk=sponsorship.pk)
        )
        addressed_to_case = locked.case is not None and locked.case.applicant_id == by.pk
        addressed_to_email = locked.case_id is None and locked.candidate_email == by.email.lower()
        if not (addressed_to_case or addressed_to_email):
            raise PermissionDenied(_("This sponsorship is not addressed to you."))
        return _move(
            locked,
            move=DECLINE,
            by=by,
            reason=reason,
            change=lambda _locked, now: {"declined_at": now, "decline_reason": reason.strip()},
        )
