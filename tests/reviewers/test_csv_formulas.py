"""CSV exports never hand a spreadsheet a formula (issue 13): text that starts like one, after any
leading whitespace or control characters and full-width forms, is written with a leading apostrophe.

Every CSV file the service writes goes through ``_csv_response`` (the supervisor dashboard's
exports), so the properties are checked there, on the file as a spreadsheet would read it.
"""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.reviewers.dashboard.views import _csv_response

FORMULA = frozenset("=+-@")
INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp"}  # control and format characters, spaces and separators


def exported(cells: list[str | int]) -> list[str]:
    """The cells of one row as written to the file and read back (header and body)."""
    response = _csv_response("test.csv", list(map(str, cells)), [cells])
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    header, row = list(csv.reader(io.StringIO(body[1:], newline="")))
    return header + row


def visible_start(cell: str) -> str:
    """What a lenient spreadsheet sees first: leading whitespace and control characters skipped,
    then NFKC-normalised (full-width ＝ becomes =)."""
    start = 0
    while start < len(cell) and (cell[start].isspace() or unicodedata.category(cell[start]) in INVISIBLE):
        start += 1
    normalised = unicodedata.normalize("NFKC", cell[start:])
    return normalised.lstrip()[:1]


@pytest.mark.parametrize(
    "cell",
    [
        "=1+1",
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        " =HYPERLINK(1)",  # a space
        "   +1",
        "\n=1",  # a line break
        "\r\n-1",
        "\x0b@x",  # a vertical tab
        "\x00=1",  # a control character
        "\u00a0=1",  # a no-break space
        "\u3000=1",  # an ideographic space
        "\u200b=1",  # a zero-width space
        "\ufeff=1",  # a byte-order mark
        "\u2028=1",  # a line separator
        "＝1+1",  # full-width equals
        "＋1",
        "－1",
        "＠SUM",
        " ＝1",
        "﹦1",  # small equals sign
        "⁼1",  # superscript equals sign
        "﹣1",  # small hyphen-minus
        "﹫x",  # small commercial at
    ],
)
def test_cells_that_a_spreadsheet_would_run_are_quoted(cell):
    assert exported([cell]) == [f"'{cell}", f"'{cell}"]


@pytest.mark.parametrize(
    "cell", ["Kim Minjun", "김민준", "1-2", "a=b", "x@example.org", "'=quoted", "", "50.0"]
)
def test_ordinary_text_is_left_alone(cell):
    assert exported([cell]) == [cell, cell]


def test_numbers_stay_numbers():
    response = _csv_response("test.csv", ["n"], [[-3, 0, 12]])
    assert response.content.decode().splitlines()[1] == "-3,0,12"


TRICKY = st.sampled_from(
    [
        *"=+-@",
        *"＝＋－＠﹦﹢﹣﹫⁼⁺⁻₌₊₋",
        " ",
        "\t",
        "\r",
        "\n",
        "\x00",
        "\x0b",
        "\x1f",
        "\x7f",
        "\x85",
        "\u00a0",
        "\u1680",
        "\u2000",
        "\u200b",
        "\u200e",
        "\u2028",
        "\u2029",
        "\u3000",
        "\ufeff",
        "'",
        "\u0338",
        "a",
        "가",
        "1",
    ]
)
CELLS = (
    st.text(TRICKY, max_size=8)
    | st.text(max_size=8)
    | st.tuples(st.text(TRICKY, max_size=4), st.text(max_size=4)).map("".join)
)


@settings(max_examples=400, deadline=None)
@given(st.lists(CELLS, min_size=1, max_size=4))
def test_no_exported_cell_starts_a_formula_unless_quoted(cells):
    for original, written in zip(cells * 2, exported(cells), strict=True):
        if written == original:
            assert written.startswith("'") or visible_start(written) not in FORMULA, repr(written)
        else:
            assert written == f"'{original}"  # quoted, otherwise unchanged
