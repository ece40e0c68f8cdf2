"""The population a simulation replays, read from PostgreSQL straight into NumPy columns.

Every case submitted in a period (any status but draft), with the facts it was scored on: the same
meaning as ``apps.cases.score_snapshot.scored_answers`` and ``_profile``, written as SQL so that no case's
JSON is parsed in Python (reading was the bottleneck of the per-case path):

- the declared facts (``cases_case.facts``), each read and cast by its catalogue type in SQL
  (``(facts->>'experience_years')::float8`` ...), an empty or missing answer taking the fact's
  default, as ``answers.profile_values`` and ``Scorer.profile`` do;
- overlaid by the confirmed sponsorship's terms (salary, core-technology role, transfer plan), or by
  ``NO_SPONSOR_ANSWERS`` without one;
- overlaid by the reviewer's qualitative assessment (field, publications, project years, award,
  role, hard to fill, plan);
- ``sponsor_is_sme``: a confirmed sponsor with an SME claim verified and valid on the submission day
  (Seoul), as ``_sme_verified_on_submission``: the applicant's own claim never counts;
- ``hard_to_fill`` depends on the version (its ``hard_to_fill_min_months``), so the months a
  sponsor recruited are read and the fact is made per version (``Population.columns_for``).

The rows come as one ``COPY (SELECT ...) TO STDOUT (FORMAT binary)`` whose every field is fixed
width and never NULL (COALESCE), so each chunk of rows is a single ``np.frombuffer`` with a
structured dtype. Choice and code facts arrive as their index in a vocabulary given to the query:
the options, the reference lists' codes and every value a first query (``survey``: the count and
the distinct values, one GROUP BY) saw in the period, so every distinct value keeps a code of its
own, even one no list knows any more. ``tests/policy/test_simulation.py`` holds this equal to the
per-case path.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection

from apps.cases.models import Case, CaseStatus, QualitativeAssessment, Sponsorship, SponsorshipStatus
from apps.cases.score_snapshot import HARD_TO_FILL_MONTHS, NO_SPONSOR_ANSWERS
from apps.organisations.models import SmeClaim, SmeClaimStatus
from apps.rubric.language.batch import UNLISTED, Columns
from apps.rubric.language.catalogue import Catalogue, FactDef, default_catalogue
from apps.rubric.language.document import Version
from apps.rubric.models import GovernmentProgramme, StrategicField

Array = npt.NDArray[Any]
EPOCH = dt.date(1970, 1, 1)
CHUNK_ROWS = 65_536
UNSEEN = -2  # a code fact's value outside the surveyed vocabulary
_SAFE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")

# Where a confirmed sponsorship and the reviewer's assessment replace a declared fact, in the order
# ``scored_answers`` applies them (the assessment last, so first here). A literal 0 stands for
# ``NO_SPONSOR_ANSWERS`` when there is no confirmed sponsorship.
_NO_SPONSOR = "CASE WHEN s.id IS NULL THEN {} END"
OVERLAYS: Mapping[str, tuple[str, ...]] = {
    "offered_salary_krw": ("s.offered_salary_krw",),
    "core_technology_role": (
        "a.core_technology_role",
        "s.core_technology_role",
        _NO_SPONSOR.format(NO_SPONSOR_ANSWERS["core_technology_role"]),
    ),
    "transfer_plan": (
        "a.transfer_plan",
        "s.transfer_plan",
        _NO_SPONSOR.format(NO_SPONSOR_ANSWERS["transfer_plan"]),
    ),
    "field": ("NULLIF(a.field, '')",),
    "publications_and_patents": ("a.publications_and_patents",),
    "led_project_years": ("a.led_project_years",),
    "international_award": ("a.international_award",),
}
SME_FACT = "sponsor_is_sme"
HARD_TO_FILL_FACT = "hard_to_fill"

# SQL type and binary width of each column kind.
_SQL = {"decimal": "float8", "integer": "int8", "money": "int8", "rank": "int8", "yes_no": "boolean"}
_WIRE = {"float8": ">f8", "int8": ">i8", "int4": ">i4", "boolean": "?"}


class PopulationError(ValueError):
    """The population cannot be read as asked (a fact cases cannot carry, a bad period)."""


@dataclass(frozen=True, slots=True)
class Chunk:
    """Up to ``CHUNK_ROWS`` cases: their ids, submission days (days since 1970-01-01, Seoul) and facts."""

    ids: Array
    days: Array
    facts: Mapping[str, Array]  # catalogue fact -> column (hard_to_fill excluded: see columns_for)
    sponsored: Array
    assessed: Array
    recruiting_months: Array
    hard_to_fill_assessed: Array
    codes: Mapping[str, Mapping[str, int]]  # choice/code fact -> value -> code (shared, may grow)

    @property
    def size(self) -> int:
        return int(self.ids.shape[0])

    def take(self, rows: Array) -> Chunk:
        """The cases at ``rows`` (positions)."""
        return Chunk(
            self.ids[rows],
            self.days[rows],
            {code: column[rows] for code, column in self.facts.items()},
            self.sponsored[rows],
            self.assessed[rows],
            self.recruiting_months[rows],
            self.hard_to_fill_assessed[rows],
            self.codes,
        )

    def columns_for(self, version: Version) -> Columns:
        """The chunk as ``batch.Columns`` for one version: ``hard_to_fill`` by the version's own
        minimum months, and a fact of the version's own at its default (cases never carry one)."""
        arrays = dict(self.facts)
        months = version.parameter(HARD_TO_FILL_MONTHS)
        by_sponsor = self.sponsored & (self.recruiting_months >= months) if months is not None else False
        arrays[HARD_TO_FILL_FACT] = np.where(self.assessed, self.hard_to_fill_assessed, by_sponsor)
        codes = dict(self.codes)
        for fact in version.catalogue.facts.values():
            if fact.code not in arrays:
                arrays[fact.code], vocabulary = _default_column(fact, self.size)
                if vocabulary is not None:
                    codes[fact.code] = vocabulary
        return Columns(self.size, arrays, codes)


