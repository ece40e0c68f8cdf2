"""Points rules and criteria, compiled. A criterion's leaves each reduce a profile to a small outcome
(a band, an option, a condition's state); the tuple of outcomes is the criterion's key, and what a key
decides (points, next steps with exact gains, the sentences around the values) is prepared once per
language."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from apps.rubric.language import texts as t
from apps.rubric.language.catalogue import Catalogue, Localised
from apps.rubric.language.conditions import _CompareCond, _compile_condition, _Cond
from apps.rubric.language.document import (
    AnyOfRule,
    BandsRule,
    BestOfRule,
    ChoiceRule,
    Criterion,
    IfRule,
    Rule,
    ScaleRule,
    SumRule,
    TableRule,
    Version,
    YesNoRule,
)
from apps.rubric.language.results import CriterionResult, NextStep, Reference
from apps.rubric.language.runtime import (
    _EPSILON_DECIMAL,
    _Bounds,
    _Ctx,
    _FactText,
    _Lang,
    _mark,
    _pieces,
    _Resolved,
    _times_text,
)

# --------------------------------------------------------------------------------------------------
# Points rules, compiled. A criterion's leaves each reduce the profile to a small outcome (a band,
# an option, yes/no); the tuple of outcomes is the criterion's key.

Key = tuple[Hashable, ...]
# A next step: the fact, its threshold as shown, a value that reaches it, and its sentence.
_Candidate = tuple[str, Any, Any, Callable[[str], str]]


class _Node:
    __slots__ = ("cap", "says")
    cap: int | None
    says: Mapping[str, Localised]

    def raw(self, key: Key) -> int:
        raise NotImplementedError

    def value(self, key: Key) -> int:
        raw = self.raw(key)
        cap = self.cap
        return raw if cap is None or raw <= cap else cap

    def collect(self, leaves: list[_Leaf]) -> None:
        raise NotImplementedError

    def parts(self, key: Key, lang: _Lang) -> list[str]:
        """This node's sentences inside a sum ("... : 4 points.")."""
        raise NotImplementedError

    def alone(self, key: Key, lang: _Lang, points_of_max: str) -> list[str]:
        """This node's sentences as a whole criterion (the points shown out of the maximum)."""
        raise NotImplementedError

    def steps(self, key: Key, crit: _Crit, lang: _Lang) -> list[tuple[int, NextStep]]:
        raise NotImplementedError

    def say(self, role: str, lang: _Lang) -> str | None:
        text = self.says.get(role)
        return lang.say(text) if text is not None else None


class _Leaf(_Node):
    __slots__ = ("index",)

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        raise NotImplementedError

    def outcome_fn(self) -> Callable[[Mapping[str, Any], _Ctx], Hashable]:
        """``outcome`` as a plain function (it runs for every profile)."""
        return self.outcome

    def at(self, outcome: Any) -> int:
        raise NotImplementedError

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        return ""

    def filler(self, kind: int, lang: _Lang) -> Callable[[Mapping[str, Any]], str]:
        """What fills a slot of this leaf, bound to the language once (it runs for every profile)."""
        return lambda values: self.slot(values, kind, lang)

    def sentence(self, outcome: Any, lang: _Lang, points_text: str) -> str:
        raise NotImplementedError

    def candidates(self, outcome: Any, lang: _Lang) -> list[_Candidate]:
        return []

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        """This leaf's outcome had ``fact`` been ``probe``, every other fact unchanged."""
        return outcome

    def raw(self, key: Key) -> int:
        return self.at(key[self.index])

    def collect(self, leaves: list[_Leaf]) -> None:
        self.index = len(leaves)
        leaves.append(self)

    def parts(self, key: Key, lang: _Lang) -> list[str]:
        return [self.sentence(key[self.index], lang, t.points(lang.texts, self.value(key)))]

    def alone(self, key: Key, lang: _Lang, points_of_max: str) -> list[str]:
        return [self.sentence(key[self.index], lang, points_of_max)]

    def steps(self, key: Key, crit: _Crit, lang: _Lang) -> list[tuple[int, NextStep]]:
        out: list[tuple[int, NextStep]] = []
        current = crit.points(key)
        for fact, threshold, probe, make in self.candidates(key[self.index], lang):
            # The gain of changing the fact wherever the criterion reads it, after every cap.
            gain = crit.points(crit.with_fact(key, fact, probe)) - current
            if gain > 0:
                out.append((gain, NextStep(fact, threshold, gain, make(t.points(lang.texts, gain)))))
        return out

    def _step_text(
        self,
        lang: _Lang,
        generic_fact: str,
        target: str,
        override: Localised | None = None,
        role: str = "step",
    ) -> Callable[[str], str]:
        """How a step reads: the band's or the rule's own sentence (``{target}``, ``{points}``), else
        "<the fact at its target> would add <points>."."""
        said = lang.say(override) if override is not None else self.say(role, lang)
        return _step_maker(lang, said, generic_fact, target)


