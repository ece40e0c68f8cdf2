"""Impact simulation: replay a draft rubric version over the real population, next to a base version.

``simulate(draft, base=..., submitted_from=..., submitted_to=...)`` reads every case submitted in
the period (not drafts) with the facts it was scored on (``population.read_population``: verified
facts where a reviewer verified them), scores each chunk under both versions as NumPy columns
(``batch.BatchScorer``) and adds up:

- per track, the 2x2 of verdicts (pass to pass, pass to fail, fail to pass, fail to fail) and each
  criterion's average points before and after; the same per segment (the union of both versions'
  segment codes) and per value of the ``field`` fact;
- per threshold, how many totals lie within ``NEAR`` points of it (either side) before and after;
- the cases whose verdict on any track changes: their reference only, totals and verdicts (the
  first ``CHANGED_KEPT`` by case id are kept; ``changed_cases`` says how many in all);
- the draft's changes to the base, parameter by parameter (``changes.diff``), and for each verdict
  change which of them caused it: each changed case is scored again under the base with one unit
  of change applied and under the draft with it reverted (``changes.units``, decision 37).

Choices (decision 32): the base defaults to the version in force today; the reference data of each
case is the one in force on its submission day (as its real score), the same for both versions, so
a difference comes from the rules alone. A track, criterion or threshold only one version has counts
as failed / absent (``None``) in the other. A segment both versions define is counted by the base's
definition. Nothing is written: the reads are SELECT and COPY TO.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db import connection, transaction
from django.utils import timezone

from apps.cases.models import Case
from apps.policy.changes import Change, Unit, apply, diff, units
from apps.policy.population import EPOCH, Chunk, Population, PopulationError
from apps.rubric.language.batch import BatchResult, BatchScorer
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version, read_version
from apps.rubric.language.reading import ConfigErrors
from apps.rubric.language.results import Reference
from apps.rubric.selectors import reference_change_days, reference_on, rubric_version_in_force

Array = npt.NDArray[Any]
NEAR = 5  # "within 5 points of a threshold"
FIELD_FACT = "field"
NO_FIELD = "(none)"
CHANGED_KEPT = 10_000  # changed cases listed in a result (the count covers them all)

__all__ = ["SimulationError", "SimulationResult", "simulate"]


class SimulationError(ValueError):
    """The simulation cannot run as asked (a bad period, a version that cannot be scored)."""


# --------------------------------------------------------------------------------------------------
# The result


@dataclass(frozen=True, slots=True)
class Verdicts:
    """One track's 2x2: how many cases keep or change their verdict."""

    pass_to_pass: int = 0
    pass_to_fail: int = 0
    fail_to_pass: int = 0
    fail_to_fail: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "pass_to_pass": self.pass_to_pass,
            "pass_to_fail": self.pass_to_fail,
            "fail_to_pass": self.fail_to_pass,
            "fail_to_fail": self.fail_to_fail,
        }


@dataclass(frozen=True, slots=True)
class CriterionChange:
    before: float | None  # average points under the base (None: the base has no such criterion)
    after: float | None

    def as_dict(self) -> dict[str, float | None]:
        change = None if self.before is None or self.after is None else round(self.after - self.before, 4)
        return {
            "before": None if self.before is None else round(self.before, 4),
            "after": None if self.after is None else round(self.after, 4),
            "change": change,
        }


@dataclass(frozen=True, slots=True)
class Impact:
    """A group of cases (everyone, a segment, a field): its size, the 2x2 per track, criteria."""

    cases: int
    tracks: Mapping[str, Verdicts]
    criteria: Mapping[str, CriterionChange]

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "tracks": {code: v.as_dict() for code, v in self.tracks.items()},
            "criteria": {code: c.as_dict() for code, c in self.criteria.items()},
        }


@dataclass(frozen=True, slots=True)
class NearThreshold:
    points_before: int | None  # the threshold under each version (None: the version has none)
    points_after: int | None
    before: int  # cases whose total is within NEAR points of it
    after: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "points_before": self.points_before,
            "points_after": self.points_after,
            "within": NEAR,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True, slots=True)
