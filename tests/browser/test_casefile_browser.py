"""The whole file in front of the reviewer, in real Chromium (issue 12, part 3): a demo-like case
(a full profile, the demo's one-page PDFs, a confirmed SME sponsor) opened by its reviewer, who jumps
between sections while the summary stays in view; at 1280 px and at 200% zoom (a 640 px wide
viewport at twice the pixel density, which is what 200% zoom gives a 1280 px window), with axe.
Screenshots go to /tmp/screens/casefile-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import timezone

from apps.accounts.roles import Role
from apps.cases.models import Case, SponsorshipStatus
from apps.cases.review_moves import case_start_review
from apps.cases.score_snapshot import case_score
from apps.cases.services import case_start, document_add
from apps.demo.cases import QUALITATIVE_DOCS, STRONG, _submit, demo_profile, pdf
from apps.organisations.models import SizeClass
from tests.browser.conftest import SCREENS
from tests.factories import (
    EngineeringSchoolFactory,
    OrganisationFactory,
    SmeClaimFactory,
    SponsorshipFactory,
    UserFactory,
)
from tests.ministry import reviewer
from tests.reviewers.test_workspace_support import ministry_client, workspace_url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def demo_like_case(assignee: Any) -> Case:
    applicant = UserFactory(email="wei.chen@example.org", full_name="Wei Chen", role=Role.APPLICANT)
    EngineeringSchoolFactory(name="Korea Advanced Institute of Science and Technology", rank=26)
    answers = demo_profile(applicant, dict(STRONG), "strong")
    case = case_start(applicant=applicant, answers=answers, track="qualitative")
    for kind in QUALITATIVE_DOCS:
        document_add(
            case=case, by=applicant, kind=kind, upload=pdf(f"{kind}.pdf", kind, ("Holder: Wei Chen",))
        )
    organisation = OrganisationFactory(size_class=SizeClass.SME, name="Hanbit Semiconductor (demo)")
    SmeClaimFactory(organisation=organisation)
    SponsorshipFactory(
        organisation=organisation,
        case=case,
        candidate_email=applicant.email,
        status=SponsorshipStatus.CONFIRMED,
        confirmed_at=timezone.now(),
        offered_salary_krw=125_000_000,
    )
    _submit(case)
    case_score(case_id=case.pk)
    case_start_review(case=case, reviewer=assignee, by=assignee)
    case.refresh_from_db()
    return case


def check_axe(page: Any, where: str) -> None:
    results = Axe().run(page)
    severe = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(f"{v['id']}: {v['help']} {[n.get('target') for n in v['nodes']]}" for v in severe)
    assert not severe, f"axe found serious/critical violations on {where}:\n{report}"


def in_view(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
                 return r.top >= 0 && r.top < window.innerHeight && r.bottom > 0; }""",
            selector,
        )
    )


def settled_at(page: Any, selector: str) -> None:
    """Wait for a jump to finish (Bootstrap scrolls smoothly): the target's top near the screen's top,
    or the page scrolled to its end."""
    page.wait_for_function(
        """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
             const end = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
             return (r.top >= 0 && r.top < 40) || (end && r.top >= 0 && r.top < window.innerHeight); }""",
        arg=selector,
        timeout=5000,
    )


