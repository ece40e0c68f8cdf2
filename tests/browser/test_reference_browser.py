"""A policy administrator's reference-list journey in chromium, through the real sign-in and second
factor: search the schools list (in English and Korean), download the template, import a CSV with a
bad row (nothing imported, the line named), then a good one: the preview shows the rank's before and
after, applying it changes the list, and the history shows who, the file and each row. axe runs on
every page, in English and in Korean."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from playwright.sync_api import Browser, Page, expect

from apps.rubric.models import EngineeringSchool, ReferenceListChange
from tests.browser.test_ministry_journey import check_axe, sign_in_with_code
from tests.ministry import policy_administrator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"


def shot(page: Page, screens: Path, name: str) -> None:
    page.screenshot(path=str(screens / f"reference-{name}.png"), full_page=True)


def test_search_import_preview_apply_and_history(
    browser: Browser, live_server: Any, screens: Path, tmp_path: Path
) -> None:
    base = live_server.url
    admin = policy_administrator(full_name="Han Policy")
    TOTP.activate(admin, SECRET)
    EngineeringSchool.objects.create(
        name="Seoul National University", name_ko="서울대학교", rank=29, country="Korea"
    )
    EngineeringSchool.objects.create(name="Omega Institute of Technology", rank=150, country="Testland")

    page = browser.new_context(locale="en-GB").new_page()
    sign_in_with_code(page, base, admin, SECRET, "/policy/reference/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reference lists")
    check_axe(page, "the reference lists")
    shot(page, screens, "1-index")

    page.get_by_role("link", name="Engineering schools", exact=True).click()
    page.get_by_label("Search in English or Korean").fill("서울대")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_contain_text("1 row matches")
    expect(page.locator("main table")).to_contain_text("Seoul National University")
    expect(page.locator("main table")).not_to_contain_text("Omega")
    check_axe(page, "a search of the schools")
    shot(page, screens, "2-search")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template").first.click()
    assert download.value.suggested_filename == "schools-template.csv"

    page.get_by_role("link", name="Import a CSV file").first.click()
    bad = tmp_path / "bad.csv"
    bad.write_text("name,rank\nOmega Institute of Technology,forty-two\n", encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file and preview").click()
    expect(page.locator("#import-errors")).to_contain_text("line 2: rank: 'forty-two' is not a whole number")
    check_axe(page, "the import with a bad row")
    shot(page, screens, "3-bad-row")
    assert EngineeringSchool.objects.get(name="Omega Institute of Technology").rank == 150

    good = tmp_path / "official-2026.csv"
    good.write_text(
        "name,rank,name_ko\nOmega Institute of Technology,42,오메가공대\nNew Tech,180,\n", encoding="utf-8"
    )
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Check the file and preview").click()
    expect(page).to_have_url(re.compile(r"/policy/reference/schools/import/[0-9a-f-]+/$"))
    expect(page.locator("#plan-summary")).to_contain_text("1 row added")
    expect(page.locator("#plan-summary")).to_contain_text("1 row changed")
    expect(page.locator("main del").first).to_have_text("150")
    expect(page.locator("main ins").first).to_have_text("42")
    check_axe(page, "the preview")
    shot(page, screens, "4-preview")
    assert EngineeringSchool.objects.get(name="Omega Institute of Technology").rank == 150  # not yet

    page.get_by_role("button", name="Apply these changes").click()
    expect(page).to_have_url(re.compile(r"/policy/reference/schools/history/$"))
    expect(page.locator(".messages")).to_contain_text("Applied: 1 added, 1 changed, 0 removed.")
    expect(page.locator("main")).to_contain_text("official-2026.csv")
    expect(page.locator("main")).to_contain_text("Han Policy")
    page.get_by_text("Show each row before and after").first.click()
    expect(page.locator("main details table")).to_contain_text("오메가공대")
    check_axe(page, "the history")
    shot(page, screens, "5-history")
    assert EngineeringSchool.objects.get(name="Omega Institute of Technology").rank == 42
    assert ReferenceListChange.objects.get().applied_by == admin

    korean = browser.new_context(locale="ko-KR").new_page()
    sign_in_with_code(korean, base, admin, SECRET, "/policy/reference/schools/history/")
    expect(korean.get_by_role("heading", level=1)).to_contain_text("변경 이력")
    check_axe(korean, "the history in Korean")
    shot(korean, screens, "6-history-ko")
    korean.goto(f"{base}/policy/reference/schools/?q=omega")
    expect(korean.locator("main table")).to_contain_text("42")
    check_axe(korean, "the schools in Korean")
    shot(korean, screens, "7-browse-ko")
