"""Small numbers are never published (issue 15): primary and complementary suppression.

A table of figures is a set of *cells* (counts) tied by *relations*, each saying that one cell is
the sum of others (a quarter is the sum of its months, "all tracks" the sum of the tracks, decided
= approved + rejected). Some cells are published, some exist only to state a relation (the cases
decided *after* the clock ran out are never published, but decided minus within-the-clock gives
them away, so they are part of the sums).

- **Primary**: any count from 1 to ``MIN_COUNT`` - 1 (1 to 4) is *sensitive* and is not published.
  Zero is published (decision 0043): it describes no one, and hiding it would hide "all 120
  decisions were on time" (the late ones, 0, would follow from decided minus on time).
- **Complementary**: a reader who knows every published cell of a relation but one can work that
  one out by subtraction, then use it in another relation, and so on. ``suppress`` plays that
  reader: it works out everything it can from what would be published; whenever that reaches a
  sensitive cell, it hides one more published cell of the relation that gave it away (the smallest,
  so the least is lost) and starts again. It stops when the reader can work out no sensitive cell.

Percentiles are not sums and give no count away; they are withheld when computed from fewer than
``MIN_CASES_FOR_PERCENTILE`` cases (``percentile_allowed``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

MIN_COUNT = 5
MIN_CASES_FOR_PERCENTILE = 10

Key = Hashable


@dataclass(frozen=True, slots=True)
class Relation:
    """``total`` = sum of ``parts``."""

    total: Key
    parts: tuple[Key, ...]

    @property
    def cells(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


def is_sensitive(value: int) -> bool:
    return 0 < value < MIN_COUNT


def percentile_allowed(cases: int) -> bool:
    return cases >= MIN_CASES_FOR_PERCENTILE


def derivable(known: set[Key], relations: Sequence[Relation]) -> set[Key]:
    """Every cell a reader can work out from ``known`` by subtraction, repeatedly (``known`` included)."""
    return set(_derive(known, relations))


def _derive(known: set[Key], relations: Sequence[Relation]) -> dict[Key, Relation | None]:
    """Known cells, each with the relation it was worked out from (None: it was given).

    Unit propagation: each relation keeps a count of its unknown cells; when one becomes known the
    counts of its relations drop, and a relation left with one unknown gives it away."""
    found: dict[Key, Relation | None] = dict.fromkeys(known)
    by_cell: dict[Key, list[int]] = {}
    missing = []
    for index, relation in enumerate(relations):
        cells = relation.cells
        for cell in cells:
            by_cell.setdefault(cell, []).append(index)
        missing.append(sum(1 for cell in cells if cell not in found))
    pending = [index for index, count in enumerate(missing) if count == 1]
    while pending:
        index = pending.pop()
        if missing[index] != 1:
            continue
        cell = next(c for c in relations[index].cells if c not in found)
        found[cell] = relations[index]
        for other in by_cell[cell]:
            missing[other] -= 1
            if missing[other] == 1:
                pending.append(other)
    return found


def suppress(
    values: Mapping[Key, int], relations: Sequence[Relation], *, published: Iterable[Key] | None = None
) -> set[Key]:
    """The published cells to hide: the sensitive ones and enough others that none can be worked out.

    ``values`` holds every cell (published or not); ``published`` the cells that would be shown
    (default: all of them).
    """
    shown = set(values if published is None else published)
    hidden = {cell for cell in shown if is_sensitive(values[cell])}
    sensitive = {cell for cell, value in values.items() if is_sensitive(value)}
    relations = [r for r in relations if len(set(r.cells)) > 1]
    while True:
        found = _derive(shown - hidden, relations)
        leaked = sorted((cell for cell in sensitive if cell in found), key=repr)
        if not leaked:
            return hidden
        # One more hidden cell for each leak found in this pass (then look again: hiding one may
        # already have closed another's leak, so this hides a little more than the fewest possible).
        hidden.update({_next_to_hide(values, found, cell) for cell in leaked})


def _next_to_hide(values: Mapping[Key, int], found: Mapping[Key, Relation | None], leaked: Key) -> Key:
    """The smallest published cell the leaked cell was worked out from (through every step)."""
    sources: set[Key] = set()
    seen = {leaked}
    todo = [leaked]
    while todo:
        relation = found[todo.pop()]
        if relation is None:
            continue
        for cell in relation.cells:
            if cell in seen:
                continue
            seen.add(cell)
            if found[cell] is None:
                sources.add(cell)
            else:
                todo.append(cell)
    if not sources:
        raise ValueError(f"cannot protect {leaked!r}: no published cell left to hide")
    return min(sources, key=lambda cell: (values[cell], repr(cell)))
