"""Issue 12, part 1, in chromium: employers are who they say they are.

1. An employer registers an organisation (a wrong number first: the error page), sends its business
   registration certificate (a refused file first), cannot yet send a sponsorship; a reviewer signs
   in with a second factor, refuses a rejection without a reason, then verifies; the employer sends
   the sponsorship.
2. An applicant who registered an organisation sponsors themselves from it and is refused on the
   confirmation page; they decline it instead.

axe: no serious or critical violation on any page along the way, error states included.
Screenshots go to /tmp/screens/trust-*.png.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import Sponsorship, SponsorshipStatus
from apps.cases.services import case_start
from apps.organisations.models import Organisation, SizeClass
from apps.organisations.services import organisation_register
from tests.factories import ELF_BYTES, FULL_ANSWERS, PDF_BYTES, UserFactory
from tests.ministry import reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
REVIEWER_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
Shot = Callable[[Page, str], None]


def check_axe(page: Page, where: str) -> None:
    results = Axe().run(page)
    severe = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(f"{v['id']}: {v['help']} {[n.get('target') for n in v['nodes']]}" for v in severe)
    assert not severe, f"axe found serious or critical violations on {where}:\n{report}"


@pytest.fixture
def shot(screens: Path) -> Shot:
    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(screens / f"trust-{name}.png"), full_page=True)

    return take


def main(page: Page) -> Any:
    return page.locator("main")


def flash(page: Page) -> Any:
    return page.locator("main .messages")


def sign_in(page: Page, base: str, user: User, next_path: str, secret: str | None = None) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.locator("main input[name=login]").fill(user.email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main").locator("button[type=submit]").first.click()
    if secret:
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
        page.locator("input[name=code]").fill(format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
        page.locator("main").locator("button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def fill_sponsorship(page: Page, *, name: str, email: str) -> None:
    page.get_by_label("Candidate's full name").fill(name)
    page.get_by_label("Candidate's e-mail address").fill(email)
    page.get_by_label("Job title").fill("Principal AI engineer")
    page.get_by_label("Field of the job").select_option(label="Artificial intelligence")
    page.get_by_label("Offered annual salary in Korean won (KRW)").fill("150000000")
    page.get_by_label("How central is the job to your core technology?").select_option("5")
    page.get_by_label("Basis for the core-technology rating").fill("Leads the inference-compiler team.")
    page.get_by_label("Months spent recruiting in Korea").fill("6")
    page.get_by_label("Evidence that the post is hard to fill").fill("Six months on Saramin without a match.")
    page.get_by_label("How developed is your plan to transfer technology").select_option("5")
    page.get_by_label("The technology-transfer or training plan").fill("Trains six engineers over two years.")


def test_an_employer_registers_is_verified_and_sponsors(
    live_server: Any, browser: Browser, shot: Shot, tmp_path: Path
) -> None:
    base = live_server.url
    employer = UserFactory(email="hr@hanbit-display.co.kr", full_name="Kim Minji")
    the_reviewer = reviewer(full_name="Park Jiwoo")
    TOTP.activate(the_reviewer, REVIEWER_SECRET)
    bad_file = tmp_path / "certificate.pdf"
    bad_file.write_bytes(ELF_BYTES)
    good_file = tmp_path / "business-registration-certificate.pdf"
    good_file.write_bytes(PDF_BYTES)

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, employer, "/employer/organisations/register/")
    expect(main(page)).to_contain_text("for example 123-45-67891")
    page.get_by_label("Organisation name").fill("Hanbit Display")
    page.get_by_label("Business registration number").fill("220-81-62518")
    page.get_by_label("Sector").fill("Displays")
    page.get_by_label("Small or medium-sized enterprise (SME)").check()
    page.get_by_role("button", name="Register the organisation").click()
    expect(page.locator("#error-summary")).to_contain_text("its last digit does not match")
    check_axe(page, "the registration form's error state")
    shot(page, "e1-register-error")

    page.get_by_label("Business registration number").fill("220-81-62517")
    page.get_by_role("button", name="Register the organisation").click()
    expect(flash(page)).to_contain_text("Hanbit Display is registered.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verification")
    expect(main(page)).to_contain_text(
        "Not verified: no business registration certificate has been sent yet."
    )
    expect(main(page)).to_contain_text("SME claim pending")
    check_axe(page, "the verification page")
    shot(page, "e2-verification-missing")

    page.get_by_label(re.compile("Business registration certificate")).set_input_files(str(bad_file))
    page.get_by_role("button", name="Send the certificate").click()
    expect(page.locator("#error-summary")).to_contain_text("is not a PDF, JPEG or PNG file")
    check_axe(page, "the verification page's error state")
    shot(page, "e3-verification-error")
    page.get_by_label(re.compile("Business registration certificate")).set_input_files(str(good_file))
    page.get_by_role("button", name="Send the certificate").click()
    expect(flash(page)).to_contain_text("A reviewer will verify it.")
    expect(page.locator("#verification-status")).to_contain_text("Pending")
    shot(page, "e4-verification-pending")

    page.get_by_role("navigation", name="Organisation sections").get_by_role(
        "link", name="Sponsorships"
    ).click()
    expect(page.locator("#verification-pending")).to_contain_text("The ministry is checking")
    page.get_by_role("link", name="Sponsor a candidate").click()
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator("#error-summary")).to_be_visible()
    check_axe(page, "the sponsorship form's error state")
    shot(page, "e5-sponsorship-error")
    fill_sponsorship(page, name="Ada Kim", email="ada@kaist.ac.kr")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator("#cannot-send")).to_contain_text("once your organisation is verified")
    expect(page.get_by_role("link", name="Submit to candidate")).to_have_count(0)
    check_axe(page, "the draft sponsorship of an unverified organisation")
    shot(page, "e6-sponsorship-cannot-send")

    ministry = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(ministry, base, the_reviewer, "/ministry/organisations/claims/", REVIEWER_SECRET)
    expect(ministry.locator("#pending-claims")).to_contain_text("Hanbit Display")
    check_axe(ministry, "the ministry's certificate list")
    shot(ministry, "m1-certificates")
    ministry.locator("#pending-claims").get_by_role("link", name="Hanbit Display").click()
    ministry.get_by_label(re.compile(r"^\s*Reject")).check()
    ministry.get_by_role("button", name="Record the decision").click()
    expect(ministry.locator("#error-summary")).to_contain_text("Write the reason for your decision.")
    check_axe(ministry, "the certificate page's error state")
    shot(ministry, "m2-decision-error")
    ministry.get_by_label(re.compile(r"^\s*Verify")).check()
    ministry.get_by_label("Reason").fill("Number and name match the certificate; checked with the NTS.")
    ministry.get_by_role("button", name="Record the decision").click()
    expect(flash(ministry)).to_contain_text("Hanbit Display is now a verified organisation.")
    shot(ministry, "m3-verified")

    page.reload()
    expect(page.locator("#cannot-send")).to_have_count(0)
    page.get_by_role("link", name="Submit to candidate").click()
    page.get_by_role("button", name="Submit to candidate").click()
    expect(flash(page)).to_contain_text("The sponsorship was sent to ada@kaist.ac.kr.")
    check_axe(page, "the sent sponsorship")
    shot(page, "e7-sponsorship-sent")
    assert Sponsorship.objects.get().status == SponsorshipStatus.SUBMITTED
    assert Organisation.objects.get().verified_by == the_reviewer


def test_an_applicant_who_sponsors_themselves_is_refused(
    live_server: Any, browser: Browser, shot: Shot
) -> None:
    base = live_server.url
    applicant = UserFactory(role=Role.APPLICANT, email="ada@kaist.ac.kr", full_name="Ada Kim")
    organisation = organisation_register(
        user=applicant,
        name="Ada Holdings",
        business_registration_number="124-81-00998",
        sector="Consulting",
        size_class=SizeClass.SME,
    )
    Organisation.objects.filter(pk=organisation.pk).update(verified_at=organisation.created_at)
    case = case_start(applicant=applicant, answers=FULL_ANSWERS, track="qualitative")

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, applicant, f"/employer/organisations/{organisation.pk}/sponsorships/new/")
    fill_sponsorship(page, name="Ada Kim", email=applicant.email)
    page.get_by_label("Offered annual salary in Korean won (KRW)").fill("9000000000")
    page.get_by_role("button", name="Save the draft").click()
    page.get_by_role("link", name="Submit to candidate").click()
    page.get_by_label("Application reference (optional)").fill(case.reference)
    page.get_by_role("button", name="Submit to candidate").click()
    expect(flash(page)).to_contain_text(f"The sponsorship was added to application {case.reference}.")

    page.goto(f"{base}/apply/{case.reference}/sponsorship/")
    page.locator("[data-sponsorship]").get_by_role("link", name=re.compile("Review and confirm")).click()
    expect(page.locator("#own-organisation")).to_contain_text("You cannot confirm this sponsorship")
    expect(page.get_by_role("button", name="Confirm this sponsorship")).to_have_count(0)
    check_axe(page, "the refused confirmation")
    shot(page, "a1-self-sponsorship-refused")

    page.get_by_label("Reason (optional, the employer sees it)").fill("It is my own company.")
    page.get_by_role("button", name="Decline this sponsorship").click()
    expect(flash(page)).to_contain_text("You declined the sponsorship from Ada Holdings.")
    shot(page, "a2-declined")
    sponsorship = Sponsorship.objects.get()
    assert sponsorship.status == SponsorshipStatus.DECLINED
    assert sponsorship.case is not None
    assert not Sponsorship.objects.filter(status=SponsorshipStatus.CONFIRMED).exists()
