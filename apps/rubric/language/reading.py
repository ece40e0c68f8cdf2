"""Small JSON readers that each know the path of what they read, so every error names it.

``ConfigError("criteria.A3.points.bands.bands[2].min", "must be a number")`` reads as
``criteria.A3.points.bands.bands[2].min: must be a number``. A reader refuses rather than guesses:
an unknown key is a typo, a float threshold goes through its shortest repr, ``true`` is never a count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

LANGUAGES: tuple[str, ...] = ("en", "ko")


class ConfigError(ValueError):
    """A document that cannot be used; the message starts with the path of the bad value."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem

    def __reduce__(self) -> tuple[type[ConfigError], tuple[str, str]]:
        # Exceptions pickle through their args (the message alone); keep both parts (Celery pickles).
        return (type(self), (self.path, self.problem))


class ConfigErrors(ValueError):
    """Every problem found in one document (``rubric check`` lists them all)."""

    def __init__(self, errors: Sequence[ConfigError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = tuple(errors)


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def obj(value: Any, path: str, required: Sequence[str], optional: Sequence[str] = ()) -> Mapping[str, Any]:
    """A JSON object with the ``required`` keys and no key outside ``required`` + ``optional``."""
    if not isinstance(value, Mapping):
        raise ConfigError(path, "must be an object")
    unknown = sorted(set(value) - set(required) - set(optional))
    if unknown:
        raise ConfigError(join(path, unknown[0]), "unknown key")
    for key in required:
        if key not in value:
            raise ConfigError(join(path, key), "is required")
    return value


def mapping(value: Any, path: str) -> Mapping[str, Any]:
    """A JSON object whose keys are names the document chooses (units, options, parameters)."""
    if not isinstance(value, Mapping):
        raise ConfigError(path, "must be an object")
    return value


def one_key(value: Any, path: str, choices: Sequence[str], common: Sequence[str] = ()) -> str:
    """The one construct key of an object such as ``{"bands": ..., "cap": 20}``."""
    if not isinstance(value, Mapping):
        raise ConfigError(path, "must be an object")
    keys = [k for k in value if k not in common]
    known = [k for k in keys if k in choices]
    if not known:
        if keys:
            raise ConfigError(
                join(path, keys[0]), f"unknown construct (expected one of {', '.join(choices)})"
            )
        raise ConfigError(path, f"must have one of the keys {', '.join(choices)}")
    if len(keys) > 1:
        extra = next(k for k in keys if k != known[0])
        raise ConfigError(join(path, extra), f"unknown key beside {known[0]!r}")
    return known[0]


def listed(value: Any, path: str, *, allow_empty: bool = True) -> list[Any]:
    if not isinstance(value, list):
        raise ConfigError(path, "must be a list")
    if not value and not allow_empty:
        raise ConfigError(path, "must not be empty")
    return value


def text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(path, "must be a non-empty string")
    return value


def code(value: Any, path: str) -> str:
    """An identifier: ASCII letters, digits, '_' and '-', starting with a letter or digit."""
    name = text(value, path)
    if not (name.isascii() and name[0].isalnum() and all(ch.isalnum() or ch in "_-" for ch in name)):
        raise ConfigError(
            path, "must be a code (letters, digits, '_' or '-', starting with a letter or digit)"
        )
    return name


def choice(value: Any, path: str, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ConfigError(path, f"must be one of {', '.join(choices)}")
    return value


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(path, "must be true or false")
    return value


def whole(value: Any, path: str, *, low: int | None = 0, high: int | None = None) -> int:
    # bool is an int in Python; true/false in JSON is never meant as a count of points.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(path, "must be a whole number")
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            raise ConfigError(path, f"must be between {low} and {high}")
        raise ConfigError(path, f"must be at least {low}" if low is not None else f"must be at most {high}")
    return value


def number(value: Any, path: str, *, low: Decimal | None = None, integral: bool = False) -> Decimal:
    """A number from a JSON number or string, exactly (a float goes through its shortest repr)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(path, "must be a number")
    try:
        result = Decimal(repr(value) if isinstance(value, float) else value)
    except InvalidOperation:
        raise ConfigError(path, "must be a number") from None
    if not result.is_finite():
        raise ConfigError(path, "must be a number")
    if low is not None and result < low:
        raise ConfigError(path, f"must be at least {low}")
    if integral and result != result.to_integral_value():
        raise ConfigError(path, "must be a whole number")
    return result


def date(value: Any, path: str) -> dt.date:
    if not isinstance(value, str):
        raise ConfigError(path, "must be a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(path, "must be a date (YYYY-MM-DD)") from None


def localised(value: Any, path: str, *, placeholders: Sequence[str] | None = None) -> dict[str, str]:
    """``{"en": ..., "ko": ...}``: both languages required (a Korean reader must never get English).

    With ``placeholders``, every ``{name}`` in the text must be one of them (a typo would print).
    """
    item = obj(value, path, LANGUAGES)
    out = {language: text(item[language], join(path, language)) for language in LANGUAGES}
    if placeholders is not None:
        for language, template in out.items():
            for name in template_fields(template):
                if name not in placeholders:
                    allowed = ", ".join("{" + p + "}" for p in placeholders) or "none"
                    raise ConfigError(
                        join(path, language), f"unknown placeholder {{{name}}} (allowed: {allowed})"
                    )
    return out


def template_fields(template: str) -> list[str]:
    """The ``{name}`` placeholders of a data template (``{{`` and ``}}`` are literal braces)."""
    import string

    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise ConfigError("", f"malformed template {template!r}: {exc}") from None