def _step_maker(lang: _Lang, override: str | None, generic_fact: str, target: str) -> Callable[[str], str]:
    if override is not None:
        return lambda points: t.fill(override, {"target": target, "points": points})
    frame = lang.texts[t.STEP]
    return lambda points: frame % {"fact": generic_fact, "points": points}


@dataclass(frozen=True, slots=True)
class _Toward:
    """The nearest band that earns more: its place, the threshold to reach, how that reads."""

    place: int
    threshold: Any  # a number, or ">x" / "<x" for a strict bound
    number: Decimal | int
    frame: str  # "%(value)s or more", ...
    probe: Any  # a value inside the band


def _toward(
    bounds: _Bounds, points: Sequence[int], current: int, outcome: int, prefer_low: bool
) -> _Toward | None:
    """The band nearest to ``outcome`` (a value's place) that earns more than ``current``: moving up
    it is reached at its lower bound, moving down at its upper bound. Ties go up, or down for a rank
    (where a smaller number is better)."""
    here = 2 * bounds.count if outcome == -1 else outcome
    better = [j for j in range(bounds.count) if points[j] > current]
    if not better:
        return None

    def distance(j: int) -> tuple[int, bool]:
        place = 2 * j + 1
        return abs(place - here), (place > here) if prefer_low else (place < here)

    j = min(better, key=distance)
    band = bounds.bands[j]
    low, high = bounds.resolved[j]
    step = _EPSILON_DECIMAL if isinstance(bounds.lows[j], Decimal) else 1
    if 2 * j + 1 > here and low is not None:
        number = low.number
        if band.low_inclusive:
            return _Toward(2 * j + 1, number, number, t.BAND_AT_LEAST, number)
        return _Toward(2 * j + 1, f">{t.number_text(number)}", number, t.BAND_MORE_THAN, number + step)
    assert high is not None  # a band below the value has an upper bound
    number = high.number
    if band.high_inclusive:
        return _Toward(2 * j + 1, number, number, t.BAND_AT_MOST, number)
    return _Toward(2 * j + 1, f"<{t.number_text(number)}", number, t.BAND_BELOW, number - step)


