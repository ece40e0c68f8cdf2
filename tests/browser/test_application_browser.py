"""The application in a real browser: the wizard's steps, evidence, sponsorship, submission and the
status page, in English and Korean, with axe checks. Screenshots go to /tmp/screens-apply/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from apps.accounts.roles import Role
from apps.cases.models import Case, CaseStatus
from apps.cases.score_snapshot import case_score
from tests.factories import (
    ELF_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    EngineeringSchoolFactory,
    FortuneCompanyFactory,
    SponsorshipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path("/tmp/screens-apply")
PASSWORD = "a-long-test-password"
SEVERE = {"serious", "critical"}
QUALITATIVE = (
    "passport",
    "cv",
    "degree_certificate",
    "employment_certificate",
    "salary_evidence",
    "publications_list",
)
ANSWERS = {
    "degree_level": "doctorate",
    "institution": "Seoul Institute of Technology",
    "experience_years": "10",
    "fortune_global_500_years": "3",
    "field": "ai",
    "publications_and_patents": "10",
    "led_project_years": "3",
    "offered_salary_krw": "150000000",
}


@pytest.fixture
def screens() -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS


@pytest.fixture
def person(transactional_db: None) -> Any:
    EngineeringSchoolFactory(name="Seoul Institute of Technology", name_ko="서울공과대학교", rank=26)
    FortuneCompanyFactory(name="Samsung Electronics", name_ko="삼성전자")
    return UserFactory(role=Role.APPLICANT, email="ada@example.org", full_name="Ada Kim")


def log_in(page: Page, live_server: Any, next_url: str) -> None:
    page.goto(f"{live_server.url}{next_url}")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label(re.compile("E-mail|Email", re.I)).fill("ada@example.org")
    page.get_by_label(re.compile("Password", re.I)).first.fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()


def check_axe(page: Page, where: str) -> None:
    results = Axe().run(page)
    severe = [v for v in results.response["violations"] if v.get("impact") in SEVERE]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in severe
    )
    assert not severe, f"axe found serious/critical violations on {where}:\n{report}"


def shot(page: Page, screens: Path, name: str) -> None:
    page.screenshot(path=str(screens / f"{name}.png"), full_page=True)


def test_the_whole_application_in_english(page: Page, live_server: Any, person: Any, screens: Path) -> None:
    start = f"/apply/start/?{urlencode(ANSWERS)}"
    log_in(page, live_server, start)
    expect(page).to_have_url(re.compile(r"/apply/start/\?degree_level=doctorate"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Start an application")
    shot(page, screens, "01_start")
    check_axe(page, "the start page")
    page.get_by_role("button", name="Start my application with these answers").click()

    # Step 1: the profile, filled in from the self-assessment.
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 1 of 4: Your profile")
    expect(page.locator('.ap-steps [aria-current="step"]')).to_contain_text("Your profile")
    expect(page.locator("#id_education-0-institution")).to_have_value("Seoul Institute of Technology")
    page.locator("#id_nationality").fill("Canadian")
    page.locator("#id_employment-0-employer").fill("Samsung Electronics")
    page.locator("#id_employment-0-fortune_global_500_0").check()
    shot(page, screens, "02_profile")
    check_axe(page, "the profile step")
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: the track, with the engine's verdicts.
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 2 of 4: Track")
    quantitative = page.locator('[data-track="quantitative"]')
    expect(quantitative).to_contain_text("You appear to qualify")
    page.get_by_label("Qualitative track").check()
    shot(page, screens, "03_track")
    check_axe(page, "the track step")
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: documents. One refused file, then good ones.
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 3 of 5: Documents")
    page.set_input_files(
        "#file-passport", files=[{"name": "passport.pdf", "mimeType": "application/pdf", "buffer": ELF_BYTES}]
    )
    page.locator("#doc-passport form.ap-upload button").click()
    expect(page.locator("#error-summary")).to_contain_text("is not a PDF, JPEG or PNG file")
    expect(page.locator("#file-passport-error")).to_be_visible()
    shot(page, screens, "04_documents_refused")
    check_axe(page, "the documents step with an error")
    for kind in QUALITATIVE:
        body, name, mime = (
            (PNG_BYTES, f"{kind}.png", "image/png")
            if kind == "passport"
            else (PDF_BYTES, f"{kind}.pdf", "application/pdf")
        )
        page.set_input_files(f"#file-{kind}", files=[{"name": name, "mimeType": mime, "buffer": body}])
        page.locator(f"#doc-{kind} form.ap-upload button").click()
        expect(page.locator(f"#doc-{kind} .ap-receipt")).to_have_count(1)
    expect(page.locator("#doc-passport .ap-receipt")).to_contain_text("passport.png")
    shot(page, screens, "05_documents")
    check_axe(page, "the documents step")
    page.get_by_role("button", name="Continue").click()

    # Step 4: sponsorship.
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 4 of 5: Sponsorship")
    shot(page, screens, "06_sponsorship_none")
    sponsorship = SponsorshipFactory(candidate_email="ada@example.org", job_title="Principal AI engineer")
    page.reload()
    expect(page.locator(f'[data-sponsorship="{sponsorship.pk}"]')).to_contain_text("Principal AI engineer")
    shot(page, screens, "07_sponsorship_offered")
    check_axe(page, "the sponsorship step")
    page.get_by_role("link", name=re.compile("Review and confirm")).click()
    shot(page, screens, "08_sponsorship_confirm")
    page.get_by_role("button", name="Confirm this sponsorship").click()
    expect(page.locator(".messages")).to_contain_text("You confirmed the sponsorship")
    page.get_by_role("button", name="Continue").click()

    # Step 5: review, then the confirmation step.
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 5 of 5: Review and submit")
    expect(page.locator(".sa-summary")).to_contain_text("complete and ready to submit")
    shot(page, screens, "09_review")
    check_axe(page, "the review step")
    page.get_by_role("link", name="Continue to submit").click()
    expect(page.locator(".ap-warning")).to_contain_text(
        "After you submit, your answers can no longer change."
    )
    page.get_by_role("button", name="Submit application").click()
    expect(page.locator("#error-summary")).to_contain_text("Tick the box")
    page.get_by_label(re.compile("I confirm that the information")).check()
    shot(page, screens, "10_submit")
    check_axe(page, "the submit page")
    page.get_by_role("button", name="Submit application").click()

    # The status page.
    expect(page).to_have_url(re.compile(r"/status/$"))
    expect(page.locator(".ap-status-word")).to_have_text("Submitted")
    # Calendar days in Korea (apps.cases.clock): the day of submission shows the full 14.
    expect(page.locator(".ap-clock")).to_contain_text("14 days left")
    expect(page.locator('[data-score="waiting"]')).to_be_visible()
    shot(page, screens, "11_status_submitted")
    check_axe(page, "the status page")
    case = Case.objects.get(applicant=person)
    assert case.status == CaseStatus.SUBMITTED
    case_score(case_id=case.pk)
    page.reload()
    expect(page.locator('[data-criterion="B2"]')).to_contain_text("estimate until a reviewer scores them")
    shot(page, screens, "12_status_scored")
    check_axe(page, "the status page with a score")

    page.get_by_role("link", name="My applications").first.click()
    expect(page.locator(f'[data-reference="{case.reference}"]')).to_contain_text("Submitted")
    shot(page, screens, "13_list")
    check_axe(page, "the list of applications")


def test_korean_pages_and_the_empty_list(page: Page, live_server: Any, person: Any, screens: Path) -> None:
    log_in(page, live_server, "/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My applications")
    shot(page, screens, "20_list_empty")
    check_axe(page, "the empty list")
    page.get_by_role("link", name="Start an application without it").click()
    page.get_by_role("button", name="Start a new application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 1 of 4: Your profile")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#error-summary")).to_contain_text("Enter your nationality.")
    shot(page, screens, "21_profile_errors")
    check_axe(page, "the profile step with errors")

    page.locator(".language-switcher button[lang=ko]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    shot(page, screens, "22_profile_ko")
    reference = Case.objects.get(applicant=person).reference
    page.goto(f"{live_server.url}/apply/{reference}/track/")
    shot(page, screens, "23_track_ko")
    page.goto(f"{live_server.url}/apply/{reference}/status/")
    shot(page, screens, "24_status_ko")
    check_axe(page, "the Korean status page")


def test_government_programme_submission_and_withdrawal(
    page: Page, live_server: Any, person: Any, screens: Path
) -> None:
    from apps.applicants.services import application_start, profile_for
    from tests.factories import PROGRAMME_KINDS, upload_documents

    case = application_start(
        user=person, answers={"degree_level": "doctorate", "government_programme": "KASA"}
    )
    profile = profile_for(person)
    profile.nationality = "French"
    profile.save()
    case.track = ""
    log_in(page, live_server, f"/apply/{case.reference}/track/")
    page.get_by_label("Government programme track").check()
    page.get_by_label("Were you recruited through a government programme?").select_option("KASA")
    page.get_by_role("button", name="Save and continue").click()
    upload_documents(case, person, PROGRAMME_KINDS)
    page.goto(f"{live_server.url}/apply/{case.reference}/submit/")
    passport = page.get_by_label("Passport number")
    expect(passport).to_have_attribute("type", "password")
    expect(passport).to_have_attribute("autocomplete", "off")
    passport.fill("12")
    page.get_by_label(re.compile("I confirm that the information")).check()
    page.get_by_role("button", name="Submit application").click()
    expect(page.locator("#error-summary")).to_contain_text("Enter 6 to 12 letters or digits")
    expect(page.get_by_label("Passport number")).to_have_value("")  # never sent back to the page
    shot(page, screens, "30_submit_programme_error")
    check_axe(page, "the government-programme submit page")
    page.get_by_label("Passport number").fill("M12345678")
    page.get_by_label(re.compile("I confirm that the information")).check()
    page.get_by_role("button", name="Submit application").click()
    expect(page.locator(".ap-status-word")).to_have_text("Submitted")

    page.get_by_role("link", name="Withdraw this application").click()
    page.get_by_label(re.compile("Why are you withdrawing")).fill("I accepted another offer.")
    shot(page, screens, "31_withdraw")
    check_axe(page, "the withdraw page")
    page.get_by_role("button", name="Yes, withdraw my application").click()
    expect(page.locator(".ap-status-word")).to_have_text("Withdrawn")
    expect(page.locator(".ap-timeline")).to_contain_text("I accepted another offer.")
    expect(page.locator('[data-score="waiting"]')).to_have_count(0)  # no score is coming
    shot(page, screens, "32_status_withdrawn")
    check_axe(page, "the withdrawn status page")


def test_answering_an_information_request(page: Page, live_server: Any, person: Any, screens: Path) -> None:
    import datetime as dt

    from django.utils import timezone

    from apps.applicants.services import application_start, profile_for
    from apps.cases.review_moves import case_request_information, case_start_review
    from apps.cases.services import case_submit
    from tests.factories import QUANTITATIVE_KINDS, upload_documents

    case = application_start(user=person, answers={"degree_level": "doctorate", "experience_years": "9"})
    profile = profile_for(person)
    profile.nationality = "French"
    profile.save()
    case.track = "quantitative"
    case.save()
    upload_documents(case, person, QUANTITATIVE_KINDS)
    case_submit(case=case, by=person)
    reviewer = UserFactory(role=Role.REVIEWER)
    case_start_review(case=case, reviewer=reviewer, by=reviewer)
    case_request_information(
        case=case,
        by=reviewer,
        addressee="applicant",
        message="The degree certificate scan is unreadable.",
        needed="A clear scan of both pages of the degree certificate.",
        respond_by=timezone.localdate() + dt.timedelta(days=7),
    )
    log_in(page, live_server, f"/apply/{case.reference}/status/")
    expect(page.locator(".ap-status-word")).to_have_text("Information requested")
    expect(page.locator(".ap-request")).to_contain_text("unreadable")
    shot(page, screens, "40_status_information_requested")
    check_axe(page, "the status page with a request")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator("#error-summary")).to_contain_text("Write your answer.")
    page.locator("#id_text").fill("Here is a better scan.")
    page.set_input_files(
        "#id_attachments",
        files=[
            {"name": "degree-p1.png", "mimeType": "image/png", "buffer": PNG_BYTES},
            {"name": "degree-p2.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
        ],
    )
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator(".messages")).to_contain_text("Your answer has been sent")
    expect(page.locator(".ap-status-word")).to_have_text("In review")
    expect(page.locator('[data-kind="information_response"] .ap-receipt')).to_have_count(2)
    shot(page, screens, "41_status_answered")
    check_axe(page, "the status page after answering")


def test_saved_scenarios_side_by_side(page: Page, live_server: Any, person: Any, screens: Path) -> None:
    """Issue 13: a signed-in person saves two offers from the self-assessment and compares them."""
    query = "degree_level=master&experience_years=6&field=ai&offered_salary_krw="
    log_in(page, live_server, "/self-assessment/scenarios/")
    for name, salary in (("Offer from Hanbit", "150000000"), ("Offer from Daehan", "60000000")):
        page.goto(f"{live_server.url}/self-assessment/?{query}{salary}")
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_role("button", name="Save scenario").click()
        expect(page.locator(".messages")).to_contain_text(name)
    check_axe(page, "the saved scenarios")
    page.get_by_label("Offer from Hanbit").check()
    page.get_by_label("Offer from Daehan").check()
    page.get_by_role("button", name="Compare side by side").click()
    expect(page.get_by_role("heading", name="Offer from Hanbit")).to_be_visible()
    expect(page.get_by_role("heading", name="Offer from Daehan")).to_be_visible()
    page.screenshot(path=str(screens / "scenarios_compare.png"), full_page=True)
    check_axe(page, "the scenarios side by side")
