"""What compiled rules share while scoring: per-language state, how values and thresholds read,
thresholds resolved against reference data, bands, and what conditions may look at."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from apps.rubric.language import texts as t
from apps.rubric.language.catalogue import Catalogue, FactDef, Localised
from apps.rubric.language.document import (
    Amount,
    Band,
    effective_intervals,
)
from apps.rubric.language.reading import ConfigError, ConfigErrors
from apps.rubric.language.results import Reference

# --------------------------------------------------------------------------------------------------
# Per-language state


class _Lang:
    """A scorer's prepared parts for one language, built on first use (keys bounded by the version)."""

    __slots__ = ("code", "korean", "names", "parts", "texts")

    def __init__(self, code: str | None, texts: t.Texts, names: Mapping[str, str]) -> None:
        self.code = code
        self.korean = (code or "").startswith("ko")
        self.texts = texts
        self.names = names
        self.parts: dict[Hashable, Any] = {}

    def say(self, text: Localised) -> str:
        return text.ko if self.korean else text.en

    def name(self, code: str) -> str:
        return self.names.get(code, code)


# A value's place in a prepared sentence: "\x00<leaf>.<kind>\x01", split out when the sentence is
# prepared, so a profile's own values are joined in without formatting the sentence again.
_MARK = re.compile("\x00(\\d+)\\.(\\d+)\x01")


def _mark(leaf: int, kind: int = 0) -> str:
    return f"\x00{leaf}.{kind}\x01"


def _pieces(sentence: str) -> tuple[str | tuple[int, int], ...]:
    out: list[str | tuple[int, int]] = []
    position = 0
    for match in _MARK.finditer(sentence):
        if match.start() > position:
            out.append(sentence[position : match.start()])
        out.append((int(match.group(1)), int(match.group(2))))
        position = match.end()
    if position < len(sentence):
        out.append(sentence[position:])
    return tuple(out)


# --------------------------------------------------------------------------------------------------
# Facts: how a value and a threshold read


class _FactText:
    """How one fact's values read in one scorer (unit, currency, names).

    ``value`` runs for every value shown in every profile, so each language gets a formatter made
    for the fact's type once (``_formatters``): a number and its unit are two string joins."""

    __slots__ = ("currency", "fact", "formatters", "unit")

    def __init__(self, fact: FactDef, catalogue: Catalogue) -> None:
        self.fact = fact
        self.unit = catalogue.units[fact.unit] if fact.unit else None
        self.currency = catalogue.currencies[fact.currency] if fact.currency else None
        self.formatters: tuple[dict[_Lang, Callable[[Any], str]], ...] = ({}, {})  # full, short

    def value(self, value: Any, lang: _Lang, *, short: bool = False) -> str:
        formatters = self.formatters[short]
        formatter = formatters.get(lang)
        if formatter is None:
            formatter = formatters[lang] = self._formatter(lang, short)
        return formatter(value)

    def _formatter(self, lang: _Lang, short: bool) -> Callable[[Any], str]:
        fact = self.fact
        kind = fact.type
        unset = lang.say(fact.phrase_unset) if fact.phrase_unset else "-"
        if kind in ("integer", "decimal"):
            unit = self.unit
            if unit is None:
                return lambda v: unset if v is None else t.number_text(v)
            forms = (unit.short if short and unit.short is not None else unit.forms)[
                "ko" if lang.korean else "en"
            ]
            one = forms.get("one") if not lang.korean else None
            other_head, other_tail = forms["other"].split("{n}", 1)
            one_head, one_tail = one.split("{n}", 1) if one else (other_head, other_tail)
            number_text = t.number_text

            def with_unit(v: Any) -> str:
                if v is None:
                    return unset
                text = number_text(v)
                return one_head + text + one_tail if text == "1" else other_head + text + other_tail

            return with_unit
        if kind == "money":
            assert self.currency is not None
            head, tail = lang.say(self.currency).split("{n}", 1)
            return lambda v: unset if v is None else head + t.money_text(v) + tail
        if kind == "rank":
            return lambda v: unset if v is None else str(v)
        if kind == "choice":
            names = {o.code: lang.say(o.name) for o in fact.options}
            return lambda v: unset if v is None else names.get(v, v)
        if kind == "code":
            names_of = lang.names
            return lambda v: unset if v is None else names_of.get(v, v)
        yes = lang.say(fact.phrase)
        no = lang.say(fact.phrase_no or fact.phrase)
        return lambda v: yes if v else no

    def phrase(self, value_text: str, lang: _Lang) -> str:
        return t.fill(lang.say(self.fact.phrase), {"value": value_text})

    def flag_phrase(self, value: bool, lang: _Lang) -> str:
        fact = self.fact
        return lang.say(fact.phrase if value else (fact.phrase_no or fact.phrase))

    def unset_phrase(self, lang: _Lang) -> str:
        fact = self.fact
        return (
            lang.say(fact.phrase_unset)
            if fact.phrase_unset
            else t.fill(lang.say(fact.phrase), {"value": "-"})
        )