class _BandsLeaf(_Leaf):
    __slots__ = ("bounds", "code", "fact", "multiple", "otherwise", "points", "quantity_label", "text")

    def __init__(self, rule: BandsRule, catalogue: Catalogue, reference: Reference, path: str) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.fact = catalogue.fact(rule.fact)
        self.code = rule.fact
        self.text = _FactText(self.fact, catalogue)
        self.bounds = _Bounds(rule.bands, self.fact, reference, path)
        self.points = tuple(b.points for b in self.bounds.bands)
        self.otherwise = rule.otherwise
        # The figure a money value is shown as a multiple of, when the thresholds are multiples of one.
        self.multiple = next(
            (r for pair in self.bounds.resolved for r in pair if r is not None and r.amount.quantity), None
        )
        quantity = self.multiple.amount.quantity if self.multiple else None
        self.quantity_label = catalogue.quantities[quantity].label if quantity else None

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> int:
        value = values.get(self.code)
        return -1 if value is None else self.bounds.place(value)

    def outcome_fn(self) -> Callable[[Mapping[str, Any], _Ctx], Hashable]:
        code, place = self.code, self.bounds.place

        def outcome(values: Mapping[str, Any], ctx: _Ctx) -> int:
            value = values.get(code)
            return -1 if value is None else place(value)

        return outcome

    def at(self, outcome: int) -> int:
        return self.points[outcome >> 1] if outcome & 1 and outcome > 0 else self.otherwise

    def filler(self, kind: int, lang: _Lang) -> Callable[[Mapping[str, Any]], str]:
        code = self.code
        if kind:
            assert self.multiple is not None
            assert self.multiple.quantity_amount
            figure = self.multiple.quantity_amount

            def ratio(values: Mapping[str, Any]) -> str:
                # Rounded down to two decimals: 124,887,499 KRW must not read as "2.50 times".
                hundredths = int(values.get(code) or 0) * 100 // figure
                return f"{hundredths // 100}.{hundredths % 100:02d}"

            return ratio
        self.text.value(None, lang)  # make the language's formatter
        formatter = self.text.formatters[False][lang]
        return lambda values: formatter(values.get(code))

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        value = values.get(self.code)
        if kind == 0:
            return self.text.value(value, lang)
        assert self.multiple is not None
        assert self.multiple.quantity_amount
        # Shown rounded down to two decimals: 124,887,499 KRW must not read as "2.50 times".
        hundredths = int(value or 0) * 100 // self.multiple.quantity_amount
        return f"{hundredths // 100}.{hundredths % 100:02d}"

    # ---- how thresholds and bands read

    def _bound(self, resolved: _Resolved, lang: _Lang) -> str:
        if resolved.amount.quantity is not None:
            return lang.texts[t.TIMES] % {"times": _times_text(resolved.amount)}
        return self.text.value(resolved.number, lang, short=True)

    def _band(self, outcome: int, lang: _Lang) -> str:
        texts = lang.texts
        bounds = self.bounds
        rank = self.fact.type == "rank"
        if outcome & 1 and outcome > 0:
            position = outcome >> 1
            band = bounds.bands[position]
            low, high = bounds.resolved[position]
            override = band.says.get("band")
            if override is not None:
                names = {
                    ("min" if band.low_inclusive else "above"): self._bound(low, lang) if low else "",
                    ("max" if band.high_inclusive else "below"): self._bound(high, lang) if high else "",
                }
                return t.fill(lang.say(override), names)
            if low and high and low.number == high.number and band.low_inclusive and band.high_inclusive:
                return texts[t.BAND_EXACTLY] % {"value": self._bound(low, lang)}
            if rank and high is not None and band.high_inclusive:
                if low is None:
                    return texts[t.RANK_TOP] % {"max_rank": self._bound(high, lang)}
                if band.low_inclusive:
                    return texts[t.RANK_RANGE] % {
                        "low": self._bound(low, lang),
                        "high": self._bound(high, lang),
                    }
            return _describe(
                texts,
                self._bound(low, lang) if low else None,
                band.low_inclusive,
                self._bound(high, lang) if high else None,
                band.high_inclusive,
            )
        if rank:
            return texts[t.RANK_OTHER]
        if outcome == 0:  # below every band
            first_low = bounds.resolved[0][0]
            if first_low is not None:
                return texts[t.BAND_BELOW] % {"value": self._bound(first_low, lang)}
        if outcome == 2 * bounds.count:  # above every band
            last = bounds.bands[-1]
            last_high = bounds.resolved[-1][1]
            if last_high is not None:
                frame = t.BAND_MORE_THAN if last.high_inclusive else t.BAND_AT_LEAST
                return texts[frame] % {"value": self._bound(last_high, lang)}
        return texts[t.BAND_NONE]

    def sentence(self, outcome: int, lang: _Lang, points_text: str) -> str:
        texts = lang.texts
        if outcome == -1:
            override = self.say("part_unset", lang)
            if override is not None:
                return t.fill(
                    override, {"points": points_text, "band": self._band(outcome, lang), "value": ""}
                )
            return texts[t.PART] % {"fact": self.text.unset_phrase(lang), "points": points_text}
        band = self._band(outcome, lang)
        value = _mark(self.index, 0)
        override = self.say("part", lang)
        if override is not None:
            return t.fill(override, {"value": value, "band": band, "points": points_text})
        fact = self.text.phrase(value, lang)
        if self.multiple is not None:
            assert self.quantity_label is not None
            assert self.multiple.quantity_amount is not None
            fact = texts[t.VALUE_AS_MULTIPLE] % {
                "fact": fact,
                "ratio": _mark(self.index, 1),
                "year": self.multiple.quantity_year,
                "quantity": lang.say(self.quantity_label),
                "amount": self.text.value(self.multiple.quantity_amount, lang),
            }
        return texts[t.PART_IN_BAND] % {"fact": fact, "band": band, "points": points_text}

    def candidates(self, outcome: int, lang: _Lang) -> list[_Candidate]:
        if not self.fact.changeable:
            return []
        toward = _toward(self.bounds, self.points, self.at(outcome), outcome, self.fact.type == "rank")
        if toward is None:
            return []
        band = self.bounds.bands[toward.place >> 1]
        at_target = lang.texts[toward.frame] % {"value": self.text.value(toward.number, lang)}
        target = self.text.value(toward.number, lang, short=True)
        make = self._step_text(lang, self.text.phrase(at_target, lang), target, band.says.get("step"))
        return [(self.code, toward.threshold, toward.probe, make)]

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        if fact != self.code:
            return outcome
        return -1 if probe is None else self.bounds.place(probe)


def _describe(texts: t.Texts, low: str | None, low_in: bool, high: str | None, high_in: bool) -> str:
    if low and high:
        frame = {
            (True, True): t.BAND_BETWEEN,
            (True, False): t.BAND_FROM_BELOW,
            (False, True): t.BAND_ABOVE_TO,
            (False, False): t.BAND_ABOVE_BELOW,
        }[(low_in, high_in)]
        return texts[frame] % {"low": low, "high": high}
    if low:
        return texts[t.BAND_AT_LEAST if low_in else t.BAND_MORE_THAN] % {"value": low}
    assert high
    return texts[t.BAND_AT_MOST if high_in else t.BAND_BELOW] % {"value": high}


