"""The profile -> answers derivation (``apps.applicants.services.profile_answers``) and the profile
services: highest degree, summed years, Fortune Global 500 years from the reference list."""

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from apps.applicants.models import Employment
from apps.applicants.services import (
    FG500_FROM_LIST,
    FG500_NO,
    FG500_YES,
    application_start,
    profile_answers,
    profile_for,
    profile_prefill,
    profile_save,
)
from apps.rubric.answers import profile_from_answers
from apps.rubric.selectors import scorer_for
from tests.factories import (
    ApplicantProfileFactory,
    EducationFactory,
    EmploymentFactory,
    EngineeringSchoolFactory,
    FortuneCompanyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile():
    return ApplicantProfileFactory()


@pytest.fixture
def schools():
    return {
        "top": EngineeringSchoolFactory(
            name="Seoul Institute of Technology", name_ko="서울공과대학교", rank=26
        ),
        "mid": EngineeringSchoolFactory(name="Busan Polytechnic University", rank=150),
        "unranked": EngineeringSchoolFactory(name="Jeju College of Engineering", rank=None),
    }


def test_an_empty_profile_answers_no_degree_and_zero_years(profile):
    answers = profile_answers(profile)
    assert answers["degree_level"] == "none"
    assert answers["institution"] == ""
    assert answers["institution_rank"] is None
    assert answers["experience_years"] == Decimal(0)
    assert answers["fortune_global_500_years"] == Decimal(0)
    assert answers["field"] == "ai"
    profile_from_answers(answers, scorer_for())  # the scorer accepts the shape as it is


def test_the_highest_degree_counts_with_its_institutions_rank(profile, schools):
    EducationFactory(profile=profile, degree_level="bachelor", institution=schools["top"].name, year=2008)
    EducationFactory(profile=profile, degree_level="doctorate", institution=schools["mid"].name, year=2016)
    EducationFactory(profile=profile, degree_level="master", institution=schools["top"].name, year=2011)
    answers = profile_answers(profile)
    assert answers["degree_level"] == "doctorate"
    assert answers["institution"] == "Busan Polytechnic University"
    assert answers["institution_rank"] == 150


def test_between_two_degrees_of_the_same_level_the_better_ranked_institution_counts(profile, schools):
    EducationFactory(profile=profile, degree_level="master", institution=schools["mid"].name)
    EducationFactory(profile=profile, degree_level="master", institution=schools["top"].name)
    EducationFactory(profile=profile, degree_level="master", institution="")
    assert profile_answers(profile)["institution_rank"] == 26


def test_the_rank_is_the_reference_lists_today_and_an_unlisted_name_counts_as_unranked(profile, schools):
    EducationFactory(
        profile=profile, degree_level="master", institution=schools["top"].name, institution_rank=26
    )
    schools["top"].rank = 90
    schools["top"].save()
    assert profile_answers(profile)["institution_rank"] == 90
    schools["top"].delete()
    answers = profile_answers(profile)
    assert (answers["institution"], answers["institution_rank"]) == ("", None)
    profile_from_answers(answers, scorer_for())  # never an institution the scorer cannot look up


def test_experience_is_the_sum_of_relevant_jobs_in_exact_decimals(profile):
    EmploymentFactory(profile=profile, years=Decimal("2.25"))
    EmploymentFactory(profile=profile, years=Decimal("0.1"))
    EmploymentFactory(profile=profile, years=Decimal("0.2"))
    EmploymentFactory(profile=profile, years=Decimal("5"), relevant=False)
    answers = profile_answers(profile)
    assert answers["experience_years"] == Decimal("2.55")  # not 2.5500000000000003


@time_machine.travel("2026-09-01 12:00 +09:00", tick=False)
def test_start_and_end_years_count_whole_years_and_an_open_job_runs_to_this_year(profile):
    EmploymentFactory(profile=profile, years=None, start_year=2015, end_year=2019)
    EmploymentFactory(profile=profile, years=None, start_year=2022, end_year=None)
    assert profile_answers(profile)["experience_years"] == Decimal(8)


def test_fortune_global_500_years_come_from_employers_the_reference_list_names(profile):
    company = FortuneCompanyFactory(name="Samsung Electronics", name_ko="삼성전자")
    profile_save(
        user=profile.user,
        data={},
        employment=[
            {
                "id": None,
                "delete": False,
                "employer": "samsung electronics",
                "years": Decimal("3.5"),
                "relevant": True,
                "fortune_global_500": FG500_FROM_LIST,
            },
            {
                "id": None,
                "delete": False,
                "employer": "삼성전자",
                "years": Decimal("1"),
                "relevant": False,
                "fortune_global_500": FG500_FROM_LIST,
            },
            {
                "id": None,
                "delete": False,
                "employer": "Small Lab Ltd",
                "years": Decimal("4"),
                "relevant": True,
                "fortune_global_500": FG500_FROM_LIST,
            },
        ],
    )
    rows = {row.employer: row for row in Employment.objects.all()}
    assert rows["samsung electronics"].fortune_global_500_listed is True
    assert rows["삼성전자"].is_fortune_global_500 is True
    assert rows["Small Lab Ltd"].is_fortune_global_500 is False
    answers = profile_answers(profile_for(profile.user))
    assert answers["fortune_global_500_years"] == Decimal("4.5")  # relevant or not
    assert answers["experience_years"] == Decimal("7.5")  # relevant only
    assert company.pk


def test_overriding_the_list_needs_a_note(profile):
    FortuneCompanyFactory(name="Listed Corp")
    row = {
        "id": None,
        "delete": False,
        "employer": "Subsidiary GmbH",
        "years": Decimal(2),
        "relevant": True,
        "fortune_global_500": FG500_YES,
        "fortune_global_500_note": "",
    }
    with pytest.raises(ValidationError):
        profile_save(user=profile.user, data={}, employment=[row])
    assert not Employment.objects.exists()
    profile_save(
        user=profile.user, data={}, employment=[{**row, "fortune_global_500_note": "Part of Listed Corp"}]
    )
    saved = Employment.objects.get()
    assert (saved.fortune_global_500_listed, saved.is_fortune_global_500) == (False, True)
    assert saved.fortune_global_500_note == "Part of Listed Corp"
    not_counted = {
        **row,
        "employer": "Listed Corp",
        "fortune_global_500": FG500_NO,
        "fortune_global_500_note": "Only its Korean joint venture employed me",
    }
    profile_save(user=profile.user, data={}, employment=[not_counted])
    assert profile_answers(profile_for(profile.user))["fortune_global_500_years"] == Decimal(2)


def test_rows_are_edited_and_removed_by_id_and_another_profiles_row_is_never_touched(profile, schools):
    mine = EducationFactory(profile=profile, degree_level="bachelor")
    theirs = EducationFactory(degree_level="doctorate")
    profile_save(
        user=profile.user,
        data={},
        education=[
            {
                "id": mine.pk,
                "delete": False,
                "degree_level": "master",
                "institution": "서울공과대학교",
                "field_of_study": "EE",
                "year": 2012,
            },
            {"id": theirs.pk, "delete": True},
        ],
    )
    mine.refresh_from_db()
    assert (mine.degree_level, mine.institution, mine.institution_rank) == ("master", schools["top"].name, 26)
    theirs.refresh_from_db()
    assert theirs.degree_level == "doctorate"
    profile_save(user=profile.user, data={}, education=[{"id": mine.pk, "delete": True}])
    assert not profile.education.exists()


def test_prefill_from_a_self_assessment_fills_only_what_is_empty(schools):
    profile = ApplicantProfileFactory(field="", offered_salary_krw=120_000_000)
    answers = {
        "degree_level": "doctorate",
        "institution": "Seoul Institute of Technology",
        "institution_rank": None,
        "experience_years": Decimal("10"),
        "fortune_global_500_years": Decimal("3"),
        "offered_salary_krw": 150_000_000,
        "field": "semiconductors",
        "publications_and_patents": 12,
        "led_project_years": Decimal("3"),
        "international_award": False,
    }
    profile_prefill(user=profile.user, answers=answers)
    profile.refresh_from_db()
    assert profile.offered_salary_krw == 120_000_000  # already there: kept
    assert profile.field == "semiconductors"
    assert profile.publications_and_patents == 12
    derived = profile_answers(profile)
    assert derived["degree_level"] == "doctorate"
    assert derived["institution_rank"] == 26
    assert derived["experience_years"] == Decimal(10)
    assert derived["fortune_global_500_years"] == Decimal(3)
    # A second prefill with other answers changes nothing that is now filled in.
    profile_prefill(user=profile.user, answers={**answers, "degree_level": "bachelor", "experience_years": 1})
    assert profile_answers(profile_for(profile.user))["experience_years"] == Decimal(10)
    assert profile.education.count() == 1


def test_application_start_keeps_answers_a_profile_does_not_hold(profile):
    case = application_start(
        user=profile.user,
        answers={
            "degree_level": "master",
            "institution_rank": 40,
            "experience_years": Decimal("6"),
            "core_technology_role": 4,
            "government_programme": "KASA",
        },
    )
    assert case.facts["degree_level"] == "master"
    assert case.facts["institution_rank"] == 40  # a rank stated without a name is kept as a claim
    assert case.facts["experience_years"] == "6"
    assert case.facts["core_technology_role"] == 4
    assert case.facts["government_programme"] == "KASA"
    assert list(case.events.values_list("kind", flat=True)) == ["created"]


@pytest.mark.django_db
def test_the_degree_the_rubric_values_most_counts_not_simply_the_highest():
    """A master's from a top-100 school (20 points, and the quantitative track) beats a doctorate from
    an unlisted school (15 points)."""
    from apps.applicants.services import profile_answers
    from tests.factories import ApplicantProfileFactory, EducationFactory

    profile = ApplicantProfileFactory()
    EducationFactory(profile=profile, degree_level="doctorate", institution="", institution_rank=None)
    EducationFactory(profile=profile, degree_level="master", institution="", institution_rank=40)
    answers = profile_answers(profile)
    assert (answers["degree_level"], answers["institution_rank"]) == ("master", 40)
