"""Form and API fields for the catalogue's facts: how a fact is asked, from the catalogue alone.

The self-assessment form, the application's further questions and the self-assessment API build
their fields here from each fact's type, bounds, unit, options, question and help, in the active
language. A fact added to ``apps/rubric/catalogue.json`` is asked everywhere with no code change;
a reference list (strategic fields, programmes) supplies a code fact's choices from the database.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.forms import KrwField
from apps.rubric.language.catalogue import FactDef, default_catalogue
from apps.rubric.selectors import cached_reference

YEAR_UNIT = "year"

NOT_NEGATIVE_API = _("Must not be negative.")
YEARS_ERRORS: dict[str, Any] = {
    "invalid": _("Enter a number of years, for example 7 or 7.5."),
    "min_value": _("The number of years cannot be negative."),
    "max_value": _("Enter at most %(limit_value)s years."),
}
NUMBER_ERRORS: dict[str, Any] = {
    "invalid": _("Enter a number, for example 7 or 7.5."),
    "min_value": _("Enter at least %(limit_value)s."),
    "max_value": _("Enter at most %(limit_value)s."),
}
COUNT_ERRORS: dict[str, Any] = {
    "invalid": _("Enter a whole number, for example 12."),
    "min_value": _("The number cannot be negative."),
    "max_value": _("Enter at most %(limit_value)s."),
}
RANK_ERRORS: dict[str, Any] = {
    "invalid": _("Enter the rank as a whole number, for example 42."),
    "min_value": _("A rank starts at 1."),
    "max_value": _("Enter a rank of at most %(limit_value)s."),
}
CHOICE_ERRORS: dict[str, Any] = {"invalid_choice": _("Choose one of the options in the list.")}
NONE_CHOICE = pgettext_lazy("government programme", "None")
OTHER_FIELD_CHOICE = pgettext_lazy("field of work", "Other field")


def _text(value: Any) -> str:
    return value.get(get_language()) if value is not None else ""


def is_rating(fact: FactDef) -> bool:
    """A small whole-number scale (0-5): asked as a choice rather than typed."""
    return fact.type == "integer" and fact.scale_words is not None


def rating_choices(fact: FactDef) -> list[tuple[int, str | Promise]]:
    """0..max, with words at both ends so the scale explains itself."""
    assert fact.maximum is not None
    assert fact.scale_words is not None
    low, high = (int(fact.minimum or 0), int(fact.maximum))
    choices: list[tuple[int, str | Promise]] = []
    for rating in range(low, high + 1):
        label: str | Promise = str(rating)
        if rating == low:
            label = format_lazy("{} – {}", rating, _text(fact.scale_words[0]))
        elif rating == high:
            label = format_lazy("{} – {}", rating, _text(fact.scale_words[1]))
        choices.append((rating, label))
    return choices


def form_field(
    fact: FactDef,
    *,
    reference_choices: list[tuple[str, str | Promise]] | None = None,
    required: bool = False,
) -> forms.Field:
    """The Django form field that asks ``fact`` (labels in the active language).

    ``reference_choices``: a code fact's choices from its reference list (the caller reads the list).
    """
    common: dict[str, Any] = {
        "label": _text(fact.question),
        "help_text": _text(fact.help),
        "required": required,
    }
    kind = fact.type
    if kind == "yes_no":
        return forms.BooleanField(**common)
    if kind == "choice":
        choices = [(o.code, _text(o.label)) for o in fact.options]
        return forms.ChoiceField(
            choices=choices, initial=fact.default, error_messages=CHOICE_ERRORS, **common
        )
    if kind == "code":
        code_choices: list[tuple[str, str | Promise]] = list(reference_choices or [])
        if fact.default is None:  # no answer means "none"
            code_choices.insert(0, ("", NONE_CHOICE))
        return forms.ChoiceField(
            choices=code_choices, initial=fact.default, error_messages=CHOICE_ERRORS, **common
        )
    if is_rating(fact):
        return forms.TypedChoiceField(
            coerce=int,
            choices=rating_choices(fact),
            error_messages={
                "invalid_choice": _("Choose a rating from 0 to %(max)s.") % {"max": int(fact.maximum or 0)}
            },
            **common,
        )
    bounds: dict[str, Any] = {"min_value": fact.minimum, "max_value": fact.maximum}
    if kind == "money":
        maximum = number_format(int(fact.maximum), force_grouping=True) if fact.maximum is not None else ""
        if fact.currency:  # "10,000,000,000 KRW", "10,000,000,000원"
            maximum = _text(default_catalogue().currencies[fact.currency]).replace("{n}", maximum)
        return KrwField(
            min_value=int(fact.minimum or 0),
            max_value=int(fact.maximum) if fact.maximum is not None else None,
            error_messages={
                "invalid": _("Enter the amount as a whole number, for example 150000000."),
                "min_value": _("The amount cannot be negative."),
                "max_value": _("Enter an amount of at most %(max)s.") % {"max": maximum},
            },
            **common,
        )
    if kind == "rank":
        return forms.IntegerField(error_messages=RANK_ERRORS, **_int_bounds(bounds), **common)
    if kind == "integer":
        return forms.IntegerField(error_messages=COUNT_ERRORS, **_int_bounds(bounds), **common)
    errors = YEARS_ERRORS if fact.unit == YEAR_UNIT else NUMBER_ERRORS
    return forms.DecimalField(error_messages=errors, **bounds, **common)


def _int_bounds(bounds: dict[str, Any]) -> dict[str, Any]:
    return {key: None if value is None else int(value) for key, value in bounds.items()}


def form_widget_attrs(fact: FactDef) -> dict[str, str]:
    """Keyboard hints for a typed number (the layout adds them to the input)."""
    if fact.type == "decimal":
        return {"step": "any", "inputmode": "decimal"}
    if fact.type in ("integer", "rank", "money") and not is_rating(fact):
        return {"inputmode": "numeric"}
    return {}


# --------------------------------------------------------------------------------------------------
# The API


def _api_help(fact: FactDef) -> str:
    """The catalogue's words for the schema: the question, its help, the unit and the default."""
    parts = [_text(fact.question)]
    if fact.help:
        parts.append(_text(fact.help))
    if fact.type == "choice":
        parts.append("One of: " + ", ".join(fact.option_codes()) + ".")
    if fact.type == "money" and fact.currency:
        parts.append(f"A whole amount in {fact.currency}.")
    if fact.unit:
        parts.append(f"Unit: {fact.unit}.")
    if fact.minimum is not None and fact.maximum is not None:
        parts.append(f"From {fact.minimum} to {fact.maximum}.")
    if not fact.required:
        default = "null" if fact.default is None else str(fact.default).lower()
        parts.append(f"Default {default}.")
    return " ".join(parts)


