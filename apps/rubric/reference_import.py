"""Import the official reference lists from CSV, all or nothing.

Every row is checked first; if any row is bad, nothing is written and every bad row is reported
with its line number, so an administrator can fix the file in one pass.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from apps.rubric.models import (
    EngineeringSchool,
    FortuneGlobal500Company,
    GovernmentProgramme,
    PerCapitaGNI,
    StrategicField,
)

Parser = Callable[[str], Any]


class RowError(ValueError):
    pass


def _required_text(value: str) -> str:
    if not value.strip():
        raise RowError(_("must not be empty"))
    return value.strip()


def _optional_text(value: str) -> str:
    return value.strip()


def _positive_int(value: str) -> int:
    try:
        number = int(value.strip().replace(",", ""))
    except ValueError:
        raise RowError(_("%(value)r is not a whole number") % {"value": value}) from None
    if number < 1:
        raise RowError(_("must be 1 or more"))
    return number


def _optional_positive_int(value: str) -> int | None:
    return _positive_int(value) if value.strip() else None


def _iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise RowError(_("%(value)r is not a date in the form YYYY-MM-DD") % {"value": value}) from None


def _boolean(value: str) -> bool:
    text = value.strip().lower()
    if text in {"", "1", "true", "yes", "y"}:
        return True
    if text in {"0", "false", "no", "n"}:
        return False
    raise RowError(_("%(value)r is not yes/no") % {"value": value})


@dataclass(frozen=True)
class ReferenceKind:
    model: type[models.Model]
    key: str  # the natural key column rows are matched on
    columns: dict[str, Parser]
    optional_columns: frozenset[str] = frozenset()


KINDS: dict[str, ReferenceKind] = {
    "schools": ReferenceKind(
        EngineeringSchool,
        key="name",
        columns={
            "name": _required_text,
            "rank": _optional_positive_int,
            "country": _optional_text,
            "name_ko": _optional_text,
        },
        optional_columns=frozenset({"country", "name_ko"}),
    ),
    "fortune500": ReferenceKind(
        FortuneGlobal500Company,
        key="name",
        columns={
            "name": _required_text,
            "rank": _positive_int,
            "list_year": _positive_int,
            "name_ko": _optional_text,
        },
        optional_columns=frozenset({"name_ko"}),
    ),
    "gni": ReferenceKind(
        PerCapitaGNI,
        key="year",
        columns={
            "year": _positive_int,
            "amount_krw": _positive_int,
            "published_on": _iso_date,
            "source": _optional_text,
        },
        optional_columns=frozenset({"source"}),
    ),
    "fields": ReferenceKind(
        StrategicField,
        key="code",
        columns={
            "code": _required_text,
            "name": _required_text,
            "name_ko": _optional_text,
            "is_active": _boolean,
        },
        optional_columns=frozenset({"name_ko", "is_active"}),
    ),
    "programmes": ReferenceKind(
        GovernmentProgramme,
        key="code",
        columns={
            "code": _required_text,
            "name": _required_text,
            "name_ko": _optional_text,
            "ministry": _optional_text,
            "ministry_ko": _optional_text,
            "is_active": _boolean,
        },
        optional_columns=frozenset({"name_ko", "ministry", "ministry_ko", "is_active"}),
    ),
}


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0
    deleted: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_rows(kind: ReferenceKind, text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse and validate every row; return (rows, errors). Line numbers count the header as line 1."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    required = set(kind.columns) - kind.optional_columns
    missing = sorted(required - set(header))
    unknown = sorted(set(header) - set(kind.columns))
    if missing or unknown:
        problems = []
        if missing:
            problems.append(_("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})
        if unknown:
            problems.append(_("unknown column(s): %(columns)s") % {"columns": ", ".join(unknown)})
        expected = ", ".join(kind.columns)
        return [], [
            _("line 1: %(problems)s (expected: %(expected)s)")
            % {"problems": "; ".join(problems), "expected": expected}
        ]

    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    seen_keys: dict[Any, int] = {}
    for line_number, raw in enumerate(reader, start=2):
        if raw.get(None):
            errors.append(_("line %(line)d: more values than columns") % {"line": line_number})
            continue
        row, row_errors = _parse_row(kind, raw)
        errors.extend(
            _("line %(line)d: %(message)s") % {"line": line_number, "message": m} for m in row_errors
        )
        if row_errors:
            continue
        key = row[kind.key]
        if key in seen_keys:
            errors.append(
                _("line %(line)d: %(column)s %(value)r already given on line %(first)d")
                % {"line": line_number, "column": kind.key, "value": key, "first": seen_keys[key]}
            )
            continue
        seen_keys[key] = line_number
        rows.append(row)
    if not rows and not errors:
        errors.append(_("the file has no data rows"))
    return rows, errors


def _parse_row(kind: ReferenceKind, raw: dict[str | None, Any]) -> tuple[dict[str, Any], list[str]]:
    row: dict[str, Any] = {}
    errors: list[str] = []
    for column, parse in kind.columns.items():
        value = raw.get(column)
        if value is None:  # optional column absent from the file
            continue
        try:
            row[column] = parse(value)
        except RowError as exc:
            errors.append(f"{column}: {exc}")
    return row, errors


def import_reference(*, kind_name: str, text: str, replace: bool = False) -> ImportReport:
    """Validate the whole file, then write it in one transaction; nothing is written on any error."""
    kind = KINDS[kind_name]
    report = ImportReport(kind=kind_name)
    rows, report.errors = parse_rows(kind, text)
    if report.errors:
        return report
    with transaction.atomic():
        if replace:
            keys = [row[kind.key] for row in rows]
            report.deleted, _ = kind.model._default_manager.exclude(**{f"{kind.key}__in": keys}).delete()
        _upsert(kind, rows, report)
    return report


def _upsert(kind: ReferenceKind, rows: Iterable[dict[str, Any]], report: ImportReport) -> None:
    for row in rows:
        defaults = {name: value for name, value in row.items() if name != kind.key}
        if hasattr(kind.model, "is_demo"):
            defaults["is_demo"] = False  # an imported list is the real thing
        _obj, created = kind.model._default_manager.update_or_create(
            **{kind.key: row[kind.key]}, defaults=defaults
        )
        if created:
            report.created += 1
        else:
            report.updated += 1
