"""Issue 12, part 1: claiming a number someone else registered.

The newcomer sends their certificate; the ministry decides; the organisation's administrators are
told when the claim arrives (after commit, through apps.notifications); a verified claim makes the
claimant the administrator and the administrators before them leave (staff stay; decision 44).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.roles import Role
from apps.notifications.services import notify_ownership_claim
from apps.organisations import services
from apps.organisations.models import (
    MemberRole,
    Membership,
    MembershipPeriod,
    OwnershipClaim,
    OwnershipClaimKind,
    OwnershipClaimStatus,
    SizeClass,
)
from apps.organisations.services import (
    organisation_register,
    ownership_claim_reject,
    ownership_claim_submit,
    ownership_claim_verify,
    registration_certificate_submit,
)
from tests.factories import PDF_BYTES, UserFactory, staff_membership

pytestmark = pytest.mark.django_db

NUMBER = "220-81-62517"


def certificate() -> SimpleUploadedFile:
    return SimpleUploadedFile("registration.pdf", PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def squatter():
    return UserFactory(email="squatter@example.org")


@pytest.fixture
def organisation(squatter):
    return organisation_register(
        user=squatter,
        name="Hanbit Display",
        business_registration_number=NUMBER,
        sector="Displays",
        size_class=SizeClass.SME,
    )


@pytest.fixture
def owner():
    return UserFactory(email="ceo@hanbit.co.kr")


@pytest.fixture
def sent(monkeypatch):
    """The tasks the services send after commit, by name and arguments (no worker needed)."""
    calls: list[tuple] = []
    monkeypatch.setattr(services, "enqueue", lambda name, *args: calls.append((name, *args)) or True)
    return calls


def claim(owner, note="I am the representative director; a former employee registered it."):
    return ownership_claim_submit(
        business_registration_number=NUMBER, by=owner, upload=certificate(), note=note
    )


def test_a_claim_goes_to_the_ministry_and_the_administrators_are_told_after_commit(
    organisation, owner, squatter, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = claim(owner)
    assert made.kind == OwnershipClaimKind.TRANSFER
    assert made.status == OwnershipClaimStatus.PENDING
    assert made.organisation == organisation
    assert sent == [(services.OWNERSHIP_CLAIM_TASK, made.pk, "pending")]

    mail.outbox.clear()
    notify_ownership_claim(made.pk, "pending")
    assert [message.to for message in mail.outbox] == [[squatter.email]]
    assert "claimed Hanbit Display's business registration number" in mail.outbox[0].subject
    assert "ceo@hanbit.co.kr" in mail.outbox[0].body


def test_nothing_is_sent_when_the_claim_is_rolled_back(
    organisation, owner, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        ownership_claim_submit(business_registration_number=NUMBER, by=owner, upload=certificate(), note="")
    assert sent == []
    assert not OwnershipClaim.objects.exists()


def test_a_claim_needs_a_registered_valid_number_a_note_and_an_outsider(organisation, owner, squatter):
    with pytest.raises(ValidationError) as caught:
        ownership_claim_submit(
            business_registration_number="220-81-62518", by=owner, upload=certificate(), note="x"
        )
    assert "business_registration_number" in caught.value.message_dict
    with pytest.raises(ValidationError, match="No organisation is registered"):
        ownership_claim_submit(
            business_registration_number="124-81-00998", by=owner, upload=certificate(), note="x"
        )
    with pytest.raises(ValidationError, match="Say who you are"):
        claim(owner, note="  ")
    with pytest.raises(ValidationError, match="already a member"):
        claim(squatter)


def test_one_pending_claim_per_person(organisation, owner):
    claim(owner)
    with pytest.raises(ValidationError, match="already waiting"):
        claim(owner)


def test_a_verified_claim_transfers_administration(
    organisation, owner, squatter, reviewer, sent, django_capture_on_commit_callbacks
):
    staff = staff_membership(organisation).user
    squatters_certificate = registration_certificate_submit(
        organisation=organisation, by=squatter, upload=certificate()
    )
    made = claim(owner)
    with django_capture_on_commit_callbacks(execute=True):
        ownership_claim_verify(
            claim=made, by=reviewer, reason="The certificate names the claimant's company."
        )

    organisation.refresh_from_db()
    assert organisation.is_verified
    members = dict(Membership.objects.filter(organisation=organisation).values_list("user__email", "role"))
    assert members == {owner.email: MemberRole.ADMIN, staff.email: MemberRole.STAFF}
    assert owner.has_role(Role.EMPLOYER)
    squatter.refresh_from_db()
    assert not squatter.groups.filter(name=Role.EMPLOYER.value).exists()
    # The squatter's time as a member is kept, closed.
    period = MembershipPeriod.objects.get(organisation=organisation, user=squatter)
    assert period.ended_at is not None
    # Nobody else's certificate for the number can now be right.
    squatters_certificate.refresh_from_db()
    assert squatters_certificate.status == OwnershipClaimStatus.REJECTED
    assert squatters_certificate.reviewed_by == reviewer
    assert (services.OWNERSHIP_CLAIM_TASK, made.pk, "verified") in sent
    assert (services.OWNERSHIP_CLAIM_TASK, squatters_certificate.pk, "rejected") in sent


def test_a_rejected_claim_changes_nobody(organisation, owner, squatter, reviewer):
    made = claim(owner)
    ownership_claim_reject(claim=made, by=reviewer, reason="The certificate is for another number.")
    assert Membership.objects.get(organisation=organisation).user == squatter
    organisation.refresh_from_db()
    assert not organisation.is_verified
    mail.outbox.clear()
    notify_ownership_claim(made.pk, "rejected")
    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert "The certificate is for another number." in mail.outbox[0].body


def test_the_claim_is_audited(organisation, owner, reviewer):
    made = claim(owner)
    ownership_claim_verify(claim=made, by=reviewer, reason="Checked.")
    history = OwnershipClaim.pgh_event_model.objects.filter(pgh_obj=made).order_by("pgh_id")
    assert [event.pgh_context.metadata["actor"] for event in history] == [owner.pk, reviewer.pk]
    membership_history = Membership.pgh_event_model.objects.filter(organisation=organisation, user=owner)
    assert membership_history.last().pgh_context.metadata["actor"] == reviewer.pk


def test_the_claim_page_sends_a_claim_and_keeps_what_was_typed_on_an_error(organisation, owner, client):
    client.force_login(owner)
    address = reverse("employers:claim_new")
    page = client.get(f"{address}?number=2208162517").content.decode()
    assert 'value="2208162517"' in page
    refused = client.post(address, {"business_registration_number": NUMBER, "note": "Mine"})
    assert refused.status_code == 400
    assert "Choose the certificate file." in refused.content.decode()
    assert 'value="220-81-62517"' in refused.content.decode()
    response = client.post(
        address,
        {"business_registration_number": NUMBER, "note": "Mine", "certificate": certificate()},
        follow=True,
    )
    assert "was sent to the ministry" in response.content.decode()
    assert "Your claims to registration numbers" in response.content.decode()
    assert OwnershipClaim.objects.get().submitted_by == owner


def test_a_group_for_the_employer_role_exists():  # the role removal above relies on it
    assert Group.objects.filter(name=Role.EMPLOYER.value).exists()