def _default_column(fact: FactDef, size: int) -> tuple[Array, dict[str, int] | None]:
    if fact.default is None and fact.type not in ("rank", "code"):
        raise PopulationError(
            f"fact {fact.code}: cases do not carry it and it has no default, so no case can be scored"
        )
    kind = fact.type
    if kind == "decimal":
        return np.full(size, float(fact.default), dtype=np.float64), None
    if kind in ("integer", "money"):
        return np.full(size, int(fact.default), dtype=np.int64), None
    if kind == "rank":
        return np.full(size, UNLISTED if fact.default is None else int(fact.default), dtype=np.int64), None
    if kind == "yes_no":
        return np.full(size, bool(fact.default), dtype=np.bool_), None
    vocabulary = {code: index for index, code in enumerate(fact.option_codes())}
    if fact.default is None:
        return np.full(size, -1, dtype=np.int32), vocabulary
    code = vocabulary.setdefault(fact.default, len(vocabulary))
    return np.full(size, code, dtype=np.int32), vocabulary


def _vocabulary(fact: FactDef) -> list[str]:
    """A choice's options; for a code fact also every code of the reference lists (and the default)."""
    values = list(fact.option_codes())
    if fact.type == "code":
        values += list(StrategicField.objects.order_by("code").values_list("code", flat=True))
        values += list(GovernmentProgramme.objects.order_by("code").values_list("code", flat=True))
        if fact.default is not None:
            values.append(str(fact.default))
    return list(dict.fromkeys(values))


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return str(value)
    raise TypeError(value)


@dataclass(frozen=True, slots=True)
class _Plan:
    select: list[str]
    params: list[Any]
    dtype: np.dtype[Any]
    coded: dict[str, tuple[str, list[str]]]  # fact -> (its text expression, vocabulary)


