"""Factories for the roster tests: users with roles, officers, roster entries."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from apps.accounts.models import User
from apps.accounts.services import user_grant_role
from apps.programmes.models import ProgrammeOfficer, RosterEntry
from apps.programmes.passports import passport_hash, passport_hint
from apps.rubric.models import GovernmentProgramme

TEST_PASSWORD = "a-long-test-password"


def programme(code: str) -> GovernmentProgramme:
    """MOHW and KASA are seeded by the rubric migration."""
    return GovernmentProgramme.objects.get(code=code)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        for role in extracted or ():
            user_grant_role(user=self, role=role)


class ProgrammeOfficerFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeOfficer

    user = factory.SubFactory(UserFactory)
    programme = factory.LazyFunction(lambda: programme("KASA"))


class RosterEntryFactory(DjangoModelFactory):
    """``RosterEntryFactory(passport_number="M1234567")``: the number is hashed, never stored."""

    class Meta:
        model = RosterEntry

    class Params:
        passport_number = factory.Sequence(lambda n: f"P{n:08d}")

    programme = factory.LazyFunction(lambda: programme("KASA"))
    full_name = factory.Sequence(lambda n: f"Scholar {n:03d}")
    email = factory.Sequence(lambda n: f"scholar{n}@example.org")
    passport_hash = factory.LazyAttribute(lambda o: passport_hash(o.passport_number))
    passport_hint = factory.LazyAttribute(lambda o: passport_hint(o.passport_number))
    nationality = "France"
    position = "Research fellow"
    host_institution = "Korea Aerospace Research Institute"