class _ChoiceLeaf(_Leaf):
    __slots__ = ("code", "fact", "order", "otherwise", "points", "text")

    def __init__(self, rule: ChoiceRule, catalogue: Catalogue) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.code = rule.fact
        self.fact = catalogue.fact(rule.fact)
        self.text = _FactText(self.fact, catalogue)
        self.points = dict(rule.points)
        self.otherwise = rule.otherwise
        listed = [code for code, _ in rule.points]
        self.order = tuple(self.fact.option_codes()) if self.fact.type == "choice" else tuple(listed)

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> str | None:
        value = values.get(self.code)
        return value if value in self.points else None

    def at(self, outcome: str | None) -> int:
        return self.otherwise if outcome is None else self.points[outcome]

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        return self.text.value(values.get(self.code), lang)

    def sentence(self, outcome: str | None, lang: _Lang, points_text: str) -> str:
        value = _mark(self.index)
        override = self.say("part", lang)
        if override is not None:
            return t.fill(override, {"value": value, "points": points_text})
        return lang.texts[t.PART] % {"fact": self.text.phrase(value, lang), "points": points_text}

    def candidates(self, outcome: str | None, lang: _Lang) -> list[_Candidate]:
        if not self.fact.changeable:
            return []
        current = self.at(outcome)
        here = self.order.index(outcome) if outcome in self.order else len(self.order)
        better = [i for i, code in enumerate(self.order) if self.points.get(code, self.otherwise) > current]
        if not better:
            return []
        after = [i for i in better if i > here]
        code = self.order[after[0] if after else better[-1]]
        name = self.text.value(code, lang)
        make = self._step_text(lang, self.text.phrase(name, lang), name)
        return [(self.code, code, code, make)]

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        if fact != self.code:
            return outcome
        return probe if probe in self.points else None


class _YesNoLeaf(_Leaf):
    __slots__ = ("code", "fact", "no", "text", "yes")

    def __init__(self, rule: YesNoRule, catalogue: Catalogue) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.code = rule.fact
        self.fact = catalogue.fact(rule.fact)
        self.text = _FactText(self.fact, catalogue)
        self.yes, self.no = rule.yes, rule.no

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        return bool(values.get(self.code))

    def outcome_fn(self) -> Callable[[Mapping[str, Any], _Ctx], Hashable]:
        code = self.code
        return lambda values, ctx: bool(values.get(code))

    def at(self, outcome: bool) -> int:
        return self.yes if outcome else self.no

    def sentence(self, outcome: bool, lang: _Lang, points_text: str) -> str:
        override = self.say("part" if outcome else "part_no", lang) or (
            self.say("part", lang) if outcome else None
        )
        phrase = self.text.flag_phrase(outcome, lang)
        if override is not None:
            return t.fill(override, {"value": phrase, "points": points_text})
        return lang.texts[t.PART] % {"fact": phrase, "points": points_text}

    def candidates(self, outcome: bool, lang: _Lang) -> list[_Candidate]:
        if not self.fact.changeable or self.at(not outcome) <= self.at(outcome):
            return []
        phrase = self.text.flag_phrase(not outcome, lang)
        return [(self.code, not outcome, not outcome, self._step_text(lang, phrase, phrase))]

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        return bool(probe) if fact == self.code else outcome


class _IfLeaf(_Leaf):
    __slots__ = ("cond", "otherwise", "then")

    def __init__(self, rule: IfRule, cond: _Cond) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.cond = cond
        self.then, self.otherwise = rule.then, rule.otherwise

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return self.cond.state(values, ctx)

    def outcome_fn(self) -> Callable[[Mapping[str, Any], _Ctx], Hashable]:
        if isinstance(self.cond, _CompareCond):  # a comparison's state is its verdict
            check, code = self.cond.check, self.cond.code
            return lambda values, ctx: check(values.get(code))
        return self.outcome

    def at(self, outcome: Any) -> int:
        return self.then if self.cond.met(outcome) else self.otherwise

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        return self.cond.retarget(outcome, fact, probe)

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        return self.cond.value_text(values, lang)

    def sentence(self, outcome: Any, lang: _Lang, points_text: str) -> str:
        met = self.cond.met(outcome)
        value = _mark(self.index)
        override = self.say("part" if met else "part_no", lang)
        if override is not None:
            return t.fill(override, {"value": value, "points": points_text})
        if isinstance(self.cond, _CompareCond):
            return lang.texts[t.PART] % {"fact": self.cond.text.phrase(value, lang), "points": points_text}
        return lang.texts[t.IF_MET if met else t.IF_UNMET] % {"points": points_text}

    def candidates(self, outcome: Any, lang: _Lang) -> list[_Candidate]:
        if self.cond.met(outcome) or self.then <= self.otherwise:
            return []
        found = self.cond.step(outcome)
        return [] if found is None else [_condition_step(self, lang, *found)]


