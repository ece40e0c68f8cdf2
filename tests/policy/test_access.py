"""The policy pages' guard: policy administrators with a second factor; 404 for every other role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.roles import Role
from tests.factories import UserFactory
from tests.ministry import policy_administrator, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role", [Role.APPLICANT, Role.EMPLOYER, Role.REVIEWER, Role.SUPERVISOR, Role.PROGRAMME_OFFICER]
)
def test_every_other_role_gets_404_even_with_a_second_factor(client: Client, role: Role) -> None:
    sign_in(client, UserFactory(role=role))
    assert client.get(reverse("policy:home")).status_code == 404


def test_anonymous_visitors_get_404(client: Client) -> None:
    assert client.get(reverse("policy:home")).status_code == 404


def test_a_policy_administrator_without_a_second_factor_is_sent_to_set_one_up(client: Client) -> None:
    sign_in(client, policy_administrator(), two_factor=False)
    response = client.get(reverse("policy:home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/")


def test_a_policy_administrator_with_a_second_factor_sees_the_home_and_its_menu_link(client: Client) -> None:
    sign_in(client, policy_administrator())
    response = client.get(reverse("policy:home"))
    assert response.status_code == 200
    assert f'href="{reverse("policy:home")}"' in response.content.decode()
