"""SME claims: checked upload stored under a random name, pending until a reviewer decides."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.accounts.roles import Role
from apps.organisations.models import MemberRole, SmeClaim, SmeClaimStatus
from apps.organisations.services import sme_claim_reject, sme_claim_submit, sme_claim_verify
from tests.factories import (
    ELF_BYTES,
    PNG_BYTES,
    MembershipFactory,
    SmeClaimFactory,
    UserFactory,
    pdf_upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory(role=MemberRole.STAFF)


def dates():
    today = timezone.localdate()
    return {"valid_from": today - dt.timedelta(days=30), "valid_to": today + dt.timedelta(days=335)}


def test_a_good_pdf_is_stored_under_a_random_name_and_waits_for_a_reviewer(member):
    claim = sme_claim_submit(
        organisation=member.organisation,
        by=member.user,
        upload=pdf_upload("../../etc/SME cert.pdf"),
        **dates(),
    )
    assert claim.status == SmeClaimStatus.PENDING
    assert claim.certificate_name == "SME cert.pdf"
    assert claim.certificate_content_type == "application/pdf"
    # A random name under the organisation's folder: nothing of the client's name or path.
    assert re.fullmatch(
        rf"sme-certificates/{member.organisation.pk}/[0-9a-f]{{32}}\.pdf", claim.certificate.name
    )
    assert len(claim.certificate_sha256) == 64
    assert not claim.counts_on(timezone.localdate())  # pending earns nothing


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (
            SimpleUploadedFile("certificate.pdf", PNG_BYTES, "application/pdf"),
            "named as a PDF file but its content is PNG",
        ),
        (
            SimpleUploadedFile("certificate.pdf", ELF_BYTES, "application/pdf"),
            "is not a PDF, JPEG or PNG file",
        ),
        (
            SimpleUploadedFile("run.exe", ELF_BYTES, "application/x-msdownload"),
            "is not a PDF, JPEG or PNG file",
        ),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(member, upload, expected):
    with pytest.raises(ValidationError) as caught:
        sme_claim_submit(organisation=member.organisation, by=member.user, upload=upload, **dates())
    assert expected in caught.value.message_dict["certificate"][0]
    assert not SmeClaim.objects.exists()


def test_an_oversize_file_is_refused(member, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        sme_claim_submit(
            organisation=member.organisation, by=member.user, upload=pdf_upload(size=2048), **dates()
        )
    assert "files may be at most 1.0\xa0KB" in caught.value.message_dict["certificate"][0]
    assert not SmeClaim.objects.exists()


def test_dates_must_be_ordered_and_current(member):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        sme_claim_submit(
            organisation=member.organisation,
            by=member.user,
            upload=pdf_upload(),
            valid_from=today,
            valid_to=today - dt.timedelta(days=1),
        )
    assert "cannot end before it starts" in caught.value.message_dict["valid_to"][0]
    with pytest.raises(ValidationError) as caught:
        sme_claim_submit(
            organisation=member.organisation,
            by=member.user,
            upload=pdf_upload(),
            valid_from=today - dt.timedelta(days=400),
            valid_to=today - dt.timedelta(days=1),
        )
    assert "This certificate expired on" in caught.value.message_dict["valid_to"][0]


def test_only_members_claim(member):
    outsider = MembershipFactory()
    with pytest.raises(PermissionDenied):
        sme_claim_submit(organisation=member.organisation, by=outsider.user, upload=pdf_upload(), **dates())


@pytest.fixture
def pending(member):
    return SmeClaimFactory(organisation=member.organisation, status=SmeClaimStatus.PENDING)


def test_a_reviewer_verifies_a_pending_claim_once(pending):
    reviewer = UserFactory(role=Role.REVIEWER)
    claim = sme_claim_verify(claim=pending, by=reviewer)
    assert (claim.status, claim.reviewed_by) == (SmeClaimStatus.VERIFIED, reviewer)
    assert claim.reviewed_at is not None
    assert claim.counts_on(dt.date(2026, 7, 2))
    with pytest.raises(ValidationError, match="Only a claim waiting for verification"):
        sme_claim_verify(claim=claim, by=reviewer)
    with pytest.raises(ValidationError):
        sme_claim_reject(claim=claim, by=reviewer, reason="Too late")


def test_a_rejection_needs_a_reason_that_the_employer_sees(pending):
    reviewer = UserFactory(role=Role.REVIEWER)
    with pytest.raises(ValidationError) as caught:
        sme_claim_reject(claim=pending, by=reviewer, reason="   ")
    assert "reason" in caught.value.message_dict
    claim = sme_claim_reject(claim=pending, by=reviewer, reason="The certificate has expired.")
    assert (claim.status, claim.review_reason) == (SmeClaimStatus.REJECTED, "The certificate has expired.")


def test_only_reviewers_outside_the_organisation_decide(pending, member):
    with pytest.raises(PermissionDenied):
        sme_claim_verify(claim=pending, by=member.user)
    conflicted = UserFactory(role=Role.REVIEWER)
    MembershipFactory(organisation=member.organisation, user=conflicted, role=MemberRole.STAFF)
    with pytest.raises(PermissionDenied):
        sme_claim_verify(claim=pending, by=conflicted)
    pending.refresh_from_db()
    assert pending.status == SmeClaimStatus.PENDING
