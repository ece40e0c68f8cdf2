"""Personas for the roster tests: two officers (KASA, MOHW); the applicant, employer and reviewer
personas are the shared ones (tests/conftest.py), and anonymous visitors an unauthenticated client."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.models import User
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


def logged_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def officer_client(kasa_officer: User) -> Client:
    return logged_in(kasa_officer)
