"""Who may open which roster page: the KASA officer, on KASA's roster only; everyone else gets 404."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from apps.accounts.roles import Role
from apps.programmes.models import RosterEntry
from tests.programmes.conftest import logged_in
from tests.programmes.factories import RosterEntryFactory, UserFactory

pytestmark = pytest.mark.django_db

OUTSIDERS = ["mohw_officer", "applicant", "employer", "reviewer", "anonymous"]


@pytest.fixture
def kasa_entry(kasa):
    return RosterEntryFactory(programme=kasa, passport_number="KA1234567")


@pytest.fixture
def mohw_entry(mohw):
    return RosterEntryFactory(programme=mohw, passport_number="MO1234567")


def kasa_urls(entry: RosterEntry) -> list[str]:
    base = "/programmes/KASA/roster/"
    return [base, f"{base}add/", f"{base}import/", f"{base}{entry.pk}/edit/", f"{base}{entry.pk}/delete/"]


def client_for(request: pytest.FixtureRequest, persona: str) -> Client:
    return logged_in(None if persona == "anonymous" else request.getfixturevalue(persona))


def test_the_kasa_officer_can_open_every_kasa_roster_page(officer_client, kasa_entry):
    for url in ["/programmes/", *kasa_urls(kasa_entry)]:
        assert officer_client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_everyone_else_gets_404_on_every_kasa_roster_page(request, persona, kasa_officer, kasa_entry):
    client = client_for(request, persona)
    for url in kasa_urls(kasa_entry):
        assert client.get(url).status_code == 404, (persona, "GET", url)
        post = {"full_name": "X", "email": "x@example.org", "passport_number": "X1234567"}
        assert client.post(url, post).status_code == 404, (persona, "POST", url)
    kasa_entry.refresh_from_db()  # still there, unchanged
    assert RosterEntry.objects.count() == 1


@pytest.mark.parametrize("persona", ["applicant", "employer", "reviewer", "anonymous"])
def test_the_programme_index_is_404_for_non_officers(request, persona):
    assert client_for(request, persona).get("/programmes/").status_code == 404


def test_the_index_lists_only_the_officers_own_programmes(mohw_officer, kasa_officer):
    html = logged_in(mohw_officer).get("/programmes/").content.decode()
    assert "/programmes/MOHW/roster/" in html
    assert "/programmes/KASA/roster/" not in html


def test_another_programmes_entry_addressed_through_kasa_urls_is_404(officer_client, mohw_entry):
    for url in [
        f"/programmes/KASA/roster/{mohw_entry.pk}/edit/",
        f"/programmes/KASA/roster/{mohw_entry.pk}/delete/",
    ]:
        assert officer_client.get(url).status_code == 404
        assert officer_client.post(url, {"full_name": "Changed"}).status_code == 404
    mohw_entry.refresh_from_db()
    assert mohw_entry.full_name != "Changed"


def test_the_officer_cannot_reach_the_other_programmes_roster(officer_client, mohw_entry):
    assert officer_client.get("/programmes/MOHW/roster/").status_code == 404
    assert officer_client.get(f"/programmes/MOHW/roster/{mohw_entry.pk}/edit/").status_code == 404


def test_an_unknown_programme_looks_the_same_as_a_forbidden_one(officer_client):
    unknown = officer_client.get("/programmes/NOPE/roster/")
    forbidden = officer_client.get("/programmes/MOHW/roster/")
    assert unknown.status_code == forbidden.status_code == 404


def test_taking_the_role_away_ends_access_even_with_the_membership(kasa_officer, officer_client):
    kasa_officer.groups.remove(Group.objects.get(name=Role.PROGRAMME_OFFICER.value))
    assert officer_client.get("/programmes/KASA/roster/").status_code == 404
    assert officer_client.get("/programmes/").status_code == 404


def test_the_role_without_a_membership_shows_an_empty_index_and_no_roster(kasa):
    client = logged_in(UserFactory(roles=[Role.PROGRAMME_OFFICER]))
    response = client.get("/programmes/")
    assert response.status_code == 200
    assert "You do not keep any programme" in response.content.decode()
    assert client.get("/programmes/KASA/roster/").status_code == 404


def test_a_superuser_is_not_let_into_a_roster(kasa, kasa_entry):
    admin = UserFactory(is_superuser=True, is_staff=True)
    client = logged_in(admin)
    assert client.get("/programmes/KASA/roster/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("kasa_officer", True), ("applicant", False), ("reviewer", False), ("anonymous", False)],
)
def test_the_navigation_link_is_shown_to_programme_officers_only(request, persona, shown):
    html = client_for(request, persona).get("/").content.decode()
    assert ('href="/programmes/"' in html) is shown


def test_every_form_needs_a_csrf_token(kasa_officer, kasa_entry):
    client = Client(enforce_csrf_checks=True)
    client.force_login(kasa_officer)
    for url in kasa_urls(kasa_entry)[1:]:
        assert client.post(url, {}).status_code == 403, url
        main = client.get(url).content.decode().split('<main id="main"')[1].split("</main>")[0]
        assert "csrfmiddlewaretoken" in main, url  # in the page's own form, not just the logout form
    assert RosterEntry.objects.filter(pk=kasa_entry.pk).exists()


@pytest.mark.parametrize(
    ("role", "membership", "has_role", "keeps_one"),
    [
        (True, True, True, True),
        (True, False, True, False),
        (False, True, False, False),
        (False, False, False, False),
    ],
)
def test_the_role_and_keeping_a_roster_are_two_questions(kasa, role, membership, has_role, keeps_one):
    """``has_programme_officer_role`` (the rule: the role alone, may open the index) and
    ``keeps_a_roster`` (the role and a programme: the menu link and the landing page) differ for a
    role without a programme."""
    from apps.programmes.models import ProgrammeOfficer
    from apps.programmes.rules import has_programme_officer_role
    from apps.programmes.selectors import keeps_a_roster

    user = UserFactory(roles=[Role.PROGRAMME_OFFICER] if role else [])
    if membership:
        ProgrammeOfficer.objects.create(user=user, programme=kasa)
    assert has_programme_officer_role(user) is has_role
    assert keeps_a_roster(user) is keeps_one
    menu = logged_in(user).get("/").content.decode()
    assert ('href="/programmes/"' in menu) is keeps_one
