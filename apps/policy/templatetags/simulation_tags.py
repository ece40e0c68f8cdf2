"""Numbers on the simulation pages: signed changes and a parameter's value in one line."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

from apps.policy.simulations.results import value_text

register = template.Library()


@register.filter
def signed(value: Any, digits: int = 0) -> str:
    """+5, −3 (a real minus sign), 0; with ``digits`` decimals; an em dash for no value."""
    if value is None or value == "":
        return "—"
    number = float(value)
    text = number_format(abs(number), decimal_pos=int(digits))
    if round(number, int(digits)) == 0:
        return number_format(0, decimal_pos=int(digits))
    return f"+{text}" if number > 0 else f"\u2212{text}"


@register.filter
def average(value: Any) -> str:
    return "—" if value is None else number_format(float(value), decimal_pos=2)


@register.filter
def json_value(value: Any) -> str:
    return value_text(value)
