"""Personas and objects for the employer pages: two organisations and everyone who must not see A's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import Case, Sponsorship, SponsorshipStatus
from apps.cases.services import case_start
from apps.organisations.models import (
    Invitation,
    MemberRole,
    Membership,
    Organisation,
    OwnershipClaim,
    OwnershipClaimKind,
    OwnershipClaimStatus,
    SmeClaim,
    SmeClaimStatus,
)
from tests.factories import (
    FULL_ANSWERS,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    OwnershipClaimFactory,
    SmeClaimFactory,
    SponsorshipFactory,
    UserFactory,
    staff_membership,
)

# The applicant's own declared facts: none of these may ever appear on an employer page.
APPLICANT_FACTS = {
    **FULL_ANSWERS,
    "offered_salary_krw": 150_000_000,
    "institution": "Seoul Institute of Technology",
}
SPONSORSHIP_DATA: dict[str, Any] = {
    "candidate_name": "Priya Raman",
    "job_title": "Principal AI engineer",
    "field": "other",
    "offered_salary_krw": "120,000,000",
    "core_technology_role": "4",
    "core_technology_basis": "Leads the inference accelerator team.",
    "recruiting_months": "6",
    "hard_to_fill_evidence": "Six months of open recruiting without a suitable domestic candidate.",
    "transfer_plan": "3",
    "transfer_plan_text": "Trains ten engineers a year.",
}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """These tests read the English pages and messages, whatever an earlier test left active."""
    with translation.override("en"):
        yield


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    admin_a: Membership
    staff_a: Membership
    admin_b: Membership
    applicant: User
    officer: User
    case: Case
    draft: Sponsorship
    confirmed: Sponsorship
    claim: SmeClaim
    invitation: Invitation
    certificate: OwnershipClaim  # org_a's verified business registration certificate


@pytest.fixture
def world(db: None) -> World:
    org_a = OrganisationFactory(name="Hanbit Semiconductor", verified=True)
    org_b = OrganisationFactory(name="Daehan Robotics", verified=True)
    admin_a = MembershipFactory(organisation=org_a, role=MemberRole.ADMIN, user__email="admin.a@example.org")
    staff_a = staff_membership(org_a, user__email="staff.a@example.org")
    admin_b = MembershipFactory(organisation=org_b, role=MemberRole.ADMIN, user__email="admin.b@example.org")
    applicant = UserFactory(role=Role.APPLICANT, email="priya@example.org")
    officer = UserFactory(role=Role.PROGRAMME_OFFICER, email="officer@example.org")
    case = case_start(applicant=applicant, answers=APPLICANT_FACTS, track="qualitative")
    draft = SponsorshipFactory(
        organisation=org_a,
        status=SponsorshipStatus.DRAFT,
        created_by=admin_a.user,
        offered_salary_krw=120_000_000,
    )
    confirmed = SponsorshipFactory(
        organisation=org_a,
        case=case,
        status=SponsorshipStatus.CONFIRMED,
        created_by=admin_a.user,
        offered_salary_krw=120_000_000,
        candidate_name="Priya Raman",
    )
    claim = SmeClaimFactory(organisation=org_a, status=SmeClaimStatus.PENDING, submitted_by=admin_a.user)
    invitation = InvitationFactory(organisation=org_a, invited_by=admin_a.user, email="invitee@example.org")
    certificate = OwnershipClaimFactory(
        organisation=org_a,
        kind=OwnershipClaimKind.REGISTRATION,
        status=OwnershipClaimStatus.VERIFIED,
        submitted_by=admin_a.user,
    )
    return World(
        org_a,
        org_b,
        admin_a,
        staff_a,
        admin_b,
        applicant,
        officer,
        case,
        draft,
        confirmed,
        claim,
        invitation,
        certificate,
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
