"""The employer pages end to end through the views: forms -> services -> redirect, errors kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.cases.models import SponsorshipStatus
from apps.cases.services import case_start, case_withdraw
from apps.organisations.models import MemberRole, Membership, Organisation, SmeClaim, SmeClaimStatus
from tests.employers.conftest import SPONSORSHIP_DATA, World, client_for
from tests.factories import ELF_BYTES, FULL_ANSWERS, PDF_BYTES, PNG_BYTES, UserFactory

pytestmark = pytest.mark.django_db


def org_url(world: World, name: str, **kwargs: int) -> str:
    return reverse(f"employers:{name}", kwargs={"pk": world.org_a.pk, **kwargs})


# --- registration ---------------------------------------------------------------------------------


REGISTRATION = {
    "name": "Hanbit Display",
    "business_registration_number": "220-81-62517",
    "sector": "Displays",
    "size_class": "sme",
}


def test_registering_makes_the_user_admin_and_asks_for_the_certificate(world):
    user = UserFactory()
    client = client_for(user)
    response = client.post(reverse("employers:register"), REGISTRATION, follow=True)
    organisation = Organisation.objects.get(business_registration_number="2208162517")
    assert response.redirect_chain[-1][0] == reverse("employers:verification", kwargs={"pk": organisation.pk})
    page = response.content.decode()
    assert "Hanbit Display is registered. You are its administrator." in page
    assert "Send the business registration certificate" in page
    assert Membership.objects.get(organisation=organisation).role == MemberRole.ADMIN
    assert not organisation.is_verified


def test_a_wrong_check_digit_is_explained_and_the_typed_values_are_kept(world):
    client = client_for(UserFactory())
    response = client.post(
        reverse("employers:register"), {**REGISTRATION, "business_registration_number": "220-81-62518"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "220-81-62518 is not a valid business registration number" in page
    assert 'value="Hanbit Display"' in page
    assert 'value="Displays"' in page
    assert 'value="220-81-62518"' in page
    assert not Organisation.objects.filter(name="Hanbit Display").exists()


def test_a_malformed_number_says_what_to_enter(world):
    response = client_for(UserFactory()).post(
        reverse("employers:register"), {**REGISTRATION, "business_registration_number": "22081625"}
    )
    assert (
        "Enter the 10-digit business registration number in the form 123-45-67890."
        in response.content.decode()
    )


def test_a_duplicate_number_points_to_the_administrator(world):
    number = world.org_a.formatted_brn
    response = client_for(UserFactory()).post(
        reverse("employers:register"), {**REGISTRATION, "business_registration_number": number}
    )
    page = response.content.decode()
    assert "already registered. Ask its administrator to invite you" in page
    claim_url = reverse("employers:claim_new") + f"?number={world.org_a.business_registration_number}"
    assert f'href="{claim_url}"' in page  # the way to claim it, with the number filled in
    assert (
        Organisation.objects.filter(
            business_registration_number=world.org_a.business_registration_number
        ).count()
        == 1
    )


# --- members ------------------------------------------------------------------------------------


def test_an_admin_invites_and_the_e_mail_goes_out(world, django_capture_on_commit_callbacks):
    client = client_for(world.admin_a.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(org_url(world, "invite"), {"email": "new.colleague@example.org"}, follow=True)
    assert "An invitation was sent to new.colleague@example.org" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["new.colleague@example.org"]]


def test_a_duplicate_invitation_is_explained_on_the_form(world):
    response = client_for(world.admin_a.user).post(org_url(world, "invite"), {"email": "INVITEE@example.org"})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "already waiting to be accepted" in page
    assert 'value="INVITEE@example.org"' in page


def test_the_invitee_accepts_on_the_page(world):
    invitee = UserFactory(email="invitee@example.org")
    address = reverse("employers:invitation_accept", kwargs={"token": world.invitation.token})
    response = client_for(invitee).post(address, follow=True)
    assert "You joined Hanbit Semiconductor as staff." in response.content.decode()
    assert Membership.objects.get(user=invitee).role == MemberRole.STAFF
    again = client_for(invitee).post(address).content.decode()
    assert "This invitation has already been used." in again


def test_someone_else_cannot_accept_on_the_page(world):
    address = reverse("employers:invitation_accept", kwargs={"token": world.invitation.token})
    page = client_for(world.admin_b.user).post(address).content.decode()
    assert "This invitation was sent to a different e-mail address." in page
    assert not Membership.objects.filter(user=world.admin_b.user, organisation=world.org_a).exists()


def test_an_expired_invitation_is_explained_on_the_page(world):
    world.invitation.expires_at = timezone.now() - dt.timedelta(minutes=1)
    world.invitation.save()
    invitee = UserFactory(email="invitee@example.org")
    address = reverse("employers:invitation_accept", kwargs={"token": world.invitation.token})
    assert "This invitation expired on" in client_for(invitee).get(address).content.decode()
    assert "This invitation expired on" in client_for(invitee).post(address).content.decode()
    assert not Membership.objects.filter(user=invitee).exists()


def test_removing_a_member_asks_first(world):
    client = client_for(world.admin_a.user)
    address = org_url(world, "member_remove", member_pk=world.staff_a.pk)
    confirm = client.get(address).content.decode()
    assert "Remove staff.a@example.org from Hanbit Semiconductor?" in confirm
    assert Membership.objects.filter(pk=world.staff_a.pk).exists()
    response = client.post(address, follow=True)
    assert "staff.a@example.org was removed from Hanbit Semiconductor." in response.content.decode()
    assert not Membership.objects.filter(pk=world.staff_a.pk).exists()


def test_the_last_admin_is_not_removed(world):
    address = org_url(world, "member_remove", member_pk=world.admin_a.pk)
    page = client_for(world.admin_a.user).post(address).content.decode()
    assert "only administrator and cannot be removed" in page
    assert Membership.objects.filter(pk=world.admin_a.pk).exists()


def test_staff_see_members_but_not_the_management_controls(world):
    page = client_for(world.staff_a.user).get(org_url(world, "organisation")).content.decode()
    assert "admin.a@example.org" in page
    assert "Invite a colleague" not in page
    assert "invitee@example.org" not in page
    assert "Only the organisation's administrators can invite or remove members." in page


def test_an_admin_revokes_an_invitation(world):
    client = client_for(world.admin_a.user)
    address = org_url(world, "invitation_revoke", invitation_pk=world.invitation.pk)
    assert "Revoke the invitation to invitee@example.org?" in client.get(address).content.decode()
    client.post(address)
    world.invitation.refresh_from_db()
    assert world.invitation.revoked_at is not None


# --- SME claims ---------------------------------------------------------------------------------


def sme_post(client, world, upload):
    today = timezone.localdate()
    data = {
        "certificate": upload,
        "valid_from": (today - dt.timedelta(days=10)).isoformat(),
        "valid_to": (today + dt.timedelta(days=300)).isoformat(),
    }
    return client.post(org_url(world, "sme_claims"), data, follow=True), data


def test_a_good_pdf_is_uploaded_and_waits_for_verification(world):
    client = client_for(world.staff_a.user)
    response, _data = sme_post(client, world, SimpleUploadedFile("sme.pdf", PDF_BYTES, "application/pdf"))
    page = response.content.decode()
    assert "A reviewer will verify it." in page
    assert "Waiting for verification" in page
    claim = SmeClaim.objects.exclude(pk=world.claim.pk).get()
    assert (claim.status, claim.submitted_by) == (SmeClaimStatus.PENDING, world.staff_a.user)


@pytest.mark.parametrize(
    ("name", "body", "reason"),
    [
        ("sme.pdf", PNG_BYTES, "is named as a PDF file but its content is PNG"),
        ("sme.exe", ELF_BYTES, "is not a PDF, JPEG or PNG file"),
        ("sme.pdf", ELF_BYTES, "is not a PDF, JPEG or PNG file"),
    ],
)
def test_a_file_that_is_not_a_certificate_is_refused_on_the_form(world, name, body, reason):
    client = client_for(world.admin_a.user)
    response, data = sme_post(client, world, SimpleUploadedFile(name, body, "application/pdf"))
    page = response.content.decode()
    assert "There is a problem" in page
    assert reason in page
    assert f'value="{data["valid_from"]}"' in page  # the dates typed are kept
    assert SmeClaim.objects.count() == 1  # only the fixture's claim


def test_an_oversize_certificate_is_refused_on_the_form(world, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    client = client_for(world.admin_a.user)
    body = PDF_BYTES + b"0" * 2048
    response, _data = sme_post(client, world, SimpleUploadedFile("big.pdf", body, "application/pdf"))
    page = response.content.decode()
    assert "files may be at most 1.0\xa0KB" in page
    assert SmeClaim.objects.count() == 1


def test_the_reviewers_reason_is_shown_for_a_rejected_claim(world):
    world.claim.status = SmeClaimStatus.REJECTED
    world.claim.review_reason = "The certificate belongs to another company."
    world.claim.save()
    page = client_for(world.staff_a.user).get(org_url(world, "sme_claims")).content.decode()
    assert "Rejected" in page
    assert "The certificate belongs to another company." in page


def test_a_certificate_is_downloaded_as_an_attachment_with_the_detected_type(world):
    response = client_for(world.staff_a.user).get(org_url(world, "sme_certificate", claim_pk=world.claim.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


# --- sponsorships -------------------------------------------------------------------------------


def test_a_draft_is_created_edited_and_submitted_with_a_case_reference(world):
    client = client_for(world.staff_a.user)
    case = case_start(applicant=UserFactory(email="yuna.kim@example.org"), answers=FULL_ANSWERS)
    response = client.post(
        org_url(world, "sponsorship_new"),
        {**SPONSORSHIP_DATA, "candidate_email": "Yuna.Kim@Example.org"},
        follow=True,
    )
    assert "The draft sponsorship for Priya Raman was saved." in response.content.decode()
    sponsorship = world.org_a.sponsorships.get(candidate_email="yuna.kim@example.org")
    assert (sponsorship.status, sponsorship.offered_salary_krw, sponsorship.core_technology_role) == (
        SponsorshipStatus.DRAFT,
        120_000_000,
        4,
    )

    edit = org_url(world, "sponsorship_edit", sponsorship_pk=sponsorship.pk)
    assert 'value="Principal AI engineer"' in client.get(edit).content.decode()
    client.post(edit, {**SPONSORSHIP_DATA, "candidate_email": "yuna.kim@example.org", "job_title": "CTO"})
    sponsorship.refresh_from_db()
    assert sponsorship.job_title == "CTO"

    submit = org_url(world, "sponsorship_submit", sponsorship_pk=sponsorship.pk)
    assert "KTP-XXXX-XXXX" in client.get(submit).content.decode()
    response = client.post(submit, {"case_reference": case.reference.lower()}, follow=True)
    assert f"The sponsorship was added to application {case.reference}." in response.content.decode()
    sponsorship.refresh_from_db()
    assert (sponsorship.status, sponsorship.case) == (SponsorshipStatus.SUBMITTED, case)
    assert client.get(edit).status_code == 302  # no longer a draft


def test_a_draft_is_submitted_by_e_mail_without_a_reference(world):
    client = client_for(world.admin_a.user)
    submit = org_url(world, "sponsorship_submit", sponsorship_pk=world.draft.pk)
    response = client.post(submit, {"case_reference": ""}, follow=True)
    assert f"The sponsorship was sent to {world.draft.candidate_email}." in response.content.decode()
    world.draft.refresh_from_db()
    assert (world.draft.status, world.draft.case) == (SponsorshipStatus.SUBMITTED, None)


def test_an_invalid_draft_shows_the_problems_and_keeps_what_was_typed(world):
    data = {
        **SPONSORSHIP_DATA,
        "candidate_email": "candidate@example.org",
        "core_technology_basis": "",
        "transfer_plan": "9",
    }
    response = client_for(world.admin_a.user).post(org_url(world, "sponsorship_new"), data)
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Write the basis for the core-technology rating." in page
    assert "Choose a rating from 0 to 5." in page
    assert 'value="Principal AI engineer"' in page
    assert "Six months of open recruiting" in page
    assert world.org_a.sponsorships.count() == 2  # the fixture's two only


def test_a_sponsorship_for_a_withdrawn_case_is_refused_with_the_reason(world):
    applicant = UserFactory(email=world.draft.candidate_email)
    case = case_start(applicant=applicant, answers=FULL_ANSWERS)
    case_withdraw(case=case, by=applicant)
    submit = org_url(world, "sponsorship_submit", sponsorship_pk=world.draft.pk)
    page = client_for(world.admin_a.user).post(submit, {"case_reference": case.reference}).content.decode()
    assert "The candidate has withdrawn this application; it cannot be sponsored." in page
    assert f'value="{case.reference}"' in page
    world.draft.refresh_from_db()
    assert world.draft.status == SponsorshipStatus.DRAFT


def test_a_malformed_reference_is_explained(world):
    submit = org_url(world, "sponsorship_submit", sponsorship_pk=world.draft.pk)
    page = client_for(world.admin_a.user).post(submit, {"case_reference": "12345"}).content.decode()
    assert "Enter the reference in the form KTP-XXXX-XXXX" in page


def test_withdrawing_asks_for_a_reason_first(world):
    client = client_for(world.admin_a.user)
    address = org_url(world, "sponsorship_withdraw", sponsorship_pk=world.draft.pk)
    assert "Yes, withdraw the sponsorship" in client.get(address).content.decode()
    page = client.post(address, {"reason": ""}).content.decode()
    assert "Give a reason for withdrawing the sponsorship." in page
    world.draft.refresh_from_db()
    assert world.draft.status == SponsorshipStatus.DRAFT
    response = client.post(address, {"reason": "The post was filled internally."}, follow=True)
    assert "was withdrawn" in response.content.decode()
    world.draft.refresh_from_db()
    assert world.draft.status == SponsorshipStatus.WITHDRAWN


def test_the_list_shows_status_in_words(world):
    page = client_for(world.staff_a.user).get(org_url(world, "sponsorships")).content.decode()
    assert "Confirmed by the applicant" in page
    assert "Draft" in page
    assert world.case.reference in page


def test_the_sponsored_case_page_shows_status_only_never_the_applicants_facts(world):
    world.case.refresh_from_db()
    assert world.case.facts["offered_salary_krw"] == 150_000_000
    response = client_for(world.staff_a.user).get(
        org_url(world, "sponsored_case", sponsorship_pk=world.confirmed.pk)
    )
    page = response.content.decode()
    assert world.case.reference in page
    assert "Draft" in page
    assert "Not submitted yet" in page
    for private in ("150,000,000", "150000000", "Seoul Institute of Technology", "doctorate", "institution"):
        assert private not in page
    # The documents of the case are never linked either.
    assert "/documents/" not in page


def test_the_sponsored_case_page_is_there_only_once_confirmed(world):
    world.draft.case = world.case
    world.draft.status = SponsorshipStatus.SUBMITTED
    world.draft.save()
    response = client_for(world.admin_a.user).get(
        org_url(world, "sponsored_case", sponsorship_pk=world.draft.pk)
    )
    assert response.status_code == 404


def test_a_list_of_more_than_25_is_paginated(world):
    from tests.factories import SponsorshipFactory

    SponsorshipFactory.create_batch(30, organisation=world.org_a, created_by=world.admin_a.user)
    client = client_for(world.admin_a.user)
    first = client.get(org_url(world, "sponsorships")).content.decode()
    assert "Next page" in first
    second = client.get(org_url(world, "sponsorships") + "?page=2").content.decode()
    assert "Previous page" in second


def test_the_only_administrator_is_not_offered_for_removal(world):
    page = client_for(world.admin_a.user).get(org_url(world, "organisation")).content.decode()
    assert "The only administrator: cannot be removed" in page
    assert org_url(world, "member_remove", member_pk=world.admin_a.pk) not in page
    assert org_url(world, "member_remove", member_pk=world.staff_a.pk) in page


def test_an_admin_makes_staff_an_administrator_after_confirming(world):
    client = client_for(world.admin_a.user)
    address = org_url(world, "member_role", member_pk=world.staff_a.pk)
    assert "Make staff.a@example.org an administrator?" in client.get(address).content.decode()
    response = client.post(address, follow=True)
    assert "staff.a@example.org is now an administrator." in response.content.decode()
    world.staff_a.refresh_from_db()
    assert world.staff_a.role == MemberRole.ADMIN


def test_the_members_and_invitations_pages_use_the_one_pagination_and_keep_each_others_page(world):
    """The shared partial (templates/includes/pagination.html): each list's links change only its
    own page parameter."""
    from tests.factories import InvitationFactory, MembershipFactory

    MembershipFactory.create_batch(30, organisation=world.org_a)
    InvitationFactory.create_batch(30, organisation=world.org_a, invited_by=world.admin_a.user)
    page = client_for(world.admin_a.user).get(org_url(world, "organisation") + "?page=2").content.decode()
    assert 'aria-label="Member pages"' in page
    assert 'aria-label="Invitation pages"' in page
    assert 'href="?page=2&amp;invitations_page=2"' in page  # the invitations' next page keeps the members'
    assert 'href="?page=1"' in page  # the members' previous page
    assert 'aria-current="page" href="?page=2"' in page
