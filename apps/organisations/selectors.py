"""Reads of organisations, with member access in one place: outsiders get 404 and learn nothing."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import Http404

from apps.organisations.models import Invitation, MemberRole, Membership, Organisation, SmeClaim


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
