"""Colour contrast and the rest of axe on error states (issue 12, acceptance): the self-assessment
with field errors shown, and every employer form sent empty or wrong (register an organisation,
claim a registered number, the business registration certificate, the SME claim, a sponsorship,
an invitation, a withdrawal), in English and in Korean: 0 serious or critical violations.
Screenshots: /tmp/screens/errors-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from apps.cases.models import SponsorshipStatus
from apps.organisations.models import MemberRole, SizeClass
from tests.browser.test_employer_trust_browser import check_axe, sign_in
from tests.factories import MembershipFactory, OrganisationFactory, SponsorshipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOCALES = {"en-GB": "en", "ko-KR": "ko"}
# What any error state shows: the summary at the top, or a field marked invalid.
ERRORS = "#error-summary, #sa-error-summary, .is-invalid, .invalid-feedback, .alert-danger"


def send(page: Page, form: str, fill: dict[str, str] | None = None) -> None:
    """Send ``form`` with only ``fill`` filled (browser validation off: the server's errors show)."""
    page.evaluate("() => document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    for selector, value in (fill or {}).items():
        page.locator(f"{form} {selector}").fill(value)
    page.locator(f"{form} button[type=submit]").last.click()
    expect(page.locator(ERRORS).first).to_be_visible()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_employer_form_with_errors_shown(
    browser: Browser, live_server: Any, screens: Path, locale: str
) -> None:
    base = live_server.url
    admin = UserFactory(email="hr@hanbit-display.co.kr", full_name="Kim Minji")
    organisation = OrganisationFactory(verified=True, size_class=SizeClass.SME, name="Hanbit Display")
    MembershipFactory(organisation=organisation, user=admin, role=MemberRole.ADMIN)
    unverified = OrganisationFactory(size_class=SizeClass.SME, name="Hanbit Optics")
    MembershipFactory(organisation=unverified, user=admin, role=MemberRole.ADMIN)
    submitted = SponsorshipFactory(organisation=organisation, status=SponsorshipStatus.SUBMITTED)
    org = f"/employer/organisations/{organisation.pk}"
    forms = [
        ("register", "/employer/organisations/register/", "main form", {"input[name=business_registration_number]": "220-81-62518"}),
        ("claim", "/employer/claims/new/", "main form", {"input[name=business_registration_number]": "123"}),
        ("verification", f"/employer/organisations/{unverified.pk}/verification/", "main form[enctype]", {}),
        ("sme", f"{org}/sme/", "main form[enctype]", {}),
        ("sponsorship", f"{org}/sponsorships/new/", "main form", {}),
        ("invitation", f"{org}/", "main form[action$='/invite/']", {"input[name=email]": "not-an-address"}),
        ("withdraw", f"{org}/sponsorships/{submitted.pk}/withdraw/", "main form", {}),
    ]  # fmt: skip

    page = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, base, admin, "/employer/")
    for name, path, form, fill in forms:
        page.goto(f"{base}{path}")
        expect(page.locator(form).first).to_be_visible()
        send(page, form, fill)
        page.screenshot(path=str(screens / f"errors-employer-{name}-{LOCALES[locale]}.png"), full_page=True)
        check_axe(page, f"the {name} form's error state ({locale})")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_self_assessment_with_field_errors_shown(
    browser: Browser, live_server: Any, screens: Path, locale: str
) -> None:
    page = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/self-assessment/")
    page.evaluate("() => document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    page.locator("#id_degree_level").select_option("master")
    page.locator("#id_experience_years").fill("-3")
    page.locator("#id_fortune_global_500_years").fill("5")
    page.locator("#id_publications_and_patents").fill("-1")
    page.locator("#id_offered_salary_krw").fill("-100")
    page.locator("#self-assessment-form button[type=submit]").click()
    expect(page.locator("#sa-error-summary")).to_be_visible()
    expect(page.locator("#self-assessment-form .is-invalid").first).to_be_visible()
    assert page.locator("#self-assessment-form .is-invalid").count() >= 2
    page.screenshot(path=str(screens / f"errors-self-assessment-{LOCALES[locale]}.png"), full_page=True)
    check_axe(page, f"the self-assessment with field errors ({locale})")
    # The same errors once the result region has been used (the htmx path swaps the form in place).
    page.locator("#id_experience_years").fill("6")
    page.locator("#self-assessment-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(re.compile(r"\S"))
    check_axe(page, f"the self-assessment after a correction ({locale})")
