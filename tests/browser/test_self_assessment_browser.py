"""The self-assessment in a real browser: English and Korean, the htmx what-if, no-JS fallback, axe.

Screenshots of the form and the result in both languages are written to /tmp/screens/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from apps.rubric.models import EngineeringSchool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEVERE = {"serious", "critical"}


@pytest.fixture
def schools(transactional_db: None) -> None:
    EngineeringSchool.objects.create(
        name="Seoul Institute of Technology", name_ko="서울공과대학교", country="Republic of Korea", rank=26
    )
    EngineeringSchool.objects.create(
        name="Busan Polytechnic University", name_ko="부산공업대학교", country="Republic of Korea", rank=150
    )


def assert_no_severe_axe_violations(page: Page, where: str) -> None:
    results = Axe().run(page)
    severe = [v for v in results.response["violations"] if v.get("impact") in SEVERE]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in severe
    )
    assert not severe, f"axe found serious/critical violations on {where}:\n{report}"


def fill_strong_profile(page: Page, *, institution: str, field_label: str) -> None:
    """policy.md's example: 25 + 20 + 20 + 20 + 15 + SME 10 = 110 under 2026-07."""
    page.locator("#id_degree_level").select_option("doctorate")
    page.locator("#id_institution").fill(institution)
    page.locator("#id_experience_years").fill("10")
    page.locator("#id_fortune_global_500_years").fill("3")
    page.locator("#id_field").select_option(label=field_label)
    page.locator("#id_publications_and_patents").fill("10")
    page.locator("#id_led_project_years").fill("3")
    page.locator("#id_offered_salary_krw").fill("150000000")
    page.locator("#id_sponsor_is_sme").check()
    page.locator("#id_core_technology_role").select_option("5")
    page.locator("#id_hard_to_fill").check()
    page.locator("#id_transfer_plan").select_option("5")
    page.locator("#id_version").select_option("2026-07")
    page.locator("#self-assessment-form button[type=submit]").click()


