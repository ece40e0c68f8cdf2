"""WCAG 2.2 1.4.11 (non-text contrast), which axe does not check: the boundary of each kind of field
(text, select, checkbox; radios share the checkbox rule) has at least 3:1 against the page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rgb(css: str) -> tuple[int, int, int]:
    found = re.match(r"rgba?\((\d+), (\d+), (\d+)", css)
    assert found is not None, css
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


def test_every_kind_of_field_has_a_visible_boundary(page: Page, live_server: Any) -> None:
    assert contrast((222, 226, 230), (255, 255, 255)) < 3  # Bootstrap's default border fails
    page.goto(f"{live_server.url}/self-assessment/")
    for selector in ("#id_institution", "#id_degree_level", "#id_sponsor_is_sme", "#id_version"):
        field = page.locator(selector).first
        border = field.evaluate("e => getComputedStyle(e).borderTopColor")
        ratio = contrast(rgb(border), (255, 255, 255))
        assert ratio >= 3, f"{selector}: border {border} has {ratio:.2f}:1 against the page"
