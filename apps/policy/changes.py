"""A draft rubric version against its base, parameter by parameter, and the units of change a
simulation tests one at a time to name what flips a case's verdict (decision 37).

``diff(base, draft)`` compares the two JSON documents: objects key by key, lists of objects that all
carry a distinct ``code`` (criteria, tracks, thresholds, segments...) by code, other lists element by
element when their lengths agree and as one value otherwise. Each difference is a ``Change`` whose
``path`` reads as the language's error paths do (``criteria.A1.points.table.points.master``,
``tracks.quantitative.eligible_when.any[0].all[1].value``).

Wording, documents, dates and the clock never change a score, so only the other changes are
*scoring* changes. ``units(base, draft, changes, valid)`` groups the scoring changes into units each
of which yields a valid document both when applied alone to the base and when reverted alone from
the draft: a single change when it can stand alone, else the changes of one criterion (track,
threshold...) together, else everything left in one unit. A simulation scores each changed case
under "base + unit" and "draft - unit": a unit that alone brings the draft's verdict, or whose
reversal alone restores the base's, is a cause of that case's change.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["MISSING", "Change", "Keyed", "Unit", "apply", "diff", "units"]


class _Missing:
    """A key or element one document has and the other lacks."""

    def __repr__(self) -> str:
        return "MISSING"

    def __deepcopy__(self, memo: dict[int, Any]) -> _Missing:
        return self


MISSING: Any = _Missing()


@dataclass(frozen=True, slots=True)
class Keyed:
    """A step into a list of objects by their ``code``."""

    code: str


Step = str | int | Keyed
# Parts of a document that never change a score (wording, documents asked, dates, the clock).
_NOT_SCORING_KEYS = frozenset({"title", "says", "row_says", "notes", "documents"})
_NOT_SCORING_TOP = frozenset({"format", "code", "title", "notes", "effective_from", "effective_to", "clock"})


@dataclass(frozen=True, slots=True)
class Change:
    path: tuple[Step, ...]
    before: Any  # MISSING: the base has no such key or element
    after: Any  # MISSING: the draft has none

    @property
    def label(self) -> str:
        out = ""
        for step in self.path:
            if isinstance(step, int):
                out += f"[{step}]"
            else:
                name = step.code if isinstance(step, Keyed) else step
                out = f"{out}.{name}" if out else name
        return out

    @property
    def scoring(self) -> bool:
        if not self.path or self.path[0] in _NOT_SCORING_TOP:
            return False
        return not any(isinstance(step, str) and step in _NOT_SCORING_KEYS for step in self.path)

    @property
    def entity(self) -> tuple[Step, ...]:
        """What the change belongs to: a criterion, a track, a parameter, the bonuses..."""
        return self.path[:2]

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.label,
            "before": None if self.before is MISSING else self.before,
            "after": None if self.after is MISSING else self.after,
            "added": self.before is MISSING,
            "removed": self.after is MISSING,
            "scoring": self.scoring,
        }


@dataclass(frozen=True, slots=True)
class Unit:
    """Changes tested together; ``testable`` is False when even together they do not make valid
    documents (then no case can be put down to them one by one)."""

    changes: tuple[Change, ...]
    testable: bool = True

    @property
    def label(self) -> str:
        """The change's path, or for several the path they share (``criteria.A1.points.table``)."""
        if len(self.changes) == 1:
            return self.changes[0].label
        shared: list[Step] = []
        for steps in zip(*(c.path for c in self.changes), strict=False):
            if any(step != steps[0] for step in steps):
                break
            shared.append(steps[0])
        return Change(tuple(shared), None, None).label if shared else "*"

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "paths": [c.label for c in self.changes], "testable": self.testable}


# --------------------------------------------------------------------------------------------------
# Diff


