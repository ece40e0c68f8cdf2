"""Import the official reference lists from CSV, all or nothing.

Every row is checked first; if any row is bad, nothing is written and every bad row is reported
with its line number, so an administrator can fix the file in one pass.

Every apply is planned first (``plan_import``: rows added, changed with their values before and
after, removed, unchanged), and recorded as it is written (``ReferenceListChange`` with one
``ReferenceRowChange`` per row added, changed or removed): the dated history that keeps each past
case's reference data as it stood on its submission day (decision 39). A change counts from the day
after it is applied (Seoul), so a day's reference data are fixed when the day begins.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.csv_rows import RowError, iso_date, optional_text, required_text
from apps.core.spreadsheet import looks_like_formula
from apps.rubric.models import (
    EngineeringSchool,
    FortuneGlobal500Company,
    GovernmentProgramme,
    PerCapitaGNI,
    ReferenceListChange,
    ReferenceRowChange,
    StrategicField,
)

Parser = Callable[[str], Any]


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
            "name": required_text,
            "rank": _optional_positive_int,
            "country": optional_text,
            "name_ko": optional_text,
        },
        optional_columns=frozenset({"country", "name_ko"}),
    ),
    "fortune500": ReferenceKind(
        FortuneGlobal500Company,
        key="name",
        columns={
            "name": required_text,
            "rank": _positive_int,
            "list_year": _positive_int,
            "name_ko": optional_text,
        },
        optional_columns=frozenset({"name_ko"}),
    ),
    "gni": ReferenceKind(
        PerCapitaGNI,
        key="year",
        columns={
            "year": _positive_int,
            "amount_krw": _positive_int,
            "published_on": iso_date,
            "source": optional_text,
        },
        optional_columns=frozenset({"source"}),
    ),
    "fields": ReferenceKind(
        StrategicField,
        key="code",
        columns={
            "code": required_text,
            "name": required_text,
            "name_ko": optional_text,
            "is_active": _boolean,
        },
        optional_columns=frozenset({"name_ko", "is_active"}),
    ),
    "programmes": ReferenceKind(
        GovernmentProgramme,
        key="code",
        columns={
            "code": required_text,
            "name": required_text,
            "name_ko": optional_text,
            "ministry": optional_text,
            "ministry_ko": optional_text,
            "is_active": _boolean,
        },
        optional_columns=frozenset({"name_ko", "ministry", "ministry_ko", "is_active"}),
    ),
}


# One example row per list, for the template a person downloads and fills in.
EXAMPLES: dict[str, dict[str, str]] = {
    "schools": {
        "name": "Korea Advanced Institute of Science and Technology",
        "rank": "26",
        "country": "Korea",
        "name_ko": "한국과학기술원",
    },
    "fortune500": {"name": "Samsung Electronics", "rank": "22", "list_year": "2025", "name_ko": "삼성전자"},
    "gni": {
        "year": "2024",
        "amount_krw": "49955000",
        "published_on": "2025-03-05",
        "source": "Bank of Korea",
    },
    "fields": {"code": "semiconductors", "name": "Semiconductors", "name_ko": "반도체", "is_active": "yes"},
    "programmes": {
        "code": "KASA",
        "name": "KASA recruitment programme",
        "name_ko": "우주항공청 인재 유치 사업",
        "ministry": "Korea AeroSpace Administration",
        "ministry_ko": "우주항공청",
        "is_active": "yes",
    },
}


def template_csv(kind_name: str) -> str:
    """A CSV with the list's header and one example row (UTF-8, to be saved as "CSV UTF-8")."""
    kind = KINDS[kind_name]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(kind.columns))
    writer.writerow([EXAMPLES[kind_name].get(column, "") for column in kind.columns])
    return out.getvalue()


class UnreadableFile(ValueError):
    """The upload is not a CSV in UTF-8 text; the message says what it is and what to do."""


