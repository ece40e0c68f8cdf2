"""Conditions, compiled once: each decides, explains itself with prepared sentences, and, inside a
points rule, takes part in the criterion's key as a state (see ``_Cond.state``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Any

from apps.rubric.language import texts as t
from apps.rubric.language.catalogue import Catalogue, FactDef, Localised
from apps.rubric.language.document import (
    AllOf,
    Amount,
    AnyOf,
    Compare,
    Condition,
    Not,
    PointsCompare,
    ThresholdReached,
    Version,
)
from apps.rubric.language.results import Reference
from apps.rubric.language.runtime import (
    _EPSILON_DECIMAL,
    _Ctx,
    _FactText,
    _Lang,
    _resolve,
    _Resolved,
    _times_text,
)

# --------------------------------------------------------------------------------------------------
# Conditions: compiled once; each decides, and explains itself with prepared sentences.


class _Cond:
    __slots__ = ("says",)
    says: Mapping[str, Localised]

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        raise NotImplementedError

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        raise NotImplementedError

    def facts(self) -> set[str]:
        return set()

    # A condition inside a points rule is part of the criterion's key as a *state*: a bool for a
    # comparison, a tuple of its children's states for a group. The state says which part holds,
    # so a next step can name the one fact whose change would meet the condition, and its gain can
    # be worked out by changing that fact everywhere it is read.

    def state(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return self.test(values, ctx)

    def met(self, state: Any) -> bool:
        return bool(state)

    def retarget(self, state: Any, fact: str, probe: Any) -> Any:
        """The state with ``fact`` changed to ``probe`` (the other facts as they were)."""
        return state

    def step(self, state: Any) -> tuple[str, Any, Any] | None:
        """(fact, threshold, probe): the one change of one fact that meets this unmet condition."""
        return None

    def value_text(self, values: Mapping[str, Any], lang: _Lang) -> str:
        return ""

    def says_for(self, role: str, lang: _Lang) -> str | None:
        text = self.says.get(role)
        return lang.say(text) if text is not None else None


class _GroupCond(_Cond):
    __slots__ = ("children", "headers", "is_any")

    def __init__(self, children: tuple[_Cond, ...], is_any: bool, says: Mapping[str, Localised]) -> None:
        self.headers: dict[_Lang, dict[int, str]] = {}
        self.children = children
        self.is_any = is_any
        self.says = says

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        if self.is_any:
            return any(c.test(values, ctx) for c in self.children)
        return all(c.test(values, ctx) for c in self.children)

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        at = len(reasons)
        reasons.append("")  # the summary goes first but depends on the children
        # Every child is explained (no short-circuit): the reasons list met and unmet conditions both.
        results = [c.explain(values, ctx, lang, reasons, False) for c in self.children]
        met = any(results) if self.is_any else all(results)
        headers = self.headers.get(lang)
        if headers is None:
            headers = self.headers[lang] = {}
        key = met + 2 * root
        header = headers.get(key)
        if header is None:
            header = headers[key] = self._header(lang, met, root)
        reasons[at] = header
        return met

    def _header(self, lang: _Lang, met: bool, root: bool) -> str:
        override = self.says_for("met" if met else "unmet", lang)
        if override is not None:
            return t.fill(override, {"value": "", "threshold": "", "allowed": ""})
        texts = lang.texts
        if root:
            if self.is_any:
                return texts[t.ROOT_ANY_MET if met else t.ROOT_ANY_UNMET]
            return texts[t.ROOT_ALL_MET if met else t.ROOT_ALL_UNMET]
        count = t.plural_count(len(self.children))
        if self.is_any:
            plural = t.n_group_any_met if met else t.n_group_any_unmet
        else:
            plural = t.n_group_all_met if met else t.n_group_all_unmet
        return texts[(plural, count)] % {"count": len(self.children)}

    def facts(self) -> set[str]:
        return set().union(*(c.facts() for c in self.children))

    def state(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return tuple([c.state(values, ctx) for c in self.children])

    def met(self, state: Any) -> bool:
        results = (c.met(s) for c, s in zip(self.children, state, strict=True))
        return any(results) if self.is_any else all(results)

    def retarget(self, state: Any, fact: str, probe: Any) -> Any:
        return tuple(c.retarget(s, fact, probe) for c, s in zip(self.children, state, strict=True))

    def step(self, state: Any) -> tuple[str, Any, Any] | None:
        pairs = list(zip(self.children, state, strict=True))
        if self.is_any:  # any one child met would do: the first that one change can meet
            return next((found for c, s in pairs if (found := c.step(s)) is not None), None)
        unmet = [(c, s) for c, s in pairs if not c.met(s)]
        # All must hold: one change can do it only when exactly one child is unmet.
        return unmet[0][0].step(unmet[0][1]) if len(unmet) == 1 else None


class _NotCond(_Cond):
    __slots__ = ("child",)

    def __init__(self, child: _Cond, says: Mapping[str, Localised]) -> None:
        self.child = child
        self.says = says

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        return not self.child.test(values, ctx)

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        at = len(reasons)
        reasons.append("")
        met = not self.child.explain(values, ctx, lang, reasons, False)
        override = self.says_for("met" if met else "unmet", lang)
        if override is not None:
            reasons[at] = t.fill(override, {"value": "", "threshold": "", "allowed": ""})
        elif root:
            reasons[at] = lang.texts[t.ROOT_NOT_MET if met else t.ROOT_NOT_UNMET]
        else:
            reasons[at] = lang.texts[t.NOT_MET if met else t.NOT_UNMET]
        return met

    def facts(self) -> set[str]:
        return self.child.facts()

    def state(self, values: Mapping[str, Any], ctx: _Ctx) -> Hashable:
        return self.child.state(values, ctx)

    def met(self, state: Any) -> bool:
        return not self.child.met(state)

    def retarget(self, state: Any, fact: str, probe: Any) -> Any:
        return self.child.retarget(state, fact, probe)


def _op(op: str) -> Callable[[Any, Any], bool]:
    import operator

    return {
        "<": operator.lt,
        "<=": operator.le,
        ">": operator.gt,
        ">=": operator.ge,
        "=": operator.eq,
        "!=": operator.ne,
    }[op]


class _CompareCond(_Cond):
    """A fact compared with a value; its sentences are prepared per (met, unset) with a slot for the
    fact's own value."""

    __slots__ = (
        "bounded",
        "catalogue",
        "check",
        "code",
        "fact",
        "op",
        "prepared",
        "resolved",
        "show",
        "target",
        "text",
        "value",
    )

    def __init__(self, condition: Compare, fact: FactDef, catalogue: Catalogue, reference: Reference) -> None:
        self.catalogue = catalogue
        # Choice and yes/no values are few: their sentences may be kept whole, keyed by the value.
        self.bounded = fact.type in ("choice", "yes_no")
        self.prepared: dict[_Lang, tuple[dict[Hashable, tuple[str, ...]], Callable[[Any], str]]] = {}
        self.code = fact.code
        self.fact = fact
        self.op = condition.op
        self.says = condition.says
        self.text = _FactText(fact, catalogue)
        self.value: Any = condition.value
        self.resolved: _Resolved | None = None
        # (threshold, probe) of a next step that meets the condition; None when no one value does.
        self.target: tuple[Any, Any] | None = None
        op = condition.op
        if isinstance(condition.value, Amount):
            # "value >= x" with x a multiple of a figure: compare with the whole amount, rounded so
            # that the whole-number comparison is exact (see _resolve).
            self.resolved = _resolve(condition.value, fact, reference, round_up=op in (">=", "<"))
            self.value = number = self.resolved.number
            step = _EPSILON_DECIMAL if fact.type == "decimal" else 1
            self.target = {
                ">=": (number, number),
                "<=": (number, number),
                "=": (number, number),
                ">": (f">{t.number_text(number)}", number + step),
                "<": (f"<{t.number_text(number)}", number - step),
            }.get(op)
        elif op in ("in", "not_in"):
            listed = condition.value
            assert isinstance(listed, tuple)
            self.value = frozenset(listed)
            if op == "in":  # the lowest of the listed options (options are listed from the least)
                order = fact.option_codes() or listed
                lowest = next((o for o in order if o in self.value), listed[0])
                self.target = (lowest, lowest)
        elif op == "in_list":
            self.value = members = reference.lists.get(str(condition.value), frozenset())
            if members:
                self.target = (condition.value, min(members))
        elif op == "=":
            self.target = (condition.value, condition.value)
        elif op == "!=" and fact.type == "yes_no":
            self.target = (not condition.value, not condition.value)
        self.show = condition.value  # as written (for the list name, the allowed options)
        self.check = self._checker()

    def _checker(self) -> Callable[[Any], bool]:
        op, value = self.op, self.value
        if op == "is_set":
            return lambda v: v is not None
        if op == "in":
            return lambda v: v in value
        if op == "not_in":
            return lambda v: v is not None and v not in value
        if op == "in_list":
            return lambda v: v is not None and v in value
        compare = _op(op)
        if self.fact.numeric:
            return lambda v: v is not None and compare(v, value)
        return lambda v: compare(v, value)

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        return self.check(values.get(self.code))

    def facts(self) -> set[str]:
        return {self.code}

    def retarget(self, state: Any, fact: str, probe: Any) -> Any:
        return self.check(probe) if fact == self.code else state

    def step(self, state: Any) -> tuple[str, Any, Any] | None:
        if state or self.target is None:
            return None
        return self.code, self.target[0], self.target[1]

    def value_text(self, values: Mapping[str, Any], lang: _Lang) -> str:
        return self.text.value(values.get(self.code), lang)

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        actual = values.get(self.code)
        met = self.check(actual)
        prepared = self.prepared.get(lang)
        if prepared is None:  # per language: the sentences kept so far and the value's formatter
            prepared = self.prepared[lang] = ({}, self._formatter(lang))
        cache, formatter = prepared
        # A small int for most facts (met, unset); choice and yes/no values are few and kept whole.
        key = (met, actual) if self.bounded else met + 2 * (actual is None)
        pieces = cache.get(key)
        if pieces is None:
            sentence = self._sentence(lang, met, actual is None, actual)
            pieces = cache[key] = tuple(sentence.split("\x00"))
        if len(pieces) == 1:
            reasons.append(pieces[0])
        else:
            reasons.append(formatter(actual).join(pieces))
        return met

    def _formatter(self, lang: _Lang) -> Callable[[Any], str]:
        self.text.value(None, lang)
        return self.text.formatters[False][lang]

    def _allowed(self, lang: _Lang) -> str:
        fact = self.fact
        shown = self.show if isinstance(self.show, tuple) else (self.show,)
        if fact.type == "choice":
            ordered = [o for o in fact.option_codes() if o in shown]
            return ", ".join(fact.option_name(o, lang.code) for o in ordered)
        return ", ".join(lang.name(str(s)) for s in shown)

    def _threshold_text(self, lang: _Lang) -> str:
        if self.resolved is not None:
            return self.text.value(self.resolved.number, lang)
        if self.op in ("in", "not_in"):
            return self._allowed(lang)
        if self.op == "in_list":
            return lang.say(self.catalogue.lists[str(self.show)])
        if self.fact.type == "yes_no":
            return self.text.flag_phrase(bool(self.show), lang)
        if isinstance(self.show, Amount):
            return self.text.value(self.value, lang)
        return self.text.value(self.show, lang) if self.show is not None else ""

    def _sentence(self, lang: _Lang, met: bool, unset: bool, actual: Any) -> str:
        """The reason, with "\\x00" where the fact's value goes."""
        texts = lang.texts
        slot = "\x00"
        override = self.says_for(
            "unset" if unset and "unset" in self.says else ("met" if met else "unmet"), lang
        )
        if override is not None:
            return t.fill(
                override,
                {"value": slot, "threshold": self._threshold_text(lang), "allowed": self._allowed(lang)},
            )
        fact = self.fact
        if fact.type == "yes_no":
            phrase = self.text.flag_phrase(bool(actual), lang)
            return texts[t.FLAG[0 if met else 1]] % {"fact": phrase}
        if unset and fact.type in ("rank", "code"):
            phrase = self.text.unset_phrase(lang)
            if fact.type == "rank" and self.op in ("<=", "<"):
                return texts[t.RANK_UNSET] % {"fact": phrase, "value": self._threshold_text(lang)}
            if self.op == "in_list":
                return texts[t.IN_LIST[1]] % {"fact": phrase, "list": self._threshold_text(lang)}
            return texts[t.IS_SET[0 if met else 1]] % {"fact": phrase}
        phrase = self.text.phrase(slot, lang)
        if self.op == "is_set":
            return texts[t.IS_SET[0 if met else 1]] % {"fact": phrase}
        if self.op == "in_list":
            return texts[t.IN_LIST[0 if met else 1]] % {"fact": phrase, "list": self._threshold_text(lang)}
        if self.op in ("in", "not_in"):
            frames = t.IN_CHOICES if self.op == "in" else t.NOT_IN_CHOICES
            return texts[frames[0 if met else 1]] % {"fact": phrase, "allowed": self._allowed(lang)}
        if (
            self.resolved is not None
            and self.resolved.amount.quantity is not None
            and self.op in t.MULTIPLE_COMPARE
        ):
            quantity = self.resolved.amount.quantity
            return texts[t.MULTIPLE_COMPARE[self.op][0 if met else 1]] % {
                "fact": phrase,
                "times": _times_text(self.resolved.amount),
                "year": self.resolved.quantity_year,
                "quantity": lang.say(self.catalogue.quantities[quantity].label),
                "amount": self._threshold_text(lang),
            }
        if fact.type == "rank" and self.op in t.RANK_COMPARE:
            return texts[t.RANK_COMPARE[self.op][0 if met else 1]] % {
                "fact": phrase,
                "value": self._threshold_text(lang),
            }
        return texts[t.COMPARE[self.op][0 if met else 1]] % {
            "fact": phrase,
            "value": self._threshold_text(lang),
        }