class _AnyOfLeaf(_Leaf):
    __slots__ = ("conds", "points")

    def __init__(self, rule: AnyOfRule, conds: tuple[_Cond, ...]) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.conds = conds
        self.points = rule.points

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return tuple([c.state(values, ctx) for c in self.conds])

    def _first_met(self, outcome: Any) -> int:
        return next((i for i, (c, s) in enumerate(zip(self.conds, outcome, strict=True)) if c.met(s)), -1)

    def at(self, outcome: Any) -> int:
        return self.points if self._first_met(outcome) >= 0 else 0

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        return tuple(c.retarget(s, fact, probe) for c, s in zip(self.conds, outcome, strict=True))

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        return self.conds[kind].value_text(values, lang)

    def sentence(self, outcome: Any, lang: _Lang, points_text: str) -> str:
        outcome = self._first_met(outcome)
        if outcome < 0:
            override = self.say("part_no", lang)
            if override is not None:
                return t.fill(override, {"points": points_text})
            return lang.texts[t.ANY_NONE] % {"points": points_text}
        value = _mark(self.index, outcome)
        override = self.say("part", lang)
        if override is not None:
            return t.fill(override, {"value": value, "points": points_text})
        cond = self.conds[outcome]
        if isinstance(cond, _CompareCond):
            return lang.texts[t.PART] % {"fact": cond.text.phrase(value, lang), "points": points_text}
        return lang.texts[t.IF_MET] % {"points": points_text}

    def candidates(self, outcome: Any, lang: _Lang) -> list[_Candidate]:
        if self._first_met(outcome) >= 0:
            return []
        found = next(
            (step for c, s in zip(self.conds, outcome, strict=True) if (step := c.step(s)) is not None), None
        )
        return [] if found is None else [_condition_step(self, lang, *found)]


def _condition_step(leaf: _Leaf, lang: _Lang, fact: str, threshold: Any, probe: Any) -> _Candidate:
    """A step that meets a condition: the rule's own sentence ({target}: the threshold), or "Meeting
    this condition would add ..."."""
    override = leaf.say("step", lang)
    if override is not None:
        target = str(threshold)
        return fact, threshold, probe, lambda points: t.fill(override, {"target": target, "points": points})
    frame = lang.texts[t.STEP_CONDITION]
    return fact, threshold, probe, lambda points: frame % {"points": points}


class _ScaleLeaf(_Leaf):
    __slots__ = ("code", "fact", "of", "points", "text")

    def __init__(self, rule: ScaleRule, catalogue: Catalogue) -> None:
        self.cap = rule.common.cap
        self.says = rule.common.says
        self.code = rule.fact
        self.fact = catalogue.fact(rule.fact)
        self.text = _FactText(self.fact, catalogue)
        self.of, self.points = rule.of, rule.points

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> int:
        rating = values.get(self.code) or 0
        return rating if rating < self.of else self.of

    def outcome_fn(self) -> Callable[[Mapping[str, Any], _Ctx], Hashable]:
        code, of = self.code, self.of

        def outcome(values: Mapping[str, Any], ctx: _Ctx) -> int:
            rating = values.get(code) or 0
            return rating if rating < of else of

        return outcome

    def at(self, outcome: int) -> int:
        return outcome * self.points // self.of

    def _rated(self, rating: int, lang: _Lang) -> str:
        """ "Core-technology role rated 4 of 5": the unit's scale wording, else the grammar's."""
        unit = self.text.unit
        if unit is not None and unit.scale is not None:
            rated = t.fill(lang.say(unit.scale), {"n": str(rating), "of": str(self.of)})
        else:
            rated = lang.texts[t.SCALE_VALUE] % {"value": rating, "of": self.of}
        return self.text.phrase(rated, lang)

    def sentence(self, outcome: int, lang: _Lang, points_text: str) -> str:
        override = self.say("part", lang)
        if override is not None:
            return t.fill(override, {"value": str(outcome), "points": points_text})
        return lang.texts[t.PART] % {"fact": self._rated(outcome, lang), "points": points_text}

    def candidates(self, outcome: int, lang: _Lang) -> list[_Candidate]:
        if not self.fact.changeable:
            return []
        current = self.at(outcome)
        # The lowest higher rating that earns more points (a coarse scale can make several equal).
        up = next((r for r in range(outcome + 1, self.of + 1) if self.at(r) > current), None)
        if up is None:
            return []
        return [(self.code, up, up, self._step_text(lang, self._rated(up, lang), str(up)))]

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        if fact != self.code:
            return outcome
        rating = probe or 0
        return rating if rating < self.of else self.of


