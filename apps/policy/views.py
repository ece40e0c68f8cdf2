"""The policy administrator's pages (issue 10). Thin: reads come from selectors, changes from services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.models import User
from apps.policy import documents, versions
from apps.policy.access import policy_administrator_required
from apps.policy.forms import ApproveForm, ConformanceCaseForm, ReturnForm, StartDraftForm
from apps.policy.models import ConformanceCase, SimulationRun, VersionEvent
from apps.policy.versions import VersionRefused
from apps.rubric.models import RubricVersion, VersionState


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _version(code: str) -> RubricVersion:
    return get_object_or_404(
        RubricVersion.objects.select_related("based_on", "author", "approved_by"), code=code
    )


@policy_administrator_required
def home(request: HttpRequest) -> HttpResponse:
    """Where a policy administrator lands: the versions, simulations and reference lists."""
    return render(request, "policy/home.html")


@policy_administrator_required
@require_http_methods(["GET", "POST"])
def version_list(request: HttpRequest) -> HttpResponse:
    """Every version with its dates and state; a POST starts a draft from one of them."""
    form = StartDraftForm(request.POST or None, initial={"base": request.GET.get("from", "")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                draft = versions.draft_start(
                    base=form.cleaned_data["base"],
                    code=form.cleaned_data["code"],
                    title=form.cleaned_data["title"],
                    by=_user(request),
                )
            except VersionRefused as exc:
                form.add_error("code", str(exc))
            else:
                messages.success(request, _("Draft %(code)s started.") % {"code": draft.code})
                return redirect("policy:edit", code=draft.code)
        status = 400
    context = {"rows": versions.versions_with_states(), "form": form, "States": VersionState}
    return render(request, "policy/versions.html", context, status=status)


@policy_administrator_required
def version_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A version: state and dates, the diff against its base with reasons, the conformance results,
    the latest simulation, the timeline, and what the viewer may do next (submit, approve, return)."""
    version = _version(code)
    user = _user(request)
    state = version.state(versions.today())
    result = versions.review(version)
    context: dict[str, Any] = {
        "version": version,
        "state": state,
        "States": VersionState,
        "review": result,
        "is_author": version.author_id == user.pk,
        "events": VersionEvent.objects.filter(version=version).select_related("actor"),
        "simulation": SimulationRun.objects.filter(draft_code=version.code).first(),
        "approve_form": ApproveForm(initial={"start": version.effective_from}),
        "return_form": ReturnForm(),
        "document": documents.as_text(version.config),
    }
    return render(request, "policy/version.html", context)


def _editable(request: HttpRequest, code: str) -> RubricVersion:
    version = _version(code)
    if version.state(versions.today()) != VersionState.DRAFT or version.author_id != _user(request).pk:
        raise Http404
    return version


@policy_administrator_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, code: str) -> HttpResponse:
    """The full document (validated as it is typed) and the structured form of its numbers."""
    draft = _editable(request, code)
    user = _user(request)
    text = documents.as_text(draft.config)
    param_errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    status = 200
    if request.method == "POST" and request.POST.get("form") == "document":
        text = request.POST.get("document", "")
        problems = versions.draft_save_text(draft=draft, text=text, by=user)
        if problems:
            messages.warning(request, _("Saved as a draft with %(n)s problem(s).") % {"n": len(problems)})
            status = 400
        else:
            messages.success(request, _("Saved."))
            return redirect("policy:edit", code=draft.code)
    elif request.method == "POST" and request.POST.get("form") == "parameters":
        typed = {key[6:]: request.POST.get(key, "") for key in request.POST if key.startswith("param:")}
        param_errors = versions.draft_set_parameters(draft=draft, typed=typed, by=user)
        if not param_errors:
            messages.success(request, _("Parameters saved."))
            return redirect("policy:edit", code=draft.code)
        messages.error(request, _("Nothing was saved: correct the values marked below."))
        status = 400
    _parsed, problems = documents.read(draft.config, code=draft.code)
    rows = [
        {"param": p, "value": typed.get(p.path, p.value), "error": param_errors.get(p.path, "")}
        for p in documents.parameters(draft.config)
    ]
    context = {
        "version": draft,
        "document": text,
        "problems": problems,
        "rows": rows,
        "param_errors": param_errors,
    }
    return render(request, "policy/edit.html", context, status=status)


@policy_administrator_required
@require_POST
def validate(request: HttpRequest, code: str) -> HttpResponse:
    """htmx: the document's problems as typed (nothing is saved)."""
    draft = _version(code)
    config, problems = documents.parse_text(request.POST.get("document", ""))
    if not problems:
        _parsed, problems = documents.read(config, code=draft.code)
    return render(request, "policy/_problems.html", {"problems": problems, "checked": True})


