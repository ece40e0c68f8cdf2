"""The public self-assessment form: the answers of ``scoring.answer_fields()`` plus the version.

The form is sent with GET, so the query string holds the answers under their API names and a result
can be bookmarked, shared and edited. Every error message says what to do in words a person
understands; the scoring itself stays in ``scoring`` (this package) and the engine.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.applicants.self_assessment.scoring import UnknownInstitution, answer_fields, institution_rank
from apps.rubric.answers import answer_problems, profile_values
from apps.rubric.fact_fields import OTHER_FIELD_CHOICE, form_field, form_widget_attrs
from apps.rubric.language.catalogue import FactDef, default_catalogue
from apps.rubric.models import EngineeringSchool, GovernmentProgramme, RubricVersion, StrategicField
from apps.rubric.selectors import (
    RECOGNISED_PROGRAMMES,
    STRATEGIC,
    NoGniFigure,
    NoVersionInForce,
    gni_in_force,
    government_programmes,
    published_versions,
    rubric_version_in_force,
    strategic_fields,
)

UNKNOWN_INSTITUTION_MESSAGE = _(
    "We could not find this institution in the list; choose one from the suggestions or leave it empty "
    "(counted as unranked)."
)
# How the form groups the catalogue's facts (each fact names its section in the catalogue).
SECTION_TITLES: dict[str, str | Promise] = {
    "education": _("Your education"),
    "experience": _("Your experience and expertise"),
    "job_offer": _("The job offer in Korea"),
    "programme": _("Government programme"),
    "more": _("More about you"),
}
INSTITUTION_RANK = "institution_rank"  # the name field ``institution`` is asked just before it


def reference_choices(fact: FactDef) -> list[tuple[str, str | Promise]]:
    """A code fact's choices: its reference list in the database, then its default ("other")."""
    rows: list[StrategicField] | list[GovernmentProgramme] = []
    if fact.reference == STRATEGIC:
        rows = strategic_fields()
    elif fact.reference == RECOGNISED_PROGRAMMES:
        rows = government_programmes()
    choices: list[tuple[str, str | Promise]] = [(row.code, row.display_name) for row in rows]
    if fact.default is not None:
        choices.append((fact.default, OTHER_FIELD_CHOICE))
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
    """One field per fact of the catalogue (its question, help, bounds and options), plus the
    university's name (looked up for its rank) and the rubric version."""

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
        self._add_fact_fields()
        self._set_reference_choices()
        self._mark_live_numbers()
        self.helper = self._build_helper()

    def _mark_live_numbers(self) -> None:
        """Number answers update the result as people type (the form's hx-trigger targets this class)."""
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField | forms.DecimalField):
                css = field.widget.attrs.get("class", "")
                field.widget.attrs["class"] = f"{css} sa-live-number".strip()

    def _add_fact_fields(self) -> None:
        """The catalogue's facts, in its order, before the version choice (the layout groups them)."""
        version = self.fields.pop("version")
        for fact in default_catalogue().facts.values():
            choices = reference_choices(fact) if fact.type == "code" else None
            self.fields[fact.code] = form_field(fact, reference_choices=choices)
        self.fields["version"] = version

    # --- choices from the reference data, in the request's language ----------------------------

    def _set_reference_choices(self) -> None:
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
        if "offered_salary_krw" not in self.fields:
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
        sections: dict[str, list[Any]] = {section: [] for section in SECTION_TITLES}
        for fact in default_catalogue().facts.values():
            if fact.code == INSTITUTION_RANK:
                sections[fact.section].append("institution")
            attrs = form_widget_attrs(fact)
            sections[fact.section].append(Field(fact.code, **attrs) if attrs else fact.code)
        if "institution" not in {name for names in sections.values() for name in names}:
            sections["education"].insert(0, "institution")
        helper.layout = Layout(
            *(Fieldset(SECTION_TITLES[section], *names) for section, names in sections.items() if names),
            Fieldset(_("Rules to apply"), "version"),
        )
        return helper

    # --- validation -----------------------------------------------------------------------------

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
        for fact in default_catalogue().facts.values():  # an empty answer is the fact's default
            if cleaned.get(fact.code) in (None, "") and fact.default is not None:
                cleaned[fact.code] = fact.default
        for name, problem in answer_problems(cleaned).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, forms.ValidationError(problem, code="inconsistent"))
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
    def is_sent(data: Any) -> bool:
        """Whether a query string carries the form's answer names (a bare ``?version=`` does not)."""
        return any(name in data for name in answer_fields())

    @staticmethod
    def is_answered(data: Any) -> bool:
        """Whether a query string carries at least one real answer: a value that is neither empty nor
        the fact's default (the form sent untouched says "no degree", "other field", ratings 0)."""
        facts = default_catalogue().facts
        for name in answer_fields():
            value = str(data.get(name, "")).strip()
            fact = facts.get(name)
            defaults = (
                {"", "0"} if fact is None or fact.default is None else {"", "0", str(fact.default).lower()}
            )
            if name in data and value.lower() not in defaults:
                return True
        return False
