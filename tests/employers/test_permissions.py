"""Every employer URL against every persona.

Member of A: 200 on A's pages (staff: 403 on managing members). Member of B, an applicant, a
programme officer: 404 on A's objects, as for anything that does not exist. Anonymous: to the login.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.cases.models import SponsorshipStatus
from apps.organisations.models import Membership
from tests.employers.conftest import World, client_for

pytestmark = pytest.mark.django_db

MEMBER_PAGES = [
    ("organisation", {}),
    ("verification", {}),
    ("verification_certificate", {"claim_pk": "certificate"}),
    ("sme_claims", {}),
    ("sme_certificate", {"claim_pk": "claim"}),
    ("sponsorships", {}),
    ("sponsorship_new", {}),
    ("sponsorship", {"sponsorship_pk": "draft"}),
    ("sponsorship_edit", {"sponsorship_pk": "draft"}),
    ("sponsorship_submit", {"sponsorship_pk": "draft"}),
    ("sponsorship_withdraw", {"sponsorship_pk": "draft"}),
    ("sponsorship", {"sponsorship_pk": "confirmed"}),
    ("sponsored_case", {"sponsorship_pk": "confirmed"}),
]
ADMIN_PAGES = [
    ("invite", {}),
    ("member_remove", {"member_pk": "staff_a"}),
    ("member_role", {"member_pk": "staff_a"}),
    ("invitation_revoke", {"invitation_pk": "invitation"}),
]
EVERY_ORG_PAGE = MEMBER_PAGES + ADMIN_PAGES


def url(world: World, name: str, extra: dict[str, str]) -> str:
    kwargs = {"pk": world.org_a.pk}
    for key, attribute in extra.items():
        kwargs[key] = getattr(world, attribute).pk
    return reverse(f"employers:{name}", kwargs=kwargs)


def ids(pages):
    return [f"{name}:{'-'.join(extra.values()) or 'org'}" for name, extra in pages]


@pytest.mark.parametrize(("name", "extra"), EVERY_ORG_PAGE, ids=ids(EVERY_ORG_PAGE))
def test_an_admin_of_a_sees_every_page_of_a(world, name, extra):
    assert client_for(world.admin_a.user).get(url(world, name, extra)).status_code == 200


@pytest.mark.parametrize(("name", "extra"), MEMBER_PAGES, ids=ids(MEMBER_PAGES))
def test_staff_of_a_sees_the_pages_of_a(world, name, extra):
    assert client_for(world.staff_a.user).get(url(world, name, extra)).status_code == 200


@pytest.mark.parametrize(("name", "extra"), ADMIN_PAGES, ids=ids(ADMIN_PAGES))
def test_staff_of_a_cannot_manage_members(world, name, extra):
    client = client_for(world.staff_a.user)
    assert client.get(url(world, name, extra)).status_code == 403
    assert client.post(url(world, name, extra), {"email": "x@example.org"}).status_code == 403
    assert Membership.objects.filter(pk=world.staff_a.pk).exists()
    world.invitation.refresh_from_db()
    assert world.invitation.revoked_at is None


@pytest.mark.parametrize("persona", ["admin_b", "applicant", "officer"])
@pytest.mark.parametrize(("name", "extra"), EVERY_ORG_PAGE, ids=ids(EVERY_ORG_PAGE))
def test_everyone_else_gets_404_on_a(world, persona, name, extra):
    user = getattr(world, persona)
    user = getattr(user, "user", user)
    client = client_for(user)
    assert client.get(url(world, name, extra)).status_code == 404
    assert client.post(url(world, name, extra), {"reason": "x", "email": "x@example.org"}).status_code == 404


def test_outsider_posts_change_nothing(world):
    client = client_for(world.admin_b.user)
    client.post(url(world, "sponsorship_withdraw", {"sponsorship_pk": "draft"}), {"reason": "Gone"})
    client.post(url(world, "sponsorship_submit", {"sponsorship_pk": "draft"}), {"case_reference": ""})
    client.post(url(world, "member_remove", {"member_pk": "staff_a"}))
    world.draft.refresh_from_db()
    assert world.draft.status == SponsorshipStatus.DRAFT
    assert Membership.objects.filter(pk=world.staff_a.pk).exists()


def test_a_sponsorship_of_a_under_bs_address_is_404_for_b(world):
    client = client_for(world.admin_b.user)
    for name in ("sponsorship", "sponsorship_edit", "sponsored_case"):
        address = reverse(
            f"employers:{name}", kwargs={"pk": world.org_b.pk, "sponsorship_pk": world.confirmed.pk}
        )
        assert client.get(address).status_code == 404


def test_an_unknown_organisation_looks_like_someone_elses(world):
    client = client_for(world.admin_b.user)
    assert client.get(reverse("employers:organisation", kwargs={"pk": 999_999})).status_code == 404


@pytest.mark.parametrize(("name", "extra"), EVERY_ORG_PAGE, ids=ids(EVERY_ORG_PAGE))
def test_anonymous_visitors_are_sent_to_log_in(world, name, extra):
    address = url(world, name, extra)
    for response in (Client().get(address), Client().post(address)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "next=" in response["Location"]


@pytest.mark.parametrize("name", ["dashboard", "register"])
def test_the_dashboard_and_registration_need_a_login_only(world, name):
    address = reverse(f"employers:{name}")
    assert Client().get(address).status_code == 302
    for user in (world.admin_a.user, world.staff_a.user, world.admin_b.user, world.applicant, world.officer):
        assert client_for(user).get(address).status_code == 200


def test_the_invitation_page_needs_a_login(world):
    address = reverse("employers:invitation_accept", kwargs={"token": world.invitation.token})
    response = Client().get(address)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_invitation_page_shows_the_organisation_only_to_the_invitee(world):
    from tests.factories import UserFactory

    address = reverse("employers:invitation_accept", kwargs={"token": world.invitation.token})
    invitee = UserFactory(email="Invitee@example.org")
    page = client_for(invitee).get(address).content.decode()
    assert "Hanbit Semiconductor" in page
    assert "Accept the invitation" in page
    other = client_for(world.admin_b.user).get(address).content.decode()
    assert "Hanbit Semiconductor" not in other
    assert "sent to a different e-mail address" in other
    unknown = reverse("employers:invitation_accept", kwargs={"token": "not-a-real-token"})
    assert client_for(invitee).get(unknown).status_code == 404


def test_the_dashboard_lists_only_my_organisations(world):
    page = client_for(world.staff_a.user).get(reverse("employers:dashboard")).content.decode()
    assert "Hanbit Semiconductor" in page
    assert "Daehan Robotics" not in page
    empty = client_for(world.applicant).get(reverse("employers:dashboard")).content.decode()
    assert "Register your organisation" in empty
    assert "Hanbit Semiconductor" not in empty


def test_every_form_carries_a_csrf_token_and_a_post_without_one_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin_a.user)
    for name, extra in [("sponsorship_new", {}), ("invite", {}), ("sme_claims", {})]:
        page = client.get(url(world, name, extra)).content.decode()
        assert "csrfmiddlewaretoken" in page
    response = client.post(url(world, "sponsorship_withdraw", {"sponsorship_pk": "draft"}), {"reason": "x"})
    assert response.status_code == 403
    world.draft.refresh_from_db()
    assert world.draft.status == SponsorshipStatus.DRAFT


# --- verification and claims (issue 12) ---------------------------------------------------------


def test_staff_of_a_sees_the_verification_page_but_cannot_send_a_certificate(world):
    world.org_a.verified_at = None
    world.org_a.save(update_fields=["verified_at"])
    client = client_for(world.staff_a.user)
    page = client.get(url(world, "verification", {})).content.decode()
    assert "Only the organisation's administrators can send the certificate." in page
    assert client.post(url(world, "verification", {}), {"note": "x"}).status_code == 403


@pytest.mark.parametrize("persona", ["admin_a", "staff_a", "admin_b", "applicant", "officer"])
def test_the_claim_form_needs_a_login_only(world, persona):
    address = reverse("employers:claim_new")
    assert Client().get(address).status_code == 302
    user = getattr(world, persona)
    assert client_for(getattr(user, "user", user)).get(address).status_code == 200


def test_a_claimants_certificate_is_theirs_alone(world):
    from tests.factories import OwnershipClaimFactory, UserFactory

    claimant = UserFactory()
    claim = OwnershipClaimFactory(organisation=world.org_a, submitted_by=claimant)
    address = reverse("employers:claim_certificate", kwargs={"claim_pk": claim.pk})
    assert client_for(claimant).get(address).status_code == 200
    for user in (world.admin_a.user, world.admin_b.user, world.applicant, world.officer):
        assert client_for(user).get(address).status_code == 404
    assert Client().get(address).status_code == 302
    # A member of A cannot reach the claim through A's own verification pages either.
    certificate = reverse(
        "employers:verification_certificate", kwargs={"pk": world.org_a.pk, "claim_pk": claim.pk}
    )
    assert client_for(world.admin_a.user).get(certificate).status_code == 404
