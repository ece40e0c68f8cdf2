"""A policy administrator's impact simulation in chromium (issue 10, part 3): sign in with a second
factor, open the start page for a stored draft, start a run over a few cases, watch the progress bar
move, then read the result (2x2 per track, segments, causes, changed cases). axe runs on the start
page, the progress and the result, in English and in Korean."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.accounts.roles import Role
from apps.policy import services
from apps.policy.models import SimulationRun, SimulationStatus
from apps.policy.services import simulation_run
from apps.rubric.models import RubricVersion
from tests.ministry import policy_administrator, submitted_case
from tests.policy.helpers import top_200_document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"  # tests.factories.UserFactory's
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
MODEST = {"experience_years": "3", "fortune_global_500_years": "0", "offered_salary_krw": 60_000_000,
          "field": "other", "publications_and_patents": 0, "led_project_years": "0"}  # fmt: skip


def check_axe(page: Page, where: str) -> None:
    results = Axe().run(page)
    severe = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    report = "\n".join(f"{v['id']}: {v['help']} {[n.get('target') for n in v['nodes']]}" for v in severe)
    assert not severe, f"axe found serious or critical violations on {where}:\n{report}"


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(page: Page, base: str, email: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.locator("main input[name=login]").fill(email)
    page.locator("main input[name=password]").fill(PASSWORD)
    page.locator("main").locator("button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.locator("input[name=code]").fill(totp_code(SECRET))
    page.locator("main").locator("button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def test_a_policy_administrator_starts_a_simulation_sees_progress_then_the_result(
    page: Page, live_server: Any, screens: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[int] = []

    def enqueue(name: str, run_id: int) -> bool:
        sent.append(run_id)
        return True

    monkeypatch.setattr(services, "enqueue", enqueue)
    who = policy_administrator(full_name="Park Policy")
    who.groups.add(Group.objects.get(name=Role.SUPERVISOR))  # may see cases: the references show
    TOTP.activate(who, SECRET)
    day = timezone.now() - dt.timedelta(days=30)
    moved = [
        submitted_case(submitted_at=day, degree_level="master", institution_rank=r, **MODEST)
        for r in (120, 150, 190)
    ]
    submitted_case(submitted_at=day, degree_level="doctorate", institution_rank=20, **MODEST)
    document = top_200_document()
    RubricVersion.objects.create(
        code=document["code"], title="Top 200 (draft)", effective_from=dt.date(2027, 3, 1), config=document, published=False
    )  # fmt: skip
    base = live_server.url

    sign_in(page, base, who.email, "/policy/simulations/")
    page.goto(f"{base}/policy/simulations/new/?draft={document['code']}")
    expect(page.get_by_role("heading", name="Start a simulation", exact=True)).to_be_visible()
    expect(page.get_by_label("Stored rubric version")).to_have_value(document["code"])
    check_axe(page, "the start page")
    page.screenshot(path=str(screens / "simulation-start.png"), full_page=True)

    # A bad period first: refused with a reason, the choice kept.
    page.get_by_label("Submitted from").fill("2026-12-01")
    page.get_by_label("Submitted until").fill("2026-11-01")
    page.get_by_role("button", name="Start the simulation").click()
    expect(page.get_by_role("alert")).to_contain_text("before it starts")
    expect(page.get_by_label("Stored rubric version")).to_have_value(document["code"])
    check_axe(page, "the start page with an error")
    page.screenshot(path=str(screens / "simulation-start-error.png"), full_page=True)

    start, end = (timezone.localdate() - dt.timedelta(days=60)), timezone.localdate()
    page.get_by_label("Submitted from").fill(start.isoformat())
    page.get_by_label("Submitted until").fill(end.isoformat())
    page.get_by_role("button", name="Start the simulation").click()
    run = SimulationRun.objects.get()
    expect(page).to_have_url(re.compile(rf"/policy/simulations/{run.pk}/$"))
    assert sent == [run.pk]
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "0")
    expect(page.get_by_role("status")).to_contain_text("Waiting for a worker")
    check_axe(page, "a waiting run")

    # A worker starts it (seen here half done; left "running" long ago, so the real run takes over).
    SimulationRun.objects.filter(pk=run.pk).update(
        status=SimulationStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=2), done=2, total=4
    )
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50", timeout=10_000)
    expect(page.get_by_role("status")).to_contain_text("Scored 2 of 4 cases (50%).")
    check_axe(page, "a running run")
    page.screenshot(path=str(screens / "simulation-progress.png"), full_page=True)

    assert simulation_run(run_id=run.pk).status == SimulationStatus.FINISHED
    expect(page.get_by_role("heading", name="Verdicts by track")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("progressbar")).to_have_count(0)
    tracks = page.get_by_role("table").filter(has_text="Quantitative track").first
    row = tracks.get_by_role("row", name=re.compile("Quantitative track"))
    expect(row).to_contain_text("+3")
    expect(page.get_by_text("4 cases replayed; 3 of them would change their verdict")).to_be_visible()
    expect(page.locator("#causes-title")).to_be_visible()
    expect(page.get_by_text("tracks.quantitative.eligible_when.any[0].all[1].value").first).to_be_visible()
    for case in moved:
        expect(page.get_by_role("rowheader", name=case.reference)).to_be_visible()
    check_axe(page, "the result")
    page.screenshot(path=str(screens / "simulation-result.png"), full_page=True)

    page.goto(f"{base}/policy/simulations/")
    expect(page.get_by_role("link", name=f"Simulation {run.pk}")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(document["code"]))).to_contain_text("Finished")
    check_axe(page, "the list of runs")
    page.screenshot(path=str(screens / "simulation-list.png"), full_page=True)

    page.goto(f"{base}/policy/simulations/{run.pk}/")
    page.context.add_cookies([{"name": "ktp_language", "value": "ko", "url": base}])
    page.reload()
    expect(page.get_by_role("heading", name="트랙별 판정")).to_be_visible()
    check_axe(page, "the result in Korean")
    page.screenshot(path=str(screens / "simulation-result-ko.png"), full_page=True)
