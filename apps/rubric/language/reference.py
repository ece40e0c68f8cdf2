"""The rubric language's ``Reference`` read from the database, as of one date.

The scorer itself never touches the database (``scorer.py`` is pure); this is where the reference rows
become the quantities, lists and names it reads:

- ``per_capita_gni``: the figure in force on the date (``selectors.gni_in_force``: the newest one
  published by then, or the earliest on file before any was), and every figure on file by its year,
  for a threshold that names a year;
- ``strategic``: the active strategic fields; ``recognised_programmes``: the recognised government
  programmes;
- names in English and Korean of every field and programme (inactive ones too, so an explanation
  names a field that left the list in words) and of the answer "other field".

With no GNI figure on file the reference has no ``per_capita_gni``: a version that needs one then
fails to compile with ``ValueError`` (``Scorer``), which the caller reports.
"""

from __future__ import annotations

import datetime as dt

from apps.rubric.language.scorer import Reference
from apps.rubric.models import GovernmentProgramme, PerCapitaGNI, StrategicField
from apps.rubric.selectors import OTHER_FIELD_NAMES, NoGniFigure, gni_in_force

GNI = "per_capita_gni"
STRATEGIC = "strategic"
RECOGNISED_PROGRAMMES = "recognised_programmes"


def reference_on(day: dt.date) -> Reference:
    """The reference data for scoring on ``day`` (four queries)."""
    quantities: dict[str, tuple[int, int]] = {}
    try:
        figure = gni_in_force(day)
    except NoGniFigure:
        pass
    else:
        quantities[GNI] = (figure.year, figure.amount_krw)
    by_year = {(GNI, year): amount for year, amount in PerCapitaGNI.objects.values_list("year", "amount_krw")}

    names: dict[str, tuple[str, str]] = {}
    other, other_en, other_ko = OTHER_FIELD_NAMES
    names[other] = (other_en, other_ko)
    strategic = _codes_and_names(StrategicField, names)
    programmes = _codes_and_names(GovernmentProgramme, names)
    return Reference(
        quantities=quantities,
        by_year=by_year,
        lists={STRATEGIC: frozenset(strategic), RECOGNISED_PROGRAMMES: frozenset(programmes)},
        names=names,
    )


def _codes_and_names(
    model: type[StrategicField] | type[GovernmentProgramme], names: dict[str, tuple[str, str]]
) -> set[str]:
    """The active codes of a reference list; every code's English and Korean name goes into ``names``
    (an inactive field or programme still reads in words on an old case)."""
    active_codes: set[str] = set()
    for code, name, name_ko, active in model.objects.values_list("code", "name", "name_ko", "is_active"):
        names[code] = (name, name_ko)
        if active:
            active_codes.add(code)
    return active_codes
