"""Changes to organisations: registration, ownership (verification and claims), members and
invitations, SME claims.

Keyword-only functions that check the actor, change rows atomically (pghistory records who through
the context) and send e-mail only after the commit. Views call these; they never write rows.
This app must not import ``apps.cases`` (cases imports organisations).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_grant_role
from apps.core.hooks import enqueue, safe_on_commit
from apps.core.links import link
from apps.core.text import one_line
from apps.core.uploads import check_upload
from apps.organisations.brn import normalise_brn, validate_brn
from apps.organisations.models import (
    Invitation,
    MemberRole,
    Membership,
    MembershipPeriod,
    Organisation,
    OwnershipClaim,
    OwnershipClaimKind,
    OwnershipClaimStatus,
    SizeClass,
    SmeClaim,
    SmeClaimStatus,
)

logger = logging.getLogger(__name__)

INVITATION_VALID_FOR = dt.timedelta(days=14)
# The page where an invitee accepts; the employer pages own it (addressed by name, not imported).
SME_REVIEWER_ROLES = (Role.REVIEWER, Role.SUPERVISOR)
# Sent after commit by name (apps.notifications owns the task; this app does not import it).
OWNERSHIP_CLAIM_TASK = "notifications.deliver_ownership_claim"


# --- Membership history ----------------------------------------------------------------------------


def _join(organisation: Organisation, user: User, role: str) -> Membership:
    """A new membership and the start of its period in the history (decision 45)."""
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    MembershipPeriod.objects.create(
        organisation=organisation, user=user, role=role, started_at=membership.joined_at
    )
    return membership


def _leave(membership: Membership) -> None:
    """End a membership: the row goes, its period is closed and kept; no organisation, no employer role."""
    user = membership.user
    MembershipPeriod.objects.filter(
        organisation_id=membership.organisation_id, user=user, ended_at__isnull=True
    ).update(ended_at=timezone.now())
    membership.delete()
    if not Membership.objects.filter(user=user).exists():
        group = Group.objects.filter(name=Role.EMPLOYER.value).first()
        if group is not None:
            user.groups.remove(group)


# --- Registration --------------------------------------------------------------------------------


def organisation_register(
    *, user: User, name: str, business_registration_number: str, sector: str, size_class: str
) -> Organisation:
    """Register an organisation; the person registering it becomes its first administrator."""
    digits = normalise_brn(business_registration_number)
    try:
        validate_brn(digits)
    except ValidationError as exc:
        raise ValidationError({"business_registration_number": exc.error_list}) from None
    if size_class not in SizeClass.values:
        raise ValidationError({"size_class": _("Choose the size class of the organisation.")})
    name, sector = one_line(name), one_line(sector)  # no line break can reach an e-mail subject
    if not name:
        raise ValidationError({"name": _("Enter the organisation's name.")})
    if not sector:
        raise ValidationError({"sector": _("Enter the organisation's sector.")})
    duplicate = ValidationError(
        {
            "business_registration_number": ValidationError(
                _(
                    "An organisation with this business registration number is already registered. "
                    "Ask its administrator to invite you, or, if the number is your organisation's, claim it "
                    "with your business registration certificate."
                ),
                code="duplicate",
            )
        }
    )
    if Organisation.objects.filter(business_registration_number=digits).exists():
        raise duplicate
    try:
        with transaction.atomic(), pghistory.context(actor=user.pk):
            organisation = Organisation.objects.create(
                name=name,
                business_registration_number=digits,
                sector=sector,
                size_class=size_class,
                created_by=user,
            )
            _join(organisation, user, MemberRole.ADMIN)
            user_grant_role(user=user, role=Role.EMPLOYER)
    except IntegrityError:  # registered by someone else a moment ago
        raise duplicate from None
    return organisation


# --- Members and invitations ---------------------------------------------------------------------


def _require_admin(organisation: Organisation, by: User) -> None:
    if not organisation.memberships.filter(user=by, role=MemberRole.ADMIN).exists():
        raise PermissionDenied(_("Only the organisation's administrators can manage its members."))


def member_invite(*, organisation: Organisation, by: User, email: str) -> Invitation:
    """Invite a person to join as staff; the e-mail goes out once the invitation is committed."""
    _require_admin(organisation, by)
    address = email.strip().lower()
    if not address:
        raise ValidationError({"email": _("Enter the e-mail address of the person to invite.")})
    if organisation.memberships.filter(user__email__iexact=address).exists():
        raise ValidationError(
            {"email": _("%(email)s is already a member of this organisation.") % {"email": address}},
            code="already_member",
        )
    now = timezone.now()
    with transaction.atomic(), pghistory.context(actor=by.pk):
        Organisation.objects.select_for_update().get(pk=organisation.pk)  # one invitation at a time
        open_invitations = Invitation.objects.filter(
            organisation=organisation,
            email__iexact=address,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
        # An expired invitation no longer counts: close it so a new one can be sent.
        open_invitations.filter(expires_at__lte=now).update(revoked_at=now)
        waiting = open_invitations.filter(expires_at__gt=now).first()
        if waiting is not None:
            raise ValidationError(
                {
                    "email": _(
                        "An invitation to %(email)s is already waiting to be accepted (until %(date)s). "
                        "Revoke it first if you need to send a new one."
                    )
                    % {"email": address, "date": formats.date_format(timezone.localdate(waiting.expires_at))}
                },
                code="already_invited",
            )
        invitation = Invitation.objects.create(
            organisation=organisation, email=address, invited_by=by, expires_at=now + INVITATION_VALID_FOR
        )
        safe_on_commit(lambda: _send_invitation(invitation.pk), what=f"send invitation {invitation.pk}")
    return invitation


def invitation_language(invitation: Invitation) -> str:
    """The invitee's language if they already have an account, else the inviter's."""
    recipient = User.objects.filter(email__iexact=invitation.email).only("preferred_language").first()
    if recipient is not None and recipient.preferred_language:
        return recipient.preferred_language
    return invitation.invited_by.preferred_language or settings.LANGUAGE_CODE


def _send_invitation(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(pk=invitation_id)
    with translation.override(invitation_language(invitation)):
        context = {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "inviter": invitation.invited_by.full_name or invitation.invited_by.email,
            "accept_url": link("invitation_accept", token=invitation.token),
            "expires_on": timezone.localdate(invitation.expires_at),
        }
        subject = render_to_string("organisations/emails/invitation_subject.txt", context)
        body = render_to_string("organisations/emails/invitation_body.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [invitation.email])
    except Exception:  # the invitation stands; the admin can revoke and invite again
        logger.exception("could not send invitation %s", invitation_id)


def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    _require_admin(invitation.organisation, by)
    with transaction.atomic():
        updated = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
    if not updated:
        raise ValidationError(_("This invitation has already been accepted or revoked."))
    invitation.refresh_from_db()
    return invitation


def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the organisation as staff: only as the invited address, only once, only before expiry."""
    with transaction.atomic(), pghistory.context(actor=user.pk):
        invitation = (
            Invitation.objects.select_for_update().select_related("organisation").filter(token=token).first()
        )
        if invitation is None:
            raise ValidationError(_("This invitation link is not valid. Check that you copied all of it."))
        if invitation.email.lower() != user.email.lower():
            raise PermissionDenied(
                _(
                    "This invitation was sent to a different e-mail address. "
                    "Log in with the address the invitation was sent to."
                )
            )
        if invitation.accepted_at is not None:
            raise ValidationError(_("This invitation has already been used."), code="used")
        if invitation.revoked_at is not None:
            raise ValidationError(
                _("This invitation was withdrawn by the organisation. Ask its administrator for a new one."),
                code="revoked",
            )
        now = timezone.now()
        if now >= invitation.expires_at:
            raise ValidationError(
                _(
                    "This invitation expired on %(date)s. Ask the organisation's administrator to invite you again."
                )
                % {"date": formats.date_format(timezone.localdate(invitation.expires_at))},
                code="expired",
            )
        if invitation.organisation.memberships.filter(user=user).exists():
            raise ValidationError(_("You are already a member of this organisation."), code="already_member")
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
        membership = _join(invitation.organisation, user, MemberRole.STAFF)
        user_grant_role(user=user, role=Role.EMPLOYER)
    return membership


