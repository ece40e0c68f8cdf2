"""Forms of the application: the profile (with its degree and job rows), the track, evidence,
submission and withdrawal.

Forms only validate and describe; the views hand ``cleaned_data`` to ``apps.applicants.services``.
Error messages say what to do; every field has a visible label.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, formset_factory
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.debug import sensitive_variables

from apps.applicants.models import FIRST_YEAR, MAX_YEARS, DegreeLevel
from apps.applicants.self_assessment.forms import DatalistTextInput, reference_choices
from apps.applicants.services import (
    FG500_FROM_LIST,
    FG500_NO,
    FG500_YES,
    fortune_global_500_status,
    listed_school,
)
from apps.cases.models import Track
from apps.core.forms import ACCEPTED_FILES, InformationAnswerForm, KrwField, OneLineCharField
from apps.programmes.passports import InvalidPassportNumber, clean_passport_number
from apps.rubric.fact_fields import form_field, form_widget_attrs
from apps.rubric.models import EngineeringSchool, FortuneGlobal500Company
from apps.rubric.selectors import government_programmes, strategic_fields
from apps.rubric.wording import fact_help, fact_question, further_facts

YEARS_ERRORS: dict[str, Any] = {
    "invalid": _("Enter a number of years, for example 7 or 7.5."),
    "min_value": _("The number of years cannot be negative."),
    "max_value": _("Enter at most %(limit_value)s years."),
    "max_decimal_places": _("Enter at most 2 decimal places, for example 7.25."),
}
WHOLE_NUMBER_ERRORS: dict[str, Any] = {
    "invalid": _("Enter a whole number, for example 12."),
    "min_value": _("The number cannot be negative."),
    "max_value": _("Enter at most %(limit_value)s."),
}
UNKNOWN_SCHOOL = _(
    "We could not find this university in the list of engineering schools. Choose one from the "
    "suggestions, or leave it empty if yours is not listed (it then counts as unranked)."
)


YEAR_ERRORS: dict[str, Any] = {"invalid": _("Enter a year as four digits, for example 2015.")}


def _this_year() -> int:
    return timezone.localdate().year


def _year_widget(field: forms.Field) -> None:
    field.error_messages.update(YEAR_ERRORS)
    field.widget.attrs.update(min=FIRST_YEAR, max=_this_year() + 1, inputmode="numeric")


def _checked_year(value: int | None) -> int | None:
    last = _this_year() + 1
    if value is not None and not FIRST_YEAR <= value <= last:
        raise ValidationError(
            _("Enter a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last},
            code="year_range",
        )
    return value


def school_options() -> list[tuple[str, str]]:
    options = []
    for school in EngineeringSchool.objects.order_by("rank", "name"):
        shown = school.display_name
        other = school.name if shown != school.name else school.name_ko
        details = [part for part in (other, school.country) if part and part != shown]
        options.append((shown, " · ".join(details)))
    return options


def company_options() -> list[tuple[str, str]]:
    return [(c.display_name, "Fortune Global 500") for c in FortuneGlobal500Company.objects.order_by("rank")]


def field_choices() -> list[tuple[str, str | Promise]]:
    choices: list[tuple[str, str | Promise]] = [("", _("Choose your field"))]
    choices += [(f.code, f.display_name) for f in strategic_fields()]
    choices.append(("other", pgettext_lazy("field of work", "Other field")))
    return choices


def _helper(*layout: Any, unmentioned: bool = True) -> FormHelper:
    """No <form> tag or token (the template has them); with a layout, other fields still render
    unless ``unmentioned`` is False (the formset's hidden id and "remove" box need it)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if layout:
        helper.layout = Layout(*layout)
        helper.render_unmentioned_fields = unmentioned
    return helper


# --- The profile ---------------------------------------------------------------------------------


class ProfileForm(forms.Form):
    full_name = OneLineCharField(
        label=_("Full name, as in your passport"),
        max_length=200,
        error_messages={"required": _("Enter your full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    nationality = OneLineCharField(
        label=_("Nationality"),
        max_length=100,
        error_messages={"required": _("Enter your nationality.")},
        widget=forms.TextInput(attrs={"autocomplete": "country-name"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, for example 1988-04-21.")},
    )
    field = forms.ChoiceField(
        label=_("Your field of work"),
        error_messages={
            "required": _("Choose your field, or “Other field”."),
            "invalid_choice": _("Choose a field from the list, or “Other field”."),
        },
    )
    offered_salary_krw = KrwField(
        label=_("Offered annual salary in Korean won (KRW) (optional)"),
        required=False,
        min_value=0,
        max_value=10_000_000_000,
        help_text=_("Gross pay per year in the offer you have. Your employer's sponsorship confirms it."),
        error_messages={
            "invalid": _("Enter the salary in won as a whole number, for example 150000000."),
            "min_value": _("The salary cannot be negative."),
            "max_value": _("Enter a salary of at most 10,000,000,000 KRW."),
        },
    )
    publications_and_patents = forms.IntegerField(
        label=_("Number of publications and granted patents"),
        required=False,
        min_value=0,
        max_value=100_000,
        help_text=_("Peer-reviewed publications plus patents that have been granted (not only filed)."),
        error_messages=WHOLE_NUMBER_ERRORS,
    )
    led_project_years = forms.DecimalField(
        label=_("Years you led a major R&D project as principal investigator or technical lead"),
        required=False,
        min_value=0,
        max_value=MAX_YEARS,
        decimal_places=2,
        help_text=_("Leave empty if you have not led one."),
        error_messages=YEARS_ERRORS,
    )
    international_award = forms.BooleanField(
        label=_("I hold an international award for my research or technical work"), required=False
    )
    award_description = forms.CharField(
        label=_("The award: its name, who gave it and the year"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # The facts this form asks, by field name: their questions and help come from the catalogue.
    CATALOGUE_FACTS = ("field", "publications_and_patents", "led_project_years", "international_award")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["field"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = field_choices()
        for code in self.CATALOGUE_FACTS:
            self.fields[code].label = fact_question(code)
            self.fields[code].help_text = fact_help(code)
        salary = self.fields["offered_salary_krw"]
        salary.label = _("%(question)s (optional)") % {"question": fact_question("offered_salary_krw")}
        further = further_facts()
        for fact in further:  # asked of the applicant, supplied by nothing else in the profile
            choices = reference_choices(fact) if fact.type == "code" else None
            self.fields[fact.code] = form_field(fact, reference_choices=choices)
        more: list[Any] = []
        for fact in further:
            attrs = form_widget_attrs(fact)
            more.append(Field(fact.code, **attrs) if attrs else fact.code)
        self.helper = _helper(
            Fieldset(
                _("About you"),
                Row(Column("full_name", css_class="col-md-7"), Column("nationality", css_class="col-md-5")),
                Row(Column("date_of_birth", css_class="col-md-5")),
            ),
            Fieldset(
                _("Your expertise"),
                "field",
                Row(
                    Column(Field("publications_and_patents", inputmode="numeric"), css_class="col-md-6"),
                    Column(Field("led_project_years", step="any", inputmode="decimal"), css_class="col-md-6"),
                ),
                "international_award",
                "award_description",
            ),
            Fieldset(_("The job offer in Korea"), Field("offered_salary_krw", inputmode="numeric")),
            *([Fieldset(_("More about you"), *more)] if more else []),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("international_award") and not str(cleaned.get("award_description") or "").strip():
            self.add_error("award_description", _("Name the award, who gave it and the year."))
        return cleaned


class RowForm(forms.Form):
    """A degree or job row; ``id`` is the saved row's (empty for a new one)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)


class EducationForm(RowForm):
    degree_level = forms.ChoiceField(
        label=_("Degree"),
        choices=[("", _("Choose the degree")), *DegreeLevel.choices],
        error_messages={
            "required": _("Choose the degree."),
            "invalid_choice": _("Choose one of the degrees in the list."),
        },
    )
    institution = forms.CharField(
        label=_("University"),
        required=False,
        max_length=255,
        help_text=_("Start typing and choose from the suggestions (the list of engineering schools)."),
        widget=DatalistTextInput(attrs={"autocomplete": "off"}),
    )
    field_of_study = forms.CharField(label=_("Field of study"), required=False, max_length=200)
    year = forms.IntegerField(label=_("Year awarded"), required=False)

    def __init__(self, *args: Any, schools: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["institution"].widget
        assert isinstance(widget, DatalistTextInput)
        widget.options = schools or []
        _year_widget(self.fields["year"])
        self.helper = _helper(
            "id",
            Row(Column("degree_level", css_class="col-md-6"), Column("year", css_class="col-md-6")),
            "institution",
            "field_of_study",
        )

    def clean_year(self) -> int | None:
        return _checked_year(self.cleaned_data.get("year"))

    def clean_institution(self) -> str:
        name = str(self.cleaned_data.get("institution") or "").strip()
        if name and listed_school(name) is None:
            raise ValidationError(UNKNOWN_SCHOOL, code="unknown_institution")
        return name


FG500_FORM_CHOICES: list[tuple[str, str | Promise]] = [
    (FG500_FROM_LIST, _("As the Fortune Global 500 list says (recommended)")),
    (FG500_YES, _("Count it as a Fortune Global 500 company (explain below)")),
    (FG500_NO, _("Do not count it as a Fortune Global 500 company (explain below)")),
]


class EmploymentForm(RowForm):
    employer = forms.CharField(
        label=_("Employer"),
        max_length=200,
        help_text=_("The company's name. Suggestions come from the Fortune Global 500 list."),
        widget=DatalistTextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": _("Enter the employer's name.")},
    )
    start_year = forms.IntegerField(label=_("Start year"), required=False)
    end_year = forms.IntegerField(
        label=_("End year"), required=False, help_text=_("Leave empty if you still work there.")
    )
    years = forms.DecimalField(
        label=_("Or: years there"),
        required=False,
        min_value=0,
        max_value=MAX_YEARS,
        decimal_places=2,
        help_text=_("For example 2.5. When given, this is used instead of the start and end years."),
        error_messages=YEARS_ERRORS,
    )
    relevant = forms.BooleanField(
        label=_("Relevant experience in my technical field"), required=False, initial=True
    )
    fortune_global_500 = forms.ChoiceField(
        label=_("Fortune Global 500"),
        choices=FG500_FORM_CHOICES,
        initial=FG500_FROM_LIST,
        widget=forms.RadioSelect,
    )
    fortune_global_500_note = forms.CharField(
        label=_("Why it should count differently from the list"),
        required=False,
        max_length=300,
        help_text=_("For example: listed under its parent company's name. A reviewer checks this."),
    )

    def __init__(
        self,
        *args: Any,
        companies: list[tuple[str, str]] | None = None,
        listed: bool | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.listed = listed  # the saved row's list match, shown next to the choice
        widget = self.fields["employer"].widget
        assert isinstance(widget, DatalistTextInput)
        widget.options = companies or []
        for name in ("start_year", "end_year"):
            _year_widget(self.fields[name])
        self.helper = _helper(
            "id",
            "employer",
            Row(
                Column("start_year", css_class="col-md-4"),
                Column("end_year", css_class="col-md-4"),
                Column(Field("years", step="any", inputmode="decimal"), css_class="col-md-4"),
            ),
            "relevant",
            "fortune_global_500",
            "fortune_global_500_note",
        )

    def clean_start_year(self) -> int | None:
        return _checked_year(self.cleaned_data.get("start_year"))

    def clean_end_year(self) -> int | None:
        return _checked_year(self.cleaned_data.get("end_year"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if cleaned.get("years") is None and start is None:
            self.add_error("years", _("Give the number of years, or the year you started."))
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _("The end year cannot be before the start year."))
        if cleaned.get("employer"):
            try:
                fortune_global_500_status(
                    employer=cleaned["employer"],
                    choice=cleaned.get("fortune_global_500") or FG500_FROM_LIST,
                    note=cleaned.get("fortune_global_500_note") or "",
                )
            except ValidationError as error:
                self.add_error("fortune_global_500_note", error)
        return cleaned


class RowFormSet(BaseFormSet):
    """Rows to add, edit and remove. The "remove" box only on saved rows; one empty row to add."""

    delete_label: str | Promise = _("Remove this row")

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = str(self.delete_label)  # built per request, in its language

    def rows(self) -> list[dict[str, Any]]:
        """The changed rows as the service takes them: fields plus ``id`` and ``delete``."""
        rows = []
        for form in self.forms:
            if not form.has_changed() and not form.cleaned_data.get("id"):
                continue
            data = dict(form.cleaned_data)
            data["delete"] = bool(data.pop("DELETE", False))
            rows.append(data)
        return rows


class EducationFormSet(RowFormSet):
    delete_label = _("Remove this degree")


class EmploymentFormSet(RowFormSet):
    delete_label = _("Remove this job")


EducationRows = formset_factory(
    EducationForm, formset=EducationFormSet, extra=1, can_delete=True, can_delete_extra=False, max_num=20
)
EmploymentRows = formset_factory(
    EmploymentForm, formset=EmploymentFormSet, extra=1, can_delete=True, can_delete_extra=False, max_num=30
)


# --- The track -----------------------------------------------------------------------------------


class TrackForm(forms.Form):
    track = forms.ChoiceField(
        label=_("Track"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a track."),
            "invalid_choice": _("Choose one of the tracks offered."),
        },
    )
    government_programme = forms.ChoiceField(
        label=_("Were you recruited through a government programme?"),
        required=False,
        help_text=_("Needed for the government programme track."),
        error_messages={"invalid_choice": _("Choose a programme from the list, or “None”.")},
    )

    def __init__(self, *args: Any, tracks: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        track = self.fields["track"]
        assert isinstance(track, forms.ChoiceField)
        track.choices = [(code, Track(code).label) for code in tracks]
        programme = self.fields["government_programme"]
        assert isinstance(programme, forms.ChoiceField)
        programme.choices = [("", pgettext_lazy("government programme", "None"))] + [
            (p.code, p.display_name) for p in government_programmes()
        ]
        self.helper = _helper(Fieldset(_("Government programme"), "government_programme"), unmentioned=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("track") == Track.GOVERNMENT_PROGRAMME and not cleaned.get("government_programme"):
            self.add_error("government_programme", _("Choose the government programme that recruited you."))
        return cleaned


# --- Evidence ------------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG."),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file you chose is empty. Choose the file again."),
            "invalid": _("No file was received. Choose the file again."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )
    replace = forms.IntegerField(required=False, widget=forms.HiddenInput)


class InformationResponseForm(InformationAnswerForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


# --- Submission and withdrawal -------------------------------------------------------------------


class SubmitForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm that the information and documents in this application are true and complete."),
        error_messages={"required": _("Tick the box to confirm that your application is true and complete.")},
    )

    def __init__(self, *args: Any, needs_passport: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_passport:
            self.fields["passport_number"] = forms.CharField(
                label=_("Passport number"),
                max_length=40,
                strip=True,
                help_text=_(
                    "Used once, to find you on the programme's roster. It is not stored in your application."
                ),
                error_messages={"required": _("Enter your passport number.")},
                widget=forms.PasswordInput(
                    render_value=False,
                    attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
                ),
            )
        self.helper = _helper()

    @sensitive_variables("value", "number")
    def clean_passport_number(self) -> str:
        value = str(self.cleaned_data.get("passport_number") or "")
        try:
            number = clean_passport_number(value)
        except InvalidPassportNumber:
            raise ValidationError(
                _(
                    "Enter 6 to 12 letters or digits, as printed in your passport (spaces and hyphens are ignored)."
                )
            ) from None
        return number


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The ministry sees this reason in your application's history."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
