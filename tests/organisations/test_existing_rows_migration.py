"""Migration organisations 0003 (decision 44): existing organisations count as verified, from their
creation, by nobody in particular; every existing membership gets its open period."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from apps.organisations.models import MembershipPeriod, Organisation
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("apps.organisations.migrations.0003_existing_organisations_verified")


def test_existing_rows_are_verified_and_memberships_get_history():
    old = OrganisationFactory()
    membership = MembershipFactory(organisation=old)
    assert not old.is_verified
    assert not MembershipPeriod.objects.exists()

    migration.forwards(apps, None)

    old.refresh_from_db()
    assert old.verified_at == old.created_at
    assert old.verified_by is None
    period = MembershipPeriod.objects.get()
    assert (period.organisation, period.user, period.role) == (old, membership.user, membership.role)
    assert period.started_at == membership.joined_at
    assert period.ended_at is None
    assert Organisation.objects.filter(verified_at__isnull=True).count() == 0
