"""Template hygiene: Django's {# #} comments are one line only; a comment spread over lines is shown
to the reader as text (it was, on the authenticator set-up page)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = [
    path
    for pattern in ("templates/**/*", "apps/*/templates/**/*")
    for path in ROOT.glob(pattern)
    if path.suffix in {".html", ".txt"}
]


def test_the_templates_are_found():
    assert len(TEMPLATES) > 50


def test_no_template_comment_spans_lines():
    unclosed = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in TEMPLATES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "{#" in line and "#}" not in line[line.index("{#") :]
    ]
    assert not unclosed, f"use {{% comment %}} for comments over several lines: {unclosed}"


@pytest.mark.django_db
def test_every_page_names_the_favicon_and_favicon_ico_leads_to_it(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page
    assert "favicon.svg" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("img/favicon.svg")