# --------------------------------------------------------------------------------------------------
# Thresholds, resolved against the reference data


def _ceil(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


@dataclass(frozen=True, slots=True)
class _Resolved:
    """A threshold as compared (``number``) and as written (a multiple of a dated quantity or not)."""

    number: Decimal | int
    amount: Amount
    quantity_year: int | None = None
    quantity_amount: int | None = None


def _resolve(amount: Amount, fact: FactDef, reference: Reference, *, round_up: bool) -> _Resolved:
    """A threshold on ``fact`` as a number of the fact's own kind. A multiple of a reference figure
    becomes whole units of money, rounded so that the comparison stays exact: "at least 2.5 times"
    is "at least ceil(2.5 x GNI)" for a whole-won salary."""
    if amount.quantity is None:
        value = amount.value
        if fact.type in ("integer", "money", "rank"):
            return _Resolved(int(value) if value == value.to_integral_value() else value, amount)
        return _Resolved(value, amount)
    year, figure = reference.amount(amount.quantity, amount.year)
    numerator, denominator = amount.value.as_integer_ratio()
    exact = numerator * figure
    number = _ceil(exact, denominator) if round_up else exact // denominator
    return _Resolved(number, amount, year, figure)


def _times_text(amount: Amount) -> str:
    return format(amount.value, "f")


class _Bounds:
    """A bands rule's intervals in ascending order of value, with how to find a value's place.

    A value's place is an odd number 2i+1 inside band i, an even number 2i in the gap before band i
    (2n above every band); ``None`` (a rank not listed) counts as above every band."""

    __slots__ = ("bands", "count", "intervals", "lows", "order", "resolved")

    def __init__(self, bands: Sequence[Band], fact: FactDef, reference: Reference, path: str) -> None:
        resolved: list[tuple[_Resolved | None, _Resolved | None]] = []
        for band in bands:
            low = _resolve(band.low, fact, reference, round_up=band.low_inclusive) if band.low else None
            high = (
                _resolve(band.high, fact, reference, round_up=not band.high_inclusive) if band.high else None
            )
            resolved.append((low, high))
        bounds = [
            (
                (Decimal(low.number), band.low_inclusive) if low else None,
                (Decimal(high.number), band.high_inclusive) if high else None,
            )
            for band, (low, high) in zip(bands, resolved, strict=True)
        ]
        try:
            intervals = effective_intervals(bounds, path)
        except ConfigError as exc:
            raise ConfigErrors([exc]) from None
        self.order = sorted(range(len(bands)), key=lambda i: (intervals[i][0][0], not intervals[i][0][1]))
        integral = fact.type in ("integer", "money", "rank")
        self.intervals = tuple(_comparable(intervals[i], integral) for i in self.order)
        self.bands = tuple(bands[i] for i in self.order)
        self.resolved = tuple(resolved[i] for i in self.order)
        self.count = len(bands)
        self.lows = tuple(iv[0][0] for iv in self.intervals)

    def place(self, value: Any) -> int:
        if value is None:
            return 2 * self.count
        # The last band starting at or below the value, by bisection; then its ends decide.
        index = bisect_right(self.lows, value) - 1
        if index < 0:
            return 0
        intervals = self.intervals
        (low, low_in), (high, high_in) = intervals[index]
        if value == low and not low_in:  # on an open lower end: the band before may hold it
            if index > 0:
                _, (before, before_in) = intervals[index - 1]
                if value < before or (value == before and before_in):
                    return 2 * index - 1
            return 2 * index
        if value < high or (value == high and high_in):
            return 2 * index + 1
        return 2 * index + 2


def _comparable(
    interval: tuple[tuple[Decimal, bool], tuple[Decimal, bool]], integral: bool
) -> tuple[Any, Any]:
    """Bounds as cheap numbers: ints for whole-number facts (and +-inf as floats), else Decimal."""
    (low, low_in), (high, high_in) = interval

    def convert(value: Decimal) -> Any:
        if not value.is_finite():
            return float(value)
        if integral and value == value.to_integral_value():
            return int(value)
        return value

    return ((convert(low), low_in), (convert(high), high_in))


class _Ctx:
    """What conditions may look at besides the facts: points so far, claimed bonus, thresholds."""

    __slots__ = ("claimed", "claimed_titles", "points")

    def __init__(self) -> None:
        self.points: dict[str, int] = {}
        self.claimed = 0  # points of bonuses that hold on facts nobody verified yet
        self.claimed_titles: tuple[Localised, ...] = ()


# The smallest step past a strict bound on a decimal fact ("more than 3 years": 3.000000001).
_EPSILON_DECIMAL = Decimal("1E-9")
