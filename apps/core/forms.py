"""Form fields shared by several apps."""

from __future__ import annotations

from typing import Any

from django import forms


class KrwField(forms.IntegerField):
    """Whole won; tolerates the separators and signs people type ("150,000,000", "₩150 000 000").

    Rendered as a text input with a numeric keypad: a ``type=number`` input would refuse the very
    separators the help texts suggest.
    """

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            for mark in (",", " ", "_", "₩", "KRW", "krw", "원"):
                value = value.replace(mark, "")
        return super().to_python(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # IntegerField would add min/max/step, which only mean something on a number input.
        return {
            key: value
            for key, value in super().widget_attrs(widget).items()
            if key not in {"min", "max", "step"}
        }
