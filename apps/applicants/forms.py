"""The public self-assessment form: the answers of ``self_assessment.answer_fields()`` plus the version.

The form is sent with GET, so the query string holds the answers under their API names and a result
can be bookmarked, shared and edited. Every error message says what to do in words a person
understands; the scoring itself stays in ``self_assessment`` and the engine.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.applicants.self_assessment import UnknownInstitution, answer_fields, institution_rank
from apps.core.forms import KrwField
from apps.rubric.answers import profile_values
from apps.rubric.models import EngineeringSchool, RubricVersion
from apps.rubric.selectors import (
    NoGniFigure,
    NoVersionInForce,
    gni_in_force,
    government_programmes,
    published_versions,
    rubric_version_in_force,
    strategic_fields,
)

MAX_SALARY_KRW = 10_000_000_000
MAX_YEARS = Decimal(60)
MAX_OUTPUTS = 100_000
RATINGS = range(6)  # the default rubric's 0-5 scales

UNKNOWN_INSTITUTION_MESSAGE = _(
    "We could not find this institution in the list; choose one from the suggestions or leave it empty "
    "(counted as unranked)."
)

DEGREE_CHOICES: list[tuple[str, str | Promise]] = [
    ("none", _("No university degree")),
    ("bachelor", _("Bachelor's degree")),
    ("master", _("Master's degree")),
    ("doctorate", _("Doctorate (PhD)")),
]


YEARS_ERRORS: dict[str, Any] = {
    "invalid": _("Enter a number of years, for example 7 or 7.5."),
    "min_value": _("The number of years cannot be negative."),
    "max_value": _("Enter at most %(limit_value)s years."),
}


def _rating_choices(low: str | Promise, high: str | Promise) -> list[tuple[int, str | Promise]]:
    """0-5, with words at both ends so the scale explains itself (kept lazy: built at import time)."""
    choices: list[tuple[int, str | Promise]] = []
    for rating in RATINGS:
        label: str | Promise = str(rating)
        if rating == RATINGS[0]:
            label = format_lazy("{} – {}", rating, low)
        elif rating == RATINGS[-1]:
            label = format_lazy("{} – {}", rating, high)
        choices.append((rating, label))
    return choices


class DatalistTextInput(forms.TextInput):
    """A text input with a ``<datalist>`` of suggestions; any text may still be typed."""

    template_name = "applicants/widgets/datalist_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.options: list[tuple[str, str]] = []  # (value, label)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id') or name}_options"
        widget["attrs"]["list"] = list_id
        widget["datalist_id"] = list_id
        widget["options"] = self.options
        return context


def _version_label(version: RubricVersion) -> str:
    start = date_format(version.effective_from, "DATE_FORMAT")
    if version.effective_to is None:
        return str(_("%(code)s, in force from %(start)s") % {"code": version.code, "start": start})
    end = date_format(version.effective_to, "DATE_FORMAT")
    return str(
        _("%(code)s, in force from %(start)s to %(end)s") % {"code": version.code, "start": start, "end": end}
    )


class SelfAssessmentForm(forms.Form):
    degree_level = forms.ChoiceField(
        label=_("Highest degree"),
        choices=DEGREE_CHOICES,
        required=False,
        initial="none",
        error_messages={"invalid_choice": _("Choose one of the degree levels in the list.")},
    )
    institution = forms.CharField(
        label=_("University that awarded this degree"),
        required=False,
        max_length=255,
        help_text=_(
            "Start typing and choose from the suggestions. Leave it empty if your university is not in "
            "the list: it then counts as unranked."
        ),
        widget=DatalistTextInput(attrs={"autocomplete": "off"}),
        error_messages={"max_length": _("Enter at most %(limit_value)d characters.")},
    )
    institution_rank = forms.IntegerField(
        label=_("Or: the university's rank in the engineering-school list (optional)"),
        required=False,
        min_value=1,
        max_value=100_000,
        help_text=_("Only if you know it. When given, it is used instead of the university's name."),
        error_messages={
            "invalid": _("Enter the rank as a whole number, for example 42."),
            "min_value": _("A rank starts at 1."),
            "max_value": _("Enter a rank of at most %(limit_value)s."),
        },
    )
    experience_years = forms.DecimalField(
        label=_("Years of relevant professional experience"),
        required=False,
        min_value=0,
        max_value=MAX_YEARS,
        help_text=_("Work in your technical field after your first degree. Leave empty for none."),
        error_messages=YEARS_ERRORS,
    )
    fortune_global_500_years = forms.DecimalField(
        label=_("Of those, years at a Fortune Global 500 company"),
        required=False,
        min_value=0,
        max_value=MAX_YEARS,
        help_text=_("Companies on Fortune magazine's list of the 500 largest companies in the world."),
        error_messages=YEARS_ERRORS,
    )
    field = forms.ChoiceField(
        label=_("Your field of work"),
        required=False,
        initial="other",
        error_messages={"invalid_choice": _("Choose a field from the list, or “Other field”.")},
    )
    publications_and_patents = forms.IntegerField(
        label=_("Number of publications and granted patents"),
        required=False,
        min_value=0,
        max_value=MAX_OUTPUTS,
        help_text=_("Peer-reviewed publications plus patents that have been granted (not only filed)."),
        error_messages={
            "invalid": _("Enter a whole number, for example 12."),
            "min_value": _("The number cannot be negative."),
            "max_value": _("Enter at most %(limit_value)s."),
        },
    )
    led_project_years = forms.DecimalField(
        label=_("Years you led a major R&D project as principal investigator or technical lead"),
        required=False,
        min_value=0,
        max_value=MAX_YEARS,
        help_text=_("Leave empty if you have not led one."),
        error_messages=YEARS_ERRORS,
    )
    international_award = forms.BooleanField(
        label=_("I hold an international award for my research or technical work"), required=False
    )
    offered_salary_krw = KrwField(
        label=_("Offered annual salary in Korean won (KRW)"),
        required=False,
        min_value=0,
        max_value=MAX_SALARY_KRW,
        error_messages={
            "invalid": _("Enter the salary in won as a whole number, for example 150000000."),
            "min_value": _("The salary cannot be negative."),
            "max_value": _("Enter a salary of at most 10,000,000,000 KRW."),
        },
    )
    sponsor_is_sme = forms.BooleanField(
        label=_("The employer offering the job is a small or medium-sized enterprise (SME)"),
        required=False,
        help_text=_("The SME bonus is confirmed later from the employer's SME confirmation certificate."),
    )
    core_technology_role = forms.TypedChoiceField(
        label=_("How central is the job to the employer's core technology?"),
        required=False,
        coerce=int,
        choices=_rating_choices(_("not related"), _("at the very core")),
        help_text=_("As the employer would rate it in the sponsorship, from 0 to 5."),
        error_messages={"invalid_choice": _("Choose a rating from 0 to 5.")},
    )
    hard_to_fill = forms.BooleanField(
        label=_(
            "The employer has looked for a suitable candidate in Korea for at least 3 months without success"
        ),
        required=False,
    )
    transfer_plan = forms.TypedChoiceField(
        label=_("How developed is the plan to transfer technology or train Korean staff?"),
        required=False,
        coerce=int,
        choices=_rating_choices(_("no plan"), _("a detailed, committed plan")),
        help_text=_("As the employer would rate it in the sponsorship, from 0 to 5."),
        error_messages={"invalid_choice": _("Choose a rating from 0 to 5.")},
    )
    government_programme = forms.ChoiceField(
        label=_("Were you recruited through a government programme?"),
        required=False,
        help_text=_(
            "Scholars recruited through a recognised programme qualify automatically once confirmed."
        ),
        error_messages={"invalid_choice": _("Choose a programme from the list, or “None”.")},
    )
    version = forms.ChoiceField(
        label=_("Rubric version"),
        required=False,
        help_text=_("The rules in force today are used unless you choose another published version."),
        error_messages={"invalid_choice": _("Choose one of the published rubric versions.")},
    )

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.answers: dict[str, Any] | None = None  # the valid answers, once validated
        self._set_reference_choices()
        self._mark_live_numbers()
        self.helper = self._build_helper()

    def _mark_live_numbers(self) -> None:
        """Number answers update the result as people type (the form's hx-trigger targets this class)."""
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField | forms.DecimalField):
                css = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{css} sa-live-number".strip()

    # --- choices from the reference data, in the request's language ----------------------------

    def _set_reference_choices(self) -> None:
        field_choices: list[tuple[str, str | Promise]] = [
            (f.code, f.display_name) for f in strategic_fields()
        ]
        field_choices.append(("other", pgettext_lazy("field of work", "Other field")))
        self._choice_field("field").choices = field_choices

        programme_choices: list[tuple[str, str | Promise]] = [
            ("", pgettext_lazy("government programme", "None"))
        ]
        programme_choices += [(p.code, p.display_name) for p in government_programmes()]
        self._choice_field("government_programme").choices = programme_choices

        try:
            in_force = rubric_version_in_force(self.today).code
            today_label = str(_("The rules in force today (%(code)s)") % {"code": in_force})
        except NoVersionInForce:
            today_label = str(_("The rules in force today"))
        version_choices: list[tuple[str, str | Promise]] = [("", today_label)]
        version_choices += [(v.code, _version_label(v)) for v in published_versions()]
        self._choice_field("version").choices = version_choices

        widget = self.fields["institution"].widget
        assert isinstance(widget, DatalistTextInput)
        widget.options = [self._school_option(s) for s in EngineeringSchool.objects.order_by("rank", "name")]

        try:
            gni = gni_in_force(self.today)
        except NoGniFigure:
            return
        self.fields["offered_salary_krw"].help_text = _(
            "Gross pay per year, as in the contract or offer letter. For comparison, Korea's per-capita GNI "
            "for %(year)s is %(gni)s KRW."
        ) % {"year": gni.year, "gni": intcomma(gni.amount_krw)}

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    @staticmethod
    def _school_option(school: EngineeringSchool) -> tuple[str, str]:
        shown = school.display_name
        other = school.name if shown != school.name else school.name_ko
        details = [part for part in (other, school.country) if part and part != shown]
        return shown, " · ".join(details)

    def _build_helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(
            Fieldset(
                _("Your education"),
                "degree_level",
                "institution",
                Field("institution_rank", inputmode="numeric"),
            ),
            Fieldset(
                _("Your experience and expertise"),
                Field("experience_years", step="any", inputmode="decimal"),
                Field("fortune_global_500_years", step="any", inputmode="decimal"),
                "field",
                Field("publications_and_patents", inputmode="numeric"),
                Field("led_project_years", step="any", inputmode="decimal"),
                "international_award",
            ),
            Fieldset(
                _("The job offer in Korea"),
                Field("offered_salary_krw", inputmode="numeric"),
                "sponsor_is_sme",
                "core_technology_role",
                "hard_to_fill",
                "transfer_plan",
            ),
            Fieldset(_("Government programme"), "government_programme"),
            Fieldset(_("Rules to apply"), "version"),
        )
        return helper

    # --- validation -----------------------------------------------------------------------------

    def clean_degree_level(self) -> str:
        return str(self.cleaned_data.get("degree_level") or "none")

    def clean_field(self) -> str:
        return str(self.cleaned_data.get("field") or "other")

    def clean_institution(self) -> str:
        name = str(self.cleaned_data.get("institution") or "").strip()
        if name:
            try:
                institution_rank(rank=None, institution=name)
            except UnknownInstitution:
                raise forms.ValidationError(UNKNOWN_INSTITUTION_MESSAGE, code="unknown_institution") from None
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                profile_values(cleaned)
                self.answers = cleaned
            except UnknownInstitution:
                self.add_error("institution", forms.ValidationError(UNKNOWN_INSTITUTION_MESSAGE))
        return cleaned

    @property
    def version_code(self) -> str | None:
        """The chosen version, or ``None`` for the one in force today (only after ``is_valid``)."""
        return self.cleaned_data.get("version") or None

    @staticmethod
    def is_answered(data: Any) -> bool:
        """Whether a query string carries answers (a bare ``?version=`` only preselects the version)."""
        return any(name in data for name in answer_fields())
