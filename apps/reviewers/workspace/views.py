"""The case workspace under /ministry/cases/<reference>/: one page with everything about a case, and
the reviewer's actions on it.

Thin views: every one is wrapped by ``ministry_required`` (404 for everyone but ministry staff,
second factor required) and finds the case through ``get_case_for_ministry``; a POST validates a
form, calls a service in ``apps.cases`` and redirects, or shows the page again with the errors
(typed text kept). A GET on an action's URL leads back to the page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.casefile import track_uses_assessment
from apps.cases.models import Case, CaseDocument, CaseScore, CaseStatus, DecisionReason
from apps.cases.review_moves import (
    Eligibility,
    case_decide,
    case_eligibility,
    case_request_information,
    case_start_review,
)
from apps.cases.reviewer_findings import (
    case_sme_reject,
    case_sme_verify,
    confirmed_sponsorship,
    note_add,
    qualitative_assess,
    qualitative_scales,
    roster_confirm,
)
from apps.cases.transitions import StaleCase, TransitionNotAllowed
from apps.core.dates import format_when
from apps.core.uploads import safe_download_name
from apps.organisations.models import SmeClaim
from apps.reviewers.access import get_case_for_ministry, ministry_required
from apps.reviewers.queue.forms import AssignForm
from apps.reviewers.workspace.forms import (
    DecisionForm,
    DescribedForm,
    InformationRequestForm,
    NoteForm,
    QualitativeAssessmentForm,
    SmeReviewForm,
    assessment_initial,
)
from apps.reviewers.workspace.selectors import PREVIEW_TYPES, Workspace, workspace_for

Action = Callable[..., HttpResponseBase]


# --- helpers -------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # ministry_required has run
    return request.user


def _case(request: HttpRequest, reference: str) -> Case:
    return get_case_for_ministry(_user(request), reference)


def _page(case: Case, anchor: str = "") -> str:
    url = reverse("ministry:case", kwargs={"reference": case.reference})
    return f"{url}#{anchor}" if anchor else url


def _action(view: Action) -> Action:
    """A POST-only action: a GET (a reload, a bookmark) leads back to the case's page."""

    @wraps(view)
    def wrapper(request: HttpRequest, reference: str, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST":
            case = _case(request, reference)
            return redirect(_page(case))
        try:
            return view(request, reference, *args, **kwargs)
        except PermissionDenied as refused:
            messages.error(request, str(refused) or _("You cannot do this on this case."))
            return redirect(_page(_case(request, reference)))
        except TransitionNotAllowed as moved:
            messages.error(request, str(moved))
            return redirect(_page(_case(request, reference)))

    return ministry_required(never_cache(wrapper))


def _add_errors(form: BaseForm, error: ValidationError) -> None:
    """A service's refusal next to the field it is about, or at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _forms(workspace: Workspace, bound: dict[str, Any]) -> dict[str, Any]:
    """The page's forms: the one just submitted (bound, with its errors) or a fresh one."""
    case, can = workspace.case, workspace.can
    forms: dict[str, Any] = {"note_form": bound.get("note_form") or NoteForm()}
    if can.assess and workspace.scales is not None:
        forms["assessment_form"] = bound.get("assessment_form") or QualitativeAssessmentForm(
            initial=assessment_initial(workspace.assessment, workspace.values), scales=workspace.scales
        )
    if can.request_information:
        forms["request_form"] = bound.get("request_form") or InformationRequestForm(
            can_ask_employer=can.ask_employer
        )
    if can.decide or "decision_form" in bound:  # a refused decision keeps its typed text on show
        forms["decision_form"] = bound.get("decision_form") or DecisionForm(
            initial={"lock_version": case.lock_version}, can_approve=case.status == CaseStatus.IN_REVIEW
        )
    claims = workspace.sme.claims if workspace.sme else []
    bound_claim = bound.get("sme_claim")
    forms["sme_rows"] = [
        (
            row,
            (bound.get("sme_form") if bound_claim == row.claim.pk else None)
            or SmeReviewForm(prefix=f"claim-{row.claim.pk}"),
        )
        for row in claims
    ]
    return forms


def _render(request: HttpRequest, case: Case, *, status: int = 200, **bound: Any) -> HttpResponse:
    workspace = workspace_for(case, _user(request), getattr(request, "ministry_roles", frozenset()))
    if "after_decision" in bound:  # the after-decision panel with a refused form (decision_panel_views)
        workspace.after_decision = bound.pop("after_decision")
    forms = _forms(workspace, bound)
    with_errors = [form for form in _all_forms(forms) if form.is_bound and form.errors]
    for form in _all_forms(forms):
        form.describe()
    supervisor = Role.SUPERVISOR in getattr(request, "ministry_roles", frozenset())
    context = {
        "ws": workspace,
        "case": case,
        # Supervisors assign or reassign an open case from here (the queue's assign action).
        "assign_form": AssignForm(initial={"next": _page(case)}) if supervisor and case.is_open else None,
        "ministry_section": "queue",
        "forms_with_errors": with_errors,
        "decision_reasons": DecisionReason,
        **forms,
    }
    return render(request, "reviewers/workspace.html", context, status=status)


def _all_forms(forms: dict[str, Any]) -> list[DescribedForm]:
    found = [form for form in forms.values() if isinstance(form, DescribedForm)]
    return found + [form for _row, form in forms.get("sme_rows", [])]


# --- The page ------------------------------------------------------------------------------------


@ministry_required
@never_cache
@require_GET
def case_workspace(request: HttpRequest, reference: str) -> HttpResponse:
    return _render(request, _case(request, reference))


# access.View is typed for HttpResponse; a file is a streaming response (HttpResponseBase).
@ministry_required
@require_GET
def case_document(request: HttpRequest, reference: str, document_id: int) -> HttpResponseBase:
    """A case's document for ministry staff: PDF and images inline (for the page's preview), anything
    else, or ``?download=1``, as an attachment. Typed as detected at upload and sandboxed."""
    case = _case(request, reference)
    document = CaseDocument.objects.filter(case=case, pk=document_id).first()
    if document is None:
        raise Http404
    return _file_response(
        document.file,
        name=safe_download_name(document.original_name, document.extension),
        content_type=document.content_type,
        download=request.GET.get("download") == "1",
    )


@ministry_required
@require_GET
def sme_certificate(request: HttpRequest, reference: str, claim_id: int) -> HttpResponseBase:
    """The confirmed sponsor's SME certificate, for the reviewer deciding on it (same rules as documents)."""
    case = _case(request, reference)
    claim = _sponsor_claim(case, claim_id)
    return _file_response(
        claim.certificate,
        name=safe_download_name(claim.certificate_name, claim.certificate_extension),
        content_type=claim.certificate_content_type,
        download=request.GET.get("download") == "1",
    )


def _file_response(file: Any, *, name: str, content_type: str, download: bool) -> FileResponse:
    inline = content_type in PREVIEW_TYPES and not download
    response = FileResponse(
        file.open("rb"), as_attachment=not inline, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Whatever the file holds, it runs nothing and reaches nothing: a sandboxed, unique origin.
    response["Content-Security-Policy"] = "sandbox"
    # The workspace frames the preview; no other site may.
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, no-store"
    return response


def _sponsor_claim(case: Case, claim_id: int) -> SmeClaim:
    """A claim of the case's confirmed sponsor, or 404 (another organisation's stays unknown)."""
    sponsorship = confirmed_sponsorship(case)
    claim = None
    if sponsorship is not None:
        claim = SmeClaim.objects.filter(organisation_id=sponsorship.organisation_id, pk=claim_id).first()
    if claim is None:
        raise Http404
    return claim


# --- Actions -------------------------------------------------------------------------------------


@_action
def take(request: HttpRequest, reference: str) -> HttpResponse:
    """ "Take this case": the reviewer assigns the submitted case to themselves."""
    case = _case(request, reference)
    user = _user(request)
    try:
        case_start_review(case=case, reviewer=user, by=user)
    except (TransitionNotAllowed, StaleCase):
        messages.error(request, _("Someone else took this case first. Nothing was changed."))
    else:
        messages.success(
            request, _("You took case %(reference)s. It is now in review.") % {"reference": case.reference}
        )
    return redirect(_page(case))


@_action
def assess(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    scales = qualitative_scales(case)
    if scales is None:
        messages.error(request, _("The rules this case is scored under have no qualitative criteria."))
        return redirect(_page(case))
    config = case.rubric_version.parsed_config() if case.rubric_version else None
    if config is None or not track_uses_assessment(config, case.track):
        messages.error(request, _("This case's track is not decided on the qualitative criteria."))
        return redirect(_page(case))
    form = QualitativeAssessmentForm(request.POST, scales=scales)
    if form.is_valid():
        try:
            qualitative_assess(case=case, by=_user(request), values=form.values())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            total = CaseScore.objects.filter(case=case).values_list("total", flat=True).first()
            messages.success(
                request,
                _("Assessment saved. The score was recalculated: %(total)s points.") % {"total": total},
            )
            return redirect(_page(case, "score"))
    return _render(request, case, status=400, assessment_form=form)


@_action
def sme_review(request: HttpRequest, reference: str, claim_id: int) -> HttpResponse:
    case = _case(request, reference)
    claim = _sponsor_claim(case, claim_id)
    form = SmeReviewForm(request.POST, prefix=f"claim-{claim.pk}")
    if form.is_valid():
        service = case_sme_verify if form.cleaned_data["decision"] == "verify" else case_sme_reject
        try:
            service(case=case, claim=claim, by=_user(request), reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if form.cleaned_data["decision"] == "verify":
                text = _(
                    "The SME certificate was verified. The bonus now counts; the score was recalculated."
                )
            else:
                text = _("The SME certificate was rejected. No bonus counts; the score was recalculated.")
            messages.success(request, text)
            return redirect(_page(case, "sme"))
    return _render(request, case, status=400, sme_form=form, sme_claim=claim.pk)


@_action
def roster(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    try:
        roster_confirm(case=case, by=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The programme roster match is confirmed."))
    return redirect(_page(case, "roster"))


@_action
def request_information(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    can_ask_employer = confirmed_sponsorship(case) is not None
    form = InformationRequestForm(request.POST, can_ask_employer=can_ask_employer)
    if form.is_valid():
        try:
            case_request_information(case=case, by=_user(request), **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Your request was sent. The processing clock is paused until they answer.")
            )
            return redirect(_page(case, "requests"))
    return _render(request, case, status=400, request_form=form)


@_action
def note(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(case=case, by=_user(request), text=form.cleaned_data["text"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Your note was added."))
            return redirect(_page(case, "notes"))
    return _render(request, case, status=400, note_form=form)


# --- The decision, with its confirmation step ----------------------------------------------------


@_action
def decide(request: HttpRequest, reference: str) -> HttpResponse:
    """First POST: check and show a confirmation. Second POST (confirm=1): decide, unless the case
    changed since the reviewer opened it (its lock_version travels with the form)."""
    case = _case(request, reference)
    if case.status != CaseStatus.IN_REVIEW:
        messages.error(
            request,
            _("This case is %(status)s; it can be decided only while it is in review. Nothing was saved.")
            % {"status": case.get_status_display().lower()},
        )
        return redirect(_page(case))
    form = DecisionForm(request.POST, can_approve=True)
    if not form.is_valid() or "edit" in request.POST:
        return _render(request, case, status=400 if form.errors else 200, decision_form=form)
    if request.POST.get("confirm") != "1":
        eligibility = case_eligibility(case)
        if form.approve and not eligibility.allows_approval:
            # Said before the confirmation step; case_decide checks again under the row lock.
            form.add_error(None, list(eligibility.missing))
            return _render(request, case, status=400, decision_form=form)
        return _confirmation(request, case, form, eligibility)
    try:
        case_decide(
            case=case,
            by=_user(request),
            approve=form.approve,
            reason_codes=form.cleaned_data["reason_codes"],
            explanation=form.cleaned_data["explanation"],
            expected_version=form.cleaned_data["lock_version"],
        )
    except StaleCase:
        return _stale(request, case)
    except ValidationError as error:
        _add_errors(form, error)
        return _render(request, case, status=400, decision_form=form)
    messages.success(
        request,
        _("Case %(reference)s is %(status)s. The applicant has been told.")
        % {"reference": case.reference, "status": case.get_status_display().lower()},
    )
    return redirect(_page(case))


def _confirmation(
    request: HttpRequest, case: Case, form: DecisionForm, eligibility: Eligibility
) -> HttpResponse:
    reasons = [DecisionReason(code).label for code in form.cleaned_data["reason_codes"]]
    context = {
        "case": case,
        "form": form,
        "approve": form.approve,
        "reasons": reasons,
        "ministry_section": "queue",
        "score": getattr(case, "score", None),
        "eligibility": eligibility,  # the track's verdict on the verified facts, the roster match
    }
    return render(request, "reviewers/workspace_decide_confirm.html", context)


def _stale(request: HttpRequest, case: Case) -> HttpResponse:
    """Nothing was saved: show the case as it is now, the typed decision kept, and say why."""
    case.refresh_from_db()
    data = request.POST.copy()
    data["lock_version"] = str(case.lock_version)  # deciding again means deciding on what is there now
    data.pop("confirm", None)
    form = DecisionForm(data, can_approve=case.status == CaseStatus.IN_REVIEW)
    form.is_valid()
    form.add_error(
        None,
        _(
            "This case was changed by someone else since you opened it (%(change)s). Your decision was "
            "not saved — review the changes and decide again."
        )
        % {"change": _latest_change(case)},
    )
    return _render(request, case, status=409, decision_form=form)


def _latest_change(case: Case) -> str:
    event = case.events.select_related("actor").order_by("-at", "-pk").first()
    if event is None:
        return _("its record changed")
    actor = event.actor.full_name or event.actor.email if event.actor else _("the system")
    return _("latest: %(what)s by %(who)s at %(when)s") % {
        "what": event.get_kind_display(),
        "who": actor,
        "when": format_when(event.at),
    }


__all__ = [
    "assess",
    "case_document",
    "case_workspace",
    "decide",
    "note",
    "request_information",
    "roster",
    "sme_certificate",
    "sme_review",
    "take",
]
