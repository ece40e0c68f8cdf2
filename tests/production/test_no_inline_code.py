"""The Content-Security-Policy allows no inline scripts or styles: no template may contain any."""

from __future__ import annotations

import re
from pathlib import Path

from tests.production.helpers import PROJECT

INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>"  # a script element without src
    r"|<style\b"  # a style element
    r"|\sstyle\s*="  # a style attribute
    r"|\son[a-z]+\s*=\s*[\"']"  # an event handler attribute (onclick=...)
    r"|javascript:",
    re.IGNORECASE,
)


def _templates() -> list[Path]:
    roots = [PROJECT / "templates", *sorted((PROJECT / "apps").glob("*/templates"))]
    return [path for root in roots for path in root.rglob("*.html")]


def test_the_scan_sees_the_templates_and_would_find_inline_code():
    assert len(_templates()) > 50
    for sample in (
        "<script>alert(1)</script>",
        '<div style="width: 5%">',
        '<button onclick="x()">',
        "<style>",
    ):
        assert INLINE.search(sample), sample
    assert not INLINE.search('<script src="/static/js/site.js" defer></script>')


def test_no_template_has_inline_scripts_styles_or_handlers():
    found = [
        f"{path.relative_to(PROJECT)}:{text[: match.start()].count(chr(10)) + 1}: {match.group(0).strip()}"
        for path in _templates()
        for text in [path.read_text()]
        for match in INLINE.finditer(text)
    ]
    assert not found, "inline code the CSP would block:\n" + "\n".join(found)
