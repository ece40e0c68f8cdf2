"""The ministry queue at 1280 px for a supervisor, in English and in Korean (issue 12 leftovers,
decision 57): the table fits without a horizontal scroll, dates read in the one format per language
(decision 50), a rejection under review is listed with its review due date and leads to the review
panel; axe finds nothing serious. Screenshots: /tmp/screens/queue-*.png."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from apps.cases.decision_review import review_request
from apps.cases.models import CaseStatus
from apps.core.dates import format_when
from tests.browser.test_ministry_journey import check_axe, sign_in_with_code, staff_with_authenticator
from tests.cases.decided import decided_case
from tests.ministry import reviewer, submitted_case, supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            view: document.documentElement.clientWidth,
            table: document.querySelector('.queue-table').parentElement.scrollWidth,
            box: document.querySelector('.queue-table').parentElement.clientWidth,
        })"""
    )
    assert widths["page"] <= widths["view"], widths
    assert widths["table"] <= widths["box"], widths


@pytest.mark.parametrize("locale", ["en-GB", "ko-KR"])
def test_the_queue_fits_1280_px_and_lists_a_review_with_its_due_date(
    browser: Browser, live_server: Any, screens: Path, locale: str
) -> None:
    now = timezone.now()
    boss = staff_with_authenticator(supervisor, SECRET, "Park Ji-woo Supervisor")
    people = [
        reviewer(full_name=name) for name in ("Kim Min-jun Reviewer", "Alexandra Montgomery-Wellington")
    ]
    for index in range(6):
        submitted_case(
            submitted_at=now - dt.timedelta(days=index * 3),
            status=CaseStatus.IN_REVIEW if index % 2 else CaseStatus.SUBMITTED,
            assigned_to=people[index % 2] if index % 2 else None,
            applicant_name=f"Maximiliana Alexandrova-Fitzgerald {index}",
        )
    rejected = decided_case(approve=False, at=now - dt.timedelta(days=3))
    with time_machine.travel(now - dt.timedelta(days=2), tick=False):
        review = review_request(case=rejected, by=rejected.applicant, grounds="My doctorate was left out.")

    page = browser.new_context(locale=locale).new_page()
    sign_in_with_code(page, live_server.url, boss, SECRET, "/ministry/")
    expect(page.locator(".queue-table")).to_be_visible()
    page.screenshot(path=str(screens / f"queue-1280-{locale}.png"), full_page=True)
    no_horizontal_scroll(page)
    check_axe(page, f"the queue ({locale})")

    row = page.locator("tr", has=page.locator(f"a:text('{rejected.reference}')"))
    due = row.locator("td[data-review-due]")
    with_language = "ko" if locale == "ko-KR" else "en"
    from django.utils import translation

    with translation.override(with_language):
        expected = format_when(review.due_at, date_only=True)
    expect(due).to_contain_text(expected)
    expect(page.locator(".queue-table")).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    assert row.locator("input[type=checkbox]").count() == 0  # a review is not assigned from the queue

    # The status filter finds it, and its link leads to the review panel.
    page.goto(f"{live_server.url}/ministry/?status=review_requested")
    expect(page.locator(".queue-table tbody tr")).to_have_count(1)
    page.locator(".queue-table tbody a").first.click()
    expect(page).to_have_url(re.compile(rf"/ministry/cases/{rejected.reference}/#after-decision$"))
    expect(page.locator("#after-decision")).to_be_visible()
