"""How a fact is called and how its value reads, for every page and e-mail: from the catalogue.

The catalogue (``apps/rubric/catalogue.json``) is the one home of a fact's label, question, help,
options and unit; the self-assessment form, the API, the application, the reviewer's workspace, the
status page and the e-mails read them here, in the active language. ``names`` maps reference codes
(strategic fields, programmes) to their names in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from apps.rubric.language.catalogue import FactDef, default_catalogue

INSTITUTION = "institution"  # an answer that is not a fact: the university's name
OTHER_FIELD = "other"
ASKED = "asked"  # the source of a fact the person answers themselves


def fact(code: str) -> FactDef:
    return default_catalogue().fact(code)


def fact_label(code: str) -> str:
    """A fact's short name (a row's label, a field of an e-mail) in the active language."""
    if code == INSTITUTION:
        return _("University")
    return fact(code).label.get(get_language())


def fact_question(code: str) -> str:
    """How a form asks for the fact."""
    return fact(code).question.get(get_language())


def fact_help(code: str) -> str:
    definition = fact(code)
    return definition.help.get(get_language()) if definition.help else ""


def option_label(code: str, option: str) -> str:
    return fact(code).option_label(option, get_language())


def yes_no(value: Any) -> str:
    return _("Yes") if value else _("No")


def fact_value(code: str, value: Any, names: Mapping[str, str]) -> str:
    """A declared or verified value as a person reads it (an unknown fact: the value as it is)."""
    if value is None or value == "":
        return _("not given")
    catalogue = default_catalogue()
    if code not in catalogue.facts:
        return str(value)
    definition = catalogue.fact(code)
    kind = definition.type
    if kind == "choice":
        return definition.option_label(str(value), get_language())
    if kind == "yes_no":
        return yes_no(value)
    if kind == "money":
        return number_format(int(value), force_grouping=True)
    if kind == "code":
        if code == "field" and value == OTHER_FIELD:
            return names.get(value) or pgettext("field of work", "Other field")
        return names.get(str(value), str(value))
    if kind == "decimal" or isinstance(value, Decimal):
        try:
            return f"{Decimal(str(value)).normalize():f}"
        except (ArithmeticError, InvalidOperation):  # not a number after all: show it as it is
            return str(value)
    return str(value)


def further_facts() -> tuple[FactDef, ...]:
    """Facts asked of the applicant that nothing in the profile supplies (no named derivation): the
    application asks them as further questions. A fact added to the catalogue as "asked" is one."""
    return tuple(f for f in default_catalogue().facts.values() if f.source == ASKED and not f.derivation)


def with_institution(codes: list[str] | tuple[str, ...]) -> list[str]:
    """The codes with the university's name asked or shown just before its rank."""
    shown = list(codes)
    if "institution_rank" in shown:
        shown.insert(shown.index("institution_rank"), INSTITUTION)
    return shown


def catalogue_codes() -> tuple[str, ...]:
    """Every fact, in the catalogue's order (the order rows and questions are shown in)."""
    return tuple(default_catalogue().facts)
