"""The application wizard: start (blank or from a self-assessment), each step saved, leave and come
back, the track chosen with the engine's eligibility in view, progress shown."""

import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.utils import translation

from apps.applicants.models import ApplicantProfile
from apps.cases.models import Case
from apps.cases.services import case_start
from tests.factories import (
    ApplicantProfileFactory,
    EducationFactory,
    EngineeringSchoolFactory,
    profile_form_data,
)

pytestmark = pytest.mark.django_db

SELF_ASSESSMENT = {
    "degree_level": "doctorate",
    "institution": "Seoul Institute of Technology",
    "experience_years": "10",
    "fortune_global_500_years": "3",
    "field": "ai",
    "publications_and_patents": "10",
    "led_project_years": "3",
    "offered_salary_krw": "150000000",
    "core_technology_role": "5",
    "transfer_plan": "4",
    "version": "2026-07",
}


@pytest.fixture
def school():
    return EngineeringSchoolFactory(name="Seoul Institute of Technology", name_ko="서울공과대학교", rank=26)


@pytest.fixture
def client_a(client, applicant_without_a_name):
    client.force_login(applicant_without_a_name)
    return client


@pytest.fixture
def draft(applicant_without_a_name):
    ApplicantProfileFactory(user=applicant_without_a_name)
    return case_start(applicant=applicant_without_a_name)


def step_url(case, step):
    return f"/apply/{case.reference}/{step}/"


