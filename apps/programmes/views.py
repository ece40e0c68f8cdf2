"""Roster pages for programme officers. Thin: selector (or 404) -> form -> service -> redirect.

Everyone who may not see a roster gets the same 404, anonymous visitors included: a login redirect
would tell them the address exists. Officers reach these pages from the navigation once logged in.
"""

from __future__ import annotations

from typing import Any

import pghistory
import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from apps.accounts.models import User
from apps.programmes.forms import IMPORT_COLUMNS, RosterEntryForm, RosterImportForm
from apps.programmes.selectors import programmes_kept_by, roster_entries, roster_entry_for, roster_for
from apps.programmes.services import (
    RosterImportReport,
    roster_entry_create,
    roster_entry_delete,
    roster_entry_update,
    roster_import,
)
from apps.rubric.models import GovernmentProgramme

ENTRIES_PER_PAGE = 25
SEARCH_MAX_LENGTH = 200


def _officer(request: HttpRequest) -> User:
    """The signed-in officer; only called after ``roster_for`` has let the request through."""
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _audit(request: HttpRequest) -> pghistory.context:
    # The history of each roster change records who made it and from which page.
    return pghistory.context(actor=request.user.pk, url=request.path)


def _roster_url(programme: GovernmentProgramme) -> str:
    return reverse("programmes:roster", kwargs={"code": programme.code})


def _add_service_errors(form: BaseForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _read_only(request: HttpRequest) -> HttpResponse | None:
    # Checked after access, so a POST from an outsider gets the same 404 as a GET.
    return None if request.method in ("GET", "HEAD") else HttpResponseNotAllowed(["GET", "HEAD"])


def programme_index(request: HttpRequest) -> HttpResponse:
    if not rules.test_rule("programmes.use_rosters", request.user):
        raise Http404
    if refused := _read_only(request):
        return refused
    return render(request, "programmes/index.html", {"programmes": programmes_kept_by(request.user)})


def roster(request: HttpRequest, code: str) -> HttpResponse:
    programme = roster_for(request.user, code)
    if refused := _read_only(request):
        return refused
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    paginator = Paginator(roster_entries(programme, search), ENTRIES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "programme": programme,
        "search": search,
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "roster_is_empty": not search and paginator.count == 0,
    }
    return render(request, "programmes/roster.html", context)


@sensitive_post_parameters("passport_number")
@require_http_methods(["GET", "POST"])
def entry_add(request: HttpRequest, code: str) -> HttpResponse:
    programme = roster_for(request.user, code)
    form = RosterEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with _audit(request):
                entry = roster_entry_create(
                    programme=programme, data=form.roster_data(), by=_officer(request)
                )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was added to the %(programme)s roster.")
                % {"name": entry.full_name, "programme": code},
            )
            return redirect(_roster_url(programme))
    return render(
        request, "programmes/entry_form.html", {"programme": programme, "form": form, "entry": None}
    )


@sensitive_post_parameters("passport_number")
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, code: str, entry_id: int) -> HttpResponse:
    programme = roster_for(request.user, code)
    entry = roster_entry_for(programme, entry_id)
    entry_name = entry.full_name  # the form changes the instance while validating; headings keep this
    form = RosterEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            with _audit(request):
                roster_entry_update(entry=entry, data=form.roster_data(), by=_officer(request))
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, _("The entry for %(name)s was saved.") % {"name": entry.full_name})
            return redirect(_roster_url(programme))
    context = {"programme": programme, "form": form, "entry": entry, "entry_name": entry_name}
    return render(request, "programmes/entry_form.html", context)


@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, code: str, entry_id: int) -> HttpResponse:
    programme = roster_for(request.user, code)
    entry = roster_entry_for(programme, entry_id)
    if request.method == "POST":
        with _audit(request):
            roster_entry_delete(entry=entry, by=_officer(request))
        messages.success(
            request,
            _("%(name)s was removed from the %(programme)s roster.")
            % {"name": entry.full_name, "programme": code},
        )
        return redirect(_roster_url(programme))
    return render(request, "programmes/entry_confirm_delete.html", {"programme": programme, "entry": entry})


@require_http_methods(["GET", "POST"])
def roster_upload(request: HttpRequest, code: str) -> HttpResponse:
    programme = roster_for(request.user, code)
    form = RosterImportForm(request.POST or None, request.FILES or None)
    report: RosterImportReport | None = None
    if request.method == "POST" and form.is_valid():
        with _audit(request):
            report = roster_import(programme=programme, text=form.text, by=_officer(request))
        if report.ok:
            messages.success(request, _import_summary(report))
            return redirect(_roster_url(programme))
    context = {
        "programme": programme,
        "form": form,
        "report": report,
        "columns": IMPORT_COLUMNS,
    }
    return render(request, "programmes/import.html", context)


def _import_summary(report: RosterImportReport) -> str:
    return _("Import finished: %(created)d added, %(updated)d updated, %(unchanged)d already up to date.") % {
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }
