"""Reads of organisations, with member access in one place: outsiders get 404 and learn nothing."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import rules
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from apps.organisations.models import (
    Invitation,
    MemberRole,
    Membership,
    MembershipPeriod,
    Organisation,
    OwnershipClaim,
    OwnershipClaimStatus,
    SizeClass,
    SmeClaim,
    SmeClaimStatus,
)

PUBLIC_EMAIL_DOMAINS_FILE = Path(__file__).parent / "data" / "public_email_domains.txt"


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def organisations_of(user: Any) -> QuerySet[Organisation]:
    """The organisations ``user`` belongs to; none for anonymous visitors.

    Annotated with ``member_count`` and ``my_role`` (the user's MemberRole value) for lists.
    """
    if not _signed_in(user):
        return Organisation.objects.none()
    counts = (
        Membership.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    mine = Membership.objects.filter(organisation=OuterRef("pk"), user=user).values("role")[:1]
    return (
        Organisation.objects.filter(pk__in=Membership.objects.filter(user=user).values("organisation"))
        .annotate(member_count=Subquery(counts), my_role=Subquery(mine))
        .order_by("name", "pk")
    )


def get_organisation_for_member(user: Any, pk: int) -> Organisation:
    """The organisation if ``user`` is a member; otherwise 404, whether or not it exists."""
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None or not rules.test_rule("organisations.access_organisation", user, organisation):
        raise Http404
    return organisation


def is_admin(user: Any, organisation: Organisation) -> bool:
    return bool(rules.test_rule("organisations.manage_members", user, organisation))


def membership_of(user: Any, organisation: Organisation) -> Membership | None:
    if not _signed_in(user):
        return None
    return Membership.objects.filter(organisation=organisation, user=user).first()


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    """Administrators first, then by e-mail address."""
    return organisation.memberships.select_related("user").order_by(
        "role", "user__email", "pk"
    )  # "admin" sorts before "staff"


def admin_count(organisation: Organisation) -> int:
    return organisation.memberships.filter(role=MemberRole.ADMIN).count()


def get_member(organisation: Organisation, pk: int) -> Membership:
    member = organisation.memberships.select_related("user").filter(pk=pk).first()
    if member is None:
        raise Http404
    return member


def pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    """Invitations not yet accepted or revoked (expired ones included, so admins can see them)."""
    return organisation.invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def get_pending_invitation(organisation: Organisation, pk: int) -> Invitation:
    invitation = pending_invitations(organisation).filter(pk=pk).first()
    if invitation is None:
        raise Http404
    return invitation


def get_invitation_by_token(token: str) -> Invitation:
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    if invitation is None:
        raise Http404
    return invitation


def sme_claims_of(organisation: Organisation) -> QuerySet[SmeClaim]:
    return organisation.sme_claims.select_related("submitted_by").order_by("-submitted_at", "-pk")


def get_sme_claim(organisation: Organisation, pk: int) -> SmeClaim:
    claim = organisation.sme_claims.filter(pk=pk).first()
    if claim is None:
        raise Http404
    return claim


# --- Ownership and verification ------------------------------------------------------------------


class Verification:
    """Where an organisation's ownership stands, for its pages."""

    VERIFIED = "verified"
    PENDING = "pending"  # a certificate waits for the ministry
    REJECTED = "rejected"  # the last certificate was refused; a new one is needed
    MISSING = "missing"  # no certificate yet


def verification_state(organisation: Organisation) -> str:
    if organisation.is_verified:
        return Verification.VERIFIED
    latest = (
        organisation.ownership_claims.filter(kind="registration").order_by("-submitted_at", "-pk").first()
    )
    if latest is None:
        return Verification.MISSING
    if latest.status == OwnershipClaimStatus.PENDING:
        return Verification.PENDING
    if latest.status == OwnershipClaimStatus.REJECTED:
        return Verification.REJECTED
    return Verification.MISSING


def registration_claims_of(organisation: Organisation) -> QuerySet[OwnershipClaim]:
    return (
        organisation.ownership_claims.filter(kind="registration")
        .select_related("submitted_by")
        .order_by("-submitted_at", "-pk")
    )


def ownership_claims_by(user: Any) -> QuerySet[OwnershipClaim]:
    """The claims to other organisations' numbers this person sent (the claimant's own list)."""
    if not _signed_in(user):
        return OwnershipClaim.objects.none()
    return (
        OwnershipClaim.objects.filter(submitted_by=user, kind="transfer")
        .select_related("organisation")
        .order_by("-submitted_at", "-pk")
    )


def ownership_claims_for_ministry(status: str = OwnershipClaimStatus.PENDING) -> QuerySet[OwnershipClaim]:
    """Claims in ``status``, the oldest first (the order they should be decided in)."""
    return (
        OwnershipClaim.objects.filter(status=status)
        .select_related("organisation", "submitted_by", "reviewed_by")
        .order_by("submitted_at", "pk")
    )


def recently_decided_ownership_claims(limit: int = 20) -> QuerySet[OwnershipClaim]:
    return (
        OwnershipClaim.objects.exclude(status=OwnershipClaimStatus.PENDING)
        .select_related("organisation", "submitted_by", "reviewed_by")
        .order_by("-reviewed_at", "-pk")[:limit]
    )


def get_ownership_claim(pk: int) -> OwnershipClaim:
    claim = (
        OwnershipClaim.objects.select_related("organisation", "submitted_by", "reviewed_by")
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise Http404
    return claim


def sme_claim_pending(organisation: Organisation) -> bool:
    """An SME organisation whose SME status no reviewer has verified yet (its header says so)."""
    if organisation.size_class != SizeClass.SME:
        return False
    return not organisation.sme_claims.filter(status=SmeClaimStatus.VERIFIED).exists()


# --- Membership history (the self-sponsorship rule, decision 45) -----------------------------------


def was_member_since(user: Any, organisation_id: int, since: dt.datetime) -> bool:
    """Whether ``user`` is a member of the organisation, or was one at any moment from ``since``."""
    if Membership.objects.filter(organisation_id=organisation_id, user=user).exists():
        return True
    return (
        MembershipPeriod.objects.filter(organisation_id=organisation_id, user=user)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=since))
        .exists()
    )


def membership_periods(organisation_id: int) -> list[MembershipPeriod]:
    """Every period of the organisation's membership, past and present, with the people."""
    return list(
        MembershipPeriod.objects.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("started_at")
    )


@cache
def public_email_domains() -> frozenset[str]:
    """The webmail domains a shared address says nothing about (data/public_email_domains.txt)."""
    lines = PUBLIC_EMAIL_DOMAINS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def email_domain(address: str) -> str:
    return address.rpartition("@")[2].strip().lower()
