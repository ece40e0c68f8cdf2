"""Forms for the roster pages. They check the input; the services check the roster (duplicates)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from apps.core.forms import OneLineCharField
from apps.programmes.models import RosterEntry
from apps.programmes.passports import InvalidPassportNumber, clean_passport_number
from apps.programmes.services import RosterEntryData

IMPORT_MAX_BYTES = 2 * 1024 * 1024

# A password-style input: not echoed back on an error, not remembered or suggested by the browser.
PASSPORT_WIDGET_ATTRS = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}


class RosterEntryForm(forms.ModelForm):
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=40,
        widget=forms.PasswordInput(render_value=False, attrs=PASSPORT_WIDGET_ATTRS),
        help_text=_("6 to 12 letters or digits. Only a one-way code is stored, never the number itself."),
    )

    class Meta:
        model = RosterEntry
        fields = [
            "full_name",
            "email",
            "passport_number",
            "nationality",
            "position",
            "host_institution",
            "recruited_on",
            "notes",
        ]
        # Names on one line (apps.core.text): a pasted line break never reaches a title or an export.
        field_classes = {
            "full_name": OneLineCharField,
            "nationality": OneLineCharField,
            "position": OneLineCharField,
            "host_institution": OneLineCharField,
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
            "recruited_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "email": _("The address the scholar will apply with. Stored in lower case."),
            "notes": _("Do not write passport or other identity document numbers here."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # editing: the stored number stays unless a new one is typed
            field = self.fields["passport_number"]
            field.required = False
            field.help_text = _(
                "Leave empty to keep the current number (ending %(hint)s). Type a new one to replace it."
            ) % {"hint": self.instance.passport_hint}

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    @sensitive_variables("value")
    def clean_passport_number(self) -> str:
        value = self.cleaned_data.get("passport_number", "")
        if not value:
            return ""
        try:
            return clean_passport_number(value)
        except InvalidPassportNumber:
            raise forms.ValidationError(
                _("Enter 6 to 12 letters or digits (spaces and hyphens are ignored)."), code="invalid"
            ) from None

    def roster_data(self) -> RosterEntryData:
        data = self.cleaned_data
        return RosterEntryData(
            full_name=data["full_name"],
            email=data["email"],
            passport_number=data.get("passport_number", ""),
            nationality=data["nationality"],
            position=data["position"],
            host_institution=data["host_institution"],
            recruited_on=data["recruited_on"],
            notes=data["notes"],
        )


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A .csv file saved as UTF-8 (in Excel: “CSV UTF-8”), at most 2 MB."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    @sensitive_variables()
    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        # The size a client reports is checked before reading, so an oversized file is never read.
        if (upload.size or 0) > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB. Split it into smaller files."))
        if not (upload.name or "").lower().endswith(".csv"):
            raise forms.ValidationError(_("Choose a file ending in .csv."))
        self.cleaned_data["text"] = _decode(upload)
        return upload

    @property
    def text(self) -> str:
        return str(self.cleaned_data["text"])


@sensitive_variables()
def _decode(upload: UploadedFile) -> str:
    content = upload.read(IMPORT_MAX_BYTES + 1)
    if len(content) > IMPORT_MAX_BYTES:  # the reported size is the client's claim, not a fact
        raise forms.ValidationError(_("The file is larger than 2 MB. Split it into smaller files."))
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise forms.ValidationError(
            _("The file is not UTF-8 text. Save it again as “CSV UTF-8” and upload it again.")
        ) from None
    if "\x00" in text:
        raise forms.ValidationError(_("The file is not a text file."))
    return text


# Shown on the import page, so officers know the file's shape before they upload it (a test keeps
# it in step with services.COLUMNS).
IMPORT_COLUMNS: list[tuple[str, bool, Any]] = [
    ("full_name", True, _("Full name as on the passport.")),
    ("email", True, _("E-mail address; a row with an address already on the roster updates that entry.")),
    ("passport_number", True, _("6 to 12 letters or digits; stored only as a one-way code.")),
    ("nationality", False, _("Nationality.")),
    ("position", False, _("Position.")),
    ("host_institution", False, _("Host institution.")),
    ("recruited_on", False, _("Date recruited, as YYYY-MM-DD.")),
    ("notes", False, _("Notes.")),
]
