"""Organisations that hire, the people who act for them, their ownership and their SME claims.

An organisation is **unverified** until a reviewer has checked its business registration
certificate (``OwnershipClaim`` of kind "registration"): until then it may prepare sponsorships but
not send them (decision 44). Someone else who holds the same number may claim it ("transfer"); a
verified transfer makes them the administrator. Memberships keep their history in
``MembershipPeriod`` so "was a member while the case was open" can be answered (decision 45).

An SME claim earns the +10 bonus only when a reviewer has verified it and its certificate is valid
on the case's submission date (policy.md section 3.C). States of a claim:

- pending: uploaded by the employer, waiting for a reviewer;
- verified: a reviewer checked the certificate;
- rejected: a reviewer refused it, with a reason the employer sees.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.organisations.brn import format_brn, validate_brn


class SizeClass(models.TextChoices):
    SME = "sme", _("Small or medium-sized enterprise (SME)")
    MID_SIZED = "mid_sized", _("Mid-sized enterprise")
    LARGE = "large", _("Large enterprise")


@pghistory.track()
class Organisation(models.Model):
    name = models.CharField(_("organisation name"), max_length=200)
    business_registration_number = models.CharField(
        _("business registration number"),
        max_length=10,
        unique=True,
        validators=[validate_brn],
        help_text=_("Ten digits, stored without hyphens."),
    )
    sector = models.CharField(_("sector"), max_length=100)
    size_class = models.CharField(_("size class"), max_length=16, choices=SizeClass.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # Set when a reviewer verifies the business registration certificate (or a transfer claim).
    verified_at = models.DateTimeField(_("ownership verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def formatted_brn(self) -> str:
        return format_brn(self.business_registration_number)

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class MemberRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Staff")


@pghistory.track()
class Membership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=8, choices=MemberRole.choices, default=MemberRole.STAFF)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.role})"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation as staff; usable once, until it expires."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    def is_usable(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class SmeClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def sme_certificate_path(instance: SmeClaim, filename: str) -> str:
    # Never the client's name: a random path, the checked extension kept by the service.
    return f"sme-certificates/{instance.organisation_id}/{uuid.uuid4().hex}{instance.certificate_extension}"


@pghistory.track()
class SmeClaim(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sme_claims")
    certificate = models.FileField(_("SME confirmation certificate"), upload_to=sme_certificate_path)
    certificate_name = models.CharField(max_length=200)
    certificate_content_type = models.CharField(max_length=64)
    certificate_extension = models.CharField(max_length=8)
    certificate_size = models.PositiveIntegerField()
    certificate_sha256 = models.CharField(max_length=64)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=16, choices=SmeClaimStatus.choices, default=SmeClaimStatus.PENDING
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="sme_claim_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"SME claim of {self.organisation} ({self.status})"

    def counts_on(self, day: dt.date) -> bool:
        """Earns the bonus for a case submitted on ``day``."""
        return self.status == SmeClaimStatus.VERIFIED and self.valid_from <= day <= self.valid_to


class MembershipPeriod(models.Model):
    """One stretch of a person's membership, kept after they leave (``ended_at`` set then).

    ``Membership`` is the present; this is the history the self-sponsorship rule reads: an applicant
    who was a member at any time while their case was open may not confirm that organisation's
    sponsorship (decision 45). Written by the services, never by hand.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="membership_periods"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=8, choices=MemberRole.choices)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(ended_at__isnull=True),
                name="membership_period_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} from {self.started_at:%Y-%m-%d}"


class OwnershipClaimKind(models.TextChoices):
    REGISTRATION = "registration", _("Proof of ownership by the organisation's administrator")
    TRANSFER = "transfer", _("Claim to the registration number by another person")


class OwnershipClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def registration_certificate_path(instance: OwnershipClaim, filename: str) -> str:
    return f"registration-certificates/{instance.organisation_id}/{uuid.uuid4().hex}{instance.certificate_extension}"


@pghistory.track()
class OwnershipClaim(models.Model):
    """A business registration certificate (사업자등록증) offered as proof of owning the number.

    pending -> verified | rejected, by a reviewer or supervisor, with a reason (as SME claims).
    A "registration" claim verifies the organisation; a "transfer" claim, by someone who is not a
    member, also makes them its administrator (decision 44).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="ownership_claims")
    kind = models.CharField(_("kind"), max_length=16, choices=OwnershipClaimKind.choices)
    certificate = models.FileField(
        _("business registration certificate"), upload_to=registration_certificate_path
    )
    certificate_name = models.CharField(max_length=200)
    certificate_content_type = models.CharField(max_length=64)
    certificate_extension = models.CharField(max_length=8)
    certificate_size = models.PositiveIntegerField()
    certificate_sha256 = models.CharField(max_length=64)
    note = models.TextField(_("note for the reviewer"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OwnershipClaimStatus.choices, default=OwnershipClaimStatus.PENDING
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "submitted_by"],
                condition=Q(status="pending"),
                name="ownership_claim_one_pending_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.organisation} ({self.status})"
