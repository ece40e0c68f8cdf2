"""The main menu shows what the person's roles can use and nothing else (decision 50)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_grant_role
from apps.programmes.services import programme_officer_appoint
from tests.factories import MembershipFactory, UserFactory
from tests.ministry import policy_administrator, reviewer, supervisor
from tests.programmes.factories import programme

pytestmark = pytest.mark.django_db

ALL_ITEMS = {
    "Check your eligibility",
    "My applications",
    "Employer",
    "Ministry review",
    "Programme rosters",
    "Policy",
    "API",
}


def menu_items(client: Client) -> set[str]:
    html = client.get("/").content.decode()
    menu = re.search(r'<ul class="navbar-nav me-auto">(.*?)</ul>', html, re.S)
    assert menu is not None
    return {
        re.sub(r"\s+", " ", text).strip()
        for text in re.findall(r'class="nav-link"[^>]*>([^<]+)</a>', menu.group(1))
    }


def officer() -> User:
    user = UserFactory()
    programme_officer_appoint(user=user, programme=programme("KASA"))
    return user


def member() -> User:
    return MembershipFactory().user


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (UserFactory, {"Check your eligibility", "My applications", "Employer"}),  # signed up, no role yet
        (lambda: UserFactory(role=Role.APPLICANT), {"Check your eligibility", "My applications", "Employer"}),
        (member, {"Employer"}),
        (reviewer, {"Ministry review"}),
        (supervisor, {"Ministry review"}),
        (officer, {"Programme rosters"}),
        (policy_administrator, {"Policy"}),
    ],
    ids=[
        "signed-up",
        "applicant",
        "employer",
        "reviewer",
        "supervisor",
        "programme-officer",
        "policy-administrator",
    ],
)
def test_each_role_sees_its_own_items(client: Client, make: Callable[[], User], expected: set[str]) -> None:
    client.force_login(make())
    assert menu_items(client) == expected


def test_anonymous_visitors_see_the_eligibility_check_only(client: Client) -> None:
    assert menu_items(client) == {"Check your eligibility"}


def test_several_roles_see_the_items_of_each(client: Client) -> None:
    user = member()
    user_grant_role(user=user, role=Role.SUPERVISOR)
    user_grant_role(user=user, role=Role.POLICY_ADMINISTRATOR)
    client.force_login(user)
    assert menu_items(client) == {"Employer", "Ministry review", "Policy"}


def test_an_officer_with_the_role_but_no_roster_has_no_roster_item(client: Client) -> None:
    client.force_login(UserFactory(role=Role.PROGRAMME_OFFICER))
    assert menu_items(client) == set()


def test_the_api_documentation_is_linked_from_the_footer_for_everyone(client: Client) -> None:
    html = client.get("/").content.decode()
    footer = html[html.index("<footer") :]
    assert 'href="/api/docs/"' in footer
    assert "API" not in menu_items(client)
    assert ALL_ITEMS  # the menu's items, for the reader