class ChangedCase:
    reference: str
    total_before: int
    total_after: int
    tracks_before: Mapping[str, bool]
    tracks_after: Mapping[str, bool]
    causes: tuple[str, ...] = ()  # the labels of the units of change that flip it alone

    def as_dict(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "total_before": self.total_before,
            "total_after": self.total_after,
            "tracks_before": dict(self.tracks_before),
            "tracks_after": dict(self.tracks_after),
            "causes": list(self.causes),
        }


@dataclass(frozen=True, slots=True)
class Cause:
    """A unit of change and the verdict changes it causes: per track, (fail to pass, pass to fail)."""

    unit: Unit
    cases: int
    tracks: Mapping[str, tuple[int, int]]

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.unit.as_dict(),
            "cases": self.cases,
            "tracks": {
                t: {"fail_to_pass": up, "pass_to_fail": down} for t, (up, down) in self.tracks.items()
            },
        }


@dataclass(frozen=True, slots=True)
class SimulationResult:
    draft: str
    base: str
    submitted_from: dt.date
    submitted_to: dt.date
    reference_data: str  # whose reference data: "submission day"
    overall: Impact
    segments: Mapping[str, Impact]
    fields: Mapping[str, Impact]
    near_thresholds: Mapping[str, NearThreshold]
    changed: tuple[ChangedCase, ...] = field(default=())
    changed_cases: int = 0  # in all (``changed`` keeps the first CHANGED_KEPT)
    changes: tuple[Change, ...] = ()
    causes: tuple[Cause, ...] = ()
    together: Cause | None = None  # verdict changes no unit causes alone
    labels: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)

    @property
    def cases(self) -> int:
        return self.overall.cases

    def as_dict(self) -> dict[str, Any]:
        return {
            "draft": self.draft,
            "base": self.base,
            "submitted_from": self.submitted_from.isoformat(),
            "submitted_to": self.submitted_to.isoformat(),
            "reference_data": self.reference_data,
            "cases": self.cases,
            "tracks": {code: v.as_dict() for code, v in self.overall.tracks.items()},
            "criteria": {code: c.as_dict() for code, c in self.overall.criteria.items()},
            "segments": {code: i.as_dict() for code, i in self.segments.items()},
            "fields": {code: i.as_dict() for code, i in self.fields.items()},
            "near_thresholds": {code: n.as_dict() for code, n in self.near_thresholds.items()},
            "changed_cases": self.changed_cases,
            "changed_kept": len(self.changed),
            "changed": [c.as_dict() for c in self.changed],
            "changes": [c.as_dict() for c in self.changes],
            "causes": [c.as_dict() for c in self.causes],
            "causes_together": self.together.as_dict() if self.together else None,
            "labels": {kind: dict(names) for kind, names in self.labels.items()},
        }


# --------------------------------------------------------------------------------------------------
# Reference data by submission day


class _References:
    """The reference data of each submission day, made once per stretch of days with the same data:
    ``reference_on`` differs between two days only when a GNI figure was published or a list change
    counts from the later one (``reference_change_days``), so the days between share one ``Reference``."""

    def __init__(self) -> None:
        published = sorted(reference_change_days())
        self.edges = np.array([(d - EPOCH).days for d in published], dtype=np.int32)
        self.published = published
        self._made: dict[int, Reference] = {}

    def epochs(self, days: Array) -> Array:
        return np.searchsorted(self.edges, days, side="right")

    def reference(self, epoch: int) -> Reference:
        if epoch not in self._made:
            if not self.published:
                day = timezone.localdate()
            elif epoch == 0:
                day = self.published[0] - dt.timedelta(days=1)
            else:
                day = self.published[epoch - 1]
            self._made[epoch] = reference_on(day)
        return self._made[epoch]


# --------------------------------------------------------------------------------------------------
# Adding up


