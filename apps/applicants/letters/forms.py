"""Forms of the decision pages: asking for a review, and the public check of a letter."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import MultipleFileField


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class ReviewRequestForm(forms.Form):
    grounds = forms.CharField(
        label=_("Why should the decision be reviewed?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say what the decision got wrong, and which facts or documents show it."),
        error_messages={"required": _("Write why the decision should be reviewed.")},
    )
    attachments = MultipleFileField(
        label=_("Documents that support your request (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG. You can choose several files."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class VerifyLetterForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=40,
        help_text=_("As printed on the letter, for example KTP-7Q2M-X9RB."),
        error_messages={"required": _("Enter the case reference printed on the letter.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The 16-character code printed on the letter; hyphens and spaces do not matter."),
        error_messages={"required": _("Enter the verification code printed on the letter.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
