"""The start form of an impact simulation: which draft (a stored version, or a version document
pasted or uploaded), which period. Every refusal says what to change; nothing typed is lost."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.dates import format_when
from apps.policy.models import DraftSource
from apps.policy.simulations import selectors
from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import read_version
from apps.rubric.language.reading import ConfigErrors

MAX_DOCUMENT_BYTES = 1024 * 1024
ERRORS_SHOWN = 25


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve months: from the day after the same day a year ago, to today."""
    today = today or timezone.localdate()
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + dt.timedelta(days=1), today


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class SimulationStartForm(forms.Form):
    draft_code = forms.ChoiceField(
        label=_("Stored rubric version"),
        required=False,
        help_text=_(
            "A draft or any other stored version. Or leave this empty and paste or upload a document."
        ),
    )
    document = forms.CharField(
        label=_("Version document (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "font-monospace"}),
        help_text=_("A whole rubric version in the rubric language, as rubric check reads it."),
    )
    upload = forms.FileField(
        label=_("Or upload a version file (JSON)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    submitted_from = forms.DateField(label=_("Submitted from"), widget=DateInput())
    submitted_to = forms.DateField(
        label=_("Submitted until"), widget=DateInput(), help_text=_("Both days included (Korean time).")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        draft_code = self.fields["draft_code"]
        assert isinstance(draft_code, forms.ChoiceField)
        draft_code.choices = [("", _("(none: paste or upload a document)"))] + [
            (v.code, f"{v.code} · {v.title}" + ("" if v.published else f" ({gettext('draft')})"))
            for v in selectors.draft_versions()
        ]
        self.document_data: dict[str, Any] | None = None
        self.source = DraftSource.DOCUMENT

    # ---- the draft

    def _json(self, text: str, field: str) -> Any:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self.add_error(
                field,
                gettext("This is not valid JSON: %(problem)s (line %(line)s, column %(column)s).")
                % {"problem": exc.msg, "line": exc.lineno, "column": exc.colno},
            )
            return None

    def _upload_text(self) -> str | None:
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        if upload.size > MAX_DOCUMENT_BYTES:
            self.add_error(
                "upload", gettext("The file is larger than 1 MB: a version document is far smaller.")
            )
            return None
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add_error("upload", gettext("The file is not UTF-8 text: upload the version's JSON file."))
            return None
        if not str(self.data.get("document", "")).strip():
            self.data = {**self.data, "document": text}  # shown back in the text box if refused
        return text

    def _check_version(self, data: Any, field: str) -> None:
        try:
            read_version(data, default_catalogue())
        except ConfigErrors as exc:
            problems = [str(e) for e in exc.errors]
            for problem in problems[:ERRORS_SHOWN]:
                self.add_error(field, problem)
            if len(problems) > ERRORS_SHOWN:
                self.add_error(
                    field, gettext("… and %(count)s more problems.") % {"count": len(problems) - ERRORS_SHOWN}
                )
            return
        self.document_data = data

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("draft_code") or ""
        text = (cleaned.get("document") or "").strip()
        uploaded = self._upload_text()
        if self.errors.get("upload"):
            return cleaned
        given = [
            name for name, value in (("draft_code", code), ("document", text), ("upload", uploaded)) if value
        ]
        if not given:
            self.add_error(
                "draft_code", gettext("Choose a stored version, or paste or upload a version document.")
            )
        elif len(given) > 1:
            self.add_error(
                None,
                gettext(
                    "Choose one draft: a stored version, a pasted document or an uploaded file, not several."
                ),
            )
        elif code:
            document = selectors.version_document(code)
            if document is None:
                self.add_error(
                    "draft_code", gettext("No rubric version has the code %(code)s.") % {"code": code}
                )
            else:
                self.source = DraftSource.VERSION
                self._check_version(document, "draft_code")
        else:
            field = "upload" if uploaded is not None else "document"
            data = self._json(uploaded if uploaded is not None else text, field)
            if data is not None:
                self._check_version(data, field)
        self._clean_period(cleaned)
        return cleaned

    # ---- the period

    def _clean_period(self, cleaned: dict[str, Any]) -> None:
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start is None or end is None:
            return
        if start > end:
            self.add_error(
                "submitted_to",
                gettext("The period ends (%(end)s) before it starts (%(start)s): swap the dates.")
                % {"start": format_when(start), "end": format_when(end)},
            )
            return
        if not selectors.submitted_in(start, end):
            self.add_error(
                None,
                gettext("No case was submitted from %(start)s to %(end)s: choose a longer or another period.")
                % {"start": format_when(start), "end": format_when(end)},
            )