class _Tally:
    """Sums for one group of cases: count, the 2x2 per track, the criteria's points before/after."""

    def __init__(self, tracks: int, criteria: int) -> None:
        self.cases = 0
        self.verdicts = np.zeros((tracks, 4), dtype=np.int64)  # index: before * 2 + after
        self.before = np.zeros(criteria, dtype=np.int64)
        self.after = np.zeros(criteria, dtype=np.int64)


class _Accumulator:
    def __init__(self, base: Version, draft: Version, units: Sequence[Unit] = ()) -> None:
        self.base, self.draft = base, draft
        self.units = list(units)
        self.changes: list[Change] = []
        self.tracks = list(dict.fromkeys([t.code for t in base.tracks] + [t.code for t in draft.tracks]))
        self.criteria = list(
            dict.fromkeys([c.code for c in base.criteria] + [c.code for c in draft.criteria])
        )
        self.segments = list(
            dict.fromkeys([s.code for s in base.segments] + [s.code for s in draft.segments])
        )
        base_th = {t.code: t.points for t in base.thresholds}
        draft_th = {t.code: t.points for t in draft.thresholds}
        self.thresholds = {
            code: (base_th.get(code), draft_th.get(code)) for code in dict.fromkeys([*base_th, *draft_th])
        }
        self.near = {code: [0, 0] for code in self.thresholds}
        self.overall = self._tally()
        self.by_segment = {code: self._tally() for code in self.segments}
        self.by_field: dict[str, _Tally] = {}
        self.changed: list[tuple[Array, Array, Array, Array, Array, Array]] = []
        # Per unit, track and direction (0: fail to pass, 1: pass to fail): verdict changes caused.
        self.cause_counts = np.zeros((len(self.units), len(self.tracks), 2), dtype=np.int64)
        self.cause_cases = np.zeros(len(self.units), dtype=np.int64)
        self.together_counts = np.zeros((len(self.tracks), 2), dtype=np.int64)
        self.together_cases = 0

    def _tally(self) -> _Tally:
        return _Tally(len(self.tracks), len(self.criteria))

    def _matrix(self, result: BatchResult, size: int) -> tuple[Array, Array]:
        tracks = np.zeros((len(self.tracks), size), dtype=np.bool_)
        for i, code in enumerate(self.tracks):
            if code in result.tracks:
                tracks[i] = result.tracks[code]
        points = np.zeros((len(self.criteria), size), dtype=np.int64)
        for i, code in enumerate(self.criteria):
            if code in result.criteria:
                points[i] = result.criteria[code]
        return tracks, points

    def add(
        self,
        chunk: Chunk,
        before: BatchResult,
        after: BatchResult,
        variants: Sequence[tuple[BatchScorer, BatchScorer] | None] = (),
    ) -> None:
        size = chunk.size
        tracks_b, points_b = self._matrix(before, size)
        tracks_a, points_a = self._matrix(after, size)
        cell = tracks_b.astype(np.int64) * 2 + tracks_a  # (tracks, size)
        everyone = np.ones(size, dtype=np.bool_)
        self._add(self.overall, everyone, cell, points_b, points_a)
        for code in self.segments:
            member = before.segments.get(code)
            if member is None:
                member = after.segments[code]
            self._add(self.by_segment[code], member, cell, points_b, points_a)
        codes = chunk.facts.get(FIELD_FACT)
        if codes is not None:
            names = {index: value for value, index in chunk.codes.get(FIELD_FACT, {}).items()}
            for value in np.unique(codes):
                name = names.get(int(value), NO_FIELD)
                tally = self.by_field.setdefault(name, self._tally())
                self._add(tally, codes == value, cell, points_b, points_a)
        for code, (points_before, points_after) in self.thresholds.items():
            if points_before is not None:
                self.near[code][0] += int(np.count_nonzero(np.abs(before.total - points_before) <= NEAR))
            if points_after is not None:
                self.near[code][1] += int(np.count_nonzero(np.abs(after.total - points_after) <= NEAR))
        changed = np.flatnonzero((tracks_b != tracks_a).any(axis=0))
        if changed.size:
            causes = self._causes(chunk.take(changed), tracks_b[:, changed], tracks_a[:, changed], variants)
            self.changed.append(
                (
                    chunk.ids[changed],
                    before.total[changed],
                    after.total[changed],
                    tracks_b[:, changed],
                    tracks_a[:, changed],
                    causes,
                )
            )

    def _causes(
        self,
        cases: Chunk,
        tracks_b: Array,
        tracks_a: Array,
        variants: Sequence[tuple[BatchScorer, BatchScorer] | None],
    ) -> Array:
        """Which units cause each changed case's change (units x cases): a unit that alone, applied
        to the base, gives a flipped track the draft's verdict, or that, reverted alone from the
        draft, gives it back the base's. Counted per unit, track and direction."""
        flipped = tracks_b != tracks_a  # (tracks, cases)
        causes = np.zeros((len(self.units), cases.size), dtype=np.bool_)
        explained = np.zeros_like(flipped)
        for k, pair in enumerate(variants):
            if pair is None:
                continue
            applied_scorer, reverted_scorer = pair
            try:
                applied, _ = self._matrix(
                    applied_scorer.score(cases.columns_for(applied_scorer.version)), cases.size
                )
                reverted, _ = self._matrix(
                    reverted_scorer.score(cases.columns_for(reverted_scorer.version)), cases.size
                )
            except (ValueError, PopulationError):  # not scorable alone on this data: no cause
                continue
            cause = flipped & ((applied == tracks_a) | (reverted == tracks_b))
            explained |= cause
            causes[k] = cause.any(axis=0)
            self.cause_counts[k, :, 0] += np.count_nonzero(cause & tracks_a, axis=1)
            self.cause_counts[k, :, 1] += np.count_nonzero(cause & ~tracks_a, axis=1)
            self.cause_cases[k] += int(np.count_nonzero(causes[k]))
        alone = flipped & ~explained
        self.together_counts[:, 0] += np.count_nonzero(alone & tracks_a, axis=1)
        self.together_counts[:, 1] += np.count_nonzero(alone & ~tracks_a, axis=1)
        self.together_cases += int(np.count_nonzero(alone.any(axis=0)))
        return causes

    @staticmethod
    def _add(tally: _Tally, member: Array, cell: Array, points_b: Array, points_a: Array) -> None:
        count = int(np.count_nonzero(member))
        if not count:
            return
        tally.cases += count
        selected = cell[:, member]
        for i in range(selected.shape[0]):
            tally.verdicts[i] += np.bincount(selected[i], minlength=4)
        tally.before += points_b[:, member].sum(axis=1)
        tally.after += points_a[:, member].sum(axis=1)

    # ---- the result

    def _impact(self, tally: _Tally) -> Impact:
        base_criteria = {c.code for c in self.base.criteria}
        draft_criteria = {c.code for c in self.draft.criteria}
        tracks = {
            code: Verdicts(
                pass_to_pass=int(tally.verdicts[i, 3]),
                pass_to_fail=int(tally.verdicts[i, 2]),
                fail_to_pass=int(tally.verdicts[i, 1]),
                fail_to_fail=int(tally.verdicts[i, 0]),
            )
            for i, code in enumerate(self.tracks)
        }
        criteria = {}
        for i, code in enumerate(self.criteria):
            before = int(tally.before[i]) / tally.cases if tally.cases and code in base_criteria else None
            after = int(tally.after[i]) / tally.cases if tally.cases and code in draft_criteria else None
            criteria[code] = CriterionChange(before, after)
        return Impact(tally.cases, tracks, criteria)

    def _changed_cases(self) -> tuple[ChangedCase, ...]:
        if not self.changed:
            return ()
        ids = np.concatenate([part[0] for part in self.changed])
        kept = np.argsort(ids, kind="stable")[:CHANGED_KEPT]
        ids = ids[kept]
        totals_b = np.concatenate([part[1] for part in self.changed])[kept]
        totals_a = np.concatenate([part[2] for part in self.changed])[kept]
        tracks_b = np.concatenate([part[3] for part in self.changed], axis=1)[:, kept]
        tracks_a = np.concatenate([part[4] for part in self.changed], axis=1)[:, kept]
        causes = np.concatenate([part[5] for part in self.changed], axis=1)[:, kept]
        labels = [unit.label for unit in self.units]
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, reference FROM {Case._meta.db_table} WHERE id = ANY(%s)",  # noqa: S608
                [ids.tolist()],
            )
            references = dict(cursor.fetchall())
        order = sorted(range(ids.shape[0]), key=lambda i: references[int(ids[i])])
        return tuple(
            ChangedCase(
                reference=references[int(ids[i])],
                total_before=int(totals_b[i]),
                total_after=int(totals_a[i]),
                tracks_before={code: bool(tracks_b[t, i]) for t, code in enumerate(self.tracks)},
                tracks_after={code: bool(tracks_a[t, i]) for t, code in enumerate(self.tracks)},
                causes=tuple(label for k, label in enumerate(labels) if causes[k, i]),
            )
            for i in order
        )

    def _cause(self, unit: Unit, cases: int, counts: Array) -> Cause:
        return Cause(
            unit, cases, {code: (int(counts[t, 0]), int(counts[t, 1])) for t, code in enumerate(self.tracks)}
        )

    def _labels(self) -> dict[str, dict[str, dict[str, str]]]:
        """Names in English and Korean of the tracks, criteria, segments and thresholds (the draft's
        where both versions have one)."""
        out: dict[str, dict[str, dict[str, str]]] = {
            "tracks": {},
            "criteria": {},
            "segments": {},
            "thresholds": {},
        }
        for version in (self.base, self.draft):
            for kind, items in (
                ("tracks", version.tracks),
                ("criteria", version.criteria),
                ("segments", version.segments),
                ("thresholds", version.thresholds),
            ):
                for item in items:
                    out[kind][item.code] = item.title.as_dict()
        return out

    def result(self, submitted_from: dt.date, submitted_to: dt.date) -> SimulationResult:
        return SimulationResult(
            draft=self.draft.code,
            base=self.base.code,
            submitted_from=submitted_from,
            submitted_to=submitted_to,
            reference_data="submission day",
            overall=self._impact(self.overall),
            segments={code: self._impact(t) for code, t in self.by_segment.items()},
            fields={name: self._impact(self.by_field[name]) for name in sorted(self.by_field)},
            near_thresholds={
                code: NearThreshold(points[0], points[1], self.near[code][0], self.near[code][1])
                for code, points in self.thresholds.items()
            },
            changed=self._changed_cases(),
            changed_cases=sum(int(part[0].shape[0]) for part in self.changed),
            changes=tuple(self.changes),
            causes=tuple(
                self._cause(unit, int(self.cause_cases[k]), self.cause_counts[k])
                for k, unit in enumerate(self.units)
            ),
            together=self._cause(Unit((), testable=False), self.together_cases, self.together_counts),
            labels=self._labels(),
        )