class _PointsCond(_Cond):
    __slots__ = ("check", "label", "of", "op", "value")

    def __init__(self, condition: PointsCompare, label: Localised | None) -> None:
        self.of = condition.of
        self.op = condition.op
        self.value = condition.value
        self.says = condition.says
        self.label = label
        compare = _op(condition.op)
        value = condition.value
        self.check = lambda actual: compare(actual, value)

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        return self.check(ctx.points.get(self.of, 0))

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        actual = ctx.points.get(self.of, 0)
        met = self.check(actual)
        override = self.says_for("met" if met else "unmet", lang)
        texts = lang.texts
        if override is not None:
            reasons.append(
                t.fill(
                    override, {"value": t.points(texts, actual), "threshold": str(self.value), "allowed": ""}
                )
            )
        else:
            name = lang.say(self.label) if self.label else texts[t.TOTAL_NAME]
            reasons.append(
                texts[t.POINTS_COMPARE[0 if met else 1]]
                % {
                    "of": name,
                    "actual": t.points(texts, actual),
                    "op": texts[t.OP_WORDS[self.op]],
                    "value": self.value,
                }
            )
        return met


class _ThresholdCond(_Cond):
    __slots__ = ("code", "judged", "points", "title")

    def __init__(self, condition: ThresholdReached, version: Version) -> None:
        self.judged: dict[
            _Lang, dict[tuple[int, int, tuple[Localised, ...]], tuple[bool, tuple[str, ...]]]
        ] = {}
        threshold = version.threshold(condition.code)
        assert threshold is not None  # the reader checked
        self.code = threshold.code
        self.points = threshold.points
        self.title = threshold.title
        self.says = {**threshold.says, **condition.says}

    def test(self, values: Mapping[str, Any], ctx: _Ctx) -> bool:
        return ctx.points.get("total", 0) >= self.points

    def explain(
        self, values: Mapping[str, Any], ctx: _Ctx, lang: _Lang, reasons: list[str], root: bool
    ) -> bool:
        total = ctx.points.get("total", 0)
        cache = self.judged.get(lang)
        if cache is None:
            cache = self.judged[lang] = {}
        key = (total, ctx.claimed, ctx.claimed_titles)  # bounded by the version's maxima and bonuses
        judged = cache.get(key)
        if judged is None:
            judged = cache[key] = self._judge(lang, total, ctx.claimed, ctx.claimed_titles)
        met, lines = judged
        reasons.extend(lines)
        return met

    def _judge(
        self, lang: _Lang, total: int, claimed: int, claimed_titles: tuple[Localised, ...]
    ) -> tuple[bool, tuple[str, ...]]:
        texts = lang.texts
        met = total >= self.points
        title = lang.say(self.title)
        params = {"total": t.points(texts, total), "points": str(self.points), "title": title}
        override = self.says_for("met" if met else "unmet", lang)
        if override is not None:
            lines = [t.fill(override, params)]
        else:
            lines = [texts[t.THRESHOLD_MET if met else t.THRESHOLD_UNMET] % params]
        if claimed:
            # {title} in the "claimed" sentence names the claimed bonuses, not the threshold.
            bonus_params = {
                "bonus": t.points(texts, claimed),
                "title": ", ".join(lang.say(title) for title in claimed_titles),
            }
            claim = self.says_for("claimed", lang)
            lines.append(t.fill(claim, bonus_params) if claim else texts[t.THRESHOLD_CLAIMED] % bonus_params)
        return met, tuple(lines)


def _compile_condition(condition: Condition, version: Version, reference: Reference) -> _Cond:
    if isinstance(condition, AllOf | AnyOf):
        children = tuple(_compile_condition(c, version, reference) for c in condition.conditions)
        return _GroupCond(children, isinstance(condition, AnyOf), condition.says)
    if isinstance(condition, Not):
        return _NotCond(_compile_condition(condition.condition, version, reference), condition.says)
    if isinstance(condition, ThresholdReached):
        return _ThresholdCond(condition, version)
    if isinstance(condition, PointsCompare):
        group = next((g for g in version.groups if g.code == condition.of), None)
        criterion = version.criterion(condition.of)
        label = group.title if group else (criterion.title if criterion else None)
        return _PointsCond(condition, label)
    fact = version.catalogue.fact(condition.fact)
    return _CompareCond(condition, fact, version.catalogue, reference)
