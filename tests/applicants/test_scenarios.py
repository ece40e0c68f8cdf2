"""Saved scenarios (issue 13): a signed-in person keeps named sets of answers and compares them."""

from __future__ import annotations

import pytest
from django.test import Client

from apps.accounts.roles import Role
from apps.applicants.models import Scenario
from apps.applicants.self_assessment.scenarios import MAX_SCENARIOS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LIST = "/self-assessment/scenarios/"
OFFER_A = {
    "degree_level": "master",
    "experience_years": "6",
    "offered_salary_krw": "150000000",
    "field": "ai",
}
OFFER_B = {**OFFER_A, "offered_salary_krw": "60000000"}


@pytest.fixture
def person() -> Client:
    client = Client()
    client.force_login(UserFactory(role=Role.APPLICANT))
    return client


def test_the_result_offers_to_save_and_anonymous_people_are_asked_to_sign_in(person: Client) -> None:
    assert "Save scenario" in person.get("/self-assessment/", OFFER_A).content.decode()
    anonymous = Client().get("/self-assessment/", OFFER_A).content.decode()
    assert "to save these answers as a scenario" in anonymous
    assert Client().post(LIST, {**OFFER_A, "name": "A"}).status_code == 302  # to the sign-in page
    assert not Scenario.objects.exists()


def test_two_offers_saved_and_compared_side_by_side(person: Client) -> None:
    assert person.post(LIST, {**OFFER_A, "name": "Hanbit", "csrfmiddlewaretoken": "x"}).status_code == 302
    person.post(LIST, {**OFFER_B, "name": "Daehan"})
    listing = person.get(LIST).content.decode()
    assert "Hanbit" in listing
    assert "Daehan" in listing
    a, b = Scenario.objects.get(name="Hanbit"), Scenario.objects.get(name="Daehan")
    assert a.answers["offered_salary_krw"] == "150000000"
    assert "name" not in a.answers  # only the form's answers are kept

    page = person.get(f"{LIST}compare/", {"id": [a.pk, b.pk]}).content.decode()
    assert f'data-scenario="{a.pk}"' in page
    assert f'data-scenario="{b.pk}"' in page
    # The higher salary earns A3's top band; the lower one does not.
    col_a = page[page.index(f'data-scenario="{a.pk}"') : page.index(f'data-scenario="{b.pk}"')]
    col_b = page[page.index(f'data-scenario="{b.pk}"') :]
    assert "20 of 20" in col_a
    assert "20 of 20" not in col_b.split("A3", 1)[1][:400]


def test_the_same_name_replaces_and_a_blank_name_is_refused(person: Client) -> None:
    person.post(LIST, {**OFFER_A, "name": "Offer"})
    person.post(LIST, {**OFFER_B, "name": "Offer"})
    assert Scenario.objects.count() == 1
    assert Scenario.objects.get().answers["offered_salary_krw"] == "60000000"
    refused = person.post(LIST, {**OFFER_A, "name": "   "})
    assert refused.status_code == 400
    assert "Give the scenario a name" in refused.content.decode()


def test_someone_elses_scenario_is_neither_shown_nor_deleted(person: Client) -> None:
    other = UserFactory(role=Role.APPLICANT)
    theirs = Scenario.objects.create(user=other, name="Theirs", answers=OFFER_A)
    page = person.get(f"{LIST}compare/", {"id": [theirs.pk]}).content.decode()
    assert "Theirs" not in page
    assert person.post(f"{LIST}{theirs.pk}/delete/").status_code == 404
    assert Scenario.objects.filter(pk=theirs.pk).exists()


def test_there_is_a_limit_per_person(person: Client) -> None:
    for index in range(MAX_SCENARIOS):
        person.post(LIST, {**OFFER_A, "name": f"S{index}"})
    refused = person.post(LIST, {**OFFER_A, "name": "One more"})
    assert refused.status_code == 400
    assert Scenario.objects.count() == MAX_SCENARIOS