def test_english_form_result_what_if_and_accessibility(
    page: Page, live_server: Any, schools: None, screens: Path
) -> None:
    page.goto(f"{live_server.url}/self-assessment/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your eligibility")
    page.screenshot(path=str(screens / "en_form.png"), full_page=True)
    assert_no_severe_axe_violations(page, "the empty English form")

    fill_strong_profile(
        page, institution="Seoul Institute of Technology", field_label="Artificial intelligence"
    )
    result = page.locator("#result")
    expect(result).to_contain_text("110 of 110 points")
    expect(result).to_contain_text("Reaches the pass mark of 70.")
    expect(result.locator('.sa-tracks [data-track="quantitative"] .sa-verdict')).to_have_text(
        re.compile("Eligible")
    )
    expect(result.locator('.sa-tracks [data-track="qualitative"] .sa-verdict')).to_have_text(
        re.compile("Eligible")
    )
    expect(result.locator('.sa-tracks [data-track="government_programme"] .sa-verdict')).to_have_text(
        re.compile("Not eligible")
    )
    expect(result.locator('[role="progressbar"][aria-label="A1 Degree pedigree"]')).to_have_attribute(
        "aria-valuenow", "25"
    )
    expect(page).to_have_url(re.compile(r"offered_salary_krw=150000000"))
    page.screenshot(path=str(screens / "en_result.png"), full_page=True)
    result.screenshot(path=str(screens / "en_result_region.png"))
    assert_no_severe_axe_violations(page, "the English result")

    # Printing: only the result, full width, without the form, header or buttons.
    page.emulate_media(media="print")
    expect(page.locator("#self-assessment-form")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print this result")).to_be_hidden()
    expect(result).to_be_visible()
    page.screenshot(path=str(screens / "en_print.png"), full_page=True)
    page.emulate_media(media="screen")

    # What-if: type a lower salary; the result updates in place, without a page load.
    page.evaluate("() => { window.__samePage = true }")
    salary = page.locator("#id_offered_salary_krw")
    salary.fill("")
    salary.press_sequentially("100000000")
    # 100,000,000 / 49,955,000 = 2.0018 -> 12 of 20 for salary: 110 - 8 = 102.
    expect(result).to_contain_text("102 of 110 points")
    expect(result.locator('[role="progressbar"][aria-label="A3 Salary"]')).to_have_attribute(
        "aria-valuenow", "12"
    )
    assert page.evaluate("() => window.__samePage === true"), "the what-if reloaded the page"
    expect(page).to_have_url(re.compile(r"offered_salary_krw=100000000"))
    expect(page.locator("#id_institution")).to_have_value("Seoul Institute of Technology")
    expect(page.locator("#id_publications_and_patents")).to_have_value("10")
    expect(page.locator("#id_degree_level")).to_have_value("doctorate")
    expect(page.locator("#id_sponsor_is_sme")).to_be_checked()
    expect(salary).to_have_value("100000000")
    result.screenshot(path=str(screens / "en_what_if_region.png"))
    # The compare link follows the new answers.
    expect(page.get_by_role("link", name="Compare rubric versions")).to_have_attribute(
        "href", re.compile(r"offered_salary_krw=100000000")
    )

    # A mistake shows its message next to the field; correcting it clears the message.
    years = page.locator("#id_experience_years")
    years.fill("")
    years.press_sequentially("-4")
    expect(page.locator("#id_experience_years_error")).to_contain_text(
        "The number of years cannot be negative."
    )
    expect(years).to_be_focused()
    page.locator(".sa-form-col").screenshot(path=str(screens / "en_form_error.png"))
    expect(page.locator("#id_publications_and_patents")).to_have_value("10")
    years.fill("")
    years.press_sequentially("10")
    expect(page.locator("#id_experience_years_error")).to_have_count(0)
    expect(result).to_contain_text("102 of 110 points")
    assert page.evaluate("() => window.__samePage === true")

    # Side by side: the same answers under each published version.
    page.get_by_role("link", name="Compare rubric versions").click()
    expect(page.locator('[data-version="2025-03"]')).to_contain_text("no points rubric")
    expect(page.locator('[data-version="2026-07"]')).to_contain_text("102 of 110 points")
    page.screenshot(path=str(screens / "en_compare.png"), full_page=True)
    assert_no_severe_axe_violations(page, "the comparison")


def test_korean_form_and_result_via_the_language_switcher(
    page: Page, live_server: Any, schools: None, screens: Path
) -> None:
    page.goto(f"{live_server.url}/self-assessment/")
    page.get_by_role("button", name="한국어").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#id_field")).to_contain_text("인공지능")
    page.screenshot(path=str(screens / "ko_form.png"), full_page=True)
    assert_no_severe_axe_violations(page, "the empty Korean form")

    fill_strong_profile(page, institution="서울공과대학교", field_label="인공지능")
    result = page.locator("#result")
    expect(result.locator('[role="progressbar"][aria-valuemax="110"]')).to_have_attribute(
        "aria-valuenow", "110"
    )
    expect(result.locator('[role="progressbar"][aria-label^="A1"]')).to_have_attribute("aria-valuenow", "25")
    expect(page).to_have_url(re.compile(r"institution=%EC%84%9C"))  # the Korean name, URL-encoded
    page.screenshot(path=str(screens / "ko_result.png"), full_page=True)
    result.screenshot(path=str(screens / "ko_result_region.png"))
    assert_no_severe_axe_violations(page, "the Korean result")

    # What-if in Korean, then back to English: the switcher keeps the latest answers.
    salary = page.locator("#id_offered_salary_krw")
    salary.fill("")
    salary.press_sequentially("100000000")
    expect(result.locator('[role="progressbar"][aria-valuemax="110"]')).to_have_attribute(
        "aria-valuenow", "102"
    )
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#id_offered_salary_krw")).to_have_value("100000000")
    expect(page.locator("#result")).to_contain_text("102 of 110 points")


def test_without_javascript_the_submit_button_still_works(
    browser: Browser, live_server: Any, schools: None
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/self-assessment/")
        fill_strong_profile(
            page, institution="Seoul Institute of Technology", field_label="Artificial intelligence"
        )
        expect(page).to_have_url(re.compile(r"/self-assessment/\?.*degree_level=doctorate"))
        expect(page.locator("#result")).to_contain_text("110 of 110 points")
        expect(page.locator("#id_publications_and_patents")).to_have_value("10")
    finally:
        context.close()


def test_home_page_links_to_the_self_assessment(page: Page, live_server: Any, screens: Path) -> None:
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("K-Tech Pass")
    page.screenshot(path=str(screens / "en_home.png"), full_page=True)
    assert_no_severe_axe_violations(page, "the home page")
    page.get_by_role("link", name="Check your eligibility").first.click()
    expect(page).to_have_url(re.compile(r"/self-assessment/$"))


def test_narrow_screen(browser: Browser, live_server: Any, schools: None, screens: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(
            f"{live_server.url}/self-assessment/?degree_level=master&institution_rank=150"
            "&experience_years=8&offered_salary_krw=124887499&field=robotics&version=2026-07"
        )
        expect(page.locator("#result")).to_contain_text("What would raise your score")
        page.screenshot(path=str(screens / "narrow_result.png"), full_page=True)
        assert_no_severe_axe_violations(page, "a narrow screen")
    finally:
        context.close()


def test_show_my_result_moves_focus_to_the_result_or_the_error_summary(
    page: Page, live_server: Any, schools: None, screens: Path
) -> None:
    """Issue 13: after "Show my result" the page must not stay still with focus on the button."""
    page.goto(f"{live_server.url}/self-assessment/")
    page.get_by_label("Highest degree").select_option("master")
    page.get_by_label("Years of relevant professional experience").fill("6")
    page.get_by_role("button", name="Show my result").click()
    expect(page.locator("#result-heading")).to_be_focused()

    # Five years at a Fortune Global 500 company out of two of experience: refused, focus on the summary.
    page.get_by_label("Years of relevant professional experience").fill("2")
    page.get_by_label("Of those, years at a Fortune Global 500 company").fill("5")
    page.get_by_role("button", name="Show my result").click()
    expect(page.locator("#sa-error-summary")).to_be_focused()
    expect(page.locator("#sa-error-summary")).to_contain_text("it is part of it")
    page.screenshot(path=str(screens / "en_focus_error.png"), full_page=True)
    assert_no_severe_axe_violations(page, "the form with a contradiction")


def test_the_smallest_step_to_the_pass_mark_leads(page: Page, live_server: Any, schools: None) -> None:
    """Issue 13: one point short of the pass mark, the first step offered is the smallest one that
    reaches it, marked as such, not the biggest gain."""
    query = (
        "degree_level=doctorate&institution_rank=26&experience_years=10&offered_salary_krw=99910000"
        "&field=ai&publications_and_patents=10&led_project_years=3"
    )
    page.goto(f"{live_server.url}/self-assessment/?{query}")
    result = page.locator("#result")
    expect(result).to_contain_text("1 point short of the pass mark of 70.")
    first = result.locator(".sa-next-steps").first.locator("li").first
    expect(first).to_contain_text("reaches the pass mark")
    expect(first).to_contain_text("would add 1 point")
    assert_no_severe_axe_violations(page, "a result one point short")
