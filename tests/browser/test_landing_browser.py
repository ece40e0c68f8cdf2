"""Where everyone lands, in chromium (decision 50): the account pages in the site's layout with an
error summary (axe on each, error states included, English and Korean), a reviewer's wrong code,
and the header on one line at 1280 px for every role (its height measured, a screenshot each)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_grant_role
from apps.accounts.totp import add_totp_authenticator
from apps.programmes.services import programme_officer_appoint
from tests.browser.test_ministry_journey import PASSWORD, REVIEWER_SECRET, Shot, check_axe, totp_code
from tests.factories import MembershipFactory, UserFactory
from tests.ministry import enrolment_link, policy_administrator, reviewer, supervisor
from tests.programmes.factories import programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shot(screens: Path) -> Shot:
    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(screens / f"landing-{name}.png"), full_page=True)

    return take


def submit(page: Page) -> None:
    page.locator("main form button[type=submit]").first.click()


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("main input[name=login]").fill(email)
    page.locator("main input[name=password]").fill(password)
    submit(page)


def expect_error_summary(page: Page, text: str | re.Pattern[str]) -> None:
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(text)


def test_the_account_pages_look_like_the_service_with_their_errors_in_a_summary(
    browser: Browser, live_server: Any, shot: Shot
) -> None:
    base = live_server.url
    page = browser.new_context().new_page()

    # Sign-up: the site's header and footer around allauth's form; errors summarised, then fixed.
    page.goto(f"{base}/accounts/signup/")
    expect(page.locator("header.site-header")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign Up")
    check_axe(page, "the sign-up page")
    page.locator("main input[name=email]").fill("not-an-address")
    page.locator("main input[name=password1]").fill("short")
    page.locator("main input[name=password2]").fill("different")
    page.locator("main input[name=email]").evaluate("e => e.type = 'text'")  # past the browser's own check
    submit(page)
    expect_error_summary(page, "Email")
    check_axe(page, "the sign-up page with errors")
    shot(page, "1-sign-up-errors")
    page.locator("main input[name=email]").fill("new.person@example.org")
    page.locator("main input[name=password1]").fill("a-strong-pass-phrase")
    page.locator("main input[name=password2]").fill("a-strong-pass-phrase")
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    check_axe(page, "the page saying a confirmation was sent")
    shot(page, "2-verification-sent")

    # The e-mail names the service; its link signs the person in and lands them on their home.
    (message,) = mail.outbox
    assert "Hello from" not in str(message.body)
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", str(message.body))
    assert link is not None
    page.goto(base + link.group(1))
    check_axe(page, "the confirmation page")
    shot(page, "3-confirm")
    submit(page)
    expect(page).to_have_url(re.compile(r"/apply/$"))
    expect(page.locator("header")).to_contain_text("new.person@example.org")

    # A wrong password: the summary says so, the address stays.
    page.locator("header").get_by_role("button", name="Sign out").click()
    sign_in(page, base, "new.person@example.org", "not-the-password")
    expect_error_summary(page, "not correct")
    expect(page.locator("main input[name=login]")).to_have_value("new.person@example.org")
    check_axe(page, "the sign-in page with a wrong password")
    shot(page, "4-sign-in-wrong-password")

    # Password reset, every step, with its error states.
    page.goto(f"{base}/accounts/password/reset/")
    check_axe(page, "the password reset page")
    page.locator("main input[name=email]").evaluate("e => e.type = 'text'")
    page.locator("main input[name=email]").fill("nonsense")
    submit(page)
    expect_error_summary(page, "valid email")
    check_axe(page, "the password reset page with an error")
    page.locator("main input[name=email]").fill("new.person@example.org")
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))
    check_axe(page, "the page saying the reset link was sent")
    shot(page, "5-reset-sent")
    reset = re.search(r"https?://\S+(/accounts/password/reset/key/\S+/)", str(mail.outbox[-1].body))
    assert reset is not None
    assert "Hello from" not in str(mail.outbox[-1].body)
    page.goto(base + reset.group(1))
    expect(page.locator("main input[name=password1]")).to_be_visible()
    page.locator("main input[name=password1]").fill("a-new-strong-phrase")
    page.locator("main input[name=password2]").fill("another-phrase-entirely")
    submit(page)
    expect_error_summary(page, "same password")
    check_axe(page, "the new password page with an error")
    shot(page, "6-new-password-error")
    page.locator("main input[name=password1]").fill("a-new-strong-phrase")
    page.locator("main input[name=password2]").fill("a-new-strong-phrase")
    submit(page)
    check_axe(page, "the page saying the password changed")
    shot(page, "7-password-changed")


def test_the_account_pages_in_korean(browser: Browser, live_server: Any, shot: Shot) -> None:
    page = browser.new_context(locale="ko-KR", extra_http_headers={"Accept-Language": "ko"}).new_page()
    sign_in(page, live_server.url, "nobody@example.org", "not-the-password")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#error-summary")).to_contain_text("문제가")
    check_axe(page, "the Korean sign-in page with a wrong password")
    shot(page, "8-sign-in-ko")
    page.goto(f"{live_server.url}/accounts/signup/")
    check_axe(page, "the Korean sign-up page")


def test_a_reviewer_with_a_wrong_code_sees_why_then_lands_on_the_queue(
    browser: Browser, live_server: Any, shot: Shot
) -> None:
    person = reviewer()
    add_totp_authenticator(person, REVIEWER_SECRET)
    page = browser.new_context().new_page()
    sign_in(page, live_server.url, person.email)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    check_axe(page, "the two-factor code page")
    page.locator("main input[name=code]").fill("000000")
    submit(page)
    expect_error_summary(page, re.compile("code", re.I))
    check_axe(page, "the two-factor code page with a wrong code")
    shot(page, "9-wrong-code")
    page.locator("main input[name=code]").fill(totp_code(REVIEWER_SECRET))
    submit(page)
    expect(page).to_have_url(re.compile(r"/ministry/$"))

    # The two-factor overview, and the confirmations it asks for, with their error states.
    page.goto(f"{live_server.url}/accounts/2fa/")
    check_axe(page, "the two-factor overview")
    shot(page, "10-two-factor-overview")
    page.goto(f"{live_server.url}/accounts/reauthenticate/")
    page.locator("main input[name=password]").fill("not-the-password")
    submit(page)
    expect_error_summary(page, re.compile("password", re.I))
    check_axe(page, "the password confirmation with a wrong password")
    page.goto(f"{live_server.url}/accounts/2fa/reauthenticate/")
    page.locator("main input[name=code]").fill("000000")
    submit(page)
    expect_error_summary(page, re.compile("code", re.I))
    check_axe(page, "the code confirmation with a wrong code")
    shot(page, "11-code-confirmation-wrong-code")


def test_a_new_reviewer_s_authenticator_set_up_with_a_wrong_code(
    browser: Browser, live_server: Any, shot: Shot
) -> None:
    newcomer = reviewer()
    page = browser.new_context().new_page()
    sign_in(page, live_server.url, newcomer.email)
    page.goto(live_server.url + enrolment_link(newcomer))
    page.get_by_role("button", name="Set up my authenticator app").click()
    page.locator("main input[name=password]").fill(PASSWORD)
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    check_axe(page, "the authenticator set-up")
    page.locator("main input[name=code]").fill("000000")
    submit(page)
    expect_error_summary(page, re.compile("code", re.I))
    check_axe(page, "the authenticator set-up with a wrong code")
    shot(page, "12-set-up-wrong-code")
    secret = page.locator("main input[readonly]").first.input_value()
    page.locator("main input[name=code]").fill(totp_code(secret))
    submit(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    check_axe(page, "the recovery codes")
    shot(page, "13-recovery-codes")


# --- the header at 1280 px ----------------------------------------------------------------------


def _officer(email: str) -> User:
    user = UserFactory(email=email)
    programme_officer_appoint(user=user, programme=programme("KASA"))
    return user


def _applicant(email: str) -> User:
    return UserFactory.create(email=email, role=Role.APPLICANT)


def _member(email: str) -> User:
    return MembershipFactory.create(user=UserFactory.create(email=email, role=Role.EMPLOYER)).user


def _everything(email: str) -> User:
    """The widest menu there is: an employer member who is also supervisor, roster keeper and policy administrator."""
    user = MembershipFactory(user=UserFactory(email=email, role=Role.EMPLOYER)).user
    for role in (Role.SUPERVISOR, Role.POLICY_ADMINISTRATOR):
        user_grant_role(user=user, role=role)
    programme_officer_appoint(user=user, programme=programme("KASA"))
    return user


PERSONAS: dict[str, Callable[[str], User] | None] = {
    "anonymous": None,
    "applicant": _applicant,
    "employer": _member,
    "reviewer": lambda email: reviewer(email=email),
    "supervisor": lambda email: supervisor(email=email),
    "programme-officer": _officer,
    "policy-administrator": lambda email: policy_administrator(email=email),
    "all-roles": _everything,
}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_header_stays_on_one_line_for_every_role(
    browser: Browser, live_server: Any, screens: Path, language: str
) -> None:
    heights: dict[str, float] = {}
    for name, make in PERSONAS.items():
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, extra_http_headers={"Accept-Language": language}
        )
        page = context.new_page()
        if make is not None:
            # A long address, as staff addresses are: the header shortens it rather than wrap.
            make(f"{name}.with-a-long-address-{language}@ministry-of-trade.example.go.kr")
            sign_in(
                page,
                live_server.url,
                f"{name}.with-a-long-address-{language}@ministry-of-trade.example.go.kr",
            )
        page.goto(f"{live_server.url}/self-assessment/")
        navbar = page.locator("header nav.navbar")
        box = navbar.bounding_box()
        assert box is not None
        heights[name] = box["height"]
        tops = page.locator("header nav .nav-item").evaluate_all(
            "items => items.map(i => Math.round(i.getBoundingClientRect().top))"
        )
        assert max(tops) - min(tops) <= 12, f"{name} ({language}): items on several rows {tops}"
        page.locator("header").screenshot(path=str(screens / f"landing-header-{language}-{name}.png"))
        context.close()
    lowest = min(heights.values())
    assert all(height == lowest for height in heights.values()), heights
    assert lowest < 70, heights  # one row of links