def _same(a: Any, b: Any) -> bool:
    """JSON equality that keeps ``true`` apart from ``1`` (and ``"1"`` from ``1``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def _codes(items: list[Any]) -> list[str] | None:
    """The codes of a list of objects that all carry a distinct string ``code``; else None."""
    if not items or not all(isinstance(i, dict) and isinstance(i.get("code"), str) for i in items):
        return None
    codes = [i["code"] for i in items]
    return codes if len(set(codes)) == len(codes) else None


def _diff(before: Any, after: Any, path: tuple[Step, ...], out: list[Change]) -> None:
    if _same(before, after):
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in dict.fromkeys([*before, *after]):
            _diff(before.get(key, MISSING), after.get(key, MISSING), (*path, key), out)
        return
    if isinstance(before, list) and isinstance(after, list):
        codes_b, codes_a = _codes(before), _codes(after)
        if codes_b is not None and codes_a is not None:
            by_b = dict(zip(codes_b, before, strict=True))
            by_a = dict(zip(codes_a, after, strict=True))
            for code in dict.fromkeys([*codes_b, *codes_a]):
                _diff(by_b.get(code, MISSING), by_a.get(code, MISSING), (*path, Keyed(code)), out)
            return
        if len(before) == len(after):
            for index, (b, a) in enumerate(zip(before, after, strict=True)):
                _diff(b, a, (*path, index), out)
            return
    out.append(Change(path, copy.deepcopy(before), copy.deepcopy(after)))


def diff(base: Mapping[str, Any], draft: Mapping[str, Any]) -> list[Change]:
    """Every difference between two version documents, in the order of the documents."""
    out: list[Change] = []
    _diff(dict(base), dict(draft), (), out)
    return out


# --------------------------------------------------------------------------------------------------
# Applying changes


def _index(container: list[Any], step: Keyed) -> int | None:
    return next(
        (i for i, item in enumerate(container) if isinstance(item, dict) and item.get("code") == step.code),
        None,
    )


def _set(document: Any, change: Change, value: Any, source: Any) -> None:
    """Set ``change.path`` in ``document`` to ``value`` (MISSING: remove it). ``source`` is the
    document the value comes from (for where a new element goes in a keyed list)."""
    node, origin = document, source
    for step in change.path[:-1]:
        if isinstance(step, Keyed):
            node = node[_index(node, step)]
            origin = origin[_index(origin, step)]
        else:
            node, origin = node[step], origin[step]
    last = change.path[-1]
    if isinstance(last, Keyed):
        at = _index(node, last)
        if value is MISSING:
            if at is not None:
                del node[at]
        elif at is not None:
            node[at] = copy.deepcopy(value)
        else:
            position = _index(origin, last)
            node.insert(min(position if position is not None else len(node), len(node)), copy.deepcopy(value))
        return
    if value is MISSING:
        if isinstance(node, dict):
            node.pop(last, None)
        return
    node[last] = copy.deepcopy(value)


def apply(
    document: Mapping[str, Any], changes: Sequence[Change], *, to: str, source: Mapping[str, Any]
) -> dict[str, Any]:
    """A copy of ``document`` with ``changes`` set to their ``to`` side ("after": applied to the
    base; "before": reverted from the draft); ``source`` is the document that side comes from."""
    out = copy.deepcopy(dict(document))
    for change in changes:
        _set(out, change, change.after if to == "after" else change.before, source)
    return out


# --------------------------------------------------------------------------------------------------
# Units


def units(
    base: Mapping[str, Any],
    draft: Mapping[str, Any],
    changes: Sequence[Change],
    valid: Callable[[dict[str, Any]], bool],
) -> list[Unit]:
    """The scoring changes grouped into units that can be applied alone both ways (see above)."""

    def stands_alone(group: Sequence[Change]) -> bool:
        return valid(apply(base, group, to="after", source=draft)) and valid(
            apply(draft, group, to="before", source=base)
        )

    scoring = [c for c in changes if c.scoring]
    out: list[Unit] = []
    left: list[Change] = []
    for change in scoring:
        if stands_alone([change]):
            out.append(Unit((change,)))
        else:
            left.append(change)
    by_entity: dict[tuple[Step, ...], list[Change]] = {}
    for change in left:
        by_entity.setdefault(change.entity, []).append(change)
    rest: list[Change] = []
    for group in by_entity.values():
        if len(group) > 1 and stands_alone(group):
            out.append(Unit(tuple(group)))
        else:
            rest.extend(group)
    if rest:
        out.append(Unit(tuple(rest), testable=stands_alone(rest)))
    return out
