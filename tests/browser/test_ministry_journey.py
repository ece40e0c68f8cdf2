"""The ministry's journey in chromium, through the real sign-in pages and a real second factor.

A reviewer signs in with password and TOTP code, claims the most urgent case from the queue,
assesses the qualitative criteria, asks the applicant for information (the clock pauses); the
applicant answers on their status page (the clock resumes); the reviewer approves after the
confirmation step, and the applicant sees the decision and its explanation. A supervisor signs in
the same way and opens the dashboard. axe runs on the queue, the workspace and the dashboard.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from apps.accounts.models import User
from apps.cases.models import Case, CaseStatus, InformationRequest
from tests.ministry import reviewer, submitted_case, supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
REVIEWER_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SUPERVISOR_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
Shot = Callable[[Page, str], None]


def totp_code(secret: str) -> str:
    """What an authenticator app shows now: allauth's HOTP over 30-second steps."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def check_axe(page: Page, where: str) -> None:
    results = Axe().run(page)
    severe = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(f"{v['id']}: {v['help']} {[n.get('target') for n in v['nodes']]}" for v in severe)
    assert not severe, f"axe found serious or critical violations on {where}:\n{report}"


@pytest.fixture
def shot(screens: Path) -> Shot:
    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(screens / f"ministry-{name}.png"), full_page=True)

    return take


def staff_with_authenticator(make: Callable[..., User], secret: str, name: str) -> User:
    user = make(full_name=name)
    TOTP.activate(user, secret)
    return user


_LAST_STEP: dict[str, int] = {}


