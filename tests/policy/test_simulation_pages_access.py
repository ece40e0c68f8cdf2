"""The permission matrix for every URL of the "policy_simulations" namespace: 404 for every other
role (with a second factor, without one, anonymous), by GET and by POST; a policy administrator
without a second factor is sent to set one up; with one, the page answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from apps.accounts.roles import Role
from apps.policy.models import SimulationRun, SimulationStatus
from tests.factories import UserFactory
from tests.ministry import policy_administrator, sign_in
from tests.policy.helpers import top_200_document

pytestmark = pytest.mark.django_db
NAMESPACE = "policy_simulations"
OTHER_ROLES = [Role.APPLICANT, Role.EMPLOYER, Role.REVIEWER, Role.SUPERVISOR, Role.PROGRAMME_OFFICER]


def names() -> list[str]:
    resolver = get_resolver()
    _prefix, inner = resolver.namespace_dict[NAMESPACE]
    return sorted({p.name for p in inner.url_patterns if isinstance(p, URLPattern) and p.name})


NAMES = names()


def test_the_namespace_has_the_five_pages() -> None:
    assert NAMES == ["csv", "detail", "list", "progress", "start"]


def url(name: str, run: SimulationRun) -> str:
    return reverse(
        f"{NAMESPACE}:{name}", kwargs={"pk": run.pk} if name in ("csv", "detail", "progress") else {}
    )


@pytest.fixture
def run() -> SimulationRun:
    return SimulationRun.objects.create(
        draft_code="2027-03-top-200", draft=top_200_document(), base_code="2026-07",
        submitted_from=dt.date(2026, 9, 1), submitted_to=dt.date(2026, 9, 30),
        status=SimulationStatus.FINISHED, result={"cases": 0, "tracks": {}, "criteria": {}},
    )  # fmt: skip


def fetch(client: Client, method: str, address: str) -> Any:
    return client.get(address) if method == "get" else client.post(address, {})


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", OTHER_ROLES)
@pytest.mark.parametrize("two_factor", [True, False])
def test_every_other_role_gets_404(
    client: Client, run: SimulationRun, name: str, method: str, role: Role, two_factor: bool
) -> None:
    sign_in(client, UserFactory(role=role), two_factor=two_factor)
    assert fetch(client, method, url(name, run)).status_code == 404


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_and_staff_users_without_the_role_get_404(
    client: Client, run: SimulationRun, name: str, method: str
) -> None:
    assert fetch(client, method, url(name, run)).status_code == 404
    sign_in(client, UserFactory(is_staff=True, is_superuser=True))
    assert fetch(client, method, url(name, run)).status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_a_policy_administrator_without_a_second_factor_is_sent_to_set_one_up(
    client: Client, run: SimulationRun, name: str
) -> None:
    sign_in(client, policy_administrator(), two_factor=False)
    response = client.get(url(name, run))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/")


@pytest.mark.parametrize("name", NAMES)
def test_a_policy_administrator_with_a_second_factor_gets_the_page(
    client: Client, run: SimulationRun, name: str
) -> None:
    sign_in(client, policy_administrator())
    response = client.get(url(name, run))
    expected = 204 if name == "progress" else 200  # a finished run: the page reloads itself
    assert response.status_code == expected


def test_a_run_that_does_not_exist_is_404_for_the_policy_administrator_too(client: Client) -> None:
    sign_in(client, policy_administrator())
    assert client.get(reverse(f"{NAMESPACE}:detail", kwargs={"pk": 999_999})).status_code == 404