class _TableLeaf(_Leaf):
    """Points over two facts: one row per option of a choice fact, one column per band of another."""

    __slots__ = ("column", "matrix", "row_code", "row_fact", "row_says", "row_text", "rows")

    def __init__(self, rule: TableRule, catalogue: Catalogue, reference: Reference, path: str) -> None:
        from apps.rubric.language.document import Common

        self.cap = rule.common.cap
        self.says = rule.common.says
        self.row_code = rule.row_fact
        self.row_fact = catalogue.fact(rule.row_fact)
        self.row_text = _FactText(self.row_fact, catalogue)
        self.column = _BandsLeaf(
            BandsRule(rule.column_fact, rule.columns, 0, Common()), catalogue, reference, path
        )
        # The column leaf lists its bands in ascending order of value; the matrix follows it.
        order = [rule.columns.index(b) for b in self.column.bounds.bands]
        self.matrix = {row: (*(cells[i] for i in order), cells[-1]) for row, cells in rule.points}
        self.rows = self.row_fact.option_codes()
        self.row_says = rule.row_says

    def collect(self, leaves: list[_Leaf]) -> None:
        super().collect(leaves)
        self.column.index = self.index

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> tuple[str, int]:
        return values[self.row_code], self.column.outcome(values, ctx)

    def _cell(self, row: str, place: int) -> int:
        cells = self.matrix[row]
        return cells[place >> 1] if place & 1 and place > 0 else cells[-1]

    def at(self, outcome: tuple[str, int]) -> int:
        return self._cell(*outcome)

    def slot(self, values: Mapping[str, Any], kind: int, lang: _Lang) -> str:
        return self.column.slot(values, kind, lang)

    def _row_say(self, row: str, role: str, lang: _Lang) -> str | None:
        text = self.row_says.get(row, {}).get(role)
        return lang.say(text) if text is not None else None

    def sentence(self, outcome: tuple[str, int], lang: _Lang, points_text: str) -> str:
        row, place = outcome
        row_name = self._row_say(row, "name", lang) or self.row_fact.option_name(row, lang.code)
        band = self.column._band(place, lang)
        value = _mark(self.index)
        params = {"value": value, "band": band, "points": points_text, "row": row_name}
        override = self._row_say(row, "part", lang) or self.say("part_unset" if place == -1 else "part", lang)
        if override is None and place == -1:
            override = self.say("part", lang)
        if override is not None:
            return t.fill(override, params)
        column = self.column.text.unset_phrase(lang) if place == -1 else self.column.text.phrase(value, lang)
        fact = f"{self.row_text.phrase(row_name, lang)}, {column}"
        return lang.texts[t.PART_IN_BAND] % {"fact": fact, "band": band, "points": points_text}

    def candidates(self, outcome: tuple[str, int], lang: _Lang) -> list[_Candidate]:
        """A better column for the same row (a better-ranked school), then a better row in the same
        column (a higher degree)."""
        row, place = outcome
        current = self._cell(row, place)
        out: list[_Candidate] = []
        column = self.column
        if column.fact.changeable:
            points = [self.matrix[row][j] for j in range(column.bounds.count)]
            toward = _toward(column.bounds, points, current, place, column.fact.type == "rank")
            if toward is not None:
                at_target = lang.texts[toward.frame] % {"value": column.text.value(toward.number, lang)}
                target = column.text.value(toward.number, lang, short=True)
                make = self._step_text(lang, column.text.phrase(at_target, lang), target, role="step_column")
                out.append((column.code, toward.threshold, toward.probe, make))
        if self.row_fact.changeable and row in self.rows:
            start = self.rows.index(row) + 1
            higher = next((r for r in self.rows[start:] if self._cell(r, place) > current), None)
            if higher is not None:
                name = self.row_fact.option_name(higher, lang.code)
                override = self.row_says.get(higher, {}).get("step")
                make = self._step_text(lang, self.row_text.phrase(name, lang), name, override)
                out.append((self.row_code, higher, higher, make))
        return out

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        row, place = outcome
        if fact == self.row_code:
            row = probe
        return row, self.column.with_fact(place, fact, probe)


