"""The profile page (/apply/profile/): rows added, edited and removed; the Fortune Global 500 flag
from the reference list, shown and overridable with a note; drafts follow the profile."""

from decimal import Decimal

import pytest

from apps.applicants.models import ApplicantProfile, Employment
from apps.cases.services import case_start, case_submit, case_withdraw
from tests.factories import (
    FULL_ANSWERS,
    ApplicantProfileFactory,
    EmploymentFactory,
    EngineeringSchoolFactory,
    FortuneCompanyFactory,
    profile_form_data,
    upload_documents,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(client, applicant_named_ada_kim):
    client.force_login(applicant_named_ada_kim)
    return client


def test_the_page_groups_questions_with_legends_and_labels_every_field(client_a):
    response = client_a.get("/apply/profile/")
    assert response.status_code == 200
    html = response.content.decode()
    for legend in (
        "About you",
        "Your expertise",
        "Your education",
        "Your employment",
        "Add a degree",
        "Add a job",
    ):
        assert f"{legend}</legend>" in html or f">{legend}" in html
    for field_id in (
        "id_full_name",
        "id_nationality",
        "id_field",
        "id_education-0-degree_level",
        "id_education-0-institution",
        "id_employment-0-employer",
        "id_employment-0-years",
    ):
        assert f'for="{field_id}"' in html
    assert 'value="Ada Kim"' in html  # the account's name to start with
    assert ApplicantProfile.objects.filter(user__full_name="Ada Kim").exists()


def test_saving_adds_rows_and_shows_what_counts(client_a, applicant_named_ada_kim):
    EngineeringSchoolFactory(name="KAIST Demo Institute", rank=40)
    FortuneCompanyFactory(name="Hyundai Demo Motor")
    data = profile_form_data(
        education=[{"degree_level": "master", "institution": "KAIST Demo Institute", "year": "2012"}],
        employment=[
            {"employer": "Hyundai Demo Motor", "years": "4", "relevant": "on", "fortune_global_500": "list"},
            {"employer": "Startup", "start_year": "2010", "end_year": "2012", "fortune_global_500": "list"},
        ],
    )
    response = client_a.post("/apply/profile/", data, follow=True)
    html = response.content.decode()
    assert "Your profile has been saved." in html
    assert "This employer is on the Fortune Global 500 list." in html
    assert "Counted as a Fortune Global 500 company." in html
    assert "This employer is not on the Fortune Global 500 list." in html
    derived = html[html.index('id="derived-heading"') :]
    assert "Master's degree, KAIST Demo Institute (rank 40)" in derived
    assert '<dd class="col-sm-6">4</dd>' in derived  # relevant years: the startup's box was unticked
    assert "Rank 40 in the list of engineering schools." in html
    profile = ApplicantProfile.objects.get(user=applicant_named_ada_kim)
    startup = profile.employment.get(employer="Startup")
    assert startup.relevant is False  # the box was left unticked
    assert html.count("Add a job") == 1  # one new empty row again


def test_counting_an_unlisted_employer_needs_a_note_and_keeps_what_was_typed(
    client_a, applicant_named_ada_kim
):
    data = profile_form_data(
        employment=[
            {
                "employer": "Samsung Demo Subsidiary",
                "years": "3",
                "relevant": "on",
                "fortune_global_500": "yes",
                "fortune_global_500_note": "",
            }
        ],
    )
    response = client_a.post("/apply/profile/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Explain why this employer should count differently" in html
    assert 'href="#id_employment-0-fortune_global_500_note"' in html
    assert 'value="Samsung Demo Subsidiary"' in html
    assert not Employment.objects.exists()

    data["employment-0-fortune_global_500_note"] = "A wholly owned subsidiary of a listed company"
    response = client_a.post("/apply/profile/", data, follow=True)
    html = response.content.decode()
    assert "Counted as a Fortune Global 500 company." in html
    assert "Your note: “A wholly owned subsidiary of a listed company”" in html
    row = Employment.objects.get()
    assert (row.fortune_global_500_listed, row.is_fortune_global_500) == (False, True)


def test_editing_and_removing_rows(client_a, applicant_named_ada_kim):
    profile = ApplicantProfileFactory(user=applicant_named_ada_kim)
    keep = EmploymentFactory(profile=profile, employer="Keep Co", years=2)
    drop = EmploymentFactory(profile=profile, employer="Drop Co", years=1)
    data = profile_form_data(
        initial_employment=2,
        employment=[
            {
                "id": str(keep.pk),
                "employer": "Keep Co Ltd",
                "years": "2.5",
                "relevant": "on",
                "fortune_global_500": "list",
            },
            {
                "id": str(drop.pk),
                "employer": "Drop Co",
                "years": "1",
                "relevant": "on",
                "fortune_global_500": "list",
                "DELETE": "on",
            },
        ],
    )
    assert client_a.post("/apply/profile/", data).status_code == 302
    assert list(profile.employment.values_list("employer", "years")) == [("Keep Co Ltd", Decimal("2.50"))]


def test_drafts_follow_the_profile_but_a_submitted_case_keeps_its_facts(client_a, applicant_named_ada_kim):
    ApplicantProfileFactory(user=applicant_named_ada_kim)
    submitted = case_start(applicant=applicant_named_ada_kim, answers=FULL_ANSWERS, track="quantitative")
    upload_documents(submitted, applicant_named_ada_kim)
    case_submit(case=submitted, by=applicant_named_ada_kim)
    case_withdraw(case=submitted, by=applicant_named_ada_kim)  # one open application at a time
    draft = case_start(applicant=applicant_named_ada_kim, track="quantitative")
    data = profile_form_data(
        employment=[{"employer": "Acme", "years": "7", "relevant": "on", "fortune_global_500": "list"}]
    )
    assert client_a.post("/apply/profile/", data).status_code == 302
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert draft.facts["experience_years"] == "7"
    assert submitted.facts["experience_years"] == "10"
