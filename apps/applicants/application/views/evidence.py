"""Evidence: uploading, replacing, removing and downloading a case's documents.

Before submission these pages return to the wizard's documents step; afterwards (when a reviewer
asks for more) to the status page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import User
from apps.applicants.application.forms import UploadForm
from apps.applicants.application.views.common import user_of
from apps.applicants.application.views.contexts import documents_context, status_context
from apps.applicants.application.views.steps import DOCUMENTS, render_step, step_url
from apps.cases.documents import document_kinds, document_label
from apps.cases.models import Case, CaseDocument, CaseStatus
from apps.cases.selectors import get_case_for_applicant, get_document_for_applicant
from apps.cases.services import document_add, document_remove, document_replace
from apps.core.uploads import safe_download_name


def _evidence_return(case: Case, kind: str = "") -> str:
    base = (
        step_url(case, DOCUMENTS)
        if case.status == CaseStatus.DRAFT
        else reverse("application:status", args=[case.reference])
    )
    return f"{base}#doc-{kind}" if kind else base


def _render_evidence_errors(request: HttpRequest, case: Case, errors: dict[str, list[str]]) -> HttpResponse:
    if case.status == CaseStatus.DRAFT:
        return render_step(request, case, DOCUMENTS, documents_context(case, errors), status=400)
    return render(
        request, "applicants/application/status.html", status_context(request, case, errors), status=400
    )


@login_required
@require_POST
def document_upload(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    user = user_of(request)
    case = get_case_for_applicant(user, reference)
    if kind not in document_kinds():
        raise Http404
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_evidence_errors(request, case, {kind: [str(e) for e in form.errors.get("file", [])]})
    try:
        document = _store(user, case, kind, form.cleaned_data["file"], form.cleaned_data.get("replace"))
    except ValidationError as error:
        return _render_evidence_errors(request, case, {kind: list(error.messages)})
    messages.success(
        request,
        _("“%(name)s” (%(size)s) was added to %(document)s.")
        % {
            "name": document.original_name,
            "size": filesizeformat(document.size),
            "document": document_label(kind),
        },
    )
    return redirect(_evidence_return(case, kind))


def _store(user: User, case: Case, kind: str, upload: UploadedFile, replace_id: int | None) -> CaseDocument:
    """A new document of this kind, or a new version of one already on the case (of the same kind)."""
    if not replace_id:
        return document_add(case=case, by=user, kind=kind, upload=upload)
    previous = get_document_for_applicant(user, case.reference, replace_id)
    if previous.kind != kind:
        raise Http404
    return document_replace(document=previous, by=user, upload=upload)


@login_required
@require_http_methods(["GET", "POST"])
def document_remove_view(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    user = user_of(request)
    document = get_document_for_applicant(user, reference, document_id)
    case = document.case
    if case.status != CaseStatus.DRAFT:
        # Submitted evidence may be replaced or added to when a reviewer asks, never taken away.
        messages.error(request, _("After submission a document can be replaced, but not removed."))
        return redirect(_evidence_return(case, document.kind))
    if request.method == "POST":
        kind = document.kind
        _remove(request, document)
        return redirect(_evidence_return(case, kind))
    return render(
        request,
        "applicants/application/document_remove.html",
        {
            "case": case,
            "document": document,
            "label": document_label(document.kind),
            "back": _evidence_return(case, document.kind),
        },
    )


def _remove(request: HttpRequest, document: CaseDocument) -> None:
    """Remove, and say how it went."""
    name = document.original_name
    try:
        document_remove(document=document, by=user_of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” was removed.") % {"name": name})


@login_required
@require_GET
def document_download(request: HttpRequest, reference: str, document_id: int) -> HttpResponseBase:
    """The file as an attachment, typed as detected at upload, never rendered by the browser."""
    document = get_document_for_applicant(user_of(request), reference, document_id)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=safe_download_name(document.original_name, document.extension),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