@policy_administrator_required
@require_POST
def reason(request: HttpRequest, code: str) -> HttpResponse:
    """Save the reasons and references filled in (one row per changed parameter; rows left empty take
    the shared "one reason for several changes" when given); a row with only one of the two is
    refused and named."""
    draft = _editable(request, code)
    rows = zip(
        request.POST.getlist("path"),
        request.POST.getlist("reason"),
        request.POST.getlist("reference"),
        strict=False,
    )
    all_reason, all_reference = request.POST.get("all_reason", ""), request.POST.get("all_reference", "")
    saved = 0
    for path, typed_reason, typed_reference in rows:
        why, reference = typed_reason, typed_reference
        if not why.strip() and not reference.strip():
            if not (all_reason.strip() or all_reference.strip()):
                continue
            why, reference = all_reason, all_reference
        try:
            versions.change_reason_save(
                draft=draft, path=path, reason=why, reference=reference, by=_user(request)
            )
        except VersionRefused as exc:
            messages.error(request, f"{path}: {exc}")
        else:
            saved += 1
    if saved:
        messages.success(request, _("%(n)s reason(s) saved.") % {"n": saved})
    return redirect(_detail_url(draft) + "#changes")


def _detail_url(version: RubricVersion) -> str:
    return reverse("policy:version", kwargs={"code": version.code})


@policy_administrator_required
@require_http_methods(["GET", "POST"])
def cases(request: HttpRequest, code: str) -> HttpResponse:
    """The version's conformance cases with pass/fail per expectation; add one; proposed boundaries."""
    version = _version(code)
    user = _user(request)
    editable = version.state(versions.today()) == VersionState.DRAFT and version.author_id == user.pk
    initial = {
        "profile": '{\n "degree_level": "master",\n "institution_rank": 150\n}',
        "expected": '{"points": {}}',
    }
    form = ConformanceCaseForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not editable:
            raise Http404
        if form.is_valid():
            try:
                versions.conformance_case_add(version=version, by=user, **form.cleaned_data)
            except VersionRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Conformance case added."))
                return redirect("policy:cases", code=version.code)
        status = 400
    context = {
        "version": version,
        "editable": editable,
        "review": versions.review(version),
        "form": form,
        "proposals": versions.proposals(version) if editable else [],
    }
    return render(request, "policy/cases.html", context, status=status)


@policy_administrator_required
@require_POST
def accept_proposals(request: HttpRequest, code: str) -> HttpResponse:
    version = _editable(request, code)
    try:
        added = versions.proposals_accept(
            version=version, names=request.POST.getlist("name"), by=_user(request)
        )
    except VersionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s boundary case(s) accepted.") % {"n": added})
    return redirect("policy:cases", code=version.code)


@policy_administrator_required
@require_POST
def remove_case(request: HttpRequest, code: str, case_id: int) -> HttpResponse:
    version = _editable(request, code)
    case = get_object_or_404(ConformanceCase, pk=case_id, version=version)
    versions.conformance_case_remove(case=case, by=_user(request))
    messages.success(request, _("Conformance case removed."))
    return redirect("policy:cases", code=version.code)


@policy_administrator_required
@require_POST
def submit(request: HttpRequest, code: str) -> HttpResponse:
    version = _version(code)
    try:
        versions.draft_submit(draft=version, by=_user(request))
    except VersionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Submitted for approval by a second policy administrator."))
    return redirect("policy:version", code=version.code)


@policy_administrator_required
@require_POST
def send_back(request: HttpRequest, code: str) -> HttpResponse:
    version = _version(code)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the draft goes back to its author."))
        return redirect("policy:version", code=version.code)
    try:
        versions.draft_return(draft=version, by=_user(request), reason=form.cleaned_data["reason"])
    except VersionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sent back to the author."))
    return redirect("policy:version", code=version.code)


@policy_administrator_required
@require_POST
def approve(request: HttpRequest, code: str) -> HttpResponse:
    """Two steps: the start date leads to a confirmation page (what will happen); its button publishes."""
    version = _version(code)
    user = _user(request)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("start", []):
            messages.error(request, str(error))
        return redirect("policy:version", code=version.code)
    start = form.cleaned_data["start"]
    try:
        if request.POST.get("confirmed") != "yes":
            plan = versions.approval_plan(draft=version, by=user, start=start)
            return render(request, "policy/confirm.html", {"version": version, "plan": plan})
        versions.draft_approve(draft=version, by=user, start=start)
    except VersionRefused as exc:
        messages.error(request, str(exc))
        return redirect("policy:version", code=version.code)
    messages.success(request, _("Version %(code)s is published.") % {"code": version.code})
    return redirect("policy:version", code=version.code)
