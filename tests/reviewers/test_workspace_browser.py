"""The workspace in a real browser: axe finds no serious or critical violation on the page (with
its forms, a document preview open, and an error summary), nor on the decision's confirmation page.

The reviewer's session (with the second factor) is made by the test client and handed to the browser
as its session cookie, so the test does not depend on the sign-in pages.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from tests.ministry import reviewer
from tests.reviewers.test_workspace_support import ministry_client, qualitative_case, url, workspace_url

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's event loop runs in the test thread

CHROMIUM = "/usr/bin/chromium"
SCREENS = Path("/tmp/screens")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
]


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    return {"executable_path": CHROMIUM, "args": ["--no-sandbox", "--disable-gpu", "--no-first-run"]}


def check_axe(page: Any, where: str) -> None:
    results = Axe().run(page)
    severe = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(
        f"{v['id']}: {v['help']} {[n.get('target') for n in v['nodes']]} {v['nodes'][0].get('failureSummary')}"
        for v in severe
    )
    assert not severe, f"axe found serious/critical violations on {where}:\n{report}"


def test_the_workspace_passes_axe(page: Any, live_server: Any) -> None:
    assignee = reviewer(full_name="Rae Viewer")
    case = qualitative_case(assigned_to=assignee)
    client = ministry_client(assignee)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}{workspace_url(case)}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Case ")
    page.get_by_text("Preview degree.pdf").click()
    assert page.locator("iframe[title^='Preview of']").count() == 1
    page.wait_for_timeout(1500)  # let the PDF viewer draw before the screenshot
    page.locator("iframe[title^='Preview of']").screenshot(path=str(SCREENS / "workspace-pdf-preview.png"))
    check_axe(page, "the workspace")

    # A refused assessment: the error summary is focused and links to the field. On a fresh page:
    # with the PDF viewer open in the preview, headless chromium kept the focus in the viewer and a
    # mouse click on the save button did not submit the form (Enter on the button did).
    page.goto(f"{live_server.url}{workspace_url(case)}")
    page.get_by_role("button", name="Save the assessment and recalculate the score").click()
    expect(page.locator("#error-summary")).to_be_visible()  # waits for the page the post returns
    assert page.evaluate("document.activeElement.id") == "error-summary"
    check_axe(page, "the workspace with errors")

    page.goto(f"{live_server.url}{workspace_url(case)}")
    page.get_by_label("Approve").check()
    page.get_by_label("The track's criteria are met").check()
    page.get_by_label("Explanation for the applicant").fill("The criteria are met.")
    page.get_by_role("button", name="Continue to confirm the decision").click()
    assert page.url.endswith(url("case_decide", case))
    check_axe(page, "the decision's confirmation")
