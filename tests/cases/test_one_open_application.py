"""One open application per person (issue 12), enforced by the database as well as the service."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from apps.accounts.roles import Role
from apps.cases.models import Case, CaseStatus
from apps.cases.services import OpenApplicationExists, case_start, case_withdraw
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_second_open_application_is_refused_and_names_the_first() -> None:
    person = UserFactory(role=Role.APPLICANT)
    first = case_start(applicant=person)
    with pytest.raises(OpenApplicationExists) as refused:
        case_start(applicant=person)
    assert refused.value.case == first
    assert first.reference in refused.value.messages[0]


def test_the_database_refuses_it_even_past_the_service() -> None:
    person = UserFactory(role=Role.APPLICANT)
    CaseFactory(applicant=person, status=CaseStatus.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(applicant=person, status=CaseStatus.DRAFT)


def test_after_a_withdrawal_or_a_decision_a_new_one_may_start() -> None:
    person = UserFactory(role=Role.APPLICANT)
    first = case_start(applicant=person)
    case_withdraw(case=first, by=person)
    second = case_start(applicant=person)
    assert second != first
    Case.objects.filter(pk=second.pk).update(
        status=CaseStatus.REJECTED, submitted_at=timezone.now()
    )  # decided
    assert case_start(applicant=person).status == CaseStatus.DRAFT


def test_start_a_new_application_leads_to_the_open_one() -> None:
    person = UserFactory(role=Role.APPLICANT)
    open_case = case_start(applicant=person)
    client = Client()
    client.force_login(person)
    response = client.get("/apply/start/", follow=True)
    assert response.redirect_chain[0][0].startswith(f"/apply/{open_case.reference}/")
    assert "You already have an open application" in response.content.decode()
    assert Case.objects.filter(applicant=person).count() == 1
