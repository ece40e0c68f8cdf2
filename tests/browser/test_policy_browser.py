"""The policy administrator's journey in chromium, through the real sign-in pages and a second factor.

One policy administrator starts a draft from 2026-07, widens "top 100" to the top 200 (the track's
school condition in the structured form, A1's bands in the full document, checked as it is typed),
gives each change its reason, adds a conformance case, runs the impact simulation from the draft
over the cases submitted in the last two months (started on its page, its progress bar followed,
its result read: three master's graduates from schools ranked 101-200 would pass) and submits. A
second one reviews the diff, the conformance results and that latest simulation, approves with a
start date after the confirmation page, and the self-assessment's compare view shows the new
version "from" its start. axe runs on every page of the journey.

The simulation's background job is run as ``tests/browser/test_simulation_browser.py`` runs it: the
enqueue is recorded instead of sent to Celery, the run is shown half done as a worker would report
it, then the test calls the task's service (``simulation_run``) itself, which the page picks up.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Browser, Page, expect

from apps.demo.policy import top_200_document
from apps.policy import services
from apps.policy.models import SimulationRun, SimulationStatus
from apps.policy.services import simulation_run
from apps.rubric.models import RubricVersion, VersionState
from tests.browser.test_ministry_journey import check_axe, sign_in_with_code
from tests.browser.test_simulation_browser import MODEST
from tests.ministry import policy_administrator, submitted_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AUTHOR_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
APPROVER_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
CODE = "2027-03-top-200"
START = dt.date(2027, 3, 1)
Shot = Callable[[Page, str], None]


@pytest.fixture
def shot(screens: Path) -> Shot:
    def take(page: Page, name: str) -> None:
        page.screenshot(path=str(screens / f"policy-{name}.png"), full_page=True)

    return take


def start_and_edit_the_draft(page: Page, shot: Shot) -> None:
    check_axe(page, "the versions page")
    shot(page, "1-versions")
    form = page.locator("main form").last
    form.get_by_label("Start from").select_option("2026-07")
    form.get_by_label("Code of the new version").fill(CODE)
    form.get_by_label("Title").fill("Top-100 school rules widened to the top 200")
    form.get_by_role("button", name="Start the draft").click()
    expect(page).to_have_url(re.compile(f"/policy/versions/{CODE}/edit/$"))
    check_axe(page, "the draft's editor")

    # The structured form: the quantitative track's school condition, 100 -> 200.
    page.get_by_label("tracks.quantitative.eligible_when.any[0].all[1].value").fill("200")
    page.get_by_role("button", name="Save the parameters").click()
    expect(page.locator("main .messages")).to_contain_text("Parameters saved.")

    # The full document: a mistake is named by its path as it is typed, then the real change.
    document = page.get_by_label("Document (JSON)")
    current = json.loads(document.input_value())
    broken = json.loads(json.dumps(current))
    broken["criteria"][0]["points"]["table"]["columns"]["bands"] = [{"max": 200}]  # 3 points per row left
    document.fill(json.dumps(broken, indent=1))
    expect(page.locator("#problems")).to_contain_text("criteria.A1.points.table.points")
    check_axe(page, "the editor showing a problem")
    shot(page, "2-editor-problem")
    widened = top_200_document(RubricVersion.objects.get(code="2026-07").config, CODE)
    current["criteria"][0]["points"]["table"] = widened["criteria"][0]["points"]["table"]
    current["effective_from"] = START.isoformat()
    document.fill(json.dumps(current, indent=1, ensure_ascii=False))
    expect(page.locator("#problems")).to_contain_text("The document is valid.")
    page.get_by_role("button", name="Save the document").click()
    expect(page.locator("main .messages")).to_contain_text("Saved.")


def give_reasons_and_add_a_case(page: Page, shot: Shot) -> None:
    page.get_by_role("link", name="Back to the draft: changes, reasons and submission").click()
    rows = page.locator("[data-diff] tbody tr")
    count = rows.count()
    assert count >= 5
    for index in range(count):
        row = rows.nth(index)
        row.locator("textarea[name=reason]").fill(
            "Widen the top-100 school rules to the top 200 (2026 review)."
        )
        row.locator("input[name=reference]").fill("MOTIE guidelines s.2, amendment 2027-03")
    page.get_by_role("button", name="Save the reasons").click()
    expect(page.locator("main .messages")).to_contain_text(f"{count} reason(s) saved.")
    check_axe(page, "the draft with its diff")
    shot(page, "3-draft-diff")

    page.get_by_role("link", name="Conformance cases", exact=True).first.click()
    check_axe(page, "the conformance cases")
    form = page.locator("main form").filter(has=page.locator("#id_profile"))
    form.locator("#id_name").fill("Master's from a school ranked 150")
    form.locator("#id_source").fill("Amendment 2027-03, worked example 1")
    form.locator("#id_profile").fill('{"degree_level": "master", "institution_rank": 150}')
    form.locator("#id_expected").fill('{"points": {"A1": 20}, "tracks": {"quantitative": true}}')
    form.get_by_role("button", name="Add the case").click()
    expect(page.locator("main .messages")).to_contain_text("Conformance case added.")
    expect(page.locator('[data-case="Master\'s from a school ranked 150"]')).to_have_attribute(
        "data-passed", "yes"
    )
    shot(page, "4-cases")
    page.get_by_role("link", name=CODE).click()


def simulate(page: Page, shot: Shot, sent: list[int]) -> SimulationRun:
    """From the draft's page: start the simulation, follow its progress, read its result."""
    page.get_by_role("link", name="Simulate this draft").click()
    expect(page.get_by_role("heading", name="Start a simulation", exact=True)).to_be_visible()
    expect(page.get_by_label("Stored rubric version")).to_have_value(CODE)
    start, end = timezone.localdate() - dt.timedelta(days=60), timezone.localdate()
    page.get_by_label("Submitted from").fill(start.isoformat())
    page.get_by_label("Submitted until").fill(end.isoformat())
    check_axe(page, "the simulation's start page")
    shot(page, "5-simulation-start")
    page.get_by_role("button", name="Start the simulation").click()
    run = SimulationRun.objects.get()
    expect(page).to_have_url(re.compile(rf"/policy/simulations/{run.pk}/$"))
    assert sent == [run.pk]  # handed to the background job
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_role("status")).to_contain_text("Waiting for a worker")

    # A worker reports it half done (long ago, so the real run below takes over), then runs it.
    SimulationRun.objects.filter(pk=run.pk).update(
        status=SimulationStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=2), done=2, total=4
    )
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50", timeout=10_000)
    expect(page.get_by_role("status")).to_contain_text("Scored 2 of 4 cases (50%).")
    expect(page.locator("#sim-run-status")).to_have_text("Running")  # the status beside it follows
    check_axe(page, "the simulation in progress")
    shot(page, "6-simulation-progress")
    assert simulation_run(run_id=run.pk).status == SimulationStatus.FINISHED

    expect(page.get_by_role("heading", name="Verdicts by track")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    expect(page.get_by_text("4 cases replayed; 3 of them would change their verdict")).to_be_visible()
    row = (
        page.get_by_role("table")
        .filter(has_text="Quantitative track")
        .first.get_by_role("row", name=re.compile("Quantitative track"))
    )
    expect(row).to_contain_text("+3")
    check_axe(page, "the simulation's result")
    shot(page, "7-simulation-result")
    return run


def submit(page: Page, base: str, run: SimulationRun) -> None:
    page.goto(f"{base}/policy/versions/{CODE}/")
    latest = page.locator("section", has=page.get_by_role("heading", name="Latest impact simulation"))
    expect(latest).to_contain_text("Finished")
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator("main .messages")).to_contain_text("Submitted for approval")


