"""Suppression: no count under 5 is published, and no hidden cell can be worked back from what is.

The property test builds random tables of counts (rows x columns x layers, with every total
published, as the statistics page has: months x groups x measures) and plays the reader who tries
to recover the hidden cells: not only by subtraction one relation at a time (what ``suppress``
guards against) but by solving all the relations at once (linear algebra): a hidden cell is
recovered when its unit vector lies in the row space of the relations over the hidden cells.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.metrics.suppression import Key as CellKey
from apps.metrics.suppression import Relation, derivable, is_sensitive, percentile_allowed, suppress

Key = Any


def table(values: list[list[list[int]]]) -> tuple[dict[Key, int], list[Relation]]:
    """Cells (r, c, k) and their totals over each axis (None = "all"), with the relations."""
    rows, cols, layers = len(values), len(values[0]), len(values[0][0])
    cells: dict[Key, int] = {}
    for r, c, k in itertools.product(range(rows), range(cols), range(layers)):
        cells[(r, c, k)] = values[r][c][k]
    axes = (range(rows), range(cols), range(layers))
    # Every partial total: any axis may be "all" (None).
    for mask in itertools.product((False, True), repeat=3):
        if not any(mask):
            continue
        for key in itertools.product(
            *(([None] if all_ else list(axis)) for all_, axis in zip(mask, axes, strict=True))
        ):
            cells[key] = sum(
                v
                for (r, c, k), v in list(cells.items())
                if None not in (r, c, k)
                and all(want is None or got == want for want, got in zip(key, (r, c, k), strict=True))
            )
    relations = []
    for key in cells:
        for axis, size in enumerate((rows, cols, layers)):
            if key[axis] is None:
                parts = tuple((*key[:axis], i, *key[axis + 1 :]) for i in range(size))
                relations.append(Relation(key, parts))
    return cells, relations


def recoverable(cells: dict[Key, int], relations: list[Relation], hidden: set[CellKey]) -> set[CellKey]:
    """Hidden cells whose value follows from the published ones by linear algebra."""
    unknown = sorted(hidden, key=repr)
    if not unknown:
        return set()
    column: dict[CellKey, int] = {cell: i for i, cell in enumerate(unknown)}
    rows = []
    for relation in relations:
        row = np.zeros(len(unknown))
        if relation.total in column:
            row[column[relation.total]] = 1
        for part in relation.parts:
            if part in column:
                row[column[part]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    rank = np.linalg.matrix_rank(matrix)
    found = set()
    for cell, i in column.items():
        unit = np.zeros(len(unknown))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.add(cell)
    return found


counts = st.integers(min_value=0, max_value=30)


@st.composite
def tables(draw: st.DrawFn) -> list[list[list[int]]]:
    rows = draw(st.integers(2, 4))
    cols = draw(st.integers(2, 4))
    layers = draw(st.integers(1, 2))
    # Skewed towards small counts, where suppression has work to do.
    cell = st.one_of(st.integers(0, 6), counts)
    return [[[draw(cell) for _ in range(layers)] for _ in range(cols)] for _ in range(rows)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_small_count_can_be_worked_back(values: list[list[list[int]]]) -> None:
    cells, relations = table(values)
    hidden = suppress(cells, relations)
    small = {cell for cell, value in cells.items() if 0 < value < 5}
    assert small <= hidden
    visible: set[CellKey] = set(cells) - hidden
    assert not (derivable(visible, relations) & small)
    assert not (recoverable(cells, relations, hidden) & small)


def test_a_single_small_cell_takes_a_neighbour_with_it() -> None:
    cells, relations = table([[[3], [20]], [[30], [40]]])
    hidden = suppress(cells, relations)
    assert (0, 0, 0) in hidden
    # Its row and its column would give it away: at least one more cell in each is hidden.
    assert hidden & {(0, 1, 0), (0, None, 0), (0, None, None)}
    assert hidden & {(1, 0, 0), (None, 0, 0), (None, 0, None)}
    visible: set[CellKey] = set(cells) - hidden
    assert not (derivable(visible, relations) & {(0, 0, 0)})


def test_nothing_is_hidden_when_every_count_is_zero_or_large_enough() -> None:
    cells, relations = table([[[5], [0]], [[7], [8]]])
    assert suppress(cells, relations) == set()


def test_one_to_four_are_small_and_zero_is_not() -> None:
    assert [is_sensitive(n) for n in (0, 1, 4, 5)] == [False, True, True, False]


def test_an_unpublished_cell_given_away_by_subtraction_is_protected() -> None:
    # decided = within + after; "after" is never published, and it is 2.
    cells = {"decided": 20, "within": 18, "after": 2}
    hidden = suppress(cells, [Relation("decided", ("within", "after"))], published={"decided", "within"})
    assert hidden == {"within"}


def test_percentiles_need_ten_cases() -> None:
    assert not percentile_allowed(9)
    assert percentile_allowed(10)