def member_remove(*, organisation: Organisation, by: User, member: Membership) -> None:
    """Remove a member; the organisation always keeps at least one administrator."""
    _require_admin(organisation, by)
    if member.organisation_id != organisation.pk:
        raise ValidationError(_("This person is not a member of this organisation."))
    with transaction.atomic(), pghistory.context(actor=by.pk):
        # Lock every membership of the organisation: two admins removing each other at once must
        # not leave it with none.
        memberships = list(Membership.objects.select_for_update().filter(organisation=organisation))
        target = next((m for m in memberships if m.pk == member.pk), None)
        if target is None:
            raise ValidationError(_("This person is no longer a member of this organisation."))
        admins = [m for m in memberships if m.role == MemberRole.ADMIN]
        if target.role == MemberRole.ADMIN and len(admins) == 1:
            raise ValidationError(
                _(
                    "%(email)s is the organisation's only administrator and cannot be removed. "
                    "Make another member an administrator first."
                )
                % {"email": target.user.email},
                code="last_admin",
            )
        # Without any organisation, the employer role means nothing: _leave takes it away.
        _leave(target)


def member_change_role(*, organisation: Organisation, by: User, member: Membership, role: str) -> Membership:
    """Make a member an administrator or staff; the organisation always keeps one administrator."""
    _require_admin(organisation, by)
    if role not in MemberRole.values:
        raise ValidationError(_("Choose administrator or staff."))
    if member.organisation_id != organisation.pk:
        raise ValidationError(_("This person is not a member of this organisation."))
    with transaction.atomic(), pghistory.context(actor=by.pk):
        memberships = list(Membership.objects.select_for_update().filter(organisation=organisation))
        target = next((m for m in memberships if m.pk == member.pk), None)
        if target is None:
            raise ValidationError(_("This person is no longer a member of this organisation."))
        admins = [m for m in memberships if m.role == MemberRole.ADMIN]
        if target.role == MemberRole.ADMIN and role != MemberRole.ADMIN and len(admins) == 1:
            raise ValidationError(
                _(
                    "%(email)s is the organisation's only administrator. Make another member an administrator first."
                )
                % {"email": target.user.email},
                code="last_admin",
            )
        if target.role != role:
            target.role = role
            target.save(update_fields=["role"])
            MembershipPeriod.objects.filter(
                organisation=organisation, user_id=target.user_id, ended_at__isnull=True
            ).update(role=role)
    return target