def approve(page: Page, shot: Shot, run: SimulationRun) -> None:
    expect(page.get_by_role("heading", name="Approve or send back")).to_be_visible()
    expect(page.locator('[data-passed="yes"]')).to_have_count(1)
    # The approver sees the latest simulation, finished, and can open it.
    latest = page.locator("section", has=page.get_by_role("heading", name="Latest impact simulation"))
    expect(latest).to_contain_text("Against 2026-07")
    expect(latest).to_contain_text("Finished")
    expect(latest).to_contain_text("4 cases replayed; 3 of them would change their verdict")
    link = latest.get_by_role("link", name="Open the simulation")
    expect(link).to_have_attribute("href", f"/policy/simulations/{run.pk}/")
    check_axe(page, "the approver's view")
    shot(page, "8-approver")
    link.click()
    expect(page.get_by_text("4 cases replayed; 3 of them would change their verdict")).to_be_visible()
    page.go_back()
    page.get_by_label("In force from").fill(START.isoformat())
    page.get_by_role("button", name="Continue to confirm").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Publish {CODE}?")
    expect(page.locator("main")).to_contain_text("version 2026-07 ends on")
    check_axe(page, "the confirmation")
    shot(page, "9-confirm")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator("main .messages")).to_contain_text(f"Version {CODE} is published.")
    check_axe(page, "the published version")
    shot(page, "10-published")


