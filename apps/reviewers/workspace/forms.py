"""The workspace's forms. They check what a form can (required, numbers, the case's scales); the
services check the rest again, so a form is a convenience, never the only guard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.cases.casefile import ASSESSED_FACTS  # what a reviewer verifies here, with reasons
from apps.cases.models import DecisionReason, InformationRequest, QualitativeAssessment
from apps.cases.review_moves import reason_codes_error, reasons_for
from apps.cases.reviewer_findings import (
    NOTE_MAX_LENGTH,
    OTHER_FIELD,
    QualitativeScales,
    QualitativeValues,
    max_led_years,
    rating_error,
)
from apps.rubric.selectors import strategic_fields
from apps.rubric.wording import fact_label

# A reasonable time to gather a document; the reviewer can change it.
DEFAULT_RESPONSE_DAYS = 7
TEXT_MAX_LENGTH = 5000
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _justification(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write the justification.")},
    )


# Bootstrap's class for each kind of input (the templates render fields one by one).
INPUT_CLASSES = {
    "checkbox": "form-check-input",
    "radioselect": "form-check-input",
    "checkboxselectmultiple": "form-check-input",
    "select": "form-select",
}


class DescribedForm(forms.Form):
    """Each input names its help text and its errors for screen readers (aria-describedby), with
    the ids reviewers/_workspace_field.html gives them. Call ``describe()`` just before rendering,
    after any error a service added."""

    def describe(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            invalid = self.is_bound and bool(self.errors.get(name))
            classes = [INPUT_CLASSES.get(bound.widget_type, "form-control")]
            described = [f"{bound.auto_id}_helptext"] if field.help_text else []
            if invalid:
                classes.append("is-invalid")
                described.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            field.widget.attrs["class"] = " ".join(classes)
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)


class QualitativeAssessmentForm(DescribedForm):
    field = forms.ChoiceField(label=_("Verified field"))
    field_justification = _justification(_("Why this field"))
    publications_and_patents = forms.IntegerField(
        label=_("Publications and granted patents (verified count)"),
        min_value=0,
        error_messages={"min_value": _("The count cannot be negative."), "required": _("Enter the count.")},
    )
    publications_justification = _justification(_("How the publications and patents were verified"))
    led_project_years = forms.DecimalField(
        label=_("Years leading a major R&D project as principal investigator or technical lead"),
        min_value=Decimal(0),
        max_value=max_led_years(),
        max_digits=4,
        decimal_places=1,
        error_messages={"required": _("Enter the years (0 if none).")},
    )
    international_award = forms.BooleanField(label=_("Holds an international award"), required=False)
    leadership_justification = _justification(_("How the leadership or award was verified"))
    core_technology_role = forms.IntegerField(
        label=_("Core-technology role (rating)"), error_messages={"required": _("Enter the rating.")}
    )
    core_technology_justification = _justification(_("Why this rating"))
    hard_to_fill = forms.ChoiceField(
        label=_("Hard to fill domestically"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    hard_to_fill_justification = _justification(_("Why the post is, or is not, hard to fill"))
    transfer_plan = forms.IntegerField(
        label=_("Technology-transfer or training plan (rating)"),
        error_messages={"required": _("Enter the rating.")},
    )
    transfer_plan_justification = _justification(_("Why this rating for the plan"))

    def __init__(self, *args: Any, scales: QualitativeScales, **kwargs: Any) -> None:
        self.scales = scales
        super().__init__(*args, **kwargs)
        field_choice = self.fields["field"]
        assert isinstance(field_choice, forms.ChoiceField)
        field_choice.choices = field_choices(scales)
        for code in ASSESSED_FACTS:  # what each fact is called: the catalogue's label
            self.fields[code].label = fact_label(code)
        for name, maximum in (
            ("core_technology_role", scales.core_technology_role_max),
            ("transfer_plan", scales.transfer_plan_max),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.IntegerField)
            field.help_text = _("From 0 to %(max)s.") % {"max": maximum}
            field.widget.attrs.update(min=0, max=maximum)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, maximum in (
            ("core_technology_role", self.scales.core_technology_role_max),
            ("transfer_plan", self.scales.transfer_plan_max),
        ):
            rating = cleaned.get(name)
            if rating is not None and not 0 <= rating <= maximum:
                self.add_error(name, rating_error(maximum))
        return cleaned

    def values(self) -> QualitativeValues:
        data = self.cleaned_data
        return QualitativeValues(
            field=data["field"],
            field_justification=data["field_justification"],
            publications_and_patents=data["publications_and_patents"],
            publications_justification=data["publications_justification"],
            led_project_years=data["led_project_years"],
            international_award=data["international_award"],
            leadership_justification=data["leadership_justification"],
            core_technology_role=data["core_technology_role"],
            core_technology_justification=data["core_technology_justification"],
            hard_to_fill=data["hard_to_fill"] == "yes",
            hard_to_fill_justification=data["hard_to_fill_justification"],
            transfer_plan=data["transfer_plan"],
            transfer_plan_justification=data["transfer_plan_justification"],
        )


def field_choices(scales: QualitativeScales) -> list[tuple[str, str]]:
    listed = [(f.code, f.display_name) for f in strategic_fields() if f.code in scales.fields]
    return [*listed, (OTHER_FIELD, str(pgettext_lazy("field of work", "Other field")))]


def assessment_initial(assessment: QualitativeAssessment | None, values: Mapping[str, Any]) -> dict[str, Any]:
    """The current assessment to correct; before the first, the facts the score uses now (the
    applicant's declared B1 facts and the sponsor's own B2 ratings), to confirm or correct."""
    if assessment is None:
        return {
            "field": values.get("field") or OTHER_FIELD,
            "publications_and_patents": values.get("publications_and_patents"),
            "led_project_years": values.get("led_project_years"),
            "international_award": bool(values.get("international_award")),
            "core_technology_role": values.get("core_technology_role"),
            "hard_to_fill": "yes" if values.get("hard_to_fill") else "no",
            "transfer_plan": values.get("transfer_plan"),
        }
    names = [f.name for f in QualitativeAssessment._meta.concrete_fields]
    initial = {name: getattr(assessment, name) for name in names}
    initial["hard_to_fill"] = "yes" if assessment.hard_to_fill else "no"
    return initial


class InformationRequestForm(DescribedForm):
    addressee = forms.ChoiceField(
        label=_("Ask"),
        choices=InformationRequest.Addressee.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whom the request is for.")},
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("They see this message. Say what is missing or unclear."),
        error_messages={"required": _("Write the message.")},
    )
    needed = forms.CharField(
        label=_("What is needed"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The documents or answers they should send."),
        error_messages={"required": _("Write what is needed.")},
    )
    respond_by = forms.DateField(
        label=_("Respond by"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The processing clock is paused until they answer."),
        error_messages={"required": _("Enter the date to respond by."), "invalid": _("Enter a date.")},
    )

    def __init__(self, *args: Any, can_ask_employer: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"addressee": InformationRequest.Addressee.APPLICANT})
        kwargs["initial"].setdefault("respond_by", default_respond_by())
        super().__init__(*args, **kwargs)
        addressee = self.fields["addressee"]
        assert isinstance(addressee, forms.ChoiceField)
        if not can_ask_employer:
            addressee.choices = [
                (InformationRequest.Addressee.APPLICANT, InformationRequest.Addressee.APPLICANT.label)
            ]

    def clean_respond_by(self) -> dt.date:
        day: dt.date = self.cleaned_data["respond_by"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("The response date cannot be in the past."))
        return day


def default_respond_by() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=DEFAULT_RESPONSE_DAYS)


APPROVE, REJECT = "approve", "reject"


class DecisionForm(DescribedForm):
    outcome = forms.ChoiceField(
        label=_("Approve or reject"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose approve or reject.")},
    )
    reason_codes = forms.MultipleChoiceField(
        label=_("Reasons"),
        choices=DecisionReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one reason.")},
    )
    explanation = forms.CharField(
        label=_("Explanation for the applicant"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant reads this with the decision. Write in plain words."),
        error_messages={"required": _("Write the explanation for the applicant.")},
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, can_approve: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Approval is offered only while the case is in review (the only state it can be decided in).
        choices = [(APPROVE, _("Approve"))] if can_approve else []
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [*choices, (REJECT, _("Reject"))]
        approval = "; ".join(f"“{DecisionReason(code).label}”" for code in reasons_for(approve=True))
        self.fields["reason_codes"].help_text = _(
            "Choose reasons that match the decision: %(approval)s explains an approval; the others "
            "explain a rejection."
        ) % {"approval": approval}

    def clean(self) -> dict[str, Any]:
        """Reasons of the other outcome are refused here, as the service would (apps.cases.review_moves)."""
        cleaned = super().clean() or {}
        if cleaned.get("outcome") and cleaned.get("reason_codes"):
            error = reason_codes_error(
                approve=cleaned["outcome"] == APPROVE, reason_codes=cleaned["reason_codes"]
            )
            if error:
                self.add_error("reason_codes", error)
        return cleaned

    @property
    def approve(self) -> bool:
        return self.cleaned_data["outcome"] == APPROVE


class SmeReviewForm(DescribedForm):
    decision = forms.ChoiceField(
        label=_("Your decision on the certificate"),
        choices=[
            ("verify", _("Verify: the certificate is genuine and covers the submission date")),
            ("reject", _("Reject: the certificate does not show SME status on the submission date")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose verify or reject.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A rejection's reason is shown to the employer."),
        error_messages={"required": _("Write the reason for your decision.")},
    )


class NoteForm(DescribedForm):
    text = forms.CharField(
        label=_("Internal note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only ministry staff see notes. Applicants and employers never do."),
        error_messages={"required": _("Write the note.")},
    )
