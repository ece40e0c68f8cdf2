"""Reads of the rubric and reference data. The scorer itself never touches the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from apps.core.memo import TtlMemo
from apps.rubric.language.scorer import Reference, Scorer
from apps.rubric.models import (
    EngineeringSchool,
    GovernmentProgramme,
    PerCapitaGNI,
    ReferenceListChange,
    ReferenceRowChange,
    RubricVersion,
    StrategicField,
)
from apps.rubric.reference_import import KINDS, reference_imported, row_values

# The answer "other field" in words (it is not a row of the strategic-field list).
OTHER_FIELD_NAMES = ("other", "Other", "기타")


class NoVersionInForce(LookupError):
    """No published rubric version covers the date."""


class UnknownRubricVersion(LookupError):
    """The requested version code does not exist (or is not published)."""

    def __init__(self, code: str, known: list[str]) -> None:
        super().__init__(code)
        self.code = code
        self.known = known


class NoGniFigure(LookupError):
    """No per-capita GNI figure had been published by the date."""


def published_versions() -> list[RubricVersion]:
    return list(RubricVersion.objects.filter(published=True).order_by("effective_from"))


def published_version_codes() -> list[str]:
    return list(
        RubricVersion.objects.filter(published=True).order_by("effective_from").values_list("code", flat=True)
    )


def cached_version_codes() -> tuple[str, ...]:
    """``published_version_codes`` through the per-process memo (the API's schema lists them)."""
    return _version_codes.get("all", lambda: tuple(published_version_codes()))


def rubric_version_in_force(on: dt.date) -> RubricVersion:
    version = (
        RubricVersion.objects.filter(published=True, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .first()
    )
    if version is None:
        raise NoVersionInForce(on.isoformat())
    return version


def rubric_version_by_code(code: str) -> RubricVersion:
    version = RubricVersion.objects.filter(published=True, code=code).first()
    if version is None:
        raise UnknownRubricVersion(code, published_version_codes())
    return version


def gni_in_force(on: dt.date) -> PerCapitaGNI:
    """The newest figure that had been published by ``on`` (a salary is compared with what was known).

    Before the first figure on file was published, that first figure is used: a rule in force on a
    date needs some GNI, and the earliest one on file is the closest to what was known then.
    """
    figure = PerCapitaGNI.objects.filter(published_on__lte=on).order_by("-year").first()
    figure = figure or PerCapitaGNI.objects.order_by("year").first()
    if figure is None:
        raise NoGniFigure(on.isoformat())
    return figure


# Reference quantities and lists a version may name (``apps/rubric/catalogue.json``) that the
# database holds.
GNI = "per_capita_gni"
STRATEGIC = "strategic"
RECOGNISED_PROGRAMMES = "recognised_programmes"


def reference_on(day: dt.date) -> Reference:
    """The reference data for scoring on ``day``: the lists as they stood that day (decision 39).

    - ``per_capita_gni``: the figure in force on the date (the newest published by then, or the
      earliest on file before any was), and every figure on file that day by its year, for a
      threshold that names a year; with none on file, no figure (a version that needs one then fails
      to compile with ``ValueError``, which the caller reports);
    - ``strategic``: the active strategic fields; ``recognised_programmes``: the recognised programmes;
    - names in English and Korean of every field and programme (inactive ones too, and ones that left
      the list since, so an explanation names a field in words) and of the answer "other field".

    The lists are read as they are now, with every change that counts from a later day undone
    (``reference_rows_on``): four queries when nothing changed since ``day``.
    """
    later = _later_changes(day, ("gni", "fields", "programmes"))
    quantities: dict[str, tuple[int, int]] = {}
    figures = _rows_on("gni", later)
    if figures:
        known = [f for f in figures.values() if f["published_on"] <= day.isoformat()]
        figure = (
            max(known, key=lambda f: f["year"]) if known else min(figures.values(), key=lambda f: f["year"])
        )
        quantities[GNI] = (figure["year"], figure["amount_krw"])
    by_year = {(GNI, f["year"]): f["amount_krw"] for f in figures.values()}

    names: dict[str, tuple[str, str]] = {}
    other, other_en, other_ko = OTHER_FIELD_NAMES
    names[other] = (other_en, other_ko)
    strategic = _codes_and_names(StrategicField, names)
    programmes = _codes_and_names(GovernmentProgramme, names)
    if later:  # the lists as they stood on the day; today's names stay known
        strategic = _active_codes(_rows_on("fields", later), names)
        programmes = _active_codes(_rows_on("programmes", later), names)
    return Reference(
        quantities=quantities,
        by_year=by_year,
        lists={STRATEGIC: frozenset(strategic), RECOGNISED_PROGRAMMES: frozenset(programmes)},
        names=names,
    )


# --------------------------------------------------------------------------------------------------
# The lists as they stood on a day (decision 39)


def _later_changes(day: dt.date, kinds: tuple[str, ...]) -> list[ReferenceRowChange]:
    """The row changes to ``kinds`` that count from a day after ``day``, newest first."""
    return list(
        ReferenceRowChange.objects.filter(change__kind__in=kinds, change__in_force_from__gt=day)
        .select_related("change")
        .order_by("-change__applied_at", "-change_id", "-pk")
    )


def _rows_on(kind_name: str, later: list[ReferenceRowChange]) -> dict[str, dict[str, Any]]:
    """The list's rows (key -> recorded values) now, with the ``later`` changes to it undone."""
    kind = KINDS[kind_name]
    rows = {str(getattr(obj, kind.key)): row_values(kind, obj) for obj in kind.model._default_manager.all()}
    for row in later:
        if row.change.kind != kind_name:
            continue
        if row.action == ReferenceRowChange.Action.ADDED:
            rows.pop(row.key, None)
        elif row.before is not None:
            rows[row.key] = row.before
    return rows


def reference_rows_on(kind_name: str, day: dt.date) -> dict[str, dict[str, Any]]:
    """A reference list as it stood on ``day``: its key -> the row's recorded values
    (``apps.rubric.reference_import.row_values``)."""
    return _rows_on(kind_name, _later_changes(day, (kind_name,)))


def _active_codes(rows: dict[str, dict[str, Any]], names: dict[str, tuple[str, str]]) -> set[str]:
    active: set[str] = set()
    for code, row in rows.items():
        names.setdefault(code, (row["name"], row["name_ko"]))
        if row["is_active"]:
            active.add(code)
    return active


def school_rank_on(name: str, day: dt.date) -> int | None:
    """The rank of a school named in English or Korean (any case) on the list as it stood on ``day``;
    ``NOT_LISTED`` if it was not listed then."""
    needle = name.strip().lower()
    for row in reference_rows_on("schools", day).values():
        if needle and needle in (row["name"].strip().lower(), (row["name_ko"] or "").strip().lower()):
            rank: int | None = row["rank"]
            return rank
    return NOT_LISTED


def reference_change_days() -> set[dt.date]:
    """Every day from which ``reference_on`` may answer differently from the day before: a per-capita
    GNI figure's publication day (on file now or in the history) and the first day of each change."""
    days = set(PerCapitaGNI.objects.values_list("published_on", flat=True))
    days |= set(
        ReferenceListChange.objects.filter(kind__in=("gni", "fields", "programmes")).values_list(
            "in_force_from", flat=True
        )
    )
    for before, after in ReferenceRowChange.objects.filter(change__kind="gni").values_list("before", "after"):
        for values in (before, after):
            if values and values.get("published_on"):
                days.add(dt.date.fromisoformat(values["published_on"]))
    return days


def _codes_and_names(
    model: type[StrategicField] | type[GovernmentProgramme], names: dict[str, tuple[str, str]]
) -> set[str]:
    """The active codes of a reference list; every code's English and Korean name goes into ``names``."""
    active_codes: set[str] = set()
    for code, name, name_ko, active in model.objects.values_list("code", "name", "name_ko", "is_active"):
        names[code] = (name, name_ko)
        if active:
            active_codes.add(code)
    return active_codes


# Compiled scorers are kept per process for a minute: loading a version and the reference data takes
# five queries, most of an API request's time, while a published version's rules never change (a
# database trigger) and the reference lists change rarely. A save in this process clears the memo at
# once (signals below); other processes see a change within SCORER_TTL_SECONDS.
SCORER_TTL_SECONDS = 60.0
_scorers: TtlMemo[Scorer] = TtlMemo(SCORER_TTL_SECONDS)
_references: TtlMemo[Reference] = TtlMemo(SCORER_TTL_SECONDS)
_version_codes: TtlMemo[tuple[str, ...]] = TtlMemo(SCORER_TTL_SECONDS, max_entries=1)


def cached_reference(on: dt.date) -> Reference:
    """``reference_on`` through the per-process memo (validation of codes on every request)."""
    return _references.get(on, lambda: reference_on(on))


def scorer_for(*, version_code: str | None = None, on: dt.date | None = None) -> Scorer:
    """A compiled scorer: the named version, or the one in force on ``on`` (default: today in Seoul)."""
    day = on or timezone.localdate()
    return _scorers.get((version_code, day), lambda: _compile_scorer(version_code, day))


def _compile_scorer(version_code: str | None, day: dt.date) -> Scorer:
    version = rubric_version_by_code(version_code) if version_code else rubric_version_in_force(day)
    return Scorer(version.parsed_config(), cached_reference(day))


def clear_scorer_cache(**_signal_kwargs: object) -> None:
    _scorers.clear()
    _version_codes.clear()
    _references.clear()
    _school_ranks.clear()


for _model in (RubricVersion, PerCapitaGNI, StrategicField, GovernmentProgramme):
    post_save.connect(clear_scorer_cache, sender=_model, dispatch_uid=f"clear-scorers-save-{_model.__name__}")
    post_delete.connect(
        clear_scorer_cache, sender=_model, dispatch_uid=f"clear-scorers-del-{_model.__name__}"
    )


def reference_names() -> dict[str, str]:
    """Every strategic field's and programme's name in the reader's language, by code; inactive ones
    too, so a fact on an older case still reads in words."""
    names = {row.code: row.display_name for row in StrategicField.objects.all()}
    names.update({row.code: row.display_name for row in GovernmentProgramme.objects.all()})
    return names


def strategic_fields() -> list[StrategicField]:
    return list(StrategicField.objects.filter(is_active=True))


def government_programmes() -> list[GovernmentProgramme]:
    return list(GovernmentProgramme.objects.filter(is_active=True))


def school_by_name(name: str) -> EngineeringSchool | None:
    """Exact, case-insensitive match on the English or Korean name."""
    needle = name.strip().lower()
    if not needle:
        return None
    return (
        EngineeringSchool.objects.annotate(lname=Lower("name"), lname_ko=Lower("name_ko"))
        .filter(Q(lname=needle) | Q(lname_ko=needle))
        .first()
    )


_school_ranks: TtlMemo[dict[str, int | None]] = TtlMemo(SCORER_TTL_SECONDS, max_entries=1)
NOT_LISTED = -1  # institution_rank_by_name's answer for a name that is not on the list


def institution_rank_by_name(name: str) -> int | None:
    """The listed rank of a school named in English or Korean (any case), ``NOT_LISTED`` if absent.

    Read on every self-assessment that names an institution, so the whole list (a few hundred
    names) is held per process like the scorers, and refreshed when a school changes.
    """
    ranks = _school_ranks.get("all", _all_school_ranks)
    return ranks.get(name.strip().lower(), NOT_LISTED)


def _all_school_ranks() -> dict[str, int | None]:
    ranks: dict[str, int | None] = {}
    for name, name_ko, rank in EngineeringSchool.objects.values_list("name", "name_ko", "rank"):
        for key in (name, name_ko):
            if key:
                ranks.setdefault(key.strip().lower(), rank)
    return ranks


_school_names: TtlMemo[tuple[str, ...]] = TtlMemo(SCORER_TTL_SECONDS, max_entries=1)


def school_names() -> tuple[str, ...]:
    """Every listed school's English and Korean names (the API's schema lists them), per process."""
    return _school_names.get("all", _all_school_names)


def _all_school_names() -> tuple[str, ...]:
    names = EngineeringSchool.objects.values_list("name", "name_ko")
    return tuple(sorted({name for pair in names for name in pair if name}))


def clear_school_cache(**_signal_kwargs: object) -> None:
    _school_ranks.clear()
    _school_names.clear()


post_save.connect(clear_school_cache, sender=EngineeringSchool, dispatch_uid="clear-schools-save")
post_delete.connect(clear_school_cache, sender=EngineeringSchool, dispatch_uid="clear-schools-del")
reference_imported.connect(clear_scorer_cache, dispatch_uid="clear-scorers-import")
reference_imported.connect(clear_school_cache, dispatch_uid="clear-schools-import")


def schools_matching(query: str, limit: int = 10) -> list[EngineeringSchool]:
    """Schools whose English or Korean name contains ``query`` (a short list: a scan is fine)."""
    query = query.strip()
    if len(query) < 2:
        return []
    return list(
        EngineeringSchool.objects.filter(Q(name__icontains=query) | Q(name_ko__icontains=query)).order_by(
            "rank", "name"
        )[:limit]
    )