class _Sum(_Node):
    __slots__ = ("children",)

    def __init__(self, children: tuple[_Node, ...], cap: int | None, says: Mapping[str, Localised]) -> None:
        self.children = children
        self.cap = cap
        self.says = says

    def raw(self, key: Key) -> int:
        return sum([c.value(key) for c in self.children])

    def collect(self, leaves: list[_Leaf]) -> None:
        for child in self.children:
            child.collect(leaves)

    def parts(self, key: Key, lang: _Lang) -> list[str]:
        return [sentence for child in self.children for sentence in child.parts(key, lang)]

    def alone(self, key: Key, lang: _Lang, points_of_max: str) -> list[str]:
        return self.parts(key, lang)

    def steps(self, key: Key, crit: _Crit, lang: _Lang) -> list[tuple[int, NextStep]]:
        return [step for child in self.children for step in child.steps(key, crit, lang)]


class _Best(_Node):
    """The best of mutually exclusive options; explained by the option that earned it (the first of
    equals), and its next step is the nearest one: the smallest gain any option offers."""

    __slots__ = ("options",)

    def __init__(self, options: tuple[_Node, ...], cap: int | None, says: Mapping[str, Localised]) -> None:
        self.options = options
        self.cap = cap
        self.says = says

    def raw(self, key: Key) -> int:
        return max([o.value(key) for o in self.options])

    def collect(self, leaves: list[_Leaf]) -> None:
        for option in self.options:
            option.collect(leaves)

    def _winner(self, key: Key) -> _Node:
        best = self.raw(key)
        return next(o for o in self.options if o.value(key) == best)

    def _none(self, key: Key, lang: _Lang, points_text: str) -> list[str] | None:
        override = self.say("part_none", lang)
        if override is not None and self.raw(key) == 0:
            return [t.fill(override, {"points": points_text})]
        return None

    def parts(self, key: Key, lang: _Lang) -> list[str]:
        return self._none(key, lang, t.points(lang.texts, 0)) or self._winner(key).parts(key, lang)

    def alone(self, key: Key, lang: _Lang, points_of_max: str) -> list[str]:
        return self._none(key, lang, points_of_max) or self._winner(key).alone(key, lang, points_of_max)

    def steps(self, key: Key, crit: _Crit, lang: _Lang) -> list[tuple[int, NextStep]]:
        offered = [step for option in self.options for step in option.steps(key, crit, lang)]
        if not offered:
            return []
        nearest = min(gain for gain, _ in offered)
        return [next(step for step in offered if step[0] == nearest)]


