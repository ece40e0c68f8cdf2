"""The Content-Security-Policy in chromium: pages that use htmx, Bootstrap, the bars and Swagger UI
work under it, and the browser reports no violation (decision 9)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from apps.rubric.models import EngineeringSchool
from tests.browser.test_self_assessment_browser import fill_strong_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || ""));
});
"""


@pytest.fixture
def watched(page: Page) -> list[str]:
    """Violations as the page's own event reports them, and CSP errors on the console."""
    messages: list[str] = []
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda m: messages.append(m.text) if "Content Security Policy" in m.text else None)
    return messages


def violations(page: Page, console: list[str]) -> list[str]:
    return [*page.evaluate("() => window.__csp"), *console]


def test_self_assessment_result_and_what_if_under_the_policy(
    page: Page, live_server: Any, watched: list[str]
) -> None:
    EngineeringSchool.objects.create(
        name="Seoul Institute of Technology", name_ko="서울공과대학교", country="Republic of Korea", rank=26
    )
    response = page.goto(f"{live_server.url}/self-assessment/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    fill_strong_profile(
        page, institution="Seoul Institute of Technology", field_label="Artificial intelligence"
    )
    result = page.locator("#result")
    expect(result).to_contain_text("110 of 110 points")
    # The bars get their length from classes now: A1's bar is full, its track is the same width.
    bar = result.locator('[role="progressbar"][aria-label="A1 Degree pedigree"]')
    filled = bar.locator(".progress-bar").bounding_box()
    track = bar.bounding_box()
    assert filled is not None
    assert track is not None
    assert filled["width"] > 0.95 * track["width"]
    salary = page.locator("#id_offered_salary_krw")  # htmx's live update still works
    salary.fill("")
    salary.press_sequentially("100000000")
    expect(result).to_contain_text("102 of 110 points")
    half = result.locator('[role="progressbar"][aria-label="A3 Salary"] .progress-bar').bounding_box()
    assert half is not None
    assert 0.5 * track["width"] < half["width"] < 0.7 * track["width"]  # 12 of 20
    # The print button works without its old inline onclick.
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.get_by_role("button", name="Print this result").click()
    assert page.evaluate("() => window.__printed") == 1
    assert violations(page, watched) == []


def test_swagger_ui_renders_under_the_policy(page: Page, live_server: Any, watched: list[str]) -> None:
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("K-Tech Pass API")
    assert violations(page, watched) == []


def test_an_inline_script_would_be_refused(page: Page, live_server: Any, watched: list[str]) -> None:
    """The check above can fail: an inline script injected into a page is blocked and reported."""
    page.goto(f"{live_server.url}/self-assessment/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__ran") is None
    assert any("script-src" in v for v in violations(page, watched))
