"""The acceptance journey of issue 3, in one real browser, through the UI only.

An applicant self-assesses, signs up, confirms the e-mail address and applies with documents; an
employer (a second browser context) signs up, registers an organisation and sponsors the applicant;
the applicant confirms the sponsorship and submits; a real Celery worker on the test run's real Redis
scores the case, and the status page shows the score and the days left, in English and in Korean.
axe finds no serious or critical violation on the pages along the way.

The only shortcuts: the verification links are read from ``django.core.mail.outbox`` (the locmem
backend; the live server is a thread of this process), and the engineering school the applicant
picks is created as reference data. Screenshots go to /tmp/screens-journey/.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from apps.cases.models import Case, CaseScore, CaseStatus
from apps.organisations.models import Organisation
from apps.rubric.models import EngineeringSchool
from config.celery import app as celery_app
from tests.factories import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path("/tmp/screens-journey")
SEVERE = {"serious", "critical"}
PASSWORD = "a-long-journey-pass-phrase"
APPLICANT = "ada.journey@example.org"
EMPLOYER = "hr.journey@example.org"
SCHOOL = "Daejeon Institute of Science and Technology"
BRN = "220-81-62517"  # a valid check digit
REFERENCE = re.compile(r"KTP-[0-9A-Z]{4}-[0-9A-Z]{4}")
SCORE_TIMEOUT = 30.0
ANSWERS_KEPT = re.compile(r"/apply/start/\?.*degree_level=doctorate")


# By hand, from policy.md section 3 (rubric 2026-07, GNI 2024 = 49,955,000 KRW):
#   A1 doctorate from a top-100 school (rank 18)                                  25
#   A2 10 years of relevant experience: 12; no Fortune Global 500 years: +0       12
#   A3 150,000,000 / 49,955,000 = 3.003 >= 3.0                                    20
#   B1 AI is a strategic field 5 + 10 publications 8 + led a project 3 years 7    20
#   B2 core role 5 + hard to fill (6 months >= 3) 5 + plan 5                      15
#   SME bonus: size class SME is only a claim; no reviewer verified a certificate  0
#   total                                                                         92
EXPECTED = {"A1": 25, "A2": 12, "A3": 20, "B1": 20, "B2": 15}
EXPECTED_TOTAL = sum(EXPECTED.values())  # 92

Shot = Callable[[Page, str], None]


@pytest.fixture
def school(transactional_db: None) -> EngineeringSchool:
    return EngineeringSchool.objects.create(
        name=SCHOOL, name_ko="대전과학기술원", country="Republic of Korea", rank=18
    )


@pytest.fixture
def shot() -> Shot:
    SCREENS.mkdir(parents=True, exist_ok=True)
    for old in SCREENS.glob("*.png"):
        old.unlink()

    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)

    return take


def check_axe(page: Page, where: str) -> None:
    results = Axe().run(page)
    severe = [v for v in results.response["violations"] if v.get("impact") in SEVERE]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in severe
    )
    assert not severe, f"axe found serious/critical violations on {where}:\n{report}"


def exactly(text: str) -> re.Pattern[str]:
    """A label that is exactly ``text``, give or take the required-field asterisk (Playwright
    matches a regular expression against the label's raw text, spaces and all)."""
    return re.compile(rf"^\s*{re.escape(text)}\W*$")


def heading(page: Page) -> Any:
    return page.get_by_role("heading", level=1)


def main(page: Page) -> Any:
    return page.get_by_role("main")


def flash(page: Page) -> Any:
    """The messages a redirect leaves (a polite live region at the top of the main content)."""
    return page.locator("main .messages")


# --- accounts --------------------------------------------------------------------------------------


def verification_link(email: str) -> str:
    """The confirmation link of the last verification e-mail sent to ``email`` (locmem outbox)."""
    for message in reversed(mail.outbox):
        if email in message.to:
            found = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
            if found:
                return found.group(0)
    raise AssertionError(f"no verification e-mail to {email} in {[m.to for m in mail.outbox]}")


def log_in(page: Page, email: str) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    main(page).get_by_label(re.compile("E-?mail", re.I)).fill(email)
    main(page).get_by_label(exactly("Password")).fill(PASSWORD)
    main(page).get_by_role("button", name=re.compile("Sign in", re.I)).click()


def sign_up_verify_and_log_in(page: Page, email: str, shot: Shot, who: str, *, axe: bool = False) -> None:
    """Sign up (from the log-in page a protected page sent us to, or the header's link), confirm
    the address through the e-mailed link, and log in if the confirmation did not."""
    if "/accounts/login/" in page.url:
        main(page).get_by_role("link", name=re.compile("sign up", re.I)).click()
    else:
        page.get_by_role("banner").get_by_role("link", name="Sign up").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/"))
    expect(heading(page)).to_have_text(re.compile("Sign up", re.I))
    form = main(page)
    form.get_by_label(re.compile("E-?mail", re.I)).fill(email)
    form.get_by_label(exactly("Password")).fill(PASSWORD)
    form.get_by_label(exactly("Password (again)")).fill(PASSWORD)
    shot(page, f"{who}_signup")
    if axe:
        check_axe(page, "the sign-up page")
    form.get_by_role("button", name=re.compile("Sign up", re.I)).click()
    expect(heading(page)).to_have_text(re.compile("Verify your e-?mail", re.I))

    page.goto(verification_link(email))
    expect(heading(page)).to_have_text(re.compile("Confirm e-?mail address", re.I))
    shot(page, f"{who}_confirm_email")
    main(page).get_by_role("button", name=re.compile("Confirm", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/confirm-email/"))
    if re.search(r"/accounts/login/", page.url):
        log_in(page, email)
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("banner")).to_contain_text(email)  # signed in


# --- the applicant: self-assessment, sign-up, the wizard ---------------------------------------------


def self_assess(page: Page, base: str, shot: Shot) -> str:
    """Answer the self-assessment; returns the result's address (the answers are in it)."""
    page.goto(f"{base}/self-assessment/")
    expect(heading(page)).to_contain_text("Check your eligibility")
    page.get_by_label("Highest degree").select_option("doctorate")
    page.get_by_label("University that awarded this degree").fill(SCHOOL)
    page.get_by_label("Years of relevant professional experience").fill("10")
    page.get_by_label("Your field of work").select_option(label="Artificial intelligence")
    page.get_by_label("Number of publications and granted patents").fill("10")
    page.get_by_label("Years you led a major R&D project").fill("3")
    page.get_by_label("Offered annual salary in Korean won (KRW)").fill("150000000")
    page.get_by_label("is a small or medium-sized enterprise (SME)").check()
    page.get_by_label("How central is the job to the employer's core technology?").select_option("5")
    page.get_by_label("has looked for a suitable candidate in Korea for at least 3 months").check()
    page.get_by_label("How developed is the plan to transfer technology").select_option("5")
    page.get_by_role("button", name="Show my result").click()

    result = page.locator("#result")
    # Self-assessed, the SME claim counts ("claimed"): 92 + 10.
    expect(result).to_contain_text(f"{EXPECTED_TOTAL + 10} of 110 points")
    expect(result.locator('[role="progressbar"][aria-label="A2 Employer history"]')).to_have_attribute(
        "aria-valuenow", str(EXPECTED["A2"])
    )
    apply = page.get_by_role("link", name="Apply with these answers")
    expect(apply).to_have_attribute("href", re.compile(r"transfer_plan=5"))  # the last answer is in
    shot(page, "a01_self_assessment_result")
    check_axe(page, "the self-assessment result")
    result_url = page.url
    apply.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/apply/start/%3Fdegree_level%3Ddoctorate"))
    return result_url


def start_application(page: Page, shot: Shot) -> str:
    expect(page).to_have_url(ANSWERS_KEPT)
    expect(heading(page)).to_have_text("Start an application")
    answers = page.locator(".ap-facts")
    expect(answers).to_contain_text(SCHOOL)
    expect(answers).to_contain_text("150,000,000")
    expect(answers).to_contain_text("Artificial intelligence")
    shot(page, "a03_start_with_answers")
    page.get_by_role("button", name="Start my application with these answers").click()

    expect(heading(page)).to_have_text("Step 1 of 4: Your profile")
    started = flash(page)
    expect(started).to_contain_text(REFERENCE)
    reference = REFERENCE.search(started.inner_text())
    assert reference is not None
    return reference.group(0)


def fill_profile_and_track(page: Page, shot: Shot) -> None:
    degree = page.get_by_role("group", name="Degree 1")
    expect(degree.get_by_label("University")).to_have_value(SCHOOL)
    expect(page.get_by_label("Your field of work")).to_have_value("ai")
    page.get_by_label("Full name, as in your passport").fill("Ada Kim")
    page.get_by_label("Nationality").fill("Canadian")
    job = page.get_by_role("group", name="Job 1")
    expect(job.get_by_label("Or: years there")).to_have_value("10")
    job.get_by_label(exactly("Employer")).fill("Hanbit Robotics")
    shot(page, "a04_profile")
    check_axe(page, "the profile step")
    page.get_by_role("button", name="Save and continue").click()

    expect(heading(page)).to_have_text("Step 2 of 4: Track")
    qualitative = page.locator('[data-track="qualitative"]')
    expect(qualitative).to_contain_text("You appear to qualify")
    page.get_by_label("Qualitative track").check()
    shot(page, "a05_track")
    check_axe(page, "the track step")
    page.get_by_role("button", name="Save and continue").click()


def upload_documents(page: Page, shot: Shot) -> None:
    expect(heading(page)).to_have_text("Step 3 of 5: Documents")
    shot(page, "a06_documents_empty")
    missing = page.get_by_label(re.compile(r"^Upload: "))
    count = missing.count()
    assert count == 6, "the qualitative track needs six documents (policy.md, rubric 2026-07)"
    for remaining in range(count, 0, -1):
        field = missing.first
        kind = (field.get_attribute("id") or "").removeprefix("file-")
        field.set_input_files(
            files=[{"name": f"{kind}.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
        )
        field.locator("xpath=ancestor::form[1]").get_by_role("button", name="Upload", exact=True).click()
        expect(flash(page)).to_contain_text(f"“{kind}.pdf”")
        expect(missing).to_have_count(remaining - 1)
        expect(page.locator(f"#doc-{kind} .ap-receipt")).to_contain_text(f"{kind}.pdf")
    expect(page.locator(".ap-item--missing")).to_have_count(0)
    expect(page.locator(".ap-item--present")).to_have_count(count)
    shot(page, "a07_documents_uploaded")
    check_axe(page, "the documents step")
    page.get_by_role("button", name="Continue", exact=True).click()

    expect(heading(page)).to_have_text("Step 4 of 5: Sponsorship")
    expect(main(page)).to_contain_text("No sponsorship has been sent to you yet.")
    shot(page, "a08_sponsorship_none")


# --- the employer --------------------------------------------------------------------------------


def employer_sponsors(page: Page, base: str, shot: Shot, reference: str) -> None:
    page.goto(f"{base}/")
    sign_up_verify_and_log_in(page, EMPLOYER, shot, "e01")
    page.get_by_role("banner").get_by_role("link", name="Employer").click()
    expect(page).to_have_url(re.compile(r"/employer/$"))
    expect(heading(page)).to_have_text("Your organisations")
    page.get_by_role("link", name="Register your organisation").click()

    expect(heading(page)).to_have_text("Register your organisation")
    page.get_by_label("Organisation name").fill("Hanbit AI Labs")
    page.get_by_label("Business registration number").fill(BRN)
    page.get_by_label("Sector").fill("Artificial intelligence software")
    page.get_by_label("Small or medium-sized enterprise (SME)").check()
    shot(page, "e02_register")
    check_axe(page, "the organisation registration")
    page.get_by_role("button", name="Register the organisation").click()
    expect(flash(page)).to_contain_text("Hanbit AI Labs is registered.")
    expect(main(page)).to_contain_text("220-81-62517")
    # The ministry's verification of the certificate is its own journey (decision 44,
    # tests/browser/test_employer_trust_browser.py); here the organisation is verified directly.
    Organisation.objects.filter(business_registration_number=BRN.replace("-", "")).update(
        verified_at=timezone.now()
    )

    page.get_by_role("navigation", name="Organisation sections").get_by_role(
        "link", name="Sponsorships"
    ).click()
    page.get_by_role("link", name="Sponsor a candidate").click()
    expect(heading(page)).to_have_text("Sponsor a candidate")
    page.get_by_label("Candidate's full name").fill("Ada Kim")
    page.get_by_label("Candidate's e-mail address").fill(APPLICANT)
    page.get_by_label("Job title").fill("Principal AI engineer")
    page.get_by_label("Field of the job").select_option(label="Artificial intelligence")
    page.get_by_label("Offered annual salary in Korean won (KRW)").fill("150000000")
    page.get_by_label("How central is the job to your core technology?").select_option("5")
    page.get_by_label("Basis for the core-technology rating").fill(
        "Leads the inference-compiler team that our products are built on."
    )
    page.get_by_label("Months spent recruiting in Korea").fill("6")
    page.get_by_label("Evidence that the post is hard to fill").fill(
        "Advertised on Saramin and JobKorea from January to June; no domestic applicant had compiler experience."
    )
    page.get_by_label("How developed is your plan to transfer technology").select_option("5")
    page.get_by_label("The technology-transfer or training plan").fill(
        "Trains six Korean engineers in compiler design over two years, with quarterly milestones."
    )
    shot(page, "e03_sponsorship_form")
    check_axe(page, "the employer's sponsorship form")
    page.get_by_role("button", name="Save the draft").click()

    expect(heading(page)).to_have_text("Sponsorship for Ada Kim")
    expect(flash(page)).to_contain_text("The draft sponsorship for Ada Kim was saved.")
    page.get_by_role("link", name="Submit to candidate").click()
    expect(heading(page)).to_have_text("Submit the sponsorship to Ada Kim")
    page.get_by_label("Application reference (optional)").fill(reference)
    shot(page, "e04_sponsorship_submit")
    check_axe(page, "the employer's submit page")
    page.get_by_role("button", name="Submit to candidate").click()
    expect(flash(page)).to_contain_text(f"The sponsorship was added to application {reference}.")
    expect(main(page)).to_contain_text("Submitted to the candidate")
    shot(page, "e05_sponsorship_submitted")


# --- the applicant again: confirm, submit, the status page -------------------------------------------


def confirm_and_submit(page: Page, shot: Shot, reference: str) -> None:
    page.reload()
    expect(heading(page)).to_have_text("Step 4 of 5: Sponsorship")
    offer = page.locator("[data-sponsorship]")
    expect(offer).to_have_count(1)
    expect(offer).to_contain_text("Hanbit AI Labs: Principal AI engineer")
    expect(offer).to_contain_text("150,000,000 KRW")
    shot(page, "a09_sponsorship_offered")
    offer.get_by_role("link", name=re.compile("Review and confirm")).click()

    expect(heading(page)).to_have_text("Confirm the sponsorship from Hanbit AI Labs")
    expect(main(page)).to_contain_text("Recruited for 6 months without a suitable domestic candidate")
    shot(page, "a10_sponsorship_confirm")
    check_axe(page, "the sponsorship confirmation")
    page.get_by_role("button", name="Confirm this sponsorship").click()
    expect(flash(page)).to_contain_text("You confirmed the sponsorship from Hanbit AI Labs.")
    expect(main(page)).to_contain_text("Sponsorship confirmed")
    page.get_by_role("button", name="Continue", exact=True).click()

    expect(heading(page)).to_have_text("Step 5 of 5: Review and submit")
    expect(page.locator(".sa-summary")).to_contain_text("complete and ready to submit")
    shot(page, "a11_review")
    check_axe(page, "the review step")
    page.get_by_role("link", name="Continue to submit").click()

    expect(heading(page)).to_have_text("Submit your application")
    page.get_by_label(re.compile("I confirm that the information")).check()
    shot(page, "a12_submit")
    check_axe(page, "the submit page")
    page.get_by_role("button", name="Submit application").click()
    expect(page).to_have_url(re.compile(rf"/apply/{reference}/status/$"))
    expect(flash(page)).to_contain_text(f"Your application {reference} has been submitted.")


def wait_for_the_score(page: Page, timeout: float = SCORE_TIMEOUT) -> float:
    """Reload the status page until the worker's score is on it; returns the seconds it took."""
    started = time.monotonic()
    total = page.locator(".sa-total-figure")
    while total.count() == 0:
        if time.monotonic() - started > timeout:
            raise AssertionError(f"the status page showed no score within {timeout:.0f} s")
        page.wait_for_timeout(250)  # polling interval between reloads, not a wait for an element
        page.reload()
    return time.monotonic() - started


def check_status_in_english(page: Page, shot: Shot) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".ap-status-word")).to_have_text("Submitted")
    # Calendar days in Korea: the day of submission shows the full 14.
    expect(page.locator(".ap-days-left")).to_have_text("14 days left")
    expect(page.locator(".ap-clock")).to_contain_text("of the 14-day processing time")
    score = page.locator("section", has=page.locator("#score-heading"))
    expect(score.locator(".sa-total-figure")).to_have_text(str(EXPECTED_TOTAL))
    expect(score).to_contain_text("Pass mark 70 · rules version 2026-07")
    expect(score).to_contain_text("Qualitative track: on these facts, its conditions are met.")
    for code, points in EXPECTED.items():
        bar = score.locator(f'[data-criterion="{code}"] [role="progressbar"]')
        expect(bar).to_have_attribute("aria-valuenow", str(points))
    expect(score.locator('[data-criterion="A2"]')).to_contain_text("12 of 20 points")
    expect(score.locator('[data-criterion="B2"]')).to_contain_text("estimate until a reviewer scores them")
    expect(score).to_contain_text("SME bonus: 0 points (no verified SME status on the submission date)")
    scored = page.locator('.ap-timeline [data-kind="scored"]')
    expect(scored).to_contain_text(f"Total: {EXPECTED_TOTAL} points")
    expect(scored).to_contain_text("automatically")
    shot(page, "a13_status_scored_en")
    check_axe(page, "the English status page")


def check_status_in_korean(page: Page, shot: Shot) -> None:
    page.get_by_role("banner").get_by_role("button", name="한국어").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page).to_have_url(re.compile(r"/status/$"))
    expect(page.locator("#status-heading")).to_contain_text("상태:")
    expect(page.locator(".ap-status-word")).to_have_text("제출")
    expect(page.locator("#score-heading")).to_have_text("점수")
    expect(page.locator(".ap-days-left")).to_have_text("14일 남음")
    expect(page.locator(".sa-total-figure")).to_have_text(str(EXPECTED_TOTAL))
    for code, points in EXPECTED.items():
        bar = page.locator(f'[data-criterion="{code}"] [role="progressbar"]')
        expect(bar).to_have_attribute("aria-valuenow", str(points))
    # The explanations are recomputed in the reader's language (the worker wrote English ones).
    expect(page.locator('[data-criterion="A2"]')).to_contain_text("20점 중 12점")
    expect(page.locator('[data-criterion="A2"]')).to_contain_text("관련 경력 10년")
    expect(page.locator(".ap-timeline")).to_contain_text("점수 산정")
    shot(page, "a14_status_scored_ko")
    check_axe(page, "the Korean status page")


# --- the journey ---------------------------------------------------------------------------------


def test_self_assess_sign_up_apply_sponsor_confirm_submit_scored_by_a_real_worker(
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: Any,
    school: EngineeringSchool,
    shot: Shot,
) -> None:
    base = live_server.url
    applicant_context = browser.new_context(**browser_context_args)
    employer_context = browser.new_context(**browser_context_args)
    for context in (applicant_context, employer_context):
        context.set_default_timeout(15_000)
    try:
        applicant = applicant_context.new_page()
        employer = employer_context.new_page()

        # 1. The applicant: self-assessment, sign-up through "Apply with these answers", the wizard.
        self_assess(applicant, base, shot)
        sign_up_verify_and_log_in(applicant, APPLICANT, shot, "a02", axe=True)
        expect(applicant).to_have_url(ANSWERS_KEPT)  # confirming the address kept where sign-up was headed
        reference = start_application(applicant, shot)
        fill_profile_and_track(applicant, shot)
        upload_documents(applicant, shot)

        # 2. The employer, in its own browser context.
        employer_sponsors(employer, base, shot, reference)

        # 3-4. A real worker on the run's Redis scores the case the submission enqueues after commit.
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            confirm_and_submit(applicant, shot, reference)
            took = wait_for_the_score(applicant)
            print(f"\nthe status page showed the score {took:.1f} s after submission")
            check_status_in_english(applicant, shot)

        case = Case.objects.get(reference=reference)
        assert case.status == CaseStatus.SUBMITTED
        snapshot = CaseScore.objects.get(case=case)
        assert snapshot.total == EXPECTED_TOTAL
        assert snapshot.result["sme_bonus"] == 0

        # 5. Korean, through the header's language switcher.
        check_status_in_korean(applicant, shot)
    finally:
        applicant_context.close()
        employer_context.close()


def test_a_new_applicant_arrives_at_the_start_with_the_answers_after_confirming_the_address(
    browser: Browser, browser_context_args: dict[str, Any], live_server: Any, school: EngineeringSchool
) -> None:
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(
            f"{live_server.url}/self-assessment/?degree_level=doctorate&institution={SCHOOL}"
            "&experience_years=10&field=ai&offered_salary_krw=150000000"
        )
        page.get_by_role("link", name="Apply with these answers").click()
        sign_up_verify_and_log_in(page, APPLICANT, lambda _page, _name: None, "x")
        expect(page).to_have_url(ANSWERS_KEPT, timeout=2_000)
    finally:
        context.close()
