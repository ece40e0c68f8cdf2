"""Every change to a roster, and the roster match a case records.

The clear passport number enters through ``data["passport_number"]`` or ``roster_match`` and goes
straight to ``passports.passport_hash``; it is never stored, logged or returned. Writes lock the
programme row, so two officers saving at once cannot both pass the duplicate checks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict

import pghistory
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_variables

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_grant_role
from apps.core.csv_rows import RowError, iso_date, optional_text, required_text
from apps.core.text import one_line
from apps.programmes.models import ProgrammeOfficer, RosterEntry
from apps.programmes.passports import (
    InvalidPassportNumber,
    clean_passport_number,
    normalise_passport_number,
    passport_hash,
    passport_hint,
)
from apps.rubric.models import GovernmentProgramme
from apps.rubric.reference_import import ImportReport

logger = logging.getLogger(__name__)

# Fields an officer edits; the passport number is handled apart because only its hash is kept.
EDITABLE_FIELDS = (
    "full_name",
    "email",
    "nationality",
    "position",
    "host_institution",
    "recruited_on",
    "notes",
)


class RosterEntryData(TypedDict, total=False):
    full_name: str
    email: str
    passport_number: str  # clear text, hashed at once; empty on an update keeps the stored one
    nationality: str
    position: str
    host_institution: str
    recruited_on: dt.date | None
    notes: str


# Text kept on one line (apps.core.text.one_line), from the form and from an imported file alike.
ONE_LINE_FIELDS = ("full_name", "nationality", "position", "host_institution")


# --- Officers ------------------------------------------------------------------------------------


def programme_officer_appoint(*, user: User, programme: GovernmentProgramme) -> ProgrammeOfficer:
    """Let ``user`` keep ``programme``'s roster: the membership and the role, which both are needed."""
    user_grant_role(user=user, role=Role.PROGRAMME_OFFICER)
    membership, _created = ProgrammeOfficer.objects.get_or_create(user=user, programme=programme)
    return membership


# --- Single entries ------------------------------------------------------------------------------


@sensitive_variables("data")
def roster_entry_create(*, programme: GovernmentProgramme, data: RosterEntryData, by: User) -> RosterEntry:
    if not normalise_passport_number(data.get("passport_number", "")):
        raise ValidationError({"passport_number": gettext("Enter the passport number.")})
    entry = RosterEntry(programme=programme, created_by=by)
    _apply(entry, data)
    _save(entry, by=by)
    logger.info("roster entry %s added to %s by user %s", entry.pk, programme.code, by.pk)
    return entry


@sensitive_variables("data")
def roster_entry_update(*, entry: RosterEntry, data: RosterEntryData, by: User) -> RosterEntry:
    _apply(entry, data)
    _save(entry, by=by)
    logger.info("roster entry %s of %s changed by user %s", entry.pk, entry.programme.code, by.pk)
    return entry


def roster_entry_delete(*, entry: RosterEntry, by: User) -> None:
    entry_id, code = entry.pk, entry.programme.code
    with transaction.atomic(), pghistory.context(user=by.pk):
        entry.delete()
    logger.info("roster entry %s removed from %s by user %s", entry_id, code, by.pk)


@sensitive_variables("data", "values", "raw", "number")
def _apply(entry: RosterEntry, data: RosterEntryData) -> None:
    values: dict[str, Any] = dict(data)
    for name in EDITABLE_FIELDS:
        if name in values:
            setattr(entry, name, values[name])
    entry.email = (entry.email or "").strip().lower()
    for name in ONE_LINE_FIELDS:  # names reach page titles and exports: never a line break
        setattr(entry, name, one_line(getattr(entry, name) or ""))
    raw = data.get("passport_number", "")
    if normalise_passport_number(raw):
        try:
            number = clean_passport_number(raw)
        except InvalidPassportNumber:
            raise ValidationError({"passport_number": _passport_format_message()}) from None
        entry.passport_hash, entry.passport_hint = passport_hash(number), passport_hint(number)


