"""Cells for CSV files that people open in a spreadsheet: text that a spreadsheet would run as a
formula ("CSV injection") is written as text instead.

Excel, LibreOffice and Google Sheets start a formula at ``= + - @`` (and run DDE through it), and
they are lenient about what comes first: a cell that reads ``" =HYPERLINK(...)"``, ``"\\n=..."``
or ``"＝1+1"`` (full-width, which Excel's Japanese and Korean input turns into ``=``) may still be
taken as a formula. So a text cell is neutralised, with a leading apostrophe (OWASP's advice, shown
by spreadsheets as text and hidden from the displayed value), when

- it starts with a tab or a carriage return (as before), or
- its first visible character is a formula character, after skipping leading whitespace, control
  and format characters (zero-width spaces, byte-order marks, direction marks) and after Unicode
  NFKC normalisation (which maps full-width ``＝ ＋ － ＠`` and their small and superscript forms
  to ``= + - @``). Both orders are checked (strip then normalise, normalise then strip), and the
  first visible character on its own, so no combination of the two slips through.

Numbers are left as numbers: they are written by our code, never taken from a person.
"""

from __future__ import annotations

import unicodedata
from typing import TypeVar

T = TypeVar("T")

FORMULA_CHARACTERS = frozenset("=+-@")
ALWAYS_QUOTED_STARTS = ("\t", "\r")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})


def _invisible(character: str) -> bool:
    return character.isspace() or unicodedata.category(character) in _INVISIBLE_CATEGORIES


def strip_invisible(text: str) -> str:
    """``text`` without its leading whitespace, control and format characters."""
    start = 0
    while start < len(text) and _invisible(text[start]):
        start += 1
    return text[start:]


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def looks_like_formula(text: str) -> bool:
    if text.startswith(ALWAYS_QUOTED_STARTS):
        return True
    stripped = strip_invisible(text)
    candidates = (
        stripped,
        strip_invisible(_nfkc(stripped)),
        strip_invisible(_nfkc(text)),
        strip_invisible(_nfkc(stripped[:1])),
    )
    return any(candidate[:1] in FORMULA_CHARACTERS for candidate in candidates if candidate)


def inert_cell(cell: T) -> T | str:
    """The cell as it should be written: text that could start a formula gets a leading apostrophe."""
    if isinstance(cell, str) and looks_like_formula(cell):
        return f"'{cell}"
    return cell