def sign_in_browser(context: Any, live_server: Any, cookie: str) -> None:
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_a_reviewer_jumps_through_the_file_with_the_summary_in_view(browser: Any, live_server: Any) -> None:
    assignee = reviewer(full_name="Rae Viewer")
    case = demo_like_case(assignee)
    address = f"{live_server.url}{workspace_url(case)}"
    cookie = ministry_client(assignee).cookies[settings.SESSION_COOKIE_NAME].value  # second factor included

    # --- 1280 px: two columns; the summary column stays in view ---
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    sign_in_browser(context, live_server, cookie)
    page = context.new_page()
    page.goto(address)
    assert page.locator("[data-glance-score]").inner_text().startswith(str(case.score.total))
    page.screenshot(path=str(SCREENS / "casefile-1280-top.png"))
    page.screenshot(path=str(SCREENS / "casefile-1280-full.png"), full_page=True)
    check_axe(page, "the workspace at 1280 px")

    nav = page.get_by_role("navigation", name="Sections of this case")
    for name, anchor in (
        ("Employment", "file-employment"),
        ("The job offer", "file-offer"),
        ("Timeline", "timeline"),
    ):
        nav.get_by_role("link", name=name, exact=True).click()
        page.wait_for_function("(id) => location.hash === '#' + id", arg=anchor)
        settled_at(page, f"#{anchor}")
        assert in_view(page, "#glance"), f"the summary scrolled away at #{anchor}"
    # The summary sits in its own column: it never covers the case.
    aside = page.locator(".ws-aside").bounding_box()
    main = page.locator(".ws-main").bounding_box()
    assert aside["x"] + aside["width"] <= main["x"]
    page.get_by_role("navigation", name="Sections of this case").get_by_role(
        "link", name="Employment", exact=True
    ).click()
    settled_at(page, "#file-employment")
    page.screenshot(path=str(SCREENS / "casefile-1280-employment.png"))
    assert "Orion Foundry (demo)" in page.locator("#file-employment").inner_text()

    # The demo's PDF previews (a real page, not a stub the viewer cannot load).
    page.locator("#documents").scroll_into_view_if_needed()
    page.get_by_text("Preview degree_certificate.pdf").click()
    frame = page.locator("iframe[title^='Preview of Degree certificate']")
    frame.scroll_into_view_if_needed()
    page.wait_for_timeout(4000)  # let the PDF viewer draw before the screenshot
    frame.screenshot(path=str(SCREENS / "casefile-pdf-preview.png"))
    assert (
        "Korea Advanced Institute of Science and Technology (rank 26"
        in page.locator("#file-education").inner_text()
    )
    context.close()

    # --- 200% zoom: one column, nothing fixed on screen, sections still one link away ---
    zoomed = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    sign_in_browser(zoomed, live_server, cookie)
    page = zoomed.new_page()
    page.goto(address)
    assert page.evaluate("getComputedStyle(document.querySelector('.ws-aside')).position") == "static"
    page.screenshot(path=str(SCREENS / "casefile-200pct-top.png"))
    check_axe(page, "the workspace at 200% zoom")
    page.get_by_role("navigation", name="Sections of this case").get_by_role(
        "link", name="Education", exact=True
    ).click()
    page.wait_for_function("() => location.hash === '#file-education'")
    settled_at(page, "#file-education")  # at the top of the screen, under nothing
    page.screenshot(path=str(SCREENS / "casefile-200pct-education.png"))
    zoomed.close()


def test_the_applicant_reviews_everything_before_submitting(browser: Any, live_server: Any) -> None:
    """The review page: the whole application as it will be submitted (the sponsorship's salary in
    place of the applicant's own), the one estimate; axe at 1280 px, a screenshot."""
    from django.test import Client

    applicant = UserFactory(email="priya@example.org", full_name="Priya Raman", role=Role.APPLICANT)
    EngineeringSchoolFactory(name="Korea Advanced Institute of Science and Technology", rank=26)
    answers = demo_profile(applicant, dict(STRONG), "strong")
    case = case_start(applicant=applicant, answers=answers, track="qualitative")
    for kind in QUALITATIVE_DOCS:
        document_add(case=case, by=applicant, kind=kind, upload=pdf(f"{kind}.pdf", kind))
    organisation = OrganisationFactory(size_class=SizeClass.SME, name="Hanbit Semiconductor (demo)")
    SmeClaimFactory(organisation=organisation)
    SponsorshipFactory(
        organisation=organisation,
        case=case,
        candidate_email=applicant.email,
        status=SponsorshipStatus.CONFIRMED,
        confirmed_at=timezone.now(),
        offered_salary_krw=130_000_000,
    )
    client = Client()
    client.force_login(applicant)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in_browser(context, live_server, client.cookies[settings.SESSION_COOKIE_NAME].value)
    page = context.new_page()
    page.goto(f"{live_server.url}/apply/{case.reference}/review/")
    text = page.locator("main").inner_text()
    for expected in (
        "Priya Raman",
        "Korea Advanced Institute of Science and Technology",
        "Orion Foundry (demo)",
        "130,000,000",
    ):
        assert expected in text, expected
    assert "Not given" not in text
    page.screenshot(path=str(SCREENS / "casefile-applicant-review.png"), full_page=True)
    check_axe(page, "the application's review page")
    context.close()
