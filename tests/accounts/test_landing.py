"""Where people land after signing in (decision 50): each role on its own home, several roles in
the documented order, a local ``next`` before all of them, and the same after confirming an address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from apps.accounts.landing import LANDING_ORDER
from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_grant_role
from apps.cases.models import Case, CaseStatus
from apps.programmes.services import programme_officer_appoint
from tests.factories import CaseFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.ministry import PASSWORD, policy_administrator, reviewer, submitted_case, supervisor
from tests.programmes.factories import programme

pytestmark = pytest.mark.django_db


def landing_of(user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/welcome/")
    assert response.status_code == 302
    return str(response["Location"])


def sign_in(client: Client, user: User, next_url: str | None = None) -> str:
    """Where the password sign-in sends ``user``, following the landing page's own redirect."""
    path = "/accounts/login/" + (f"?next={next_url}" if next_url is not None else "")
    response = client.post(path, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:1000]
    location = str(response["Location"])
    if location == "/welcome/":
        response = client.get(location)
        assert response.status_code == 302
        location = str(response["Location"])
    return location


def test_an_applicant_without_an_application_lands_on_the_list() -> None:
    assert landing_of(UserFactory()) == "/apply/"  # signed up: no role yet


@pytest.mark.parametrize("status", [CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.INFORMATION_REQUESTED])
def test_an_applicant_lands_on_their_open_application(status: str) -> None:
    case = CaseFactory(status=status) if status == CaseStatus.DRAFT else submitted_case(status=status)
    decided = submitted_case(status=CaseStatus.REJECTED)
    Case.objects.filter(pk=decided.pk).update(applicant=case.applicant)  # an earlier, decided one
    assert landing_of(case.applicant) == f"/apply/{case.reference}/"


def test_an_applicant_whose_applications_are_all_decided_lands_on_the_list() -> None:
    case = submitted_case(status=CaseStatus.APPROVED)
    assert landing_of(case.applicant) == "/apply/"


def test_an_employer_lands_on_their_organisation_or_the_list_of_them() -> None:
    membership = MembershipFactory()
    assert landing_of(membership.user) == f"/employer/organisations/{membership.organisation.pk}/"
    MembershipFactory(user=membership.user, organisation=OrganisationFactory())
    assert landing_of(membership.user) == "/employer/"


def test_reviewers_and_supervisors_land_on_the_queue() -> None:
    assert landing_of(reviewer()) == "/ministry/"
    assert landing_of(supervisor()) == "/ministry/"


def test_a_programme_officer_lands_on_the_rosters() -> None:
    officer = UserFactory()
    programme_officer_appoint(user=officer, programme=programme("KASA"))
    assert landing_of(officer) == "/programmes/"


def test_a_policy_administrator_lands_on_the_policy_pages() -> None:
    assert landing_of(policy_administrator()) == "/policy/"


def test_several_roles_land_on_the_first_in_the_documented_order() -> None:
    assert LANDING_ORDER[:3] == (Role.POLICY_ADMINISTRATOR, Role.SUPERVISOR, Role.REVIEWER)
    both = supervisor()
    user_grant_role(user=both, role=Role.POLICY_ADMINISTRATOR)
    assert landing_of(both) == "/policy/"

    member = MembershipFactory().user
    user_grant_role(user=member, role=Role.REVIEWER)
    assert landing_of(member) == "/ministry/"  # official work before the employer's pages

    applying_member = MembershipFactory().user
    user_grant_role(user=applying_member, role=Role.APPLICANT)
    CaseFactory(applicant=applying_member, status=CaseStatus.DRAFT)
    assert landing_of(applying_member).startswith("/employer/organisations/")


def test_a_programme_officer_without_a_roster_falls_through_to_the_next_role() -> None:
    officer = UserFactory(role=Role.PROGRAMME_OFFICER)
    assert landing_of(officer) == "/apply/"


def test_the_landing_page_needs_a_signed_in_person(client: Client) -> None:
    response = client.get("/welcome/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signing_in_with_a_password_lands_on_the_role_s_home(client: Client) -> None:
    membership = MembershipFactory()
    assert sign_in(client, membership.user) == f"/employer/organisations/{membership.organisation.pk}/"


@pytest.mark.parametrize("next_url", ["/apply/start/", "/self-assessment/?field=ai"])
def test_a_local_next_wins_over_the_landing(client: Client, next_url: str) -> None:
    membership = MembershipFactory()
    assert sign_in(client, membership.user, next_url) == next_url


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "http://testserver/apply/"]
)
def test_a_next_that_is_not_a_local_path_is_ignored(client: Client, next_url: str) -> None:
    """Even this site's own address written in full: only a path is taken (mfa.local_url)."""
    membership = MembershipFactory()
    assert (
        sign_in(client, membership.user, next_url) == f"/employer/organisations/{membership.organisation.pk}/"
    )


def test_confirming_the_address_keeps_the_person_signed_in_and_lands_them(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.org",
            "password1": "a-strong-pass-phrase",
            "password2": "a-strong-pass-phrase",
        },
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"/accounts/confirm-email/\S+/", str(message.body))
    assert link is not None
    response = client.post(link.group())
    assert response.status_code == 302
    assert response["Location"] == "/welcome/"
    response = client.get("/welcome/")
    assert response["Location"] == "/apply/"
    assert client.get("/apply/").context["user"].email == "new.person@example.org"
