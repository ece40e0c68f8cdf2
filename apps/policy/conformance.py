"""Conformance cases: run them against a version, check their shape, and propose boundary cases.

A case's expectations (``apps.policy.models.ConformanceCase``) are compared one by one with what
the version's scorer gives: each criterion's points, the total, each named threshold and each
track's verdict. Proposals put a profile at every band edge, every numeric track condition and
every named threshold (at the value, and just past it), with what the version gives there today, for
the author to check and accept.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from apps.rubric.language.document import (
    AllOf,
    Amount,
    AnyOf,
    Band,
    BandsRule,
    BestOfRule,
    Compare,
    Condition,
    IfRule,
    Not,
    SumRule,
    TableRule,
    Version,
)
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.language.scorer import Scorer
from apps.rubric.selectors import reference_on

EXPECTED_KEYS = ("points", "total", "thresholds", "tracks")


@dataclass(frozen=True)
class Expectation:
    what: str
    expected: Any
    actual: Any

    @property
    def ok(self) -> bool:
        return self.expected == self.actual

    @property
    def expected_text(self) -> str:
        return as_json(self.expected)

    @property
    def actual_text(self) -> str:
        return as_json(self.actual)


def as_json(value: Any) -> str:
    """A value as the author wrote it (JSON: true, false, numbers), text left as it is."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@dataclass
class CaseRun:
    case: Any  # ConformanceCase
    expectations: list[Expectation] = field(default_factory=list)
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and all(e.ok for e in self.expectations)


def scorer(version: Version) -> Scorer:
    return Scorer(version, reference_on(version.effective_from))


def expected_problems(expected: Any) -> list[str]:
    """What is wrong with an ``expected`` value (empty when it can be checked)."""
    if not isinstance(expected, dict):
        return [_("The expected results must be a JSON object.")]
    problems = []
    unknown = sorted(set(expected) - set(EXPECTED_KEYS))
    if unknown:
        problems.append(
            _("Unknown key “%(key)s” (use points, total, thresholds, tracks).") % {"key": unknown[0]}
        )
    if not any(key in expected for key in EXPECTED_KEYS):
        problems.append(_("Give at least one expectation: points, total, thresholds or tracks."))
    points = expected.get("points", {})
    if not isinstance(points, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in points.values()
    ):
        problems.append(_("“points” must map criterion codes to whole numbers."))
    total = expected.get("total", 0)
    if not isinstance(total, int) or isinstance(total, bool):
        problems.append(_("“total” must be a whole number."))
    for key in ("thresholds", "tracks"):
        verdicts = expected.get(key, {})
        if not isinstance(verdicts, dict) or not all(isinstance(v, bool) for v in verdicts.values()):
            problems.append(_("“%(key)s” must map codes to true or false.") % {"key": key})
    return problems


def run_case(case: Any, version: Version, the_scorer: Scorer) -> CaseRun:
    run = CaseRun(case)
    try:
        profile = the_scorer.profile(case.profile if isinstance(case.profile, dict) else {})
    except ConfigErrors as exc:
        run.error = "; ".join(str(e) for e in exc.errors)
        return run
    if expected_problems(case.expected):
        run.error = " ".join(expected_problems(case.expected))
        return run
    result = the_scorer.score(profile)
    expected = case.expected
    for code, points in expected.get("points", {}).items():
        criterion = result.criterion(code)
        actual = criterion.points if criterion else _("no criterion %(code)s") % {"code": code}
        run.expectations.append(Expectation(code, points, actual))
    if "total" in expected:
        run.expectations.append(Expectation(_("total"), expected["total"], result.total))
    for code, reached in expected.get("thresholds", {}).items():
        threshold = result.thresholds.get(code)
        actual_t = threshold.reached if threshold else _("no threshold %(code)s") % {"code": code}
        run.expectations.append(Expectation(code, reached, actual_t))
    for code, eligible in expected.get("tracks", {}).items():
        track = result.tracks.get(code)
        actual_tr = track.eligible if track else _("no track %(code)s") % {"code": code}
        run.expectations.append(Expectation(code, eligible, actual_tr))
    return run


def run_cases(cases: Iterable[Any], version: Version | None) -> list[CaseRun]:
    """Each case's run; against an unreadable version every case fails with that reason."""
    if version is None:
        return [
            CaseRun(case, error=_("The version's document has problems: fix them first.")) for case in cases
        ]
    the_scorer = scorer(version)
    return [run_case(case, version, the_scorer) for case in cases]


