"""The public self-assessment pages: form, result, htmx what-if, versions side by side.

Expected scores are worked out by hand from policy.md section 3 (rubric version 2026-07, per-capita GNI
2024 = 49,955,000 KRW), not copied from the engine.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import pytest
import time_machine
from django.urls import reverse

from apps.rubric.models import EngineeringSchool

pytestmark = pytest.mark.django_db

URL = "/self-assessment/"
COMPARE_URL = "/self-assessment/compare/"


@pytest.fixture
def schools() -> None:
    EngineeringSchool.objects.create(name="Seoul Institute of Technology", name_ko="서울공과대학교", rank=26)
    EngineeringSchool.objects.create(name="Busan Polytechnic University", name_ko="부산공업대학교", rank=150)
    EngineeringSchool.objects.create(name="Unranked College of Engineering", rank=None)


def strong_profile(**overrides: Any) -> dict[str, Any]:
    """policy.md: doctorate top-100, 10 years, 3 years FG500, 150,000,000 KRW, AI, 10 outputs, led 3 years,
    SME claimed, ratings 5 / hard to fill / 5."""
    answers: dict[str, Any] = {
        "degree_level": "doctorate",
        "institution": "Seoul Institute of Technology",
        "experience_years": "10",
        "fortune_global_500_years": "3",
        "offered_salary_krw": "150000000",
        "field": "ai",
        "publications_and_patents": "10",
        "led_project_years": "3",
        "sponsor_is_sme": "on",
        "core_technology_role": "5",
        "hard_to_fill": "on",
        "transfer_plan": "5",
        "government_programme": "",
        "version": "2026-07",
    }
    answers.update(overrides)
    return answers


def pass_mark_profile(**overrides: Any) -> dict[str, Any]:
    """Exactly 70 under 2026-07:
    A1 master's, rank 150 (101-200)            15
    A2 8 years (10), 1 year FG500 (no bonus)   10
    A3 124,887,500 KRW = exactly 2.5 x GNI     16
    B1 robotics 5 + 5 outputs 6 + led 1 year 4 15
    B2 role 4 + hard to fill 5 + plan 5        14
    no SME bonus                               70
    """
    answers: dict[str, Any] = {
        "degree_level": "master",
        "institution": "Busan Polytechnic University",
        "experience_years": "8",
        "fortune_global_500_years": "1",
        "offered_salary_krw": "124887500",
        "field": "robotics",
        "publications_and_patents": "5",
        "led_project_years": "1",
        "core_technology_role": "4",
        "hard_to_fill": "on",
        "transfer_plan": "5",
        "version": "2026-07",
    }
    answers.update(overrides)
    return answers


def get(client, url: str = URL, answers: dict[str, Any] | None = None, **kwargs: Any):
    query = f"?{urlencode(answers)}" if answers else ""
    return client.get(url + query, **kwargs)


def points_by_criterion(response) -> dict[str, int]:
    return {c.code: c.points for c in response.context["outcome"].result.criteria}


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def selected_option(html: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert select, name
    option = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
    return option.group(1) if option else None


# --- the pages ------------------------------------------------------------------------------------


def test_home_introduces_the_programme_and_links_to_the_self_assessment(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "K-Tech Pass" in html
    assert f'href="{reverse("self_assessment")}"' in html
    assert "50% income-tax reduction" in html


def test_empty_page_shows_the_form_and_no_result(client, schools):
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "outcome" not in response.context
    assert '<form id="self-assessment-form"' in html
    assert 'method="get"' in html
    assert 'aria-live="polite"' in html
    assert 'role="progressbar"' not in html
    assert "errorlist" not in html
    assert "invalid-feedback" not in html
    # Every question of the API is on the form, under its API name.
    for name in (
        "degree_level",
        "institution",
        "institution_rank",
        "experience_years",
        "fortune_global_500_years",
        "offered_salary_krw",
        "field",
        "publications_and_patents",
        "led_project_years",
        "international_award",
        "sponsor_is_sme",
        "core_technology_role",
        "hard_to_fill",
        "transfer_plan",
        "government_programme",
        "version",
    ):
        assert f'name="{name}"' in html, name
    # Person-readable questions and the reference lists.
    assert "Years of relevant professional experience" in html
    assert "Offered annual salary in Korean won (KRW)" in html
    assert "49,955,000" in html  # the GNI for comparison, with thousands separators
    assert '<datalist id="id_institution_options">' in html
    assert '<option value="Seoul Institute of Technology"' in html
    assert '<option value="semiconductors">Semiconductors</option>' in html
    assert '<option value="other"' in html
    assert '<option value="KASA">' in html
    assert 'type="checkbox" name="sponsor_is_sme"' in html


def test_form_is_progressively_enhanced_with_htmx(client):
    html = client.get(URL).content.decode()
    assert 'hx-get="/self-assessment/"' in html
    assert 'hx-target="#result"' in html
    assert 'hx-push-url="true"' in html
    assert "change" in re.search(r'hx-trigger="([^"]*)"', html).group(1)
    assert 'type="submit"' in html  # works without JavaScript


def test_strong_profile_scores_110_and_qualifies_for_both_points_tracks(client, schools):
    response = get(client, answers=strong_profile())
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert points_by_criterion(response) == {"A1": 25, "A2": 20, "A3": 20, "B1": 20, "B2": 15}
    assert outcome.result.sme_bonus == 10
    assert outcome.result.total == 110
    assert {code: t.eligible for code, t in outcome.result.tracks.items()} == {
        "quantitative": True,
        "qualitative": True,
        "government_programme": False,
    }
    html = response.content.decode()
    assert 'aria-valuenow="110"' in html
    assert "110 of 110 points" in html
    assert "25 of 25 points" in html
    assert "Reaches the pass mark of 70." in html
    assert "subject to verification" in html
    assert "estimate" in html
    assert "Print this result" in html
    # The button prints through static/js/site.js (no inline handler under the CSP, decision 9).
    assert re.search(r"<button[^>]*\bdata-print\b[^>]*>Print this result</button>", html)
    assert "/static/js/site.js" in html
    # Verdicts in words (not colour alone), with reasons.
    assert html.count("Not eligible") == 1
    assert "Not recruited through a recognised government programme." in html


def test_every_criterion_has_an_accessible_bar_with_visible_text(client, schools):
    html = get(client, answers=pass_mark_profile()).content.decode()
    bars = re.findall(r'<div class="progress[^"]*" role="progressbar"[^>]*>', html)
    assert len(bars) == 1 + 5 + 1  # total, five criteria, SME bonus
    for bar in bars:
        assert "aria-valuenow=" in bar
        assert 'aria-valuemin="0"' in bar
        assert "aria-valuemax=" in bar
        assert "aria-label=" in bar
    assert 'aria-label="A3 Salary"' in html
    assert "16 of 20 points" in html


def test_exactly_the_pass_mark_qualifies(client, schools):
    response = get(client, answers=pass_mark_profile())
    assert points_by_criterion(response) == {"A1": 15, "A2": 10, "A3": 16, "B1": 15, "B2": 14}
    result = response.context["outcome"].result
    assert result.total == 70
    assert result.tracks["qualitative"].eligible is True
    assert result.tracks["quantitative"].eligible is False  # rank 150, 1 year FG500, 2.5 x GNI
    assert "Reaches the pass mark of 70." in response.content.decode()


def test_one_point_below_the_pass_mark_does_not_qualify_and_says_what_would_help(client, schools):
    response = get(client, answers=pass_mark_profile(transfer_plan="4"))
    result = response.context["outcome"].result
    assert result.total == 69
    assert result.tracks["qualitative"].eligible is False
    html = response.content.decode()
    assert "1 point short of the pass mark of 70." in html
    assert "With these answers you do not yet qualify for any track." in html
    assert "What would raise your score" in html
    # One won below 2.5 x GNI drops the salary band: 124,887,499 KRW earns 12, not 16.
    below = get(client, answers=pass_mark_profile(offered_salary_krw="124887499"))
    assert points_by_criterion(below)["A3"] == 12
    assert "An offered salary of 124,887,500 KRW or more would add 4 points." in below.content.decode()


def test_sme_claim_lifts_a_profile_over_the_pass_mark_subject_to_verification(client, schools):
    response = get(client, answers=pass_mark_profile(transfer_plan="4", sponsor_is_sme="on"))
    outcome = response.context["outcome"]
    assert outcome.result.total == 79
    assert outcome.result.sme_bonus_basis == "claimed"
    assert outcome.result.tracks["qualitative"].eligible is True
    html = response.content.decode()
    assert "subject to verification" in html
    documents = {entry.track.code: [d.code for d in entry.documents] for entry in outcome.documents}
    assert "sme_confirmation_certificate" in documents["qualitative"]
    assert "sme_confirmation_certificate" not in documents["quantitative"]
    unclaimed = get(client, answers=pass_mark_profile()).context["outcome"]
    assert all(
        "sme_confirmation_certificate" not in [d.code for d in e.documents] for e in unclaimed.documents
    )


def test_documents_per_track_come_from_the_rubric_version(client, schools):
    response = get(client, answers=strong_profile(government_programme="KASA"))
    outcome = response.context["outcome"]
    documents = {entry.track.code: [d.code for d in entry.documents] for entry in outcome.documents}
    # apps/rubric/defaults/2026-07.json, tracks[].required_documents; the SME claim adds the employer's
    # certificate where the rubric total decides.
    assert documents == {
        "quantitative": ["passport", "cv", "degree_certificate", "employment_certificate", "salary_evidence"],
        "qualitative": [
            "passport",
            "cv",
            "degree_certificate",
            "employment_certificate",
            "salary_evidence",
            "publications_list",
            "sme_confirmation_certificate",
        ],
        "government_programme": ["passport", "cv", "programme_recruitment_letter"],
    }
    assert [d.code for d in outcome.common_documents] == ["passport", "cv"]
    html = response.content.decode()
    for label in (
        "Passport",
        "Curriculum vitae (CV)",
        "Degree certificate",
        "Employment certificates",
        "Salary evidence (contract or offer letter)",
        "List of publications and patents",
        "SME confirmation certificate",
        "Government programme recruitment letter",
    ):
        assert label in html, label
    assert html.count('data-document="passport"') == 1  # listed once, "for every track"


def test_f2t_benefits_are_listed(client, schools):
    html = get(client, answers=strong_profile()).content.decode()
    for benefit in (
        "Online application processing within two weeks",
        "permanent residency after three years",
        "Unrestricted work rights for your spouse",
        "extended family",
        "50% income-tax reduction for up to ten years",
        "Housing loans at domestic rates",
        "international schools for your children",
        "F-2 residence visa after one year",
    ):
        assert benefit in html, benefit


def test_government_programme_track(client, schools):
    response = get(
        client, answers={"degree_level": "none", "government_programme": "MOHW", "version": "2026-07"}
    )
    assert response.context["outcome"].result.tracks["government_programme"].eligible is True


def test_no_answers_counts_as_zero_and_an_unranked_blank_institution(client, schools):
    response = get(client, answers={"degree_level": "master", "version": "2026-07"})
    assert response.status_code == 200
    assert points_by_criterion(response)["A1"] == 10  # master's, "other"


def test_the_rank_can_be_given_instead_of_a_name(client):
    response = get(
        client, answers={"degree_level": "doctorate", "institution_rank": "150", "version": "2026-07"}
    )
    assert points_by_criterion(response)["A1"] == 20


def test_korean_school_name_is_found(client, schools):
    response = get(client, answers={"degree_level": "doctorate", "institution": "서울공과대학교"})
    assert response.context["outcome"].result.criteria[0].points == 25


@time_machine.travel("2026-08-01 12:00 +0900")
def test_without_a_version_the_rules_in_force_today_apply(client, schools):
    response = get(client, answers=strong_profile(version=""))
    assert response.context["outcome"].version.code == "2026-07"
    assert "The rules in force today (2026-07)" in response.content.decode()


@time_machine.travel("2026-01-15 12:00 +0900")
def test_before_the_expansion_the_launch_rules_apply(client, schools):
    response = get(client, answers=strong_profile(version=""))
    assert response.context["outcome"].version.code == "2025-03"


def test_launch_version_without_a_points_rubric_shows_tracks_only(client, schools):
    response = get(client, answers=strong_profile(version="2025-03"))
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert outcome.has_points is False
    assert list(outcome.result.tracks) == ["quantitative"]
    assert outcome.result.tracks["quantitative"].eligible is True  # doctorate top-100, 10 > 8 years
    html = response.content.decode()
    assert 'role="progressbar"' not in html
    assert "This version of the rules has no points rubric" in html
    assert "pass mark" not in html.split('id="result"')[1].split("Documents you will need")[0]
    # Exactly 8 years is not "more than eight years".
    eight = get(client, answers=strong_profile(version="2025-03", experience_years="8"))
    assert eight.context["outcome"].result.tracks["quantitative"].eligible is False


# --- validation -----------------------------------------------------------------------------------


def test_bad_input_shows_readable_errors_and_keeps_every_answer(client, schools):
    answers = strong_profile(
        experience_years="-1", offered_salary_krw="20000000000", core_technology_role="7"
    )
    response = get(client, answers=answers)
    assert response.status_code == 200
    assert "outcome" not in response.context
    html = response.content.decode()
    assert "The number of years cannot be negative." in html
    assert "Enter an amount of at most 10,000,000,000 KRW." in html
    assert "Choose a rating from 0 to 5." in html
    assert 'role="alert"' in html  # the error summary
    assert '<a href="#id_experience_years">' in html
    # Errors are linked to their fields.
    field = re.search(r'<input[^>]*name="experience_years"[^>]*>', html).group(0)
    assert "is-invalid" in field
    assert 'aria-invalid="true"' in field
    assert "id_experience_years_error" in re.search(r'aria-describedby="([^"]*)"', field).group(1)
    assert 'id="id_experience_years_error"' in html
    # The other answers are kept, and so are the wrong ones (to correct them).
    assert input_value(html, "publications_and_patents") == "10"
    assert input_value(html, "led_project_years") == "3"
    assert input_value(html, "institution") == "Seoul Institute of Technology"
    assert input_value(html, "experience_years") == "-1"
    assert input_value(html, "offered_salary_krw") == "20000000000"
    assert selected_option(html, "field") == "ai"
    assert selected_option(html, "degree_level") == "doctorate"
    assert selected_option(html, "transfer_plan") == "5"
    assert re.search(r'<input[^>]*name="sponsor_is_sme"[^>]*checked', html)


def test_negative_counts_and_salary_are_refused(client):
    response = get(client, answers={"publications_and_patents": "-3", "offered_salary_krw": "-1"})
    html = response.content.decode()
    assert "The number cannot be negative." in html
    assert "The amount cannot be negative." in html


def test_salary_with_separators_is_understood(client):
    response = get(client, answers={"offered_salary_krw": "150,000,000", "version": "2026-07"})
    assert points_by_criterion(response)["A3"] == 20


def test_unknown_institution_is_explained(client, schools):
    response = get(client, answers=strong_profile(institution="Nowhere University"))
    html = response.content.decode()
    assert "outcome" not in response.context
    assert (
        "We could not find this institution in the list; choose one from the suggestions or leave it empty "
        "(counted as unranked)."
    ) in html
    assert input_value(html, "institution") == "Nowhere University"
    assert input_value(html, "offered_salary_krw") == "150000000"


def test_unknown_version_is_refused(client):
    response = get(client, answers={"degree_level": "master", "version": "1999-01"})
    assert "Choose one of the published rubric versions." in response.content.decode()


# --- htmx what-if ---------------------------------------------------------------------------------


def test_htmx_request_returns_only_the_result_partial(client, schools):
    response = get(client, answers=strong_profile(), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<form" not in html
    assert "<header" not in html
    assert 'id="result-heading"' in html
    assert 'aria-valuenow="110"' in html
    assert response.context["outcome"].result.total == 110
    # The tabs and the language switcher's return address follow the new answers.
    assert 'id="sa-tabs"' in html
    assert 'hx-swap-oob="true"' in html
    assert "offered_salary_krw=150000000" in html
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_request_with_errors_redraws_form_and_result(client, schools):
    response = get(client, answers=strong_profile(experience_years="-2"), headers={"HX-Request": "true"})
    assert response.headers["HX-Retarget"] == "#assessment"
    assert response.headers["HX-Reswap"] == "innerHTML"
    html = response.content.decode()
    assert "<html" not in html
    assert "The number of years cannot be negative." in html
    assert input_value(html, "publications_and_patents") == "10"
    assert "X-KTP-Form-Errors" in html  # the next update clears the errors


def test_htmx_request_after_errors_redraws_the_form_once_more(client, schools):
    response = get(client, answers=strong_profile(), headers={"HX-Request": "true", "X-KTP-Form-Errors": "1"})
    assert response.headers["HX-Retarget"] == "#assessment"
    html = response.content.decode()
    assert "is-invalid" not in html
    assert "X-KTP-Form-Errors" not in html
    assert 'aria-valuenow="110"' in html


def test_htmx_history_restore_gets_the_whole_page(client, schools):
    response = get(
        client,
        answers=strong_profile(),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()


# --- languages, versions side by side -------------------------------------------------------------


def test_accept_language_korean(client, schools):
    response = get(client, answers=strong_profile(), headers={"Accept-Language": "ko"})
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "인공지능" in html  # strategic fields in Korean
    assert '<option value="서울공과대학교"' in html  # the school list too
    assert response.context["outcome"].result.total == 110


def test_language_cookie_korean(client):
    client.cookies["ktp_language"] = "ko"
    html = client.get(URL).content.decode()
    assert '<html lang="ko">' in html
    english = client.get(URL, headers={"Accept-Language": "en"})
    assert '<html lang="ko">' in english.content.decode()  # the cookie wins


def test_compare_shows_the_same_answers_under_every_version(client, schools):
    response = get(client, COMPARE_URL, answers=strong_profile(experience_years="8"))
    assert response.status_code == 200
    outcomes = response.context["outcomes"]
    assert [o.version.code for o in outcomes] == ["2025-03", "2026-07"]
    assert outcomes[0].result.tracks["quantitative"].eligible is False  # 8 years is not more than 8
    assert outcomes[1].result.tracks["quantitative"].eligible is True
    html = response.content.decode()
    assert 'data-version="2025-03"' in html
    assert 'data-version="2026-07"' in html
    assert "Version 2025-03" in html
    assert "Version 2026-07" in html
    assert "This version of the rules has no points rubric" in html
    assert 'aria-current="page"' in html


def test_compare_link_carries_the_answers(client, schools):
    html = get(client, answers=strong_profile()).content.decode()
    assert re.search(r'href="/self-assessment/compare/\?[^"]*offered_salary_krw=150000000', html)


def test_compare_with_invalid_answers_sends_the_person_back_to_the_form(client):
    response = get(client, COMPARE_URL, answers={"experience_years": "-1"})
    assert response.status_code == 302
    assert response["Location"].startswith("/self-assessment/?")


def test_compare_without_answers_invites_to_answer(client):
    response = client.get(COMPARE_URL)
    assert response.status_code == 200
    assert "Answer the questions first" in response.content.decode()


def test_pages_are_public_and_get_only(client):
    assert client.get(URL).status_code == 200
    assert client.post(URL, {}).status_code == 405


@pytest.mark.django_db
def test_the_result_offers_to_apply_with_the_same_answers(client):
    query = "degree_level=master&institution_rank=40&experience_years=6&offered_salary_krw=90000000&field=ai"
    html = client.get(f"/self-assessment/?{query}").content.decode()
    assert f'href="/apply/start/?{query}' in html.replace("&amp;", "&")