def _wait_for_an_unused_code_step(secret: str) -> None:
    """allauth refuses a code used once already (replay protection), and a code typed just before its
    30-second step ends may arrive after it: wait for a step this secret has not signed in with and
    that has at least 5 seconds left."""
    while True:
        now = time.time()
        step, left = int(now // 30), 30 - now % 30
        if _LAST_STEP.get(secret) != step and left >= 5:
            _LAST_STEP[secret] = step
            return
        time.sleep(left + 0.2)


def sign_in_with_code(page: Page, base: str, user: User, secret: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    # By name, not label: this sign-in runs in English and in Korean.
    page.locator("main input[name=login]").fill(user.email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main").locator("button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    _wait_for_an_unused_code_step(secret)
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("main").locator("button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def sign_in_applicant(page: Page, base: str, applicant: User, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.locator("main").get_by_label(re.compile("E-?mail", re.I)).fill(applicant.email)
    page.locator("main").get_by_label(re.compile(r"^\s*Password\W*$")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name=re.compile("Sign in", re.I)).click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def claim_the_most_urgent_case(page: Page, shot: Shot) -> None:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_axe(page, "the queue")
    shot(page, "1-queue")
    page.get_by_role("button", name="Claim next case").click()
    expect(page).to_have_url(re.compile(r"/ministry/cases/KTP-"))


def assess_the_qualitative_criteria(page: Page, shot: Shot) -> None:
    form = page.locator("#assessment form")
    form.get_by_label("Field", exact=True).select_option("ai")
    form.get_by_label("Why this field").fill("The CV and publications are in machine learning.")
    form.get_by_label("Publications and granted patents", exact=True).fill("6")
    form.get_by_label("How the publications and patents were verified").fill("Checked on DBLP and KIPRIS.")
    form.get_by_label(re.compile("^Years leading a major R&D project")).fill("2")
    form.get_by_label("How the leadership or award was verified").fill("Letter from the former employer.")
    form.get_by_label("Core-technology role (rating)").fill("4")
    form.get_by_label("Why this rating", exact=True).fill("Leads the inference-chip compiler team.")
    form.locator("input[name=hard_to_fill][value=no]").check()
    form.get_by_label("Why the post is, or is not, hard to fill").fill("Recruited for one month only.")
    form.get_by_label("Technology-transfer or training plan (rating)").fill("3")
    form.get_by_label("Why this rating for the plan").fill("A mentoring plan for four engineers.")
    form.get_by_role("button", name="Save the assessment and recalculate the score").click()
    expect(page.locator("main .messages")).to_contain_text(re.compile("assess", re.I))
    check_axe(page, "the workspace after the assessment")
    shot(page, "2-workspace-assessed")


def ask_the_applicant(page: Page, shot: Shot) -> None:
    form = page.locator("#requests form")
    form.get_by_label("The applicant").check()
    form.get_by_label("Message").fill("Please send the certificate of your doctorate.")
    form.get_by_label("What is needed").fill("A scan of the degree certificate.")
    form.get_by_role("button", name="Send the request and pause the clock").click()
    expect(page.locator("main .messages")).to_be_visible()
    shot(page, "3-information-requested")


def applicant_answers(page: Page, base: str, applicant: User, case: Case, shot: Shot) -> None:
    status_path = f"/apply/{case.reference}/status/"
    sign_in_applicant(page, base, applicant, status_path)
    expect(page.locator("main")).to_contain_text("Please send the certificate of your doctorate.")
    page.get_by_role("textbox", name=re.compile("^Your answer")).fill("The certificate is attached.")
    page.get_by_label("Files to send with your answer (optional)").set_input_files(
        files=[{"name": "degree.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator("main .messages")).to_be_visible()
    shot(page, "4-applicant-answered")


def approve(page: Page, shot: Shot) -> None:
    form = page.locator("#decision form")
    form.get_by_label("Approve", exact=True).check()
    form.get_by_label("The track's criteria are met").check()
    form.get_by_label("Explanation for the applicant").fill("Your evidence meets the qualitative track.")
    form.get_by_role("button", name="Continue to confirm the decision").click()
    shot(page, "5-confirm-decision")
    page.get_by_role("button", name=re.compile("^Confirm", re.I)).click()
    expect(page.locator("main .messages")).to_be_visible()
    shot(page, "6-decided")


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_reviewer_claims_assesses_asks_and_approves_and_the_applicant_sees_it(
    browser: Browser, live_server: Any, shot: Shot
) -> None:
    base = live_server.url
    the_reviewer = staff_with_authenticator(reviewer, REVIEWER_SECRET, "Han Seojin")
    the_supervisor = staff_with_authenticator(supervisor, SUPERVISOR_SECRET, "Park Soyeon")
    later = submitted_case(applicant_name="Ana Lima", submitted_at=timezone.now() - dt.timedelta(days=1))
    urgent = submitted_case(
        applicant_name="김민준", track="qualitative", submitted_at=timezone.now() - dt.timedelta(days=10)
    )

    reviewer_page = browser.new_context(locale="en-GB").new_page()
    sign_in_with_code(reviewer_page, base, the_reviewer, REVIEWER_SECRET, "/ministry/")
    claim_the_most_urgent_case(reviewer_page, shot)
    assert reviewer_page.url.endswith(f"/ministry/cases/{urgent.reference}/")  # due first
    check_axe(reviewer_page, "the workspace")
    assess_the_qualitative_criteria(reviewer_page, shot)
    ask_the_applicant(reviewer_page, shot)
    urgent.refresh_from_db()
    assert urgent.status == CaseStatus.INFORMATION_REQUESTED
    assert urgent.paused_at is not None
    due_before_answer = urgent.due_at

    applicant_page = browser.new_context(locale="en-GB").new_page()
    applicant_answers(applicant_page, base, urgent.applicant, urgent, shot)
    urgent.refresh_from_db()
    assert urgent.status == CaseStatus.IN_REVIEW
    assert urgent.paused_at is None
    assert urgent.due_at is not None
    assert due_before_answer is not None
    assert urgent.due_at > due_before_answer  # moved by the time it was paused
    assert InformationRequest.objects.get(case=urgent).response_text == "The certificate is attached."

    reviewer_page.reload()
    approve(reviewer_page, shot)
    urgent.refresh_from_db()
    assert urgent.status == CaseStatus.APPROVED
    later.refresh_from_db()
    assert later.status == CaseStatus.SUBMITTED  # untouched: nobody claimed it

    applicant_page.reload()
    expect(applicant_page.locator("main")).to_contain_text("Approved")
    expect(applicant_page.locator("main")).to_contain_text("Your evidence meets the qualitative track.")
    shot(applicant_page, "7-applicant-sees-decision")

    # The supervisor's browser asks for Korean: the sign-in, the dashboard and the queue answer in it.
    supervisor_page = browser.new_context(locale="ko-KR").new_page()
    sign_in_with_code(supervisor_page, base, the_supervisor, SUPERVISOR_SECRET, "/ministry/dashboard/")
    expect(supervisor_page.get_by_role("heading", level=1)).to_have_text("감독관 대시보드")
    check_axe(supervisor_page, "the dashboard in Korean")
    shot(supervisor_page, "8-dashboard-ko")
    supervisor_page.goto(f"{base}/ministry/")
    expect(supervisor_page.get_by_role("heading", level=1)).to_have_text("신청 건 대기열")
    expect(supervisor_page.locator("main")).to_contain_text(later.reference)
    check_axe(supervisor_page, "the queue in Korean, as a supervisor")
    shot(supervisor_page, "9-queue-ko")
    for path, name in (
        ("/ministry/caseloads/", "10-caseloads-ko"),
        ("/ministry/preferences/", "11-preferences-ko"),
    ):
        supervisor_page.goto(f"{base}{path}")
        expect(supervisor_page.get_by_role("heading", level=1)).to_be_visible()
        check_axe(supervisor_page, path)
        shot(supervisor_page, name)