class _WhenLeaf(_Leaf):
    """The condition of a rule's ``when``: an outcome of the key, worth nothing by itself."""

    __slots__ = ("cond",)

    def __init__(self, cond: _Cond) -> None:
        self.cond = cond
        self.cap = None
        self.says: Mapping[str, Localised] = {}

    def outcome(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return self.cond.state(values, ctx)

    def at(self, outcome: Any) -> int:
        return 0

    def with_fact(self, outcome: Any, fact: str, probe: Any) -> Any:
        return self.cond.retarget(outcome, fact, probe)


class _When(_Node):
    __slots__ = ("child", "gate")

    def __init__(self, child: _Node, gate: _WhenLeaf) -> None:
        self.child = child
        self.gate = gate
        self.cap = None
        self.says: Mapping[str, Localised] = {}

    def raw(self, key: Key) -> int:
        return self.child.value(key) if self.gate.cond.met(key[self.gate.index]) else 0

    def collect(self, leaves: list[_Leaf]) -> None:
        self.gate.collect(leaves)
        self.child.collect(leaves)

    def parts(self, key: Key, lang: _Lang) -> list[str]:
        return self.child.parts(key, lang) if self.gate.cond.met(key[self.gate.index]) else []

    def alone(self, key: Key, lang: _Lang, points_of_max: str) -> list[str]:
        if self.gate.cond.met(key[self.gate.index]):
            return self.child.alone(key, lang, points_of_max)
        return [lang.texts[t.IF_UNMET] % {"points": points_of_max}]

    def steps(self, key: Key, crit: _Crit, lang: _Lang) -> list[tuple[int, NextStep]]:
        return self.child.steps(key, crit, lang) if self.gate.cond.met(key[self.gate.index]) else []


def _compile_rule(rule: Rule, version: Version, reference: Reference, path: str) -> _Node:
    catalogue = version.catalogue
    node: _Node
    if isinstance(rule, BandsRule):
        node = _BandsLeaf(rule, catalogue, reference, path)
    elif isinstance(rule, ChoiceRule):
        node = _ChoiceLeaf(rule, catalogue)
    elif isinstance(rule, YesNoRule):
        node = _YesNoLeaf(rule, catalogue)
    elif isinstance(rule, IfRule):
        node = _IfLeaf(rule, _compile_condition(rule.condition, version, reference))
    elif isinstance(rule, TableRule):
        node = _TableLeaf(rule, catalogue, reference, path)
    elif isinstance(rule, ScaleRule):
        node = _ScaleLeaf(rule, catalogue)
    elif isinstance(rule, SumRule):
        children = tuple(
            _compile_rule(p, version, reference, f"{path}.sum[{i}]") for i, p in enumerate(rule.parts)
        )
        node = _Sum(children, rule.common.cap, rule.common.says)
    elif isinstance(rule, BestOfRule):
        options = tuple(
            _compile_rule(p, version, reference, f"{path}.best_of[{i}]") for i, p in enumerate(rule.options)
        )
        node = _Best(options, rule.common.cap, rule.common.says)
    else:
        conds = tuple(_compile_condition(c, version, reference) for c in rule.conditions)
        node = _AnyOfLeaf(rule, conds)
    if rule.common.when is not None:
        node = _When(node, _WhenLeaf(_compile_condition(rule.common.when, version, reference)))
    return node


# --------------------------------------------------------------------------------------------------
# Criteria


@dataclass(frozen=True, slots=True)
class _Prepared:
    """Everything a criterion's key decides, in one language; ``pieces`` holds text and the
    positions in ``slots`` where a profile's own values go."""

    points: int
    title: str
    template: str  # the explanation, "%s" where a value of the profile goes
    fillers: tuple[Callable[[Mapping[str, Any]], str], ...]  # one per "%s"
    steps: tuple[NextStep, ...]
    result: CriterionResult | None  # the whole result, when no value of the profile is in the text


class _Crit:
    __slots__ = ("basis", "code", "group", "leaves", "max", "outcomes", "prepared", "root", "title")

    def __init__(self, criterion: Criterion, version: Version, reference: Reference) -> None:
        self.code = criterion.code
        self.title = criterion.title
        self.group = criterion.group
        self.basis = criterion.basis
        self.max = criterion.max
        self.root = _compile_rule(criterion.rule, version, reference, f"criteria.{criterion.code}.points")
        leaves: list[_Leaf] = []
        self.root.collect(leaves)
        self.leaves = tuple(leaves)
        self.outcomes = tuple(leaf.outcome_fn() for leaf in leaves)
        # language -> key -> what the key decides; bounded by the version (keys are band positions).
        self.prepared: dict[_Lang, dict[Key, _Prepared]] = {}

    def key(self, values: Mapping[str, Any], ctx: _Ctx) -> Key:
        return tuple([outcome(values, ctx) for outcome in self.outcomes])

    def points(self, key: Key) -> int:
        value = self.root.value(key)
        return value if value <= self.max else self.max

    def with_fact(self, key: Key, fact: str, probe: Any) -> Key:
        return tuple(
            [leaf.with_fact(outcome, fact, probe) for leaf, outcome in zip(self.leaves, key, strict=True)]
        )

    def prepare(self, key: Key, lang: _Lang) -> _Prepared:
        texts = lang.texts
        points = self.points(key)
        points_of_max = t.points_of_max(texts, points, self.max)
        if isinstance(self.root, _Sum):
            raw = self.root.raw(key)
            frame = t.TOTAL_CAPPED if raw > points else t.TOTAL
            sentences = [*self.root.parts(key, lang), texts[frame] % {"points_of_max": points_of_max}]
        else:
            sentences = self.root.alone(key, lang, points_of_max)
        # The explanation as a %-template: its text with "%" doubled and "%s" where a value goes,
        # so a profile's explanation is one formatting of the values it shows.
        template: list[str] = []
        slots: list[tuple[int, int]] = []
        for piece in _pieces(" ".join(sentences)):
            if isinstance(piece, tuple):
                slots.append(piece)
                template.append("%s")
            else:
                template.append(piece.replace("%", "%%"))
        # One step per change: two leaves reading one fact would otherwise offer the same change twice.
        steps: list[NextStep] = []
        for _, step in self.root.steps(key, self, lang):
            if not any(s.fact == step.fact and s.threshold == step.threshold for s in steps):
                steps.append(step)
        title = lang.say(self.title)
        text = "".join(template)
        result = None
        if not slots:
            result = CriterionResult(self.code, title, points, self.max, self.basis, text % (), tuple(steps))
        fillers = tuple(self.leaves[leaf].filler(kind, lang) for leaf, kind in slots)
        return _Prepared(points, title, text, fillers, tuple(steps), result)

    def evaluate(self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang) -> CriterionResult:
        key = tuple([outcome(values, ctx) for outcome in self.outcomes])
        cache = self.prepared.get(lang)
        if cache is None:
            cache = self.prepared[lang] = {}
        prepared = cache.get(key)
        if prepared is None:
            prepared = cache[key] = self.prepare(key, lang)
        if prepared.result is not None:
            return prepared.result
        explanation = prepared.template % tuple([fill(values) for fill in prepared.fillers])
        return CriterionResult(
            self.code, prepared.title, prepared.points, self.max, self.basis, explanation, prepared.steps
        )
