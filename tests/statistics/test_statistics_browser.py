"""The public statistics page and the status page's comparison in a real browser: axe finds no
serious or critical violation, every chart has its table, in English and Korean; screenshots in
/tmp/screens for a person to look at."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, cast

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import Track
from apps.demo.history import load_demo_history
from apps.metrics.selectors import similar_cases_days
from apps.metrics.services import release_publish
from tests.factories import UserFactory
from tests.ministry import sign_in, submitted_case

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

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
    report = "\n".join(f"{v['id']}: {v['help']} {[n.get('target') for n in v['nodes']]}" for v in severe)
    assert not severe, f"axe found serious/critical violations on {where}:\n{report}"


def _history() -> None:
    employer = cast(User, UserFactory(role=Role.EMPLOYER))
    reviewer = cast(User, UserFactory(role=Role.REVIEWER))
    load_demo_history(employer=employer, reviewers=[reviewer], cases=1500)
    release_publish()


def test_the_public_page_in_english_and_korean(page: Any, live_server: Any) -> None:
    _history()
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{live_server.url}/statistics/")
    assert page.get_by_role("heading", level=1).inner_text() == "Processing statistics"
    charts = page.locator("section.dash-chart")
    assert charts.count() == 6
    for index in range(charts.count()):
        chart = charts.nth(index)
        assert chart.locator("ul.dash-bars li").count() >= 2, f"chart {index} has no bars"
        assert chart.locator("table caption").count() == 1, f"chart {index} has no table"
        assert chart.locator("table tbody tr").count() >= 2
    check_axe(page, "the statistics page")
    page.screenshot(path=str(SCREENS / "statistics-en.png"), full_page=True)

    page.goto(f"{live_server.url}/statistics/schema/")
    check_axe(page, "the schema page")

    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ko", "url": live_server.url}])
    page.goto(f"{live_server.url}/statistics/")
    assert page.get_by_role("heading", level=1).inner_text() == "처리 통계"
    check_axe(page, "the statistics page in Korean")
    page.screenshot(path=str(SCREENS / "statistics-ko.png"), full_page=True)


def test_the_status_page_compares_with_similar_cases(page: Any, live_server: Any) -> None:
    _history()
    from apps.metrics.selectors import latest_release

    days = similar_cases_days(latest_release(), Track.QUANTITATIVE)
    assert days is not None
    case = submitted_case(submitted_at=timezone.now() - dt.timedelta(days=days + 1), track=Track.QUANTITATIVE)
    client = sign_in(Client(), case.applicant, two_factor=False)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.goto(f"{live_server.url}/apply/{case.reference}/status/")
    similar = page.locator("#similar-cases")
    assert f"were decided within {days} days" in similar.inner_text()
    assert "Your application has now taken longer than that." in similar.inner_text()
    check_axe(page, "the status page with the comparison")
    page.locator(".ap-status-box").screenshot(path=str(SCREENS / "status-similar-cases.png"))
