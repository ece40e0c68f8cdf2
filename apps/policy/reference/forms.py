"""The reference lists' forms: the search box and the upload."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from apps.policy.reference.services import IMPORT_MAX_BYTES
from apps.rubric.reference_import import UnreadableFile, decode_csv


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A .csv file saved as UTF-8 (in Excel: “CSV UTF-8”), at most 2 MB."),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
    replace = forms.BooleanField(
        label=_("Remove rows that the file does not list"),
        required=False,
        help_text=_("Leave this unticked to add and update rows only."),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        # The size a client reports is checked before reading, so an oversized file is never read.
        if (upload.size or 0) > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB. Split it into smaller files."))
        if not (upload.name or "").lower().endswith(".csv"):
            raise forms.ValidationError(_("Choose a file ending in .csv."))
        content = upload.read(IMPORT_MAX_BYTES + 1)
        if len(content) > IMPORT_MAX_BYTES:  # the reported size is the client's claim, not a fact
            raise forms.ValidationError(_("The file is larger than 2 MB. Split it into smaller files."))
        try:
            self.cleaned_data["text"] = decode_csv(content)
        except UnreadableFile as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload

    @property
    def text(self) -> str:
        return str(self.cleaned_data["text"])
