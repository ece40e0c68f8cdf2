"""Issue 12 part 4 in chromium: an approved applicant downloads the decision letter and a third
party (signed in as nobody) verifies it; a rejected applicant asks for a review and a supervisor,
signed in with a real second factor, decides it (overturned: the applicant then has a letter too).
axe runs on every page of the journeys, error states included; screenshots go to /tmp/screens."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from apps.cases.letters import code_of, current_letter
from apps.cases.models import CaseStatus, ReviewRequest
from tests.browser.test_ministry_journey import (
    check_axe,
    sign_in_applicant,
    sign_in_with_code,
    staff_with_authenticator,
)
from tests.cases.decided import decided_case
from tests.factories import PDF_BYTES
from tests.ministry import supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUPERVISOR_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
Shot = Callable[[Page, str], None]


@pytest.fixture
def shot(screens: Path) -> Shot:
    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(screens / f"decision-{name}.png"), full_page=True)

    return take


def at_the_start_of_a_code_step() -> None:
    """A code typed just before its 30-second step ends arrives after it (seen once here): wait for
    a fresh step when fewer than 10 seconds are left."""
    left = 30 - time.time() % 30
    if left < 10:
        time.sleep(left + 0.5)


def pdf_text(path: Path) -> str:
    """The letter's text as a reader sees it (pdftotext when installed, else the code is read from
    the service, which the PDF test in tests/cases checks is printed)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        return ""
    done = subprocess.run([tool, str(path), "-"], capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout


def test_an_approved_applicant_downloads_the_letter_and_a_third_party_verifies_it(
    browser: Browser, live_server: Any, shot: Shot, screens: Path
) -> None:
    case = decided_case(approve=True, at=timezone.now())
    letter = current_letter(case)
    assert letter is not None
    base = live_server.url

    applicant = browser.new_context(locale="en-GB").new_page()
    sign_in_applicant(applicant, base, case.applicant, f"/apply/{case.reference}/status/")
    expect(applicant.get_by_role("heading", name="Your decision letter")).to_be_visible()
    check_axe(applicant, "the approved status page")
    shot(applicant, "approved-status")
    with applicant.expect_download() as download:
        applicant.get_by_role("link", name="Download the decision letter (PDF)").click()
    saved = screens / f"decision-letter-{case.reference}.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"k-tech-pass-decision-{case.reference}.pdf"
    assert saved.read_bytes().startswith(b"%PDF-")
    text = pdf_text(saved)
    code = code_of(letter)
    if text:
        assert case.reference in text
        assert code in text
        assert "K-테크 패스 결정 서한" in text
        code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", text).group(0)

    third_party = browser.new_context(locale="en-GB").new_page()  # nobody signed in
    third_party.goto(f"{base}/letters/verify/")
    third_party.get_by_role("button", name="Check the letter").click()
    expect(third_party.locator("#error-summary")).to_contain_text(
        "Enter the case reference printed on the letter."
    )
    check_axe(third_party, "the verification page with errors")
    shot(third_party, "verify-errors")
    third_party.get_by_label("Case reference").fill(case.reference)
    third_party.get_by_label("Verification code").fill("AAAA-BBBB-CCCC-DDDD")
    third_party.get_by_role("button", name="Check the letter").click()
    expect(third_party.get_by_role("heading", name="No letter matches")).to_be_visible()
    check_axe(third_party, "the verification page, no match")
    third_party.get_by_label("Verification code").fill(code.lower())
    third_party.get_by_role("button", name="Check the letter").click()
    expect(third_party.get_by_role("heading", name="Genuine and current")).to_be_visible()
    expect(third_party.locator("[data-verdict=genuine]")).to_contain_text(case.reference)
    expect(third_party.locator("main")).not_to_contain_text(case.applicant_name)
    check_axe(third_party, "the verification page, genuine")
    shot(third_party, "verify-genuine")


def test_a_rejected_applicant_asks_for_a_review_and_a_supervisor_overturns_it(
    browser: Browser, live_server: Any, shot: Shot, tmp_path: Path
) -> None:
    # Rejected although a doctorate from a top-100 school meets the quantitative track: the review corrects it.
    case = decided_case(
        approve=False,
        at=timezone.now(),
        degree_level="doctorate",
        institution_rank=26,
        experience_years="10",
        offered_salary_krw=150_000_000,
    )
    base = live_server.url

    applicant = browser.new_context(locale="en-GB").new_page()
    sign_in_applicant(applicant, base, case.applicant, f"/apply/{case.reference}/status/")
    expect(applicant.locator("#review")).to_contain_text(
        "You can ask for a review within 30 days of the decision"
    )
    check_axe(applicant, "the rejected status page")
    shot(applicant, "rejected-status")
    applicant.get_by_role("link", name="Ask for a review", exact=True).click()
    expect(applicant).to_have_url(re.compile(r"/review-request/$"))
    applicant.get_by_role("button", name="Send my request for a review").click()
    expect(applicant.locator("#error-summary")).to_contain_text("Write why the decision should be reviewed.")
    check_axe(applicant, "the review request with errors")
    shot(applicant, "review-request-errors")
    applicant.get_by_label("Why should the decision be reviewed?").fill(
        "My degree is a doctorate from a top-100 school; the certificate is attached."
    )
    certificate = tmp_path / "doctorate.pdf"
    certificate.write_bytes(PDF_BYTES)
    applicant.get_by_label("Documents that support your request (optional)").set_input_files(str(certificate))
    applicant.get_by_role("button", name="Send my request for a review").click()
    expect(applicant).to_have_url(re.compile(r"/status/$"))
    expect(applicant.get_by_role("heading", name="Your request for a review")).to_be_visible()
    check_axe(applicant, "the status page with a review requested")
    shot(applicant, "review-requested")
    case.refresh_from_db()
    assert case.status == CaseStatus.REVIEW_REQUESTED

    boss = staff_with_authenticator(supervisor, SUPERVISOR_SECRET, "Sun Supervisor")
    page = browser.new_context(locale="en-GB").new_page()
    at_the_start_of_a_code_step()
    sign_in_with_code(page, base, boss, SUPERVISOR_SECRET, "/ministry/reviews/")
    check_axe(page, "the supervisors' list of reviews")
    shot(page, "reviews-list")
    page.get_by_role("link", name=case.reference).click()
    panel = page.locator("#after-decision")
    expect(panel).to_contain_text("My degree is a doctorate from a top-100 school")
    expect(panel).to_contain_text("Review clock: 14 days left")
    expect(panel.get_by_role("link", name="Download doctorate.pdf")).to_be_visible()
    panel.get_by_role("button", name="Decide the review").click()
    expect(page.locator("#after-decision")).to_contain_text("Choose to uphold or to overturn the rejection.")
    check_axe(page, "the workspace's review panel with errors")
    page.locator("#after-decision").get_by_label("Overturn it: approve the application").check()
    page.locator("#after-decision").get_by_label("Explanation for the applicant").fill(
        "The degree certificate shows a doctorate from a top-100 school."
    )
    page.locator("#after-decision").get_by_role("button", name="Decide the review").click()
    expect(page.get_by_text(re.compile(r"The review of case .* is decided: approved"))).to_be_visible()
    expect(page.locator("#after-decision [data-review=overturned]")).to_be_visible()
    check_axe(page, "the workspace after the review")
    page.locator("#after-decision").scroll_into_view_if_needed()
    shot(page, "workspace-review-decided")

    assert ReviewRequest.objects.get(case=case).outcome == "overturned"
    applicant.reload()
    expect(applicant.locator(".ap-status-word")).to_have_text("Approved")
    expect(applicant.get_by_role("link", name="Download the decision letter (PDF)")).to_be_visible()
    expect(applicant.locator("#review")).to_contain_text("Overturned: the application is approved")
    check_axe(applicant, "the status page after the review")
    shot(applicant, "review-overturned-status")