# --- proposals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    name: str
    profile: dict[str, Any]
    expected: dict[str, Any]
    source: str

    @property
    def profile_text(self) -> str:
        return as_json(self.profile)


def result_as_expected(the_scorer: Scorer, profile: Mapping[str, Any]) -> dict[str, Any]:
    result = the_scorer.score(the_scorer.profile(profile))
    return {
        "points": {c.code: c.points for c in result.criteria},
        "total": result.total,
        "thresholds": {code: t.reached for code, t in result.thresholds.items()},
        "tracks": {code: t.eligible for code, t in result.tracks.items()},
    }


def _json_value(fact_type: str, value: Decimal) -> Any:
    if fact_type in ("integer", "rank", "money"):
        return int(value)
    return str(value)


def _step(fact_type: str) -> Decimal:
    return Decimal("0.1") if fact_type == "decimal" else Decimal(1)


def _bound_value(amount: Amount, the_scorer: Scorer) -> Decimal | None:
    if amount.quantity:
        try:
            _year, figure = the_scorer.reference.amount(amount.quantity, amount.year)
        except ValueError:
            return None
        return (amount.value * figure).to_integral_value(rounding="ROUND_CEILING")
    return amount.value


def _edges(fact: str, bands: Iterable[Band], the_scorer: Scorer) -> list[tuple[str, Decimal, Decimal]]:
    """(label, value at the edge, value just past it) for each band bound."""
    fact_type = the_scorer.catalogue.facts[fact].type
    step = _step(fact_type)
    edges = []
    for band in bands:
        if band.low is not None and (low := _bound_value(band.low, the_scorer)) is not None:
            at = low if band.low_inclusive else low + step
            edges.append((f"≥ {at}", at, at - step))
        if band.high is not None and (high := _bound_value(band.high, the_scorer)) is not None:
            at = high if band.high_inclusive else high - step
            edges.append((f"≤ {at}", at, at + step))
    return edges


def _rule_bands(rule: Any) -> Iterable[tuple[str, tuple[Band, ...], dict[str, Any]]]:
    """(fact, bands, facts that make them count) for every band list inside a points rule."""
    if isinstance(rule, BandsRule):
        yield rule.fact, rule.bands, {}
    elif isinstance(rule, TableRule):
        best_row = max(rule.points, key=lambda row: max(row[1]))[0]
        yield rule.column_fact, rule.columns, {rule.row_fact: best_row}
    elif isinstance(rule, SumRule | BestOfRule):
        for part in rule.parts if isinstance(rule, SumRule) else rule.options:
            yield from _rule_bands(part)
    elif isinstance(rule, IfRule):
        yield from _condition_edges(rule.condition, {})


def _satisfy(condition: Condition) -> dict[str, Any]:
    """Facts that make a simple sibling condition hold (so the boundary next to it matters)."""
    if isinstance(condition, Compare):
        if condition.op == "in" and isinstance(condition.value, tuple) and condition.value:
            return {condition.fact: condition.value[-1]}
        if condition.op == "=" and isinstance(condition.value, str | bool):
            return {condition.fact: condition.value}
    return {}


def _condition_edges(
    condition: Condition | None, context: dict[str, Any]
) -> Iterable[tuple[str, tuple[Band, ...], dict[str, Any]]]:
    if isinstance(condition, AllOf):
        for part in condition.conditions:
            siblings: dict[str, Any] = dict(context)
            for other in condition.conditions:
                if other is not part:
                    siblings.update(_satisfy(other))
            yield from _condition_edges(part, siblings)
    elif isinstance(condition, AnyOf):
        for part in condition.conditions:
            yield from _condition_edges(part, context)
    elif isinstance(condition, Not):
        yield from _condition_edges(condition.condition, context)
    elif isinstance(condition, Compare) and isinstance(condition.value, Amount):
        op, value = condition.op, condition.value
        if op in (">=", ">"):
            band = Band(0, low=value, low_inclusive=op == ">=")
        elif op in ("<=", "<"):
            band = Band(0, high=value, high_inclusive=op == "<=")
        else:
            return
        yield condition.fact, (band,), context