def _save(entry: RosterEntry, *, by: User) -> None:
    entry.full_clean(exclude=["created_by", "programme"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic(), pghistory.context(user=by.pk):
            _lock_roster(entry.programme)
            errors = _duplicate_errors(entry)
            if errors:
                raise ValidationError(errors)
            entry.save()
    except IntegrityError:  # a write that did not take the lock (the admin, a shell) got there first
        raise ValidationError(
            gettext("Another change to this roster got in first. Please try again.")
        ) from None


def _lock_roster(programme: GovernmentProgramme) -> None:
    list(GovernmentProgramme.objects.select_for_update().filter(pk=programme.pk).values_list("pk", flat=True))


def _duplicate_errors(entry: RosterEntry) -> dict[str, str]:
    others = RosterEntry.objects.filter(programme_id=entry.programme_id).exclude(pk=entry.pk)
    code = entry.programme.code
    errors = {}
    if others.filter(email=entry.email).exists():
        errors["email"] = gettext("This e-mail address is already on the %(programme)s roster.") % {
            "programme": code
        }
    if others.filter(passport_hash=entry.passport_hash).exists():
        errors["passport_number"] = gettext(
            "This passport number is already on the %(programme)s roster."
        ) % {"programme": code}
    return errors


def _passport_format_message() -> str:
    return gettext("Enter 6 to 12 letters or digits (spaces and hyphens are ignored).")


# --- Matching ------------------------------------------------------------------------------------

MatchStatus = Literal["matched", "partial", "none"]


@dataclass(frozen=True, slots=True)
class RosterMatch:
    """What an applicant's e-mail and passport number found on a programme's roster.

    ``matched``: one entry has both. ``partial``: an entry has only one of them, for the reviewer
    to look at; ``entry_id`` is that entry and ``matched_on`` what it matched. When the e-mail and
    the passport number each match a *different* entry, ``entry_id`` is the e-mail's entry and
    ``other_entry_id`` the passport's. ``none``: nothing matched.
    """

    status: MatchStatus
    entry_id: int | None
    matched_on: tuple[str, ...]
    programme_code: str
    other_entry_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for a case to keep as evidence."""
        return {
            "status": self.status,
            "entry_id": self.entry_id,
            "matched_on": list(self.matched_on),
            "programme_code": self.programme_code,
            "other_entry_id": self.other_entry_id,
        }


@sensitive_variables("passport_number")
def roster_match(*, programme_code: str, email: str, passport_number: str) -> RosterMatch:
    entries = RosterEntry.objects.filter(programme__code=programme_code)
    email = email.strip().lower()
    hashed = passport_hash(passport_number) if normalise_passport_number(passport_number) else ""
    by_email = entries.filter(email=email).only("pk").first() if email else None
    by_passport = entries.filter(passport_hash=hashed).only("pk").first() if hashed else None
    if by_email is not None and by_email == by_passport:
        return RosterMatch("matched", by_email.pk, ("email", "passport"), programme_code)
    if by_email is not None:
        other = by_passport.pk if by_passport is not None else None
        return RosterMatch("partial", by_email.pk, ("email",), programme_code, other_entry_id=other)
    if by_passport is not None:
        return RosterMatch("partial", by_passport.pk, ("passport",), programme_code)
    return RosterMatch("none", None, (), programme_code)


# --- CSV import ----------------------------------------------------------------------------------

REQUIRED_COLUMNS = ("full_name", "email", "passport_number")
OPTIONAL_COLUMNS = ("nationality", "position", "host_institution", "recruited_on", "notes")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


@dataclass
class RosterImportReport(ImportReport):
    """The reference import's report, plus rows that were already up to date (no write, no event)."""

    kind: str = "roster"
    unchanged: int = 0


@dataclass
class _Row:
    line: int
    values: dict[str, Any] = field(default_factory=dict)  # model field -> value; never a clear passport


# The file holds clear passport numbers: keep them out of error reports.
@sensitive_variables("text")
def roster_import(
    *, programme: GovernmentProgramme, text: str, by: User, replace: bool = False
) -> RosterImportReport:
    """Validate every row, then write them all in one transaction; nothing is written on any error.

    A row whose e-mail address is already on the roster updates that entry. With ``replace``,
    entries whose e-mail address is not in the file are removed.
    """
    report = RosterImportReport()
    rows, report.errors = _parse_roster_csv(text)
    if report.errors:
        return report
    try:
        with transaction.atomic(), pghistory.context(user=by.pk, roster_import=programme.code):
            _lock_roster(programme)
            report.errors = _clash_errors(programme, rows, replace=replace)
            if report.errors:
                return report
            _write_rows(programme, rows, by=by, replace=replace, report=report)
    except IntegrityError:
        return RosterImportReport(
            errors=[gettext("Another change to this roster got in first. Please try again.")]
        )
    logger.info(
        "roster import into %s by user %s: %s added, %s updated, %s unchanged, %s removed",
        *(programme.code, by.pk, report.created, report.updated, report.unchanged, report.deleted),
    )
    return report


def _clash_errors(programme: GovernmentProgramme, rows: list[_Row], *, replace: bool) -> list[str]:
    """A passport number already held by an entry with another e-mail address (one that stays)."""
    kept = RosterEntry.objects.filter(programme=programme)
    if replace:
        kept = kept.filter(email__in=[row.values["email"] for row in rows])
    owner_by_hash = dict(kept.values_list("passport_hash", "email"))
    errors = []
    for row in rows:
        owner = owner_by_hash.get(row.values["passport_hash"])
        if owner is not None and owner != row.values["email"]:
            message = gettext("already on the %(programme)s roster for %(email)s") % {
                "programme": programme.code,
                "email": owner,
            }
            errors.append(_line_error(row.line, "passport_number", message))
    return errors


def _write_rows(
    programme: GovernmentProgramme, rows: list[_Row], *, by: User, replace: bool, report: RosterImportReport
) -> None:
    emails = [row.values["email"] for row in rows]
    roster = RosterEntry.objects.filter(programme=programme)
    if replace:
        report.deleted, _by_model = roster.exclude(email__in=emails).delete()
    existing = {entry.email: entry for entry in roster.filter(email__in=emails)}
    for row in rows:
        entry = existing.get(row.values["email"])
        if entry is None:
            RosterEntry.objects.create(programme=programme, created_by=by, **row.values)
            report.created += 1
        elif _update_changed(entry, row.values):
            report.updated += 1
        else:
            report.unchanged += 1


def _update_changed(entry: RosterEntry, values: dict[str, Any]) -> bool:
    changed = [name for name, value in values.items() if getattr(entry, name) != value]
    for name in changed:
        setattr(entry, name, values[name])
    if changed:
        entry.save(update_fields=[*changed, "updated_at"])
    return bool(changed)


# Parsing, in the reference import's style: every row checked, every problem reported by line.


def _line_error(line: int, column: str | None, message: str) -> str:
    if column is None:
        return gettext("line %(line)d: %(message)s") % {"line": line, "message": message}
    return gettext("line %(line)d: %(column)s: %(message)s") % {
        "line": line,
        "column": column,
        "message": message,
    }


def _one_line(parse: Callable[[str], str]) -> Callable[[str], str]:
    def parse_one_line(value: str) -> str:
        return parse(one_line(value))

    return parse_one_line


def _limited(parse: Callable[[str], str], name: str) -> Callable[[str], str]:
    max_length: int | None = getattr(RosterEntry._meta.get_field(name), "max_length", None)

    def parse_limited(value: str) -> str:
        text = parse(value)
        if max_length and len(text) > max_length:
            raise RowError(gettext("must be at most %(count)d characters") % {"count": max_length})
        return text

    return parse_limited


def _email(value: str) -> str:
    text = value.strip().lower()
    try:
        validate_email(text)
    except ValidationError:
        raise RowError(gettext("is not a valid e-mail address")) from None
    return text


@sensitive_variables("value")
def _passport(value: str) -> str:
    try:
        return clean_passport_number(value)
    except InvalidPassportNumber:
        raise RowError(_passport_format_message()) from None  # never repeat the value


def _optional_date(value: str) -> dt.date | None:
    return iso_date(value) if value.strip() else None


PARSERS: dict[str, Callable[[str], Any]] = {
    "full_name": _limited(_one_line(required_text), "full_name"),
    "email": _email,
    "passport_number": _passport,
    "nationality": _limited(_one_line(optional_text), "nationality"),
    "position": _limited(_one_line(optional_text), "position"),
    "host_institution": _limited(_one_line(optional_text), "host_institution"),
    "recruited_on": _optional_date,
    "notes": optional_text,
}


@sensitive_variables()
def _parse_roster_csv(text: str) -> tuple[list[_Row], list[str]]:
    """Parse and check every row. Line numbers are the file's, counting the header as line 1."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in next(reader, [])]
    header_problem = _header_problem(header)
    if header_problem:
        return [], [_line_error(1, None, header_problem)]
    rows: list[_Row] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}  # (column, e-mail or passport hash) -> first line
    try:
        for line, record in _records(reader):
            row = _check_record(header, line, record, errors)
            if row is not None and not _is_duplicate(row, seen, errors):
                rows.append(row)
    except csv.Error:
        errors.append(_line_error(reader.line_num, None, gettext("could not be read as CSV")))
    if not rows and not errors:
        errors.append(gettext("The file has no data rows."))
    return ([] if errors else rows), errors


def _records(reader: Any) -> Iterable[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted value may span lines); blank rows skipped."""
    next_line = reader.line_num + 1
    for record in reader:
        line, next_line = next_line, reader.line_num + 1
        if any(value.strip() for value in record):
            yield line, record


def _header_problem(header: list[str]) -> str | None:
    if not header:
        return gettext("the file is empty")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    repeated = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if missing:
        problems.append(gettext("missing column(s): %(columns)s") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(gettext("unknown column(s): %(columns)s") % {"columns": ", ".join(unknown)})
    if repeated:
        problems.append(gettext("repeated column(s): %(columns)s") % {"columns": ", ".join(repeated)})
    if not problems:
        return None
    return gettext("%(problems)s (expected: %(columns)s)") % {
        "problems": "; ".join(problems),
        "columns": ", ".join(COLUMNS),
    }


@sensitive_variables("record", "raw", "number")
def _check_record(header: list[str], line: int, record: list[str], errors: list[str]) -> _Row | None:
    if len(record) > len(header):
        errors.append(_line_error(line, None, gettext("more values than columns")))
        return None
    raw = dict(zip(header, record + [""] * (len(header) - len(record)), strict=True))
    row = _Row(line)
    row_errors = []
    for column, value in raw.items():
        try:
            row.values[column] = PARSERS[column](value)
        except RowError as exc:
            row_errors.append(_line_error(line, column, str(exc)))
    if row_errors:
        errors.extend(row_errors)
        return None
    number = row.values.pop("passport_number")
    row.values["passport_hash"], row.values["passport_hint"] = passport_hash(number), passport_hint(number)
    return row


def _is_duplicate(row: _Row, seen: dict[tuple[str, str], int], errors: list[str]) -> bool:
    duplicate = False
    for column, key in (("email", "email"), ("passport_number", "passport_hash")):
        value = (column, row.values[key])
        if value in seen:
            message = gettext("the same value is already given on line %(line)d") % {"line": seen[value]}
            errors.append(_line_error(row.line, column, message))
            duplicate = True
        else:
            seen[value] = row.line
    return duplicate
