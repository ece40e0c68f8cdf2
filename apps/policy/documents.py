"""A rubric version's document as data: reading the author's text, its problems (path-named, from the
rubric language), its parameters (every number outside the texts), and the diff against its base.

Pure functions over JSON values: no database, no request. ``apps.policy.versions`` stores what they
compute.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version, read_version
from apps.rubric.language.reading import ConfigErrors

# Keys whose values are the version's identity and dates: set when it is started and approved,
# never a "change" needing a reason.
IDENTITY_KEYS = ("code", "effective_from", "effective_to")
# Keys under which a document holds words, not rules: no parameter lives there.
TEXT_KEYS = frozenset({"says", "row_says", "title", "label", "question", "help", "phrase", "facts", "unit"})
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
MISSING: Any = type("Missing", (), {"__repr__": lambda self: "—", "__str__": lambda self: "—"})()


@dataclass(frozen=True)
class Problem:
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}" if self.path else self.problem


def parse_text(text: str) -> tuple[Any, list[Problem]]:
    """The JSON value of the author's text, or the text itself with the parse error (kept as typed)."""
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        message = _("not valid JSON: %(msg)s (line %(line)s, column %(column)s)") % {
            "msg": exc.msg,
            "line": exc.lineno,
            "column": exc.colno,
        }
        return text, [Problem("", message)]


def as_text(config: Any) -> str:
    """The document as the editor shows it (an unparsed draft's text as it was typed)."""
    if isinstance(config, str):
        return config
    return json.dumps(config, ensure_ascii=False, indent=1)


def read(config: Any, *, code: str) -> tuple[Version | None, list[Problem]]:
    """The version read from ``config`` and every problem with it (for a draft of ``code``)."""
    if isinstance(config, str):
        return None, parse_text(config)[1]
    try:
        version = read_version(config, default_catalogue())
    except ConfigErrors as exc:
        return None, [Problem(e.path, e.problem) for e in exc.errors]
    problems = []
    if version.code != code:
        problems.append(Problem("code", _("must be the draft's code, “%(code)s”") % {"code": code}))
    if version.clock is None:
        problems.append(Problem("clock", _("is required: cases are run under the version's clock")))
    return (version if not problems else None), problems


# --- paths -----------------------------------------------------------------------------------------


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def split(path: str) -> list[str | int]:
    return [int(index) if index else key for key, index in TOKEN.findall(path)]


# Lists whose items the rubric language names by their code in its error paths ("criteria.A1.max",
# "tracks.quantitative..."): the same paths here, so an error, a diff row and a reason agree.
BY_CODE = frozenset({"criteria", "tracks"})


def _by_code(path: str, items: list[Any]) -> bool:
    return path in BY_CODE and all(isinstance(i, dict) and isinstance(i.get("code"), str) for i in items)


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Every scalar of a JSON value by its path (an empty object or list is a leaf too)."""
    found: dict[str, Any] = {}
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            found.update(leaves(inner, join(path, key)))
    elif isinstance(value, list) and value:
        named = _by_code(path, value)
        for index, inner in enumerate(value):
            found.update(leaves(inner, join(path, inner["code"] if named else index)))
    else:
        found[path] = value
    return found


def _child(node: Any, key: str | int) -> Any:
    if isinstance(node, list) and isinstance(key, str):
        return next(i for i, item in enumerate(node) if isinstance(item, dict) and item.get("code") == key)
    return key


def get(document: Any, path: str) -> Any:
    node = document
    for key in split(path):
        try:
            node = node[_child(node, key)]
        except (KeyError, IndexError, TypeError, StopIteration):
            return MISSING
    return node


def replaced(document: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with the value at each path replaced."""
    out = copy.deepcopy(document)
    for path, value in changes.items():
        keys = split(path)
        node: Any = out
        for key in keys[:-1]:
            node = node[_child(node, key)]
        node[_child(node, keys[-1])] = value
    return out


def context(document: Any, path: str) -> str:
    """Where a path sits in words a policy person reads: the criterion, bonus, threshold or track code."""
    keys = split(path)
    if len(keys) >= 2:
        item = get(document, join(str(keys[0]), keys[1]))
        if isinstance(item, dict) and isinstance(item.get("code"), str):
            return f"{keys[0]} {item['code']}"
    return str(keys[0]) if keys else ""


# --- parameters ------------------------------------------------------------------------------------


def is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int | float) or (isinstance(value, str) and bool(NUMBER.match(value)))


@dataclass(frozen=True)
class Parameter:
    path: str
    value: Any
    where: str  # context()

    @property
    def field_id(self) -> str:
        return "param-" + re.sub(r"[^A-Za-z0-9]+", "-", self.path).strip("-")


def parameters(document: Any) -> list[Parameter]:
    """Every number of the rules (thresholds, points, bands, caps, multiples, clock days...), in
    document order: what the structured form offers."""
    if not isinstance(document, dict):
        return []
    found = []
    for path, value in leaves({k: v for k, v in document.items() if k not in IDENTITY_KEYS}).items():
        keys = [k for k in split(path) if isinstance(k, str)]
        if any(key in TEXT_KEYS for key in keys) or keys[:1] == ["format"] or keys[:1] == ["segments"]:
            continue
        if is_number(value):
            found.append(Parameter(path, value, context(document, path)))
    return found


def coerce(original: Any, typed: str) -> Any:
    """The author's ``typed`` value in the original's JSON type; ValueError with a reason."""
    typed = typed.strip()
    if isinstance(original, int) and not isinstance(original, bool):
        if not re.fullmatch(r"-?\d+", typed):
            raise ValueError(_("must be a whole number"))
        return int(typed)
    try:
        number = Decimal(typed)
    except InvalidOperation:
        raise ValueError(_("must be a number")) from None
    if not number.is_finite():
        raise ValueError(_("must be a number"))
    return typed if isinstance(original, str) else float(number)


# --- the diff --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    path: str
    before: Any
    after: Any
    where: str

    @property
    def before_text(self) -> str:
        return shown(self.before)

    @property
    def after_text(self) -> str:
        return shown(self.after)


def shown(value: Any) -> str:
    """A leaf as JSON writes it (true, null, "8"), or "—" where there is none."""
    return "—" if value is MISSING else json.dumps(value, ensure_ascii=False)


def diff(base: Any, draft: Any) -> list[Change]:
    """Parameter by parameter: every leaf whose value differs, was added or removed (identity and
    dates left out)."""
    if not isinstance(base, dict) or not isinstance(draft, dict):
        return []
    before = leaves({k: v for k, v in base.items() if k not in IDENTITY_KEYS})
    after = leaves({k: v for k, v in draft.items() if k not in IDENTITY_KEYS})
    changes = []
    for path in list(before) + [p for p in after if p not in before]:
        old, new = before.get(path, MISSING), after.get(path, MISSING)
        if old is MISSING or new is MISSING or old != new or type(old) is not type(new):
            changes.append(Change(path, old, new, context(draft if new is not MISSING else base, path)))
    return changes