def _plan(catalogue: Catalogue) -> _Plan:
    """The SELECT list (one fixed-width column per fact), its parameters and the rows' binary dtype."""
    tz = settings.TIME_ZONE
    day = f"(c.submitted_at AT TIME ZONE '{tz}')::date"
    select = ["c.id::int8", f"({day} - DATE '1970-01-01')::int4"]
    types = ["int8", "int4"]
    names = ["id", "day"]
    params: list[Any] = []
    coded: dict[str, tuple[str, list[str]]] = {}
    for fact in catalogue.facts.values():
        code = fact.code
        if code in (SME_FACT, HARD_TO_FILL_FACT):
            continue
        if not _SAFE_CODE.match(code):
            raise PopulationError(f"fact {code}: not a code that can be read")
        declared = f"NULLIF(c.facts->>'{code}', '')"
        overlays = OVERLAYS.get(code, ())
        if fact.type in ("choice", "code"):
            if fact.default is not None and not _SAFE_CODE.match(str(fact.default)):
                raise PopulationError(f"fact {code}: its default is not a code")
            default = "NULL" if fact.default is None else f"'{fact.default}'"
            text = f"COALESCE({', '.join((*overlays, declared))}, {default})"
            vocabulary = _vocabulary(fact)
            coded[code] = (text, vocabulary)
            params.append(vocabulary)
            select.append(
                f"COALESCE(array_position(%s::text[], {text}) - 1, "
                f"CASE WHEN {text} IS NULL THEN -1 ELSE {UNSEEN} END)::int4"
            )
            types.append("int4")
        else:
            sql_type = _SQL[fact.type]
            via = "::numeric" if sql_type == "int8" else ""
            parts = [f"({e}){via}::{sql_type}" for e in (*overlays, declared)]
            if fact.default is None:
                if fact.type != "rank":
                    raise PopulationError(f"fact {code}: no default for a case that does not answer it")
                default = str(int(UNLISTED))
            else:
                default = _literal(fact.default)
            select.append(f"COALESCE({', '.join(parts)}, {default}::{sql_type})")
            types.append(sql_type)
        names.append(code)
    claims = SmeClaim._meta.db_table
    select.append(
        f"(s.id IS NOT NULL AND EXISTS (SELECT 1 FROM {claims} m WHERE m.organisation_id = s.organisation_id "  # noqa: S608
        f"AND m.status = %s AND m.valid_from <= {day} AND m.valid_to >= {day}))"
    )
    params.append(SmeClaimStatus.VERIFIED.value)
    select += [
        "(s.id IS NOT NULL)",
        "(a.id IS NOT NULL)",
        "COALESCE(s.recruiting_months, 0)::int8",
        "COALESCE(a.hard_to_fill, false)",
    ]
    types += ["boolean", "boolean", "boolean", "int8", "boolean"]
    names += [SME_FACT, "_sponsored", "_assessed", "_months", "_hard"]
    fields: list[tuple[str, Any]] = [("_count", ">i2")]
    for name, sql_type in zip(names, types, strict=True):
        fields += [(f"_len_{name}", ">i4"), (name, _WIRE[sql_type])]
    return _Plan(select, params, np.dtype(fields), coded)


def _from_where() -> str:
    return (
        f"FROM {Case._meta.db_table} c "
        f"LEFT JOIN {Sponsorship._meta.db_table} s ON s.case_id = c.id AND s.status = %s "
        f"LEFT JOIN {QualitativeAssessment._meta.db_table} a ON a.case_id = c.id "
        "WHERE c.status <> %s AND c.submitted_at >= %s AND c.submitted_at < %s"
    )