# --- Ownership: the registration certificate, claims to a number ----------------------------------


def _checked_certificate(upload: UploadedFile) -> Any:
    try:
        return check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"certificate": exc.error_list}) from None


def _notify_after_commit(claim_id: int, status: str) -> None:
    """Tell the people concerned once the change is committed (apps.notifications sends it)."""

    def send() -> None:
        enqueue(OWNERSHIP_CLAIM_TASK, claim_id, status)

    safe_on_commit(send, what=f"notify ownership claim {claim_id}")


def _new_ownership_claim(
    *, organisation: Organisation, by: User, kind: str, upload: UploadedFile, note: str
) -> OwnershipClaim:
    checked = _checked_certificate(upload)
    waiting = ValidationError(
        _(
            "Your certificate for this organisation is already waiting for the ministry. You will be told the outcome."
        ),
        code="already_pending",
    )
    if OwnershipClaim.objects.filter(
        organisation=organisation, submitted_by=by, status=OwnershipClaimStatus.PENDING
    ).exists():
        raise waiting
    try:
        with transaction.atomic(), pghistory.context(actor=by.pk):
            claim = OwnershipClaim(
                organisation=organisation,
                kind=kind,
                certificate_name=checked.original_name,
                certificate_content_type=checked.content_type,
                certificate_extension=checked.extension,
                certificate_size=checked.size,
                certificate_sha256=checked.sha256,
                note=note.strip(),
                submitted_by=by,
            )
            claim.certificate.save(f"upload{checked.extension}", upload, save=False)
            claim.save()
            _notify_after_commit(claim.pk, OwnershipClaimStatus.PENDING.value)
    except IntegrityError:  # the same person sent it twice at once
        raise waiting from None
    return claim


def registration_certificate_submit(
    *, organisation: Organisation, by: User, upload: UploadedFile, note: str = ""
) -> OwnershipClaim:
    """The administrator proves the organisation is theirs: the certificate waits for a reviewer."""
    _require_admin(organisation, by)
    if organisation.is_verified:
        raise ValidationError(_("This organisation is already verified."), code="verified")
    return _new_ownership_claim(
        organisation=organisation, by=by, kind=OwnershipClaimKind.REGISTRATION, upload=upload, note=note
    )


