"""Issue 12, part 1: an organisation is unverified until a reviewer verifies its certificate.

Unverified: sponsorships can be prepared, not sent. The administrator sends the business
registration certificate (the project's upload checks apply); a reviewer or supervisor verifies or
rejects it with a reason; every step is recorded with who did it (pghistory).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.roles import Role
from apps.cases.models import SponsorshipStatus
from apps.cases.sponsorships import sponsorship_create, sponsorship_submit
from apps.organisations.models import (
    MemberRole,
    Organisation,
    OwnershipClaim,
    OwnershipClaimKind,
    OwnershipClaimStatus,
    SizeClass,
)
from apps.organisations.selectors import Verification, verification_state
from apps.organisations.services import (
    organisation_register,
    ownership_claim_reject,
    ownership_claim_verify,
    registration_certificate_submit,
)
from tests.factories import ELF_BYTES, PDF_BYTES, MembershipFactory, UserFactory, staff_membership

pytestmark = pytest.mark.django_db

SPONSORSHIP = {
    "candidate_email": "ada@example.org",
    "candidate_name": "Ada Kim",
    "job_title": "Engineer",
    "field": "ai",
    "offered_salary_krw": 100_000_000,
    "core_technology_role": 3,
    "core_technology_basis": "Leads a team.",
    "recruiting_months": 3,
    "transfer_plan": 3,
    "transfer_plan_text": "Trains engineers.",
}


def certificate(data: bytes = PDF_BYTES, name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture
def admin():
    return UserFactory()


@pytest.fixture
def organisation(admin):
    return organisation_register(
        user=admin,
        name="Hanbit Display",
        business_registration_number="220-81-62517",
        sector="Displays",
        size_class=SizeClass.SME,
    )


def test_a_new_organisation_is_unverified_and_says_what_is_missing(organisation):
    assert not organisation.is_verified
    assert verification_state(organisation) == Verification.MISSING


def test_an_unverified_organisation_prepares_but_cannot_send_a_sponsorship(organisation, admin):
    draft = sponsorship_create(organisation=organisation, by=admin, data=SPONSORSHIP)
    with pytest.raises(ValidationError, match="not verified yet"):
        sponsorship_submit(sponsorship=draft, by=admin)
    draft.refresh_from_db()
    assert draft.status == SponsorshipStatus.DRAFT


def test_the_certificate_waits_and_a_reviewer_verifies_it(organisation, admin, reviewer):
    claim = registration_certificate_submit(
        organisation=organisation, by=admin, upload=certificate(), note="Here"
    )
    assert claim.kind == OwnershipClaimKind.REGISTRATION
    assert claim.status == OwnershipClaimStatus.PENDING
    assert claim.certificate_content_type == "application/pdf"
    assert verification_state(organisation) == Verification.PENDING

    ownership_claim_verify(claim=claim, by=reviewer, reason="Matches the NTS record.")
    organisation.refresh_from_db()
    assert organisation.is_verified
    assert organisation.verified_by == reviewer
    assert verification_state(organisation) == Verification.VERIFIED
    draft = sponsorship_create(organisation=organisation, by=admin, data=SPONSORSHIP)
    assert sponsorship_submit(sponsorship=draft, by=admin).status == SponsorshipStatus.SUBMITTED


def test_a_supervisor_may_verify_too(organisation, admin):
    claim = registration_certificate_submit(organisation=organisation, by=admin, upload=certificate())
    ownership_claim_verify(claim=claim, by=UserFactory(role=Role.SUPERVISOR))
    organisation.refresh_from_db()
    assert organisation.is_verified


def test_a_rejection_needs_a_reason_and_leaves_the_organisation_unverified(organisation, admin, reviewer):
    claim = registration_certificate_submit(organisation=organisation, by=admin, upload=certificate())
    with pytest.raises(ValidationError) as caught:
        ownership_claim_reject(claim=claim, by=reviewer, reason="  ")
    assert "reason" in caught.value.message_dict
    ownership_claim_reject(
        claim=claim, by=reviewer, reason="The name on the certificate is another company's."
    )
    organisation.refresh_from_db()
    assert not organisation.is_verified
    assert verification_state(organisation) == Verification.REJECTED
    # A new certificate can then be sent.
    again = registration_certificate_submit(organisation=organisation, by=admin, upload=certificate())
    assert again.status == OwnershipClaimStatus.PENDING


def test_a_decided_certificate_cannot_be_decided_again(organisation, admin, reviewer):
    claim = registration_certificate_submit(organisation=organisation, by=admin, upload=certificate())
    ownership_claim_verify(claim=claim, by=reviewer)
    with pytest.raises(ValidationError, match="Only a claim waiting"):
        ownership_claim_reject(claim=claim, by=UserFactory(role=Role.REVIEWER), reason="No")


def test_only_administrators_send_the_certificate(organisation, admin):
    staff = staff_membership(organisation).user
    with pytest.raises(PermissionDenied):
        registration_certificate_submit(organisation=organisation, by=staff, upload=certificate())
    with pytest.raises(PermissionDenied):
        registration_certificate_submit(organisation=organisation, by=UserFactory(), upload=certificate())


def test_one_certificate_at_a_time_and_none_once_verified(organisation, admin, reviewer):
    claim = registration_certificate_submit(organisation=organisation, by=admin, upload=certificate())
    with pytest.raises(ValidationError, match="already waiting"):
        registration_certificate_submit(organisation=organisation, by=admin, upload=certificate())
    ownership_claim_verify(claim=claim, by=reviewer)
    organisation.refresh_from_db()
    with pytest.raises(ValidationError, match="already verified"):
        registration_certificate_submit(organisation=organisation, by=admin, upload=certificate())


def test_the_upload_checks_apply(organisation, admin):
    with pytest.raises(ValidationError) as caught:
        registration_certificate_submit(
            organisation=organisation, by=admin, upload=certificate(ELF_BYTES, "c.pdf")
        )
    assert "certificate" in caught.value.message_dict
    assert not OwnershipClaim.objects.exists()


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EMPLOYER, Role.PROGRAMME_OFFICER])
def test_only_the_ministry_decides(organisation, admin, role):
    claim = registration_certificate_submit(organisation=organisation, by=admin, upload=certificate())
    with pytest.raises(PermissionDenied):
        ownership_claim_verify(claim=claim, by=UserFactory(role=role))
    claim.refresh_from_db()
    assert claim.status == OwnershipClaimStatus.PENDING


def test_a_reviewer_who_is_a_member_cannot_decide(organisation, admin):
    insider = UserFactory(role=Role.REVIEWER)
    MembershipFactory(organisation=organisation, user=insider, role=MemberRole.STAFF)
    claim = registration_certificate_submit(organisation=organisation, by=admin, upload=certificate())
    with pytest.raises(PermissionDenied):
        ownership_claim_verify(claim=claim, by=insider)


def test_every_step_is_audited_with_who_and_why(organisation, admin, reviewer):
    claim = registration_certificate_submit(organisation=organisation, by=admin, upload=certificate())
    ownership_claim_verify(claim=claim, by=reviewer, reason="Matches the NTS record.")
    history = OwnershipClaim.pgh_event_model.objects.filter(pgh_obj=claim).order_by("pgh_id")
    metadata = [event.pgh_context.metadata for event in history]
    assert [m["actor"] for m in metadata] == [admin.pk, reviewer.pk]
    assert metadata[-1]["reason"] == "Matches the NTS record."
    organisation_history = Organisation.pgh_event_model.objects.filter(pgh_obj=organisation).order_by(
        "pgh_id"
    )
    assert organisation_history.last().pgh_context.metadata["actor"] == reviewer.pk
    assert organisation_history.last().verified_by_id == reviewer.pk
