"""The life of a sponsorship: an employer drafts and submits it; the named applicant confirms it.

States: draft -> submitted -> confirmed, draft/submitted -> withdrawn by the employer, and
submitted -> declined by the candidate. Only a verified organisation can submit (decision 44); nobody
can confirm a sponsorship from an organisation they belong to, or belonged to while their case was
open (decision 45). Every change is recorded by pghistory (who, through the context) and tells the employer's members by
e-mail (the notifications app reacts to the task sent after commit).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pghistory
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.cases.models import Case, CaseEvent, CaseStatus, Sponsorship, SponsorshipStatus
from apps.cases.transitions import enqueue_after_commit, record_event
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


def _changed(sponsorship: Sponsorship, by: User) -> None:
    enqueue_after_commit(SPONSORSHIP_TASK, sponsorship.pk, sponsorship.status)


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
    with transaction.atomic(), pghistory.context(actor=by.pk):
        locked = Sponsorship.objects.select_for_update().select_related("organisation").get(pk=sponsorship.pk)
        if locked.status != SponsorshipStatus.DRAFT:
            raise ValidationError(_("This sponsorship has already been submitted or withdrawn."))
        if not locked.organisation.is_verified:
            raise ValidationError(
                _(
                    "Your organisation is not verified yet, so its sponsorships cannot be sent. Upload the "
                    "business registration certificate; once the ministry verifies it you can send this one."
                ),
                code="unverified",
            )
        if case_reference:
            locked.case = _open_draft_case(case_reference, locked.candidate_email)
        locked.status = SponsorshipStatus.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.save()
        _changed(locked, by)
    return locked


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
    with transaction.atomic(), pghistory.context(actor=by.pk, reason=reason):
        # The case's row first, then the sponsorship's: the order case_submit (which checks the
        # confirmed sponsorship under the case's lock) and sponsorship_confirm take. A submission in
        # progress finishes before the case's status is read here, and one that starts later finds
        # the sponsorship withdrawn: a case never goes in on a sponsorship withdrawn meanwhile.
        case_id = Sponsorship.objects.filter(pk=sponsorship.pk).values_list("case_id", flat=True).get()
        case = Case.objects.select_for_update().get(pk=case_id) if case_id is not None else None
        locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
        if locked.case_id != case_id:  # linked to a case between the read and the lock: start again
            raise ValidationError(_("This sponsorship changed a moment ago. Reload the page and try again."))
        if locked.status == SponsorshipStatus.WITHDRAWN:
            raise ValidationError(_("This sponsorship has already been withdrawn."))
        if case is not None and case.status not in (CaseStatus.DRAFT, CaseStatus.WITHDRAWN):
            raise ValidationError(
                _(
                    "The application has been submitted with this sponsorship; contact the ministry to change it."
                )
            )
        locked.status = SponsorshipStatus.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.save()
        _changed(locked, by)
    return locked


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
        with transaction.atomic(), pghistory.context(actor=by.pk):
            # The case first, then the sponsorship: the order sponsorship_withdraw takes.
            locked_case = Case.objects.select_for_update().get(pk=case.pk)
            locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
            _check_confirmable(locked, locked_case, by)
            locked.case = locked_case
            locked.status = SponsorshipStatus.CONFIRMED
            locked.confirmed_at = timezone.now()
            locked.save()
            record_event(
                case=locked_case,
                kind=CaseEvent.Kind.SPONSORSHIP_CONFIRMED,
                by=by,
                data={"organisation": locked.organisation.name, "sponsorship": locked.pk},
            )
            _changed(locked, by)
    except IntegrityError:
        raise ValidationError(_("This application already has a confirmed sponsorship.")) from None
    return locked


def _check_confirmable(sponsorship: Sponsorship, case: Case, by: User) -> None:
    if sponsorship.status != SponsorshipStatus.SUBMITTED:
        raise ValidationError(_("This sponsorship is not waiting for confirmation."))
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
    with transaction.atomic(), pghistory.context(actor=by.pk, reason=reason):
        locked = Sponsorship.objects.select_for_update().get(pk=sponsorship.pk)
        addressed_to_case = locked.case is not None and locked.case.applicant_id == by.pk
        addressed_to_email = locked.case_id is None and locked.candidate_email == by.email.lower()
        if not (addressed_to_case or addressed_to_email):
            raise PermissionDenied(_("This sponsorship is not addressed to you."))
        if locked.status != SponsorshipStatus.SUBMITTED:
            raise ValidationError(_("This sponsorship is not waiting for your answer."))
        locked.status = SponsorshipStatus.DECLINED
        locked.declined_at = timezone.now()
        locked.decline_reason = reason.strip()
        locked.save()
        if locked.case is not None:
            record_event(
                case=locked.case,
                kind=CaseEvent.Kind.SPONSORSHIP_DECLINED,
                by=by,
                data={"organisation": locked.organisation.name, "sponsorship": locked.pk},
            )
        _changed(locked, by)
    return locked