def ownership_claim_submit(
    *, business_registration_number: str, by: User, upload: UploadedFile, note: str
) -> OwnershipClaim:
    """Someone who is not a member claims an already registered number with their certificate.

    The ministry decides; the organisation's administrators are told after commit (decision 44).
    """
    digits = normalise_brn(business_registration_number)
    try:
        validate_brn(digits)
    except ValidationError as exc:
        raise ValidationError({"business_registration_number": exc.error_list}) from None
    organisation = Organisation.objects.filter(business_registration_number=digits).first()
    if organisation is None:
        raise ValidationError(
            {
                "business_registration_number": _(
                    "No organisation is registered with this number. Register it instead."
                )
            },
            code="not_registered",
        )
    if organisation.memberships.filter(user=by).exists():
        raise ValidationError(
            {"business_registration_number": _("You are already a member of this organisation.")},
            code="already_member",
        )
    if not note.strip():
        raise ValidationError(
            {"note": _("Say who you are in the organisation and why the number is yours.")}, code="note"
        )
    return _new_ownership_claim(
        organisation=organisation, by=by, kind=OwnershipClaimKind.TRANSFER, upload=upload, note=note
    )


def _require_ministry(organisation: Organisation, by: User, what: str) -> None:
    if not any(by.has_role(role) for role in SME_REVIEWER_ROLES):
        raise PermissionDenied(_("Only reviewers and supervisors can decide %(what)s.") % {"what": what})
    if organisation.memberships.filter(user=by).exists():
        raise PermissionDenied(_("You cannot review a claim of an organisation you belong to."))


def _decide_claim(*, claim: OwnershipClaim, by: User, status: str, reason: str) -> OwnershipClaim:
    _require_ministry(claim.organisation, by, _("ownership claims"))
    now = timezone.now()
    with transaction.atomic(), pghistory.context(actor=by.pk, reason=reason):
        organisation = Organisation.objects.select_for_update().get(pk=claim.organisation_id)
        updated = OwnershipClaim.objects.filter(pk=claim.pk, status=OwnershipClaimStatus.PENDING).update(
            status=status, reviewed_by=by, reviewed_at=now, review_reason=reason
        )
        if not updated:  # decided already, perhaps by another reviewer a moment ago
            raise ValidationError(_("Only a claim waiting for verification can be verified or rejected."))
        claim.refresh_from_db()
        if status == OwnershipClaimStatus.VERIFIED:
            if organisation.verified_at is None:
                organisation.verified_at, organisation.verified_by = now, by
                organisation.save(update_fields=["verified_at", "verified_by"])
            if claim.kind == OwnershipClaimKind.TRANSFER:
                _transfer_administration(organisation, claim, by)
        decided = [(claim.pk, status)]
        if status == OwnershipClaimStatus.VERIFIED:
            # Nobody else's certificate for this number can now be right: close the others.
            others = OwnershipClaim.objects.filter(
                organisation=organisation, status=OwnershipClaimStatus.PENDING
            )
            decided += [
                (pk, OwnershipClaimStatus.REJECTED.value) for pk in others.values_list("pk", flat=True)
            ]
            others.update(
                status=OwnershipClaimStatus.REJECTED,
                reviewed_by=by,
                reviewed_at=now,
                review_reason=_("Another certificate for this number was verified."),
            )
        for claim_id, outcome in decided:
            _notify_after_commit(claim_id, outcome)
    return claim


def _transfer_administration(organisation: Organisation, claim: OwnershipClaim, by: User) -> None:
    """The claimant becomes the administrator; the administrators before them leave (staff stay)."""
    claimant = claim.submitted_by
    for membership in Membership.objects.select_for_update().filter(organisation=organisation):
        if membership.user_id == claimant.pk:
            continue
        if membership.role == MemberRole.ADMIN:
            _leave(membership)
    existing = Membership.objects.filter(organisation=organisation, user=claimant).first()
    if existing is None:
        _join(organisation, claimant, MemberRole.ADMIN)
    elif existing.role != MemberRole.ADMIN:
        existing.role = MemberRole.ADMIN
        existing.save(update_fields=["role"])
    user_grant_role(user=claimant, role=Role.EMPLOYER)


def ownership_claim_verify(*, claim: OwnershipClaim, by: User, reason: str = "") -> OwnershipClaim:
    """A reviewer confirms the certificate: the organisation is verified (a transfer also changes
    its administrator). ``reason``: what they checked, kept with the claim."""
    return _decide_claim(claim=claim, by=by, status=OwnershipClaimStatus.VERIFIED, reason=reason.strip())