# --------------------------------------------------------------------------------------------------
# The simulation


Variants = list[tuple[Version, Version] | None]  # per unit: (base + unit, draft - unit), None: untestable
Scored = tuple[Chunk, BatchResult, BatchResult, list[tuple[BatchScorer, BatchScorer] | None]]


def _scored(
    population: Population, base: Version, draft: Version, variants: Variants | None = None
) -> Iterator[Scored]:
    """Each chunk with its results under the base and the draft (and the scorers of each unit's
    variants). The reference data of every submission day in the period is read before the rows
    start (no query may run during the COPY)."""
    references = _References()
    days = np.array([(population.first_day - EPOCH).days, (population.last_day - EPOCH).days], dtype=np.int32)
    first, last = (int(e) for e in references.epochs(days))
    try:
        scorers = {}
        variant_scorers: dict[int, list[tuple[BatchScorer, BatchScorer] | None]] = {}
        for epoch in range(first, last + 1):
            reference = references.reference(epoch)
            scorers[epoch] = (BatchScorer(base, reference), BatchScorer(draft, reference))
            variant_scorers[epoch] = [
                None if pair is None else (BatchScorer(pair[0], reference), BatchScorer(pair[1], reference))
                for pair in variants or []
            ]
    except ValueError as exc:
        raise SimulationError(f"cannot score on the reference data of the period: {exc}") from None
    for chunk in population.chunks():
        epochs = references.epochs(chunk.days)
        present = np.unique(epochs)
        for epoch in present:
            part = chunk if present.size == 1 else chunk.take(np.flatnonzero(epochs == epoch))
            base_scorer, draft_scorer = scorers[int(epoch)]
            try:
                before = base_scorer.score(part.columns_for(base))
                after = draft_scorer.score(part.columns_for(draft))
            except PopulationError as exc:
                raise SimulationError(str(exc)) from None
            except ValueError as exc:  # a threshold in multiples of a figure the reference lacks
                raise SimulationError(f"cannot score on the reference data of the period: {exc}") from None
            yield part, before, after, variant_scorers[int(epoch)]