def api_field(fact: FactDef) -> serializers.Field:
    """The DRF field for ``fact`` in the self-assessment API (its schema comes from the same words)."""
    common: dict[str, Any] = {"help_text": _api_help(fact)}
    if not fact.required:
        common["default"] = fact.default
        if fact.default is None:
            common["allow_null"] = True
    kind = fact.type
    if kind == "yes_no":
        return StrictBooleanField(**common)
    if kind == "choice":
        return serializers.ChoiceField(
            choices=[(o.code, o.label.en) for o in fact.options],
            error_messages={
                "invalid_choice": _('"{input}" is not one of the answers: give %(codes)s.')
                % {"codes": ", ".join(fact.option_codes())}
            },
            **common,
        )
    if kind == "code":
        return ReferenceCodeField(fact, max_length=50, allow_blank=not fact.required, **common)
    low, high = fact.minimum, fact.maximum
    if kind == "decimal":
        return StrictDecimalField(
            max_digits=None,
            decimal_places=None,
            coerce_to_string=False,
            min_value=low,
            max_value=high,
            error_messages=_api_bound_errors(fact),
            **common,
        )
    if low is not None:
        common["min_value"] = int(low)
    if high is not None:
        common["max_value"] = int(high)
    return StrictIntegerField(error_messages=_api_bound_errors(fact), **common)


def _api_bound_errors(fact: FactDef) -> dict[str, Any]:
    high = fact.maximum
    if is_rating(fact):
        rating = _("Give a rating from 0 to %(max)s.") % {"max": int(high or 0)}
        return {"min_value": rating, "max_value": rating}
    if fact.type == "rank":
        return {
            "min_value": _("A rank starts at 1; use null for an institution that is not ranked."),
            "max_value": _("A rank beyond %(max)s is not plausible; use null for an unranked institution.")
            % {"max": f"{int(high or 0):,}"},
        }
    if fact.unit == YEAR_UNIT:
        too_many = _("More than %(max)s years is not plausible; please check the number.") % {"max": high}
    else:
        too_many = _("More than %(max)s is not plausible; please check the number.") % {"max": f"{high:,}"}
    return {"min_value": NOT_NEGATIVE_API, "max_value": too_many}


# JSON has types: the API takes a yes/no as true or false and a number as a number, as its schema
# says (DRF alone would also take 0, "yes" or "7.5"), so the contract and the API agree (issue 13).


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            raise serializers.ValidationError(_("Give true or false."))
        return data


class StrictIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise serializers.ValidationError(_("Give a whole number (a JSON number, not text)."))
        return int(super().to_internal_value(data))


# A decimal answer may also come as text ("7.99"), the exact form clients have used since the first
# release to keep a value clear of binary floating point; the schema says both (see schema.py).
DECIMAL_TEXT = r"^[0-9]{1,6}(\.[0-9]{1,6})?$"


class StrictDecimalField(serializers.DecimalField):
    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and not re.fullmatch(DECIMAL_TEXT, data):
            raise serializers.ValidationError(_("Give a number, such as 7 or 7.5."))
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise serializers.ValidationError(_("Give a number, such as 7 or 7.5."))
        return super().to_internal_value(data)


class ReferenceCodeField(serializers.ChoiceField):
    """A code from the fact's reference list (any case, spaces trimmed), its default, or, for a fact
    without a default, empty or null for none. The list in force today is the schema's ``enum``."""

    def __init__(self, fact: FactDef, **kwargs: Any) -> None:
        self.fact = fact
        codes = sorted(reference_codes(fact.reference or ""))
        if fact.default is not None:
            codes.append(fact.default)
        self.codes = codes
        kwargs.pop("max_length", None)
        super().__init__(choices=codes, **kwargs)

    def to_internal_value(self, data: Any) -> str | None:  # type: ignore[override]  # None: no answer
        fact = self.fact
        value = "" if data is None else str(data).strip()
        if not value:
            if not self.allow_blank:
                raise serializers.ValidationError(_("This field may not be blank."))
            return fact.default
        code = {code.casefold(): code for code in self.codes}.get(value.casefold())
        if code is None or isinstance(data, bool | int | float | list | dict):
            message = (
                _('Unknown answer "%(value)s". Give one of: %(codes)s.')
                if fact.default is not None
                else _('Unknown answer "%(value)s". Give one of: %(codes)s, or null.')
            )
            raise serializers.ValidationError(message % {"value": value, "codes": ", ".join(self.codes)})
        return code


def reference_codes(reference: str) -> frozenset[str]:
    """The codes of a reference list in force today (the scorers' per-process memo)."""
    return cached_reference(timezone.localdate()).lists.get(reference, frozenset())
