"""Forms of the employer pages. They check the shape of the input; the services decide the rest.

Every message says what to do; a refused form is shown again with everything typed kept (a chosen
file excepted: browsers do not allow a page to pre-fill a file input).
"""

from __future__ import annotations

import re
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from apps.cases.models import Sponsorship
from apps.cases.sponsorships import EDITABLE_FIELDS
from apps.core.forms import InformationAnswerForm as SharedInformationAnswerForm
from apps.core.forms import KrwField, OneLineCharField
from apps.organisations.brn import normalise_brn, validate_brn
from apps.organisations.models import SizeClass
from apps.rubric.selectors import strategic_fields

# The example number the forms show: it passes its own check digit (tests/organisations/test_brn.py).
EXAMPLE_BRN = "123-45-67891"
MAX_SALARY_KRW = 10_000_000_000
MAX_RECRUITING_MONTHS = 240
RATINGS = range(6)  # the default rubric's 0-5 scales
CASE_REFERENCE = re.compile(r"KTP-[0-9A-Z]{4}-[0-9A-Z]{4}")


def _no_helper_form_tag() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template writes the <form> (method, enctype, csrf token)
    return helper


class OrganisationRegisterForm(forms.Form):
    name = OneLineCharField(
        label=_("Organisation name"),
        max_length=200,
        help_text=_("As on the business registration certificate."),
        error_messages={"required": _("Enter the organisation's name.")},
    )
    business_registration_number = forms.CharField(
        label=_("Business registration number"),
        max_length=20,
        help_text=_(
            "The 10-digit number on the business registration certificate, for example %(example)s. Hyphens are optional."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the business registration number.")},
    )
    sector = OneLineCharField(
        label=_("Sector"),
        max_length=100,
        help_text=_("What the organisation does, for example “Semiconductor equipment”."),
        error_messages={"required": _("Enter the organisation's sector.")},
    )
    size_class = forms.ChoiceField(
        label=_("Size class"),
        choices=SizeClass.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "An SME earns the +10 bonus only after a reviewer verifies its SME confirmation certificate."
        ),
        error_messages={"required": _("Choose the size class of the organisation.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["business_registration_number"]
        field.help_text = str(field.help_text) % {"example": EXAMPLE_BRN}
        self.helper = _no_helper_form_tag()

    def clean_business_registration_number(self) -> str:
        digits = normalise_brn(self.cleaned_data["business_registration_number"])
        validate_brn(digits)
        return digits


UPLOAD_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class RegistrationCertificateForm(forms.Form):
    """The organisation's administrator sends the business registration certificate (사업자등록증)."""

    certificate = forms.FileField(
        label=_("Business registration certificate (사업자등록증)"),
        help_text=_(
            "A scan or photo of the whole certificate showing the number and the organisation's name, "
            "as a PDF, JPEG or PNG file of at most %(size)s."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": UPLOAD_ACCEPT}),
        error_messages={
            "required": _("Choose the certificate file."),
            "empty": _("The chosen file is empty. Choose the file again."),
        },
    )
    note = forms.CharField(
        label=_("Note for the reviewer (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Keep the note to %(limit_value)d characters.")},
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["certificate"]
        field.help_text = str(field.help_text) % {"size": filesizeformat(max_bytes)}
        self.helper = _no_helper_form_tag()


class OwnershipClaimForm(RegistrationCertificateForm):
    """Someone claims a number already registered by another person."""

    business_registration_number = forms.CharField(
        label=_("Business registration number"),
        max_length=20,
        help_text=_("The number on your certificate, for example %(example)s."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": _("Enter the business registration number.")},
    )
    field_order = ["business_registration_number", "certificate", "note"]

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, max_bytes=max_bytes, **kwargs)
        number = self.fields["business_registration_number"]
        number.help_text = str(number.help_text) % {"example": EXAMPLE_BRN}
        note = self.fields["note"]
        note.required = True
        note.label = _("Who you are and why the number is yours")
        note.help_text = _(
            "For example: “I am the representative director; the organisation was registered by a former employee.” "
            "The ministry reads this with the certificate."
        )
        note.error_messages["required"] = _(
            "Say who you are in the organisation and why the number is yours."
        )

    def clean_business_registration_number(self) -> str:
        digits = normalise_brn(self.cleaned_data["business_registration_number"])
        validate_brn(digits)
        return digits


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person to invite"),
        help_text=_("They join as staff once they accept. The invitation expires after 14 days."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Enter the e-mail address of the person to invite."),
            "invalid": _("Enter an e-mail address in the form name@example.com."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _no_helper_form_tag()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


DATE_ERRORS = {"invalid": _("Enter a date in the form 2026-07-31.")}


class SmeClaimForm(forms.Form):
    certificate = forms.FileField(
        label=_("SME confirmation certificate"),
        help_text=_(
            "The certificate issued under the Framework Act on SMEs, as a PDF, JPEG or PNG file of at most %(size)s."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
        error_messages={
            "required": _("Choose the certificate file."),
            "empty": _("The chosen file is empty. Choose the file again."),
        },
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        widget=DateInput(),
        help_text=_("The first day of validity printed on the certificate."),
        error_messages={**DATE_ERRORS, "required": _("Enter the date the certificate is valid from.")},
    )
    valid_to = forms.DateField(
        label=_("Valid until"),
        widget=DateInput(),
        help_text=_("The last day of validity printed on the certificate."),
        error_messages={**DATE_ERRORS, "required": _("Enter the date the certificate is valid until.")},
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["certificate"]
        field.help_text = str(field.help_text) % {"size": filesizeformat(max_bytes)}
        self.helper = _no_helper_form_tag()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The certificate cannot end before it starts. Check both dates."))
        return cleaned


def rating_choices(low: str | Promise, high: str | Promise) -> list[tuple[str, str]]:
    """An empty first choice (so nothing is rated by accident), then 0-5 with words at both ends.

    Called per form, not at import: the labels are in the language of the request.
    """
    choices: list[tuple[str, str]] = [("", str(pgettext_lazy("rating", "Choose a rating")))]
    for rating in RATINGS:
        label = str(rating)
        if rating == RATINGS[0]:
            label = f"{rating} – {low}"
        elif rating == RATINGS[-1]:
            label = f"{rating} – {high}"
        choices.append((str(rating), label))
    return choices


RATING_ERRORS = {"invalid_choice": _("Choose a rating from 0 to 5.")}


class SponsorshipForm(forms.ModelForm):
    """The terms of a sponsorship; ``cleaned_data`` goes to the sponsorship services as it is."""

    field = forms.ChoiceField(
        label=_("Field of the job"),
        help_text=_("The technology field the candidate will work in."),
        error_messages={
            "required": _("Choose the field of the job."),
            "invalid_choice": _("Choose a field from the list, or “Other field”."),
        },
    )
    offered_salary_krw = KrwField(
        label=_("Offered annual salary in Korean won (KRW)"),
        min_value=0,
        max_value=MAX_SALARY_KRW,
        help_text=_("Gross pay per year, as in the contract or offer letter, for example 150,000,000."),
        error_messages={
            "required": _("Enter the offered annual salary."),
            "invalid": _("Enter the salary in won as a whole number, for example 150000000."),
            "min_value": _("The salary cannot be negative."),
            "max_value": _("Enter a salary of at most 10,000,000,000 KRW."),
        },
    )
    core_technology_role = forms.TypedChoiceField(
        label=_("How central is the job to your core technology? (0-5)"),
        coerce=int,
        help_text=_("A reviewer checks the rating against the basis you write below."),
        error_messages={**RATING_ERRORS, "required": _("Choose a core-technology rating from 0 to 5.")},
    )
    transfer_plan = forms.TypedChoiceField(
        label=_("How developed is your plan to transfer technology or train Korean staff? (0-5)"),
        coerce=int,
        help_text=_("A reviewer checks the rating against the plan you describe below."),
        error_messages={**RATING_ERRORS, "required": _("Choose a plan rating from 0 to 5.")},
    )
    recruiting_months = forms.IntegerField(
        label=_("Months spent recruiting in Korea without a suitable candidate"),
        min_value=0,
        max_value=MAX_RECRUITING_MONTHS,
        initial=0,
        help_text=_("At least 3 months counts as hard to fill. Enter 0 if you did not recruit in Korea."),
        error_messages={
            "required": _("Enter the number of months, or 0."),
            "invalid": _("Enter a whole number of months, for example 6."),
            "min_value": _("The number of months cannot be negative."),
            "max_value": _("Enter at most %(limit_value)s months."),
        },
    )

    class Meta:
        model = Sponsorship
        fields = EDITABLE_FIELDS
        # The candidate's name goes into e-mail subjects: kept on one line (apps.core.text).
        field_classes = {"candidate_name": OneLineCharField, "job_title": OneLineCharField}
        labels = {
            "candidate_name": _("Candidate's full name"),
            "candidate_email": _("Candidate's e-mail address"),
            "job_title": _("Job title"),
            "core_technology_basis": _("Basis for the core-technology rating"),
            "hard_to_fill_evidence": _("Evidence that the post is hard to fill"),
            "transfer_plan_text": _("The technology-transfer or training plan"),
        }
        help_texts = {
            "candidate_name": _("As in the candidate's passport."),
            "candidate_email": _(
                "The address the candidate uses for K-Tech Pass. If you have no application reference, "
                "we e-mail the sponsorship to this address."
            ),
            "core_technology_basis": _(
                "What the candidate will do, and why it is central to your technology."
            ),
            "hard_to_fill_evidence": _(
                "Where and how long you advertised, and why no domestic applicant fitted."
            ),
            "transfer_plan_text": _(
                "Who will be trained, how and by when; or which technology is transferred."
            ),
        }
        error_messages = {
            "candidate_name": {"required": _("Enter the candidate's full name.")},
            "candidate_email": {
                "required": _("Enter the candidate's e-mail address."),
                "invalid": _("Enter an e-mail address in the form name@example.com."),
            },
            "job_title": {"required": _("Enter the job title.")},
            "core_technology_basis": {"required": _("Write the basis for the core-technology rating.")},
            "transfer_plan_text": {"required": _("Describe the plan, or write why there is none.")},
        }
        widgets = {
            "core_technology_basis": forms.Textarea(attrs={"rows": 3}),
            "hard_to_fill_evidence": forms.Textarea(attrs={"rows": 3}),
            "transfer_plan_text": forms.Textarea(attrs={"rows": 3}),
            "candidate_email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str | Promise]] = [("", pgettext_lazy("field of work", "Choose a field"))]
        choices += [(f.code, f.display_name) for f in strategic_fields()]
        choices.append(("other", pgettext_lazy("field of work", "Other field")))
        self._choice_field("field").choices = choices
        self._choice_field("core_technology_role").choices = rating_choices(
            _("not related"), _("at the very core")
        )
        self._choice_field("transfer_plan").choices = rating_choices(
            _("no plan"), _("a detailed, committed plan")
        )
        self.helper = _no_helper_form_tag()
        self.helper.layout = Layout(
            Fieldset(_("The candidate"), "candidate_name", "candidate_email"),
            Fieldset(_("The job"), "job_title", "field", "offered_salary_krw"),
            Fieldset(
                _("Strategic value to your organisation"),
                "core_technology_role",
                "core_technology_basis",
                "recruiting_months",
                "hard_to_fill_evidence",
                "transfer_plan",
                "transfer_plan_text",
            ),
        )

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def _post_clean(self) -> None:
        # The services create and change sponsorships; the form never builds or validates an instance.
        pass

    def sponsorship_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data}


class SponsorshipSubmitForm(forms.Form):
    case_reference = forms.CharField(
        label=_("Application reference (optional)"),
        required=False,
        max_length=20,
        help_text=_(
            "If the candidate gave you their application reference (KTP-XXXX-XXXX), enter it; "
            "otherwise we e-mail the candidate."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "KTP-XXXX-XXXX"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _no_helper_form_tag()

    def clean_case_reference(self) -> str:
        value = re.sub(r"\s", "", self.cleaned_data.get("case_reference") or "").upper()
        if not value:
            return ""
        compact = value.replace("-", "")
        if compact.startswith("KTP") and len(compact) == 11:
            value = f"KTP-{compact[3:7]}-{compact[7:]}"
        if not CASE_REFERENCE.fullmatch(value):
            raise forms.ValidationError(
                _("Enter the reference in the form KTP-XXXX-XXXX, as the candidate gave it to you.")
            )
        return value


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing the sponsorship?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The candidate is told that the sponsorship was withdrawn."),
        error_messages={"required": _("Give a reason for withdrawing the sponsorship.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _no_helper_form_tag()


class InformationAnswerForm(SharedInformationAnswerForm):
    """The employer's answer to a reviewer's request addressed to the organisation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _no_helper_form_tag()