@contextmanager
def _snapshot() -> Iterator[None]:
    """A read-only transaction on one snapshot (REPEATABLE READ), unless the caller has one open
    (then its own)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _population(submitted_from: dt.date, submitted_to: dt.date, chunk_rows: int | None) -> Population:
    try:
        if chunk_rows:
            return Population(submitted_from, submitted_to, chunk_rows=chunk_rows)
        return Population(submitted_from, submitted_to)
    except PopulationError as exc:
        raise SimulationError(str(exc)) from None


def replay(
    draft: Version,
    *,
    base: Version,
    submitted_from: dt.date,
    submitted_to: dt.date,
    chunk_rows: int | None = None,
) -> Iterator[tuple[Chunk, BatchResult, BatchResult]]:
    """Each chunk of the population with its results under the base and the draft:
    ``(chunk, before, after)`` (for tests that compare case by case)."""
    population = _population(submitted_from, submitted_to, chunk_rows)
    with _snapshot():
        population.survey()
        for part, before, after, _variants in _scored(population, base, draft):
            yield part, before, after


def _units(base: Version, draft: Version) -> tuple[list[Change], list[Unit], Variants]:
    """The draft's changes to the base, their units, and each testable unit's two variants."""
    if not base.raw or not draft.raw:
        return [], [], []
    catalogue = default_catalogue()

    def version(document: dict[str, Any]) -> Version | None:
        try:
            return read_version(document, catalogue)
        except ConfigErrors:
            return None

    changes = diff(base.raw, draft.raw)
    found = units(base.raw, draft.raw, changes, lambda document: version(document) is not None)
    variants: Variants = []
    for unit in found:
        applied = (
            version(apply(base.raw, unit.changes, to="after", source=draft.raw)) if unit.testable else None
        )
        reverted = (
            version(apply(draft.raw, unit.changes, to="before", source=base.raw)) if unit.testable else None
        )
        variants.append(None if applied is None or reverted is None else (applied, reverted))
    return changes, found, variants


def simulate(
    draft: Version,
    *,
    base: Version | None = None,
    submitted_from: dt.date,
    submitted_to: dt.date,
    progress: Callable[[int, int], None] | None = None,
    chunk_rows: int | None = None,
) -> SimulationResult:
    """Replay ``draft`` next to ``base`` (default: the version in force today) over every case
    submitted from ``submitted_from`` to ``submitted_to`` (both inclusive, Seoul days). ``progress``
    is called with (cases done, cases in all) after each chunk, while the rows are still being
    read: it must not use this thread's database connection (the task uses another). Reads only."""
    population = _population(submitted_from, submitted_to, chunk_rows)
    if base is None:
        base = rubric_version_in_force(timezone.localdate()).parsed_config()
    changes, found, variants = _units(base, draft)
    accumulator = _Accumulator(base, draft, found)
    accumulator.changes = changes
    with _snapshot():
        total = population.survey()
        done = 0
        if progress is not None:
            progress(done, total)
        for part, before, after, variant_scorers in _scored(population, base, draft, variants):
            accumulator.add(part, before, after, variant_scorers)
            done += part.size
            if progress is not None:
                progress(done, total)
        return accumulator.result(submitted_from, submitted_to)
