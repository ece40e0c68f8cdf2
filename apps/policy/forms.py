"""Forms of the policy pages: each field checked with a message a person understands."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.rubric.models import RubricVersion


class StartDraftForm(forms.Form):
    base = forms.ModelChoiceField(
        label=_("Start from"),
        queryset=RubricVersion.objects.order_by("-effective_from"),
        to_field_name="code",
        error_messages={"invalid_choice": _("Choose one of the versions listed.")},
    )
    code = forms.CharField(
        label=_("Code of the new version"), max_length=20, help_text=_("For example “2027-03”.")
    )
    title = forms.CharField(label=_("Title"), max_length=200)


def _json_field(value: str, what: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise forms.ValidationError(
            _("The %(what)s is not valid JSON: %(msg)s (line %(line)s, column %(column)s).")
            % {"what": what, "msg": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from None


class ConformanceCaseForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Where the expected results come from: a guideline's paragraph, a worked example."),
    )
    profile = forms.CharField(
        label=_("Profile (facts by their catalogue names, JSON)"),
        widget=forms.Textarea(attrs={"rows": 6, "class": "font-monospace", "spellcheck": "false"}),
    )
    expected = forms.CharField(
        label=_("Expected results (JSON)"),
        help_text=_(
            'Any of: "points" per criterion, "total", "thresholds" and "tracks" (true or false), e.g. '
            '{"points": {"A1": 20}, "total": 72, "thresholds": {"pass_mark": true}, "tracks": {"qualitative": true}}'
        ),
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace", "spellcheck": "false"}),
    )

    def clean_profile(self) -> Any:
        return _json_field(self.cleaned_data["profile"], str(_("profile")))

    def clean_expected(self) -> Any:
        return _json_field(self.cleaned_data["expected"], str(_("expected results")))


class ApproveForm(forms.Form):
    start = forms.DateField(
        label=_("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Today or later. The version it replaces ends the day before."),
    )

    def clean_start(self) -> Any:
        start = self.cleaned_data["start"]
        if start < timezone.localdate():
            raise forms.ValidationError(_("The start date is in the past: choose today or a later date."))
        return start


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it goes back to the author"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
