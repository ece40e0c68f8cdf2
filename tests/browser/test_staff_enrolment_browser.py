"""A new reviewer gets their authenticator in chromium: with a password alone the ministry's pages
say whom to ask; a site administrator's e-mailed enrolment link lets them set up an authenticator
app; then the queue opens. axe runs on the two enrolment pages (decision 7)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from apps.accounts.enrolment import grant_issue
from apps.accounts.mfa import has_totp
from apps.accounts.models import EnrolmentGrant
from tests.browser.test_ministry_journey import PASSWORD, Shot, check_axe, totp_code
from tests.ministry import reviewer, site_admin, submitted_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shot(screens: Path) -> Shot:
    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(screens / f"staff-{name}.png"), full_page=True)

    return take


def test_a_new_reviewer_sets_up_two_factor_through_an_administrator_s_link(
    browser: Browser, live_server: Any, shot: Shot
) -> None:
    base = live_server.url
    newcomer = reviewer(full_name="Noh Newcomer")
    waiting = submitted_case()
    page = browser.new_context().new_page()

    # A password alone: the ministry's first page says whom to ask, and hands out no secret.
    page.goto(f"{base}/accounts/login/?next=/ministry/")
    page.locator("main input[name=login]").fill(newcomer.email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main").locator("button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("Ask a site administrator for an enrolment link.")
    expect(page.locator("main input[name=code]")).to_have_count(0)
    check_axe(page, "the page for staff without an enrolment link")
    shot(page, "1-ask-an-administrator")

    # The administrator sends the link; it arrives by e-mail.
    grant_issue(user=newcomer, by=site_admin(), via=EnrolmentGrant.Channel.ADMIN)
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/2fa/enrol/\S+/", str(message.body))
    assert link is not None
    page.goto(base + urlsplit(link.group()).path)  # SITE_URL is not the live server's address
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor authentication")
    check_axe(page, "the enrolment link's page")
    shot(page, "2-link")
    page.get_by_role("button", name="Set up my authenticator app").click()

    # allauth asks for the password again before a new authenticator, then shows the secret to
    # type into an app (or its QR code), then asks for a code from it.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main").locator("button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.locator("main input[readonly]").first.input_value()
    expect(page.locator("main")).not_to_contain_text("{#")  # no template comment shown as text
    page.locator("main input[name=code]").fill(totp_code(secret))
    shot(page, "3-set-up")
    page.locator("main").locator("button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    assert has_totp(newcomer)
    page.goto(f"{base}/ministry/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case queue")
    expect(page.locator("main")).to_contain_text(waiting.reference)
    shot(page, "4-queue")