def period_bounds(submitted_from: dt.date, submitted_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's first and first-after instants in Seoul (both days inclusive)."""
    if submitted_from > submitted_to:
        raise PopulationError(f"the period starts ({submitted_from}) after it ends ({submitted_to})")
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(submitted_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(submitted_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _where_params(start: dt.datetime, end: dt.datetime) -> list[Any]:
    return [SponsorshipStatus.CONFIRMED.value, CaseStatus.DRAFT.value, start, end]


class Population:
    """The cases of a period, read in two statements on one connection: ``survey()`` (how many,
    and every value of each code fact, so that each distinct value gets a code before the rows
    arrive), then ``chunks()`` (one binary COPY). No other query may run on the connection while
    ``chunks()`` is being iterated: a caller that needs one (progress in a task) uses another
    connection. Run both inside one REPEATABLE READ transaction to read one snapshot."""

    def __init__(
        self, submitted_from: dt.date, submitted_to: dt.date, *, chunk_rows: int = CHUNK_ROWS
    ) -> None:
        self.start, self.end = period_bounds(submitted_from, submitted_to)
        self.first_day, self.last_day = submitted_from, submitted_to
        self.chunk_rows = chunk_rows
        self.plan = _plan(default_catalogue())
        self.codes: dict[str, dict[str, int]] = {}
        self.total: int | None = None

    def survey(self) -> int:
        """Count the cases and collect every value of the code facts (one GROUP BY)."""
        coded = list(self.plan.coded.items())
        texts = [text for _fact, (text, _vocabulary) in coded]
        group = f", {', '.join(texts)}" if texts else ""
        select = f"SELECT count(*){group} {_from_where()}"
        if texts:
            select += f" GROUP BY {', '.join(str(i + 2) for i in range(len(texts)))}"
        with connection.cursor() as cursor:
            cursor.execute(select, _where_params(self.start, self.end))
            rows = cursor.fetchall()
        self.codes = {}
        for index, (fact, (_text, vocabulary)) in enumerate(coded):
            values = list(vocabulary) + sorted({row[index + 1] for row in rows if row[index + 1] is not None})
            self.codes[fact] = {value: code for code, value in enumerate(dict.fromkeys(values))}
        self.total = sum(int(row[0]) for row in rows)
        return self.total

    def chunks(self) -> Iterator[Chunk]:
        """The cases, in chunks of at most ``chunk_rows`` (table order)."""
        if self.total is None:
            self.survey()
        plan = self.plan
        # Each code fact's vocabulary parameter becomes the surveyed one (options, lists, values seen).
        surveyed = iter([list(self.codes[fact]) for fact in plan.coded])
        params = [next(surveyed) if isinstance(p, list) else p for p in plan.params]
        query = f"COPY (SELECT {', '.join(plan.select)} {_from_where()}) TO STDOUT (FORMAT binary)"
        params += _where_params(self.start, self.end)
        row_size = plan.dtype.itemsize
        step = row_size * self.chunk_rows
        connection.ensure_connection()
        with connection.cursor() as wrapper, wrapper.cursor.copy(query, params) as copy:
            buffer = bytearray()
            header = True
            for block in copy:
                buffer += block
                if header:
                    if len(buffer) < 19:
                        continue
                    extension = int.from_bytes(buffer[15:19], "big")
                    del buffer[: 19 + extension]
                    header = False
                if len(buffer) >= step:
                    rows = len(buffer) // row_size
                    data = bytes(buffer[: rows * row_size])
                    del buffer[: rows * row_size]
                    yield from self._chunks(data)
            if header or bytes(buffer[-2:]) != b"\xff\xff":
                raise PopulationError("the COPY stream ended early")
            rows = (len(buffer) - 2) // row_size
            if rows:
                yield from self._chunks(bytes(buffer[: rows * row_size]))

    def _chunks(self, data: bytes) -> Iterator[Chunk]:
        records = np.frombuffer(data, dtype=self.plan.dtype)
        for first in range(0, records.shape[0], self.chunk_rows):
            yield self._chunk(records[first : first + self.chunk_rows])

    def _chunk(self, records: Array) -> Chunk:
        plan = self.plan
        facts: dict[str, Array] = {}
        for name in plan.dtype.names or ():
            if name.startswith("_") or name in ("id", "day"):
                continue
            column = records[name]
            kind = column.dtype.kind
            if kind == "f":
                facts[name] = column.astype(np.float64)
            elif kind == "b":
                facts[name] = column.astype(np.bool_)
            elif name in plan.coded:
                facts[name] = column.astype(np.int32)
                if (facts[name] == UNSEEN).any():
                    raise PopulationError(
                        f"fact {name}: a value the survey did not see (read outside one snapshot?)"
                    )
            else:
                facts[name] = column.astype(np.int64)
        return Chunk(
            ids=records["id"].astype(np.int64),
            days=records["day"].astype(np.int32),
            facts=facts,
            sponsored=records["_sponsored"].astype(np.bool_),
            assessed=records["_assessed"].astype(np.bool_),
            recruiting_months=records["_months"].astype(np.int64),
            hard_to_fill_assessed=records["_hard"].astype(np.bool_),
            codes=self.codes,
        )
