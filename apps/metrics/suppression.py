"""Small numbers are never published (issue 15): primary and complementary suppression.

A table of figures is a set of *cells* (counts) tied by *relations*, each saying that one cell is
the sum of others (a quarter is the sum of its months, "all tracks" the sum of the tracks, decided
= approved + rejected). Some cells are published, some exist only to state a relation (the cases
decided *after* the clock ran out are never published, but decided minus within-the-clock gives
them away, so they are part of the sums).

- **Primary**: any count below ``MIN_COUNT`` (0 to 4) is *sensitive* and is not published.
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
    return value < MIN_COUNT


def percentile_allowed(cases: int) -> bool:
    return cases >= MIN_CASES_FOR_PERCENTILE


def derivable(known: set[Key], relations: Sequence[Relation]) -> set[Key]:
    """Every cell a reader can work out from ``known`` by subtraction, repeatedly (``known`` included)."""
    known = set(known)
    by_cell: dict[Key, list[int]] = {}
    for index, relation in enumerate(relations):
        for cell in relation.cells:
            by_cell.setdefault(cell, []).append(index)
    pending = list(range(len(relations)))
    while pending:
        index = pending.pop()
        unknown = [cell for cell in relations[index].cells if cell not in known]
        if len(unknown) == 1:
            cell = unknown[0]
            known.add(cell)
            pending.extend(by_cell[cell])
    return known


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
    relations = [r for r in relations if len(r.cells) > 1]
    while True:
        known = derivable(shown - hidden, relations)
        leaked = sensitive & known
        if not leaked:
            return hidden
        hidden.add(_next_to_hide(values, relations, shown, hidden, leaked))


def _next_to_hide(
    values: Mapping[Key, int],
    relations: Sequence[Relation],
    shown: set[Key],
    hidden: set[Key],
    leaked: set[Key],
) -> Key:
    """A published, visible cell of a relation that holds a leaked cell: the smallest such cell."""
    candidates: list[tuple[int, str, Key]] = []
    for relation in relations:
        if not leaked.intersection(relation.cells):
            continue
        for cell in relation.cells:
            if cell in shown and cell not in hidden:
                candidates.append((values[cell], repr(cell), cell))
    if not candidates:
        # Nothing published is left to hide in those relations: only unpublished cells give the
        # leak away, which a table whose totals are published never does. Refuse to publish.
        raise ValueError(f"cannot protect {sorted(map(repr, leaked))}: no published cell left to hide")
    return min(candidates)[2]
