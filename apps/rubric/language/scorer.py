"""Scoring under a rubric-language version: facts in, a fully explained score out. Pure: no ORM, no I/O.

``Scorer(version, reference)`` compiles a ``document.Version`` against one set of reference data (the
dated quantities such as per-capita GNI, the reference lists, display names): thresholds that are
multiples of a reference figure become whole amounts once, so scoring compares numbers only.

Speed: whatever decides a criterion's points is a small key: the band, option or yes/no each leaf
of its rule falls in. The points, the next steps (with their exact gains, after every cap) and the
sentences around the values are worked out once per key and language and kept (``rules._Prepared``); a
profile then only finds its key, formats its own values and joins them into the prepared sentences.
Nothing is kept per fact value, so memory is bounded by the version, and a profile never seen
before costs what a repeated one does.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language

from apps.rubric.language import texts as t
from apps.rubric.language.catalogue import FactDef, coerce_value
from apps.rubric.language.conditions import _compile_condition
from apps.rubric.language.document import (
    Version,
)
from apps.rubric.language.reading import ConfigError, ConfigErrors
from apps.rubric.language.results import (
    BonusResult,
    CriterionResult,
    NextStep,
    Profile,
    Reference,
    ScoreResult,
    ThresholdResult,
    TrackResult,
)
from apps.rubric.language.rules import _Crit
from apps.rubric.language.runtime import _Ctx, _Lang

__all__ = [
    "BonusResult",
    "CriterionResult",
    "NextStep",
    "Profile",
    "Reference",
    "ScoreResult",
    "Scorer",
    "ThresholdResult",
    "TrackResult",
]


# --------------------------------------------------------------------------------------------------
# The scorer


class Scorer:
    """One version compiled against one set of reference data. Cheap to build (a view may build one
    per request): sentences are prepared on first use in each language."""

    def __init__(self, version: Version, reference: Reference) -> None:
        self.version = version
        self.reference = reference
        self.catalogue = version.catalogue
        self._criteria = tuple(_Crit(c, version, reference) for c in version.criteria)
        self._groups = tuple(g.code for g in version.groups)
        self._bonuses = tuple((b, _compile_condition(b.when, version, reference)) for b in version.bonuses)
        self._bonus_facts = tuple(frozenset(cond.facts()) for _, cond in self._bonuses)
        self._thresholds = version.thresholds
        self._tracks = tuple(
            (tr, _compile_condition(tr.eligible_when, version, reference)) for tr in version.tracks
        )
        self._segments = tuple(
            (sg.code, _compile_condition(sg.when, version, reference)) for sg in version.segments
        )
        self._facts = tuple(self.catalogue.facts.values())
        self._by_language: dict[str | None, _Lang] = {}

    # ---- profiles

    def profile(
        self, data: Mapping[str, Any], *, verified: frozenset[str] | set[str] = frozenset(), path: str = ""
    ) -> Profile:
        """A profile from fact codes and JSON-like values, checked against the catalogue; a fact left
        out takes its default (rank and code facts: none). Raises ``ConfigErrors`` naming each bad fact."""
        errors: list[ConfigError] = []
        unknown = sorted(set(data) - set(self.catalogue.facts))
        errors.extend(ConfigError(f"{path}{name}" if path else name, "unknown fact") for name in unknown)
        values: dict[str, Any] = {}
        for fact in self._facts:
            name = fact.code
            try:
                if name in data:
                    raw = data[name]
                    values[name] = raw if _already(fact, raw) else coerce_value(fact, raw, f"{path}{name}")
                elif fact.default is not None or fact.type in ("rank", "code"):
                    values[name] = fact.default
                else:
                    raise ConfigError(f"{path}{name}", "is required (the fact has no default)")
            except ConfigError as exc:
                errors.append(exc)
        if errors:
            raise ConfigErrors(errors)
        return Profile(values, frozenset(verified))

    # ---- scoring

    def _lang(self) -> _Lang:
        language = get_language()
        lang = self._by_language.get(language)
        if lang is None:
            texts = t.TEXTS_BY_LANGUAGE.setdefault(language, t.Texts())
            korean = (language or "").startswith("ko")
            names = {code: (ko or en) if korean else en for code, (en, ko) in self.reference.names.items()}
            lang = self._by_language[language] = _Lang(language, texts, names)
        return lang

    def score(self, profile: Profile) -> ScoreResult:
        lang = self._lang()
        values = profile.values
        ctx = _Ctx()
        points = ctx.points
        criteria = []
        for crit in self._criteria:
            result = crit.evaluate(values, ctx, lang)
            criteria.append(result)
            points[crit.code] = result.points
        groups, bases = self._tally(profile, ctx, [result.points for result in criteria])
        total = points["total"]
        bonuses = []
        parts = lang.parts
        for (bonus, _), basis in zip(self._bonuses, bases, strict=True):
            key = (self, bonus.code, basis)
            earned = parts.get(key)
            if earned is None:  # immutable and decided by the basis: made once per language
                points_earned = 0 if basis == "none" else bonus.points
                earned = parts[key] = BonusResult(bonus.code, lang.say(bonus.title), points_earned, basis)
            bonuses.append(earned)
        thresholds = {}
        for th in self._thresholds:
            is_reached = total >= th.points
            key = (self, th.code, "reached" if is_reached else "not reached")
            reached = parts.get(key)
            if reached is None:
                reached = parts[key] = ThresholdResult(th.code, lang.say(th.title), th.points, is_reached)
            thresholds[th.code] = reached
        tracks: dict[str, TrackResult] = {}
        for track, cond in self._tracks:
            reasons: list[str] = []
            eligible = cond.explain(values, ctx, lang, reasons, True)
            tracks[track.code] = TrackResult(track.code, lang.say(track.title), eligible, tuple(reasons))
        return ScoreResult(
            self.version.code, tuple(criteria), groups, tuple(bonuses), total, thresholds, tracks
        )

    def points(self, profile: Profile) -> tuple[tuple[int, ...], int, tuple[bool, ...]]:
        """Points per criterion, the total and each track's verdict, without any text (simulations)."""
        values = profile.values
        ctx = _Ctx()
        points = ctx.points
        earned = []
        for crit in self._criteria:
            value = crit.points(crit.key(values, ctx))
            earned.append(value)
            points[crit.code] = value
        self._tally(profile, ctx, earned)
        verdicts = tuple(cond.test(values, ctx) for _, cond in self._tracks)
        return tuple(earned), points["total"], verdicts

    def segments(self, profile: Profile) -> dict[str, bool]:
        """The version's segments the profile belongs to (conditions on facts only)."""
        return {code: cond.test(profile.values, _Ctx()) for code, cond in self._segments}

    def _tally(self, profile: Profile, ctx: _Ctx, earned: list[int]) -> tuple[dict[str, int], list[str]]:
        """Group subtotals, then the bonuses (whose conditions see the total before them), into
        ``ctx`` (what thresholds and tracks read); returns the groups and each bonus's basis
        ("verified", "claimed" on facts nobody verified yet, or "none")."""
        points = ctx.points
        groups = dict.fromkeys(self._groups, 0)
        for crit, value in zip(self._criteria, earned, strict=True):
            groups[crit.group] += value
        points.update(groups)
        total = points["total"] = sum(groups.values())
        bases = []
        for (bonus, cond), facts in zip(self._bonuses, self._bonus_facts, strict=True):
            basis = "none"
            if cond.test(profile.values, ctx):
                basis = "verified" if facts <= profile.verified else "claimed"
                if basis == "claimed":
                    ctx.claimed += bonus.points
                    ctx.claimed_titles += (bonus.title,)
                total += bonus.points
            bases.append(basis)
        points["total"] = total
        return groups, bases


def _already(fact: FactDef, value: Any) -> bool:
    """A value already of the fact's Python type (a profile built in code); bounds still apply."""
    kind = fact.type
    if kind == "decimal":
        ok = isinstance(value, Decimal) and value.is_finite()  # NaN would break every comparison
    elif kind in ("integer", "money", "rank"):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "yes_no":
        ok = isinstance(value, bool)
    else:
        return False
    if not ok:
        return False
    too_low = fact.minimum is not None and value < fact.minimum
    too_high = fact.maximum is not None and value > fact.maximum
    return kind == "yes_no" or not (too_low or too_high)