def test_an_empty_list_points_to_the_self_assessment_first(client_a):
    response = client_a.get("/apply/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "You have no applications yet" in html
    assert 'href="/self-assessment/"' in html
    assert "Check your eligibility first" in html


def test_a_logged_out_visitor_goes_to_log_in_and_comes_back_with_the_answers(
    client, applicant_without_a_name, school
):
    start = f"/apply/start/?{urlencode(SELF_ASSESSMENT)}"
    response = client.get(start)
    assert response.status_code == 302
    login_url = response.url
    assert urlparse(login_url).path == "/accounts/login/"
    assert parse_qs(urlparse(login_url).query)["next"] == [start]
    login_page = client.get(login_url).content.decode()
    # allauth carries next= to the sign-up link too, so a new person comes back with the answers.
    assert "/accounts/signup/?next=" in login_page
    logged_in = client.post(
        login_url,
        {"login": applicant_without_a_name.email, "password": "a-long-test-password", "next": start},
    )
    assert logged_in.status_code == 302
    assert logged_in.url == start
    assert "Start my application with these answers" in client.get(start).content.decode()


def test_starting_from_a_self_assessment_prefills_the_profile(client_a, applicant_without_a_name, school):
    url = f"/apply/start/?{urlencode(SELF_ASSESSMENT)}"
    page = client_a.get(url)
    assert page.status_code == 200
    assert "Start my application with these answers" in page.content.decode()
    assert not Case.objects.exists()  # a GET never creates anything

    response = client_a.post(url)
    case = Case.objects.get(applicant=applicant_without_a_name)
    assert response.status_code == 302
    assert response.url == step_url(case, "profile")
    profile = ApplicantProfile.objects.get(user=applicant_without_a_name)
    assert profile.field == "ai"
    assert profile.publications_and_patents == 10
    assert profile.offered_salary_krw == 150_000_000
    assert profile.education.get().institution == "Seoul Institute of Technology"
    assert case.facts["institution_rank"] == 26
    assert case.facts["core_technology_role"] == 5  # kept from the self-assessment

    html = client_a.get(response.url).content.decode()
    assert 'value="Seoul Institute of Technology"' in html
    assert "Fortune Global 500 employer (from your self-assessment)" in html


def test_invalid_self_assessment_answers_are_explained_and_nothing_is_started(client_a):
    response = client_a.get("/apply/start/?degree_level=professor&experience_years=-3")
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be used" in html
    assert "Choose one of the options in the list." in html
    assert client_a.post("/apply/start/?degree_level=professor").status_code == 400
    assert not Case.objects.exists()


def test_a_blank_start_creates_a_draft_and_opens_the_profile_step(client_a, applicant_without_a_name):
    response = client_a.post("/apply/start/")
    case = Case.objects.get(applicant=applicant_without_a_name)
    assert response.url == step_url(case, "profile")
    assert case.status == "draft"


def test_the_profile_step_saves_and_continues_to_the_track(client_a, draft, school):
    data = profile_form_data(
        action="continue",
        nationality="Kenyan",
        education=[{"degree_level": "master", "institution": "서울공과대학교", "year": "2014"}],
        employment=[
            {"employer": "Acme Robotics", "years": "6.5", "relevant": "on", "fortune_global_500": "list"}
        ],
    )
    response = client_a.post(step_url(draft, "profile"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == step_url(draft, "track")
    draft.refresh_from_db()
    assert draft.facts["degree_level"] == "master"
    assert draft.facts["institution_rank"] == 26
    assert draft.facts["experience_years"] == "6.5"


def test_leaving_and_coming_back_loses_nothing(client_a, draft, school):
    data = profile_form_data(
        action="later",
        full_name="Ada Lovelace Kim",
        nationality="British",
        education=[
            {"degree_level": "doctorate", "institution": "Seoul Institute of Technology", "year": "2019"}
        ],
        employment=[
            {"employer": "Quantum Labs", "start_year": "2019", "relevant": "on", "fortune_global_500": "list"}
        ],
    )
    response = client_a.post(step_url(draft, "profile"), data, follow=True)
    assert response.redirect_chain[-1][0] == "/apply/"
    assert f"{draft.reference} is waiting for you" in response.content.decode()

    resumed = client_a.get(f"/apply/{draft.reference}/")
    assert resumed.url == step_url(draft, "track")  # the first step not done yet
    html = client_a.get(step_url(draft, "profile")).content.decode()
    for typed in ('value="Ada Lovelace Kim"', 'value="British"', 'value="Quantum Labs"', 'value="2019"'):
        assert typed in html

    client_a.post(
        step_url(draft, "track"), {"track": "quantitative", "government_programme": "", "action": "later"}
    )
    html = client_a.get(step_url(draft, "track")).content.decode()
    assert re.search(r'value="quantitative"\s+checked', html)


def test_bad_profile_input_is_explained_and_what_was_typed_is_kept(client_a, draft, school):
    data = profile_form_data(
        action="continue",
        full_name="",
        education=[{"degree_level": "master", "institution": "Nowhere University", "year": "1890"}],
        employment=[{"employer": "Acme", "relevant": "on", "fortune_global_500": "yes"}],
    )
    response = client_a.post(step_url(draft, "profile"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert "Enter your full name." in html
    assert "We could not find this university" in html
    assert "Enter a year from 1950" in html
    assert "Give the number of years, or the year you started." in html
    assert 'value="Nowhere University"' in html  # kept for correction
    assert 'href="#id_full_name"' in html
    assert not ApplicantProfile.objects.get(user=draft.applicant).education.exists()


def test_removing_a_degree_row(client_a, draft):
    row = EducationFactory(profile=draft.applicant.applicant_profile, degree_level="bachelor")
    data = profile_form_data(
        action="later",
        initial_education=1,
        education=[{"id": str(row.pk), "degree_level": "bachelor", "DELETE": "on"}],
    )
    assert client_a.post(step_url(draft, "profile"), data).status_code == 302
    assert not draft.applicant.applicant_profile.education.exists()


def test_the_track_step_shows_each_tracks_verdict_and_reasons(client_a, draft, school):
    profile = draft.applicant.applicant_profile
    EducationFactory(profile=profile, degree_level="doctorate", institution=school.name)
    profile.offered_salary_krw = 150_000_000
    profile.save()
    html = client_a.get(step_url(draft, "track")).content.decode()
    for code in ("quantitative", "qualitative", "government_programme"):
        assert f'data-track="{code}"' in html
        assert f'aria-describedby="track-{code}-verdict"' in html
    quantitative = html[html.index('data-track="quantitative"') : html.index('data-track="qualitative"')]
    assert "You appear to qualify" in quantitative
    assert "Eligible: at least one of" in quantitative  # the engine's reasons
    programme = html[html.index('data-track="government_programme"') :]
    assert "You do not appear to qualify yet" in programme
    assert "Not recruited through a recognised government programme." in programme


def test_the_government_programme_track_needs_the_programme(client_a, draft):
    response = client_a.post(
        step_url(draft, "track"), {"track": "government_programme", "action": "continue"}
    )
    assert response.status_code == 400
    assert "Choose the government programme that recruited you." in response.content.decode()
    draft.refresh_from_db()
    assert draft.track == ""
    response = client_a.post(
        step_url(draft, "track"),
        {"track": "government_programme", "government_programme": "KASA", "action": "continue"},
    )
    assert response.url == step_url(draft, "documents")
    draft.refresh_from_db()
    assert (draft.track, draft.facts["government_programme"]) == ("government_programme", "KASA")


def test_progress_marks_the_current_step_and_the_sponsorship_step_only_for_the_qualitative_track(
    client_a, draft
):
    html = client_a.get(step_url(draft, "documents")).content.decode()
    nav = html[html.index('class="ap-steps"') : html.index("</ol>", html.index('class="ap-steps"'))]
    assert nav.count("<li") == 4
    assert re.search(r'href="/apply/[^"]+/documents/"\s+aria-current="step"', nav)
    assert "Step 3 of 4: Documents" in html
    assert client_a.get(step_url(draft, "sponsorship")).url == f"/apply/{draft.reference}/"

    client_a.post(step_url(draft, "track"), {"track": "qualitative", "action": "continue"})
    html = client_a.get(step_url(draft, "sponsorship")).content.decode()
    assert "Step 4 of 5: Sponsorship" in html
    assert "No sponsorship has been sent to you yet." in html


def test_an_unknown_step_is_not_found(client_a, draft):
    assert client_a.get(step_url(draft, "payment")).status_code == 404


def test_the_pages_render_in_korean(client_a, draft):
    try:
        for step in ("profile", "track", "documents", "review"):
            response = client_a.get(step_url(draft, step), HTTP_ACCEPT_LANGUAGE="ko")
            assert response.status_code == 200
            assert '<html lang="ko">' in response.content.decode()
    finally:
        translation.activate("en")  # the middleware leaves the request's language active