def boundary_proposals(version: Version, existing: Iterable[Mapping[str, Any]] = ()) -> list[Proposal]:
    """Boundary cases at every band edge, numeric track condition and named threshold, with what
    ``version`` gives there; profiles already among ``existing`` are left out."""
    the_scorer = scorer(version)
    seen = [dict(profile) for profile in existing]
    proposals: list[Proposal] = []

    def add(name: str, profile: dict[str, Any], source: str) -> None:
        fact_limits_ok = all(_within(the_scorer, fact, value) for fact, value in profile.items())
        if not fact_limits_ok or profile in seen:
            return
        seen.append(profile)
        try:
            expected = result_as_expected(the_scorer, profile)
        except ConfigErrors:
            return
        proposals.append(Proposal(name, profile, expected, source))

    places: list[tuple[str, str, tuple[Band, ...], dict[str, Any]]] = []
    for criterion in version.criteria:
        for fact, bands, extra in _rule_bands(criterion.rule):
            places.append((criterion.code, fact, bands, extra))
    for track in version.tracks:
        for fact, bands, extra in _condition_edges(track.eligible_when, {}):
            places.append((track.code, fact, bands, extra))
    for where, fact, bands, extra in places:
        fact_type = the_scorer.catalogue.facts[fact].type
        for label, at, past in _edges(fact, bands, the_scorer):
            source = _("Proposed at the %(where)s boundary %(fact)s %(edge)s") % {
                "where": where,
                "fact": fact,
                "edge": label,
            }
            add(f"{where}: {fact} = {at}", {**extra, fact: _json_value(fact_type, at)}, source)
            add(f"{where}: {fact} = {past}", {**extra, fact: _json_value(fact_type, past)}, source)
    for threshold in version.thresholds:
        for target in (threshold.points, threshold.points - 1):
            profile = _profile_with_total(the_scorer, version, target)
            if profile is not None:
                source = _("Proposed at the threshold %(code)s (%(points)s points)") % {
                    "code": threshold.code,
                    "points": threshold.points,
                }
                add(f"{threshold.code}: total {target}", profile, source)
    return proposals


def _within(the_scorer: Scorer, fact: str, value: Any) -> bool:
    definition = the_scorer.catalogue.facts[fact]
    if not isinstance(value, int | str) or isinstance(value, bool):
        return True
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return True
    if definition.minimum is not None and number < definition.minimum:
        return False
    return not (definition.maximum is not None and number > definition.maximum)


def _knobs(the_scorer: Scorer, version: Version) -> list[tuple[str, list[Any]]]:
    """Each fact the criteria read with the values worth trying (options, band edges, a scale's steps)."""
    values: dict[str, set[Any]] = {}
    for criterion in version.criteria:
        for fact, bands, _extra in _rule_bands(criterion.rule):
            fact_type = the_scorer.catalogue.facts[fact].type
            for _label, at, _past in _edges(fact, bands, the_scorer):
                values.setdefault(fact, set()).add(_json_value(fact_type, at))
    for definition in the_scorer.catalogue.facts.values():
        if definition.type == "yes_no":
            values.setdefault(definition.code, set()).update({True, False})
        elif definition.type == "choice":
            values.setdefault(definition.code, set()).update(o.code for o in definition.options)
        elif (
            definition.type == "integer"
            and definition.maximum is not None
            and definition.minimum is not None
            and definition.maximum - definition.minimum <= 10
        ):
            values.setdefault(definition.code, set()).update(
                range(int(definition.minimum), int(definition.maximum) + 1)
            )
    return [(fact, sorted(options, key=str)) for fact, options in sorted(values.items())]


def _profile_with_total(the_scorer: Scorer, version: Version, target: int) -> dict[str, Any] | None:
    """A profile whose total is exactly ``target``, found greedily from the defaults (or None)."""
    knobs = _knobs(the_scorer, version)
    profile: dict[str, Any] = {}

    def total(candidate: dict[str, Any]) -> int:
        return the_scorer.points(the_scorer.profile(candidate))[1]

    current = total(profile)
    for _round in range(40):
        if current == target:
            return profile
        best: tuple[int, dict[str, Any]] | None = None
        for fact, options in knobs:
            for option in options:
                if profile.get(fact) == option:
                    continue
                candidate = {**profile, fact: option}
                try:
                    reached = total(candidate)
                except (ConfigErrors, ValueError):
                    continue
                if current < reached <= target and (best is None or reached > best[0]):
                    best = (reached, candidate)
        if best is None:
            return None
        current, profile = best
    return profile if current == target else None
