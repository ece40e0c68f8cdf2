"""Personas for the roster tests: two officers (KASA, MOHW), an applicant, an employer member, a
reviewer, and anonymous visitors (an unauthenticated client)."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.programmes.services import programme_officer_appoint
from apps.rubric.models import GovernmentProgramme
from tests.programmes.factories import UserFactory, programme


@pytest.fixture
def kasa(db: None) -> GovernmentProgramme:
    return programme("KASA")


@pytest.fixture
def mohw(db: None) -> GovernmentProgramme:
    return programme("MOHW")


@pytest.fixture
def kasa_officer(kasa: GovernmentProgramme) -> User:
    user = UserFactory(email="kasa.officer@example.org")
    programme_officer_appoint(user=user, programme=kasa)
    return user


@pytest.fixture
def mohw_officer(mohw: GovernmentProgramme) -> User:
    user = UserFactory(email="mohw.officer@example.org")
    programme_officer_appoint(user=user, programme=mohw)
    return user


@pytest.fixture
def applicant(db: None) -> User:
    return UserFactory(email="applicant@example.org", roles=[Role.APPLICANT])


@pytest.fixture
def employer(db: None) -> User:
    return UserFactory(email="employer@example.org", roles=[Role.EMPLOYER])


@pytest.fixture
def reviewer(db: None) -> User:
    return UserFactory(email="reviewer@example.org", roles=[Role.REVIEWER])


def logged_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def officer_client(kasa_officer: User) -> Client:
    return logged_in(kasa_officer)
