"""The permission matrix for every URL of the "policy_reference" namespace, by GET and by POST.

The URLs are read from the resolver, so a page added later is checked without anyone listing it:
anonymous visitors and every role but the policy administrator get 404; a policy administrator
without a second factor in this session is sent to set it up (302); with it, the page answers. Each
view must be wrapped by ``apps.policy.access.policy_administrator_required``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.policy import access
from apps.policy.reference.services import upload_store
from tests.factories import UserFactory
from tests.ministry import policy_administrator, sign_in

pytestmark = pytest.mark.django_db

NAMESPACE = "policy_reference"


def reference_urls() -> list[URLPattern]:
    found: list[URLPattern] = []
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == NAMESPACE:
            found.extend(p for p in pattern.url_patterns if isinstance(p, URLPattern))
    return found


URLS = reference_urls()
_GUARD = access.policy_administrator_required(lambda request: None).__code__


def guarded(callback: Callable[..., Any]) -> bool:
    func: Any = callback
    while func is not None:
        if getattr(func, "__code__", None) is _GUARD:
            return True
        func = getattr(func, "__wrapped__", None)
    return False


def url_for(pattern: URLPattern, admin: User) -> str:
    kwargs: dict[str, Any] = {}
    if "kind" in pattern.pattern.converters:
        kwargs["kind"] = "schools"
    if "upload_id" in pattern.pattern.converters:
        stored, errors = upload_store(
            kind="schools", text="name,rank\nKAIST,26\n", file_name="a.csv", replace=False, by=admin
        )
        assert stored is not None, errors
        kwargs["upload_id"] = stored.pk
    return reverse(f"{NAMESPACE}:{pattern.name}", kwargs=kwargs)


def test_the_matrix_sees_every_page() -> None:
    assert {p.name for p in URLS} >= {"index", "browse", "template", "upload", "preview", "history"}


@pytest.mark.parametrize("pattern", URLS, ids=lambda p: p.name)
def test_every_view_is_behind_the_policy_guard(pattern: URLPattern) -> None:
    assert guarded(pattern.callback), f"{pattern.name} is not wrapped by policy_administrator_required"


OTHERS = [Role.APPLICANT, Role.EMPLOYER, Role.REVIEWER, Role.SUPERVISOR, Role.PROGRAMME_OFFICER]


@pytest.mark.parametrize("pattern", URLS, ids=lambda p: p.name)
def test_everyone_else_gets_404_and_the_administrator_needs_a_second_factor(pattern: URLPattern) -> None:
    admin = policy_administrator()
    url = url_for(pattern, admin)
    for method in ("get", "post"):
        assert getattr(Client(), method)(url).status_code == 404, f"anonymous {method} {url}"
        for role in OTHERS:
            client = sign_in(Client(), UserFactory(role=role))
            assert getattr(client, method)(url).status_code == 404, f"{role} {method} {url}"
        halfway = sign_in(Client(), admin, two_factor=False)
        response = getattr(halfway, method)(url)
        assert response.status_code == 302, f"no second factor {method} {url}"
        assert response["Location"].startswith("/accounts/")
    assert sign_in(Client(), admin).get(url).status_code == 200
