"""Issue 12, part 1, on the employer and ministry pages: verification, the details of the
organisation's pages (example number, SME claim pending, no SME claim for a large company, case
status in the list, due date and days left) and the ministry's certificate pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.cases.models import CaseStatus, SponsorshipStatus
from apps.employers.forms import EXAMPLE_BRN, OrganisationRegisterForm
from apps.organisations.brn import validate_brn
from apps.organisations.models import (
    OwnershipClaim,
    OwnershipClaimKind,
    OwnershipClaimStatus,
    SizeClass,
    SmeClaim,
    SmeClaimStatus,
)
from tests.employers.conftest import World, client_for
from tests.factories import ELF_BYTES, PDF_BYTES, OwnershipClaimFactory
from tests.ministry import reviewer, sign_in, supervisor

pytestmark = pytest.mark.django_db


def org_url(world: World, name: str, **kwargs: int) -> str:
    return reverse(f"employers:{name}", kwargs={"pk": world.org_a.pk, **kwargs})


def unverify(world: World) -> None:
    """org_a as it stands just after registration: no certificate, not verified."""
    world.certificate.delete()
    world.org_a.verified_at = None
    world.org_a.save(update_fields=["verified_at"])


# --- verification on the employer's pages ----------------------------------------------------------


def test_the_example_number_passes_its_own_check_digit():
    validate_brn(EXAMPLE_BRN)  # raises if the example would be refused
    assert EXAMPLE_BRN in str(OrganisationRegisterForm().fields["business_registration_number"].help_text)


def test_an_unverified_organisations_pages_say_what_is_pending(world):
    unverify(world)
    client = client_for(world.admin_a.user)
    for name in ("organisation", "sponsorships", "sme_claims"):
        page = client.get(org_url(world, name)).content.decode()
        assert "This organisation is not verified yet." in page, name
        assert "prepare sponsorships but not send them" in page
    detail = client.get(org_url(world, "sponsorship", sponsorship_pk=world.draft.pk)).content.decode()
    assert "You can send this sponsorship once your organisation is verified." in detail
    assert "Submit to candidate</a>" not in detail


def test_an_unverified_organisation_cannot_reach_the_submit_page(world):
    unverify(world)
    client = client_for(world.admin_a.user)
    address = org_url(world, "sponsorship_submit", sponsorship_pk=world.draft.pk)
    response = client.post(address, {"case_reference": ""}, follow=True)
    assert response.redirect_chain[-1][0] == org_url(world, "verification")
    assert "not verified yet, so its sponsorships cannot be sent" in response.content.decode()
    world.draft.refresh_from_db()
    assert world.draft.status == SponsorshipStatus.DRAFT


def test_the_administrator_sends_the_certificate_and_sees_it_pending(world):
    unverify(world)
    client = client_for(world.admin_a.user)
    upload = SimpleUploadedFile("사업자등록증.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        org_url(world, "verification"), {"certificate": upload, "note": "Scan"}, follow=True
    )
    page = response.content.decode()
    assert "Your business registration certificate was sent. A reviewer will verify it." in page
    assert "Pending: a reviewer is checking your business registration certificate." in page
    assert "사업자등록증.pdf" in page
    claim = OwnershipClaim.objects.filter(organisation=world.org_a, status=OwnershipClaimStatus.PENDING).get()
    assert claim.kind == OwnershipClaimKind.REGISTRATION
    other = client.get(org_url(world, "sponsorships")).content.decode()
    assert "The ministry is checking your business registration certificate." in other


def test_a_refused_file_is_explained_next_to_the_field(world):
    unverify(world)
    client = client_for(world.admin_a.user)
    upload = SimpleUploadedFile("certificate.pdf", ELF_BYTES, content_type="application/pdf")
    response = client.post(org_url(world, "verification"), {"certificate": upload, "note": "Kept"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "is not a PDF, JPEG or PNG file" in page
    assert re.search(r">\s*Kept</textarea>", page)


def test_a_verified_organisation_shows_it_and_offers_no_upload(world):
    page = client_for(world.admin_a.user).get(org_url(world, "verification")).content.decode()
    assert "Verified on" in page
    assert "Send the certificate</button>" not in page


# --- details -------------------------------------------------------------------------------------


def test_the_header_says_sme_claim_pending_until_a_claim_is_verified(world):
    client = client_for(world.admin_a.user)
    assert "SME claim pending" in client.get(org_url(world, "organisation")).content.decode()
    SmeClaim.objects.filter(pk=world.claim.pk).update(status=SmeClaimStatus.VERIFIED)
    page = client.get(org_url(world, "organisation")).content.decode()
    assert "SME claim pending" not in page
    assert "Small or medium-sized enterprise (SME)" in page


def test_a_large_company_is_not_offered_the_sme_claim(world):
    world.org_a.size_class = SizeClass.LARGE
    world.org_a.save(update_fields=["size_class"])
    client = client_for(world.admin_a.user)
    page = client.get(org_url(world, "sme_claims")).content.decode()
    assert "cannot claim the SME bonus" in page
    assert "Upload the certificate</button>" not in page
    assert "SME claim pending" not in page
    before = SmeClaim.objects.count()
    upload = SimpleUploadedFile("sme.pdf", PDF_BYTES, content_type="application/pdf")
    client.post(
        org_url(world, "sme_claims"),
        {"certificate": upload, "valid_from": "2026-01-01", "valid_to": "2027-01-01"},
    )
    assert SmeClaim.objects.count() == before


def test_the_sponsorships_list_shows_each_confirmed_cases_status(world):
    page = client_for(world.admin_a.user).get(org_url(world, "sponsorships")).content.decode()
    assert "Application status" in page
    row = re.search(r"Priya Raman</a></th>(.*?)</tr>", page, re.S)
    assert row is not None
    assert "Draft" in row.group(1)  # the confirmed sponsorship's case is a draft
    world.case.status = CaseStatus.IN_REVIEW
    world.case.submitted_at = timezone.now()
    world.case.save(update_fields=["status", "submitted_at"])
    page = client_for(world.admin_a.user).get(org_url(world, "sponsorships")).content.decode()
    row = re.search(r"Priya Raman</a></th>(.*?)</tr>", page, re.S)
    assert row is not None
    assert "In review" in row.group(1)


def test_the_sponsored_case_shows_its_due_date_and_days_left(world):
    submitted = dt.datetime(2026, 9, 1, 1, tzinfo=dt.UTC)  # 10:00 in Korea
    world.case.status = CaseStatus.IN_REVIEW
    world.case.submitted_at = submitted
    world.case.due_at = submitted + dt.timedelta(days=14)
    world.case.save(update_fields=["status", "submitted_at", "due_at"])
    address = org_url(world, "sponsored_case", sponsorship_pk=world.confirmed.pk)
    with time_machine.travel(submitted + dt.timedelta(days=4), tick=False):
        page = client_for(world.admin_a.user).get(address).content.decode()
    assert "Decision due" in page
    assert "2026-09-15" in page
    assert "10 days left" in page
    with time_machine.travel(submitted + dt.timedelta(days=15), tick=False):
        page = client_for(world.admin_a.user).get(address).content.decode()
    assert "1 day overdue" in page


def test_a_declined_sponsorship_says_so_to_the_employer(world):
    world.draft.status = SponsorshipStatus.DECLINED
    world.draft.decline_reason = "I accepted another offer."
    world.draft.declined_at = timezone.now()
    world.draft.save()
    page = (
        client_for(world.admin_a.user)
        .get(org_url(world, "sponsorship", sponsorship_pk=world.draft.pk))
        .content.decode()
    )
    assert "The candidate declined it." in page
    assert "I accepted another offer." in page


# --- the ministry's certificate pages ------------------------------------------------------------


@pytest.fixture
def pending(world):
    unverify(world)
    return OwnershipClaimFactory(
        organisation=world.org_a, kind=OwnershipClaimKind.REGISTRATION, submitted_by=world.admin_a.user
    )


def test_the_ministry_lists_waiting_certificates_and_a_reviewer_verifies_one(world, pending):
    client = sign_in(Client(), reviewer())
    listing = client.get(reverse("ministry:ownership_claims")).content.decode()
    assert "Hanbit Semiconductor" in listing
    address = reverse("ministry:ownership_claim", kwargs={"ownership_claim_id": pending.pk})
    page = client.get(address).content.decode()
    assert "Record the decision" in page
    assert "admin.a@example.org" in page
    response = client.post(address, {"decision": "verify", "reason": "Matches the NTS record."}, follow=True)
    assert "Hanbit Semiconductor is now a verified organisation" in response.content.decode()
    world.org_a.refresh_from_db()
    assert world.org_a.is_verified


def test_a_rejection_without_a_reason_is_explained_and_changes_nothing(world, pending):
    client = sign_in(Client(), supervisor())
    address = reverse("ministry:ownership_claim", kwargs={"ownership_claim_id": pending.pk})
    response = client.post(address, {"decision": "reject", "reason": ""})
    assert response.status_code == 400
    assert "Write the reason for your decision." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == OwnershipClaimStatus.PENDING


def test_the_certificate_is_served_to_the_ministry_sandboxed(world, pending):
    client = sign_in(Client(), reviewer())
    response = client.get(
        reverse("ministry:ownership_certificate", kwargs={"ownership_claim_id": pending.pk})
    )
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
