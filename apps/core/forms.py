"""Form fields shared by several apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.text import one_line


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


# What the upload checks accept (apps.core.uploads), offered to the browser's file picker.
ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class InformationAnswerForm(forms.Form):
    """An answer to a reviewer's information request: text and files (applicant or employer)."""

    text = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your answer.")},
    )
    attachments = MultipleFileField(
        label=_("Files to send with your answer (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG. You can choose several files."),
    )


class OneLineCharField(forms.CharField):
    """A name or title: stored on one line (``apps.core.text.one_line``), so a line break pasted
    into it cannot reach an e-mail header, a CSV row or a page title."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return one_line(text) if text else text
