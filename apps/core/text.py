"""Names and other one-line text, kept on one line.

A name typed or pasted with a line break, a tab or another control character (issue 13: an
organisation called ``"Acme\\r\\nBcc: ..."``) would end up in e-mail subjects, where Django refuses
any line break (the message is never delivered), in CSV exports and in page titles. So one-line
text is stored clean: control characters (category Cc: line feed, carriage return, tab, NUL ...)
and the Unicode line and paragraph separators become spaces, runs of whitespace become one space,
and the ends are trimmed. Letters, marks and format characters (joiners that some scripts need)
are kept as typed.
"""

from __future__ import annotations

import unicodedata

_BREAKING_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def one_line(text: str) -> str:
    """``text`` on one line: control characters and line separators as spaces, whitespace collapsed."""
    spaced = "".join(" " if unicodedata.category(ch) in _BREAKING_CATEGORIES else ch for ch in text)
    return " ".join(spaced.split())