def ownership_claim_reject(*, claim: OwnershipClaim, by: User, reason: str) -> OwnershipClaim:
    """A reviewer refuses the certificate, with a reason the person who sent it sees."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for rejecting it; the person who sent it will see it.")}
        )
    return _decide_claim(claim=claim, by=by, status=OwnershipClaimStatus.REJECTED, reason=reason)


# --- SME claims ----------------------------------------------------------------------------------


def sme_claim_submit(
    *, organisation: Organisation, by: User, upload: UploadedFile, valid_from: dt.date, valid_to: dt.date
) -> SmeClaim:
    """Upload the SME confirmation certificate; the claim waits for a reviewer (no bonus until then)."""
    if not organisation.memberships.filter(user=by).exists():
        raise PermissionDenied(_("Only members of the organisation can claim SME status for it."))
    if organisation.size_class == SizeClass.LARGE:
        raise ValidationError(
            _(
                "A large enterprise cannot claim the SME bonus. If the size class is wrong, contact the ministry."
            ),
            code="large",
        )
    if valid_to < valid_from:
        raise ValidationError(
            {"valid_to": _("The certificate cannot end before it starts. Check both dates.")}, code="dates"
        )
    if valid_to < timezone.localdate():
        raise ValidationError(
            {
                "valid_to": _("This certificate expired on %(date)s. Upload a current certificate.")
                % {"date": formats.date_format(valid_to)}
            },
            code="expired",
        )
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise ValidationError({"certificate": exc.error_list}) from None
    with transaction.atomic(), pghistory.context(actor=by.pk):
        claim = SmeClaim(
            organisation=organisation,
            certificate_name=checked.original_name,
            certificate_content_type=checked.content_type,
            certificate_extension=checked.extension,
            certificate_size=checked.size,
            certificate_sha256=checked.sha256,
            valid_from=valid_from,
            valid_to=valid_to,
            submitted_by=by,
        )
        # The storage name is random (see sme_certificate_path); the client's name is kept for display.
        claim.certificate.save(f"upload{checked.extension}", upload, save=False)
        claim.save()
    return claim


def _require_reviewer(claim: SmeClaim, by: User) -> None:
    if not any(by.has_role(role) for role in SME_REVIEWER_ROLES):
        raise PermissionDenied(_("Only reviewers can verify SME claims."))
    if claim.organisation.memberships.filter(user=by).exists():
        raise PermissionDenied(_("You cannot review a claim of an organisation you belong to."))


def _review(*, claim: SmeClaim, by: User, status: str, reason: str) -> SmeClaim:
    _require_reviewer(claim, by)
    with transaction.atomic(), pghistory.context(actor=by.pk, reason=reason):
        # Compare-and-set on the claim's row. A caller that also locks cases in this transaction
        # (apps.cases.reviewer_findings) must lock this row before them: a reviewer holding a case while
        # waiting here, and another holding the claim while waiting for that case, deadlock.
        updated = SmeClaim.objects.filter(pk=claim.pk, status=SmeClaimStatus.PENDING).update(
            status=status, reviewed_by=by, reviewed_at=timezone.now(), review_reason=reason
        )
        if not updated:  # decided already, perhaps by another reviewer a moment ago
            raise ValidationError(_("Only a claim waiting for verification can be verified or rejected."))
    claim.refresh_from_db()
    return claim


def sme_claim_verify(*, claim: SmeClaim, by: User, reason: str = "") -> SmeClaim:
    """A reviewer confirms the certificate (``reason``: what they checked, kept with the claim).

    The bonus is read when a case is scored, so cases already submitted with a confirmed sponsorship
    of this organisation need scoring again; the reviewers' triage views do that (they may import
    ``apps.cases``, which this app must not).
    """
    return _review(claim=claim, by=by, status=SmeClaimStatus.VERIFIED, reason=reason.strip())


def sme_claim_reject(*, claim: SmeClaim, by: User, reason: str) -> SmeClaim:
    """A reviewer refuses the certificate, with a reason the employer sees (re-scoring as for verify)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for rejecting the claim; the employer will see it.")}
        )
    return _review(claim=claim, by=by, status=SmeClaimStatus.REJECTED, reason=reason)