def test_two_policy_administrators_draft_test_simulate_and_publish_top_200(
    browser: Browser, live_server: Any, shot: Shot, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[int] = []

    def enqueue(name: str, run_id: int) -> bool:
        sent.append(run_id)
        return True

    monkeypatch.setattr(services, "enqueue", enqueue)
    # The population: three master's graduates from schools ranked 101-200 (they fail the
    # quantitative track today and pass with the top 200) and one doctorate from a top-20 school.
    day = timezone.now() - dt.timedelta(days=30)
    for rank in (120, 150, 190):
        submitted_case(submitted_at=day, degree_level="master", institution_rank=rank, **MODEST)
    submitted_case(submitted_at=day, degree_level="doctorate", institution_rank=20, **MODEST)
    base = live_server.url
    author = policy_administrator(full_name="Jung Dawon")
    approver = policy_administrator(full_name="Seo Jiwoo")
    TOTP.activate(author, AUTHOR_SECRET)
    TOTP.activate(approver, APPROVER_SECRET)

    author_page = browser.new_context(locale="en-GB").new_page()
    sign_in_with_code(author_page, base, author, AUTHOR_SECRET, "/policy/versions/")
    start_and_edit_the_draft(author_page, shot)
    give_reasons_and_add_a_case(author_page, shot)
    run = simulate(author_page, shot, sent)
    submit(author_page, base, run)
    draft = RubricVersion.objects.get(code=CODE)
    assert draft.state(dt.date.today()) == VersionState.AWAITING
    assert draft.config["tracks"][0]["eligible_when"]["any"][0]["all"][1]["value"] == 200

    approver_page = browser.new_context(locale="en-GB").new_page()
    sign_in_with_code(approver_page, base, approver, APPROVER_SECRET, f"/policy/versions/{CODE}/")
    approve(approver_page, shot, run)
    draft.refresh_from_db()
    assert draft.published
    assert draft.effective_from == START
    assert draft.approved_by == approver
    assert RubricVersion.objects.get(code="2026-07").effective_to == START - dt.timedelta(days=1)

    visitor = browser.new_context(locale="en-GB").new_page()
    visitor.goto(
        f"{base}/self-assessment/compare/?degree_level=master&institution_rank=150"
        "&experience_years=9&offered_salary_krw=90000000"
    )
    column = visitor.locator(f'[data-version="{CODE}"]')
    expect(column).to_contain_text(f"from {date_format(START, 'DATE_FORMAT')}")
    check_axe(visitor, "the compare view")
    shot(visitor, "11-compare")