def decode_csv(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte-order mark; anything else is refused with a reason."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile(_("The file is saved as UTF-16: save it again as “CSV UTF-8”."))
    if b"\x00" in data:
        raise UnreadableFile(_("This is not a text file: choose a CSV file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("cp949")
        except UnicodeDecodeError:
            hint = _("save it again as “CSV UTF-8”")
        else:
            hint = _("it looks like Korean Windows encoding (CP949/EUC-KR): save it again as “CSV UTF-8”")
        raise UnreadableFile(
            _("Line %(line)d is not UTF-8 text; %(hint)s.") % {"line": line, "hint": hint}
        ) from None
    if not text.strip():
        raise UnreadableFile(_("The file is empty."))
    return text


@dataclass
class ImportReport:
    kind: str
    created: int = 0
    updated: int = 0  # rows already on the list: changed or not
    deleted: int = 0
    changed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    change: ReferenceListChange | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_rows(kind: ReferenceKind, text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse and validate every row; return (rows, errors). Line numbers count the header as line 1."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        return [], [_("the file is empty")]
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [name.strip() for name in (reader.fieldnames or [])]
    except csv.Error as exc:
        return [], [_("line 1: %(problem)s") % {"problem": exc}]
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
    reader.fieldnames = header  # " rank" and "rank" are the same column

    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    seen_keys: dict[Any, int] = {}
    line_number = 1
    try:
        for raw in reader:
            line_number = reader.line_num
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
    except csv.Error as exc:
        errors.append(_("line %(line)d: %(problem)s") % {"line": reader.line_num, "problem": exc})
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
        if looks_like_formula(value) and value.strip():
            errors.append(
                f"{column}: "
                + _(
                    "%(value)r looks like a spreadsheet formula (it starts with =, +, - or @); type the value itself"
                )
                % {"value": value}
            )
            continue
        try:
            row[column] = parse(value)
        except RowError as exc:
            errors.append(f"{column}: {exc}")
    return row, errors


# --------------------------------------------------------------------------------------------------
# What an import would change, and applying it


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def compared_columns(kind: ReferenceKind) -> list[str]:
    """The values a row is compared and recorded by: the file's columns, and the demo flag."""
    columns = list(kind.columns)
    if any(f.name == "is_demo" for f in kind.model._meta.get_fields()):
        columns.append("is_demo")
    return columns


def row_values(kind: ReferenceKind, obj: models.Model) -> dict[str, Any]:
    """A row's recorded values, JSON-ready (dates as YYYY-MM-DD)."""
    return {column: _json_value(getattr(obj, column)) for column in compared_columns(kind)}


@dataclass(frozen=True)
class RowDiff:
    key: str
    action: str  # a ReferenceRowChange.Action
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def changed_columns(self) -> list[str]:
        if self.before is None or self.after is None:
            return []
        return [column for column, value in self.after.items() if self.before.get(column) != value]


@dataclass
class ImportPlan:
    kind: str
    replace: bool
    added: list[RowDiff] = field(default_factory=list)
    changed: list[RowDiff] = field(default_factory=list)
    removed: list[RowDiff] = field(default_factory=list)
    unchanged: int = 0

    @property
    def diffs(self) -> list[RowDiff]:
        return [*self.added, *self.changed, *self.removed]

    def fingerprint(self) -> str:
        """A hash of every change the plan makes: applying refuses if it no longer matches."""
        payload = [(d.key, d.action, d.before, d.after) for d in self.diffs] + [self.unchanged]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def plan_rows(kind_name: str, rows: list[dict[str, Any]], *, replace: bool) -> ImportPlan:
    """What writing the valid ``rows`` would change in the list as it is now."""
    kind = KINDS[kind_name]
    columns = compared_columns(kind)
    current = {
        str(getattr(obj, kind.key)): row_values(kind, obj) for obj in kind.model._default_manager.all()
    }
    plan = ImportPlan(kind=kind_name, replace=replace)
    for row in rows:
        key = str(row[kind.key])
        before = current.get(key)
        given = {column: _json_value(value) for column, value in row.items()}
        if "is_demo" in columns:
            given["is_demo"] = False  # an imported list is the real thing
        if before is None:
            after = {**row_values(kind, kind.model(**row)), **given}
            plan.added.append(RowDiff(key, ReferenceRowChange.Action.ADDED, None, after))
            continue
        after = {**before, **given}
        if after == before:
            plan.unchanged += 1
        else:
            plan.changed.append(RowDiff(key, ReferenceRowChange.Action.CHANGED, before, after))
    if replace:
        listed = {str(row[kind.key]) for row in rows}
        plan.removed = [
            RowDiff(key, ReferenceRowChange.Action.REMOVED, values, None)
            for key, values in current.items()
            if key not in listed
        ]
    return plan


def plan_import(*, kind_name: str, text: str, replace: bool = False) -> tuple[ImportPlan | None, list[str]]:
    """The plan of a file, or None and every problem found in it (nothing is written either way)."""
    rows, errors = parse_rows(KINDS[kind_name], text)
    if errors:
        return None, errors
    return plan_rows(kind_name, rows, replace=replace), []


class PlanChanged(RuntimeError):
    """The list changed between the preview and the confirmation: nothing was applied."""


def file_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def import_reference(
    *,
    kind_name: str,
    text: str,
    replace: bool = False,
    by: Any = None,
    file_name: str = "",
    expected_fingerprint: str | None = None,
) -> ImportReport:
    """Validate the whole file, then write it in one transaction; nothing is written on any error.

    The change is recorded with its rows (who: ``by``, None on the command line). With
    ``expected_fingerprint`` (the preview's), ``PlanChanged`` is raised and nothing written when the
    list has changed since the preview was made.
    """
    kind = KINDS[kind_name]
    report = ImportReport(kind=kind_name)
    rows, report.errors = parse_rows(kind, text)
    if report.errors:
        return report
    with transaction.atomic():
        with connection.cursor() as cursor:  # one import of a list at a time
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"reference-list:{kind_name}"])
        plan = plan_rows(kind_name, rows, replace=replace)
        if expected_fingerprint is not None and plan.fingerprint() != expected_fingerprint:
            raise PlanChanged(kind_name)
        if plan.removed:
            keys = [row.key for row in plan.removed]
            kind.model._default_manager.filter(**{f"{kind.key}__in": _typed_keys(kind, keys)}).delete()
        touched = {row.key for row in (*plan.added, *plan.changed)}
        _upsert(kind, (row for row in rows if str(row[kind.key]) in touched))
        report.change = _record(plan, by=by, file_name=file_name, sha256=file_sha256(text))
    report.created, report.changed, report.unchanged = len(plan.added), len(plan.changed), plan.unchanged
    report.updated, report.deleted = len(plan.changed) + plan.unchanged, len(plan.removed)
    transaction.on_commit(_clear_caches)
    return report


def _typed_keys(kind: ReferenceKind, keys: list[str]) -> list[Any]:
    return [int(key) for key in keys] if kind.key == "year" else keys


def _record(plan: ImportPlan, *, by: Any, file_name: str, sha256: str) -> ReferenceListChange:
    now = timezone.now()
    change = ReferenceListChange.objects.create(
        kind=plan.kind,
        file_name=file_name[:255],
        sha256=sha256,
        replace=plan.replace,
        applied_by=by,
        applied_at=now,
        in_force_from=timezone.localdate(now) + dt.timedelta(days=1),
        added=len(plan.added),
        changed=len(plan.changed),
        removed=len(plan.removed),
        unchanged=plan.unchanged,
    )
    ReferenceRowChange.objects.bulk_create(
        ReferenceRowChange(change=change, key=d.key[:255], action=d.action, before=d.before, after=d.after)
        for d in plan.diffs
    )
    return change


# Sent after an import commits: whoever keeps reference data in memory (``apps.rubric.selectors``'
# scorers and school lists) drops it. A signal, so this module need not import its readers.
reference_imported = Signal()


def _clear_caches() -> None:
    reference_imported.send(sender=ReferenceListChange)


def _upsert(kind: ReferenceKind, rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        defaults = {name: value for name, value in row.items() if name != kind.key}
        if hasattr(kind.model, "is_demo"):
            defaults["is_demo"] = False  # an imported list is the real thing
        kind.model._default_manager.update_or_create(**{kind.key: row[kind.key]}, defaults=defaults)
