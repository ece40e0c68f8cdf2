"""The one private allauth function this project uses is isolated in apps.accounts.allauth_private
(decision 20): these tests fail loudly if allauth moves or changes it, and if another module starts
importing allauth's ``internal`` modules."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from apps.accounts import allauth_private
from apps.accounts.mfa import record_totp_activation, two_factor_satisfied
from apps.accounts.totp import add_totp_authenticator, new_secret
from tests.ministry import reviewer

ALLOWED = {"apps/accounts/allauth_private.py"}


def allauth_internal_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found += [name for name in names if name.startswith("allauth.") and ".internal" in name]
    return found


def test_allauths_record_authentication_is_where_and_as_the_adapter_expects():
    from allauth.account.internal.flows.login import record_authentication  # the private import

    parameters = inspect.signature(record_authentication).parameters
    assert list(parameters)[:3] == ["request", "user", "method"]
    assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())


@pytest.mark.django_db
def test_a_recorded_second_factor_is_read_back_by_allauths_public_records():
    from allauth.account.authentication import get_authentication_records

    person = reviewer()
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = person
    assert not two_factor_satisfied(request, person)
    authenticator = add_totp_authenticator(person, new_secret())
    record_totp_activation(request, person, authenticator)
    records = get_authentication_records(request, person)
    assert records[-1]["method"] == "mfa"
    assert (records[-1]["id"], records[-1]["type"], records[-1]["activated"]) == (
        authenticator.pk,
        "totp",
        True,
    )
    assert two_factor_satisfied(request, person)
    assert not two_factor_satisfied(request, reviewer())  # the log belongs to the person it recorded


def test_no_other_module_imports_allauths_internal_modules():
    root = Path(settings.BASE_DIR)
    offenders = {
        str(path.relative_to(root)): imports
        for path in sorted((root / "apps").rglob("*.py"))
        if (imports := allauth_internal_imports(path)) and str(path.relative_to(root)) not in ALLOWED
    }
    assert offenders == {}
    assert allauth_internal_imports(Path(allauth_private.__file__)) == [
        "allauth.account.internal.flows.login",
        "allauth.account.internal.flows.login.record_authentication",
    ]
