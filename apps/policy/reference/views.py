"""The reference lists' pages (issue 10, part 5). Thin: reads from selectors, changes from services."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import DateField, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.dates import format_when
from apps.core.spreadsheet import inert_cell
from apps.policy.access import policy_administrator_required
from apps.policy.reference.forms import SearchForm, UploadForm
from apps.policy.reference.lists import COLUMN_LABELS, LISTS, ReferenceList, reference_list
from apps.policy.reference.services import UploadGone, upload_apply, upload_for, upload_plan, upload_store
from apps.rubric.models import ReferenceListChange, ReferenceRowChange
from apps.rubric.reference_import import PlanChanged, template_csv

PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 10


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@policy_administrator_required
def index(request: HttpRequest) -> HttpResponse:
    latest: dict[str, ReferenceListChange] = {}
    for change in ReferenceListChange.objects.select_related("applied_by").order_by("kind", "-applied_at"):
        latest.setdefault(change.kind, change)
    lists = [(item, item.rows().count(), latest.get(kind)) for kind, item in LISTS.items()]
    return render(request, "policy/reference/index.html", {"lists": lists})


@policy_administrator_required
def browse(request: HttpRequest, kind: str) -> HttpResponse:
    item = reference_list(kind)
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(item.search(query), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [[getattr(obj, column) for column in item.columns] for obj in page.object_list]
    return render(
        request,
        "policy/reference/browse.html",
        {
            "item": item,
            "form": form,
            "search": query,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "headers": [COLUMN_LABELS[column] for column in item.columns],
            "rows": rows,
            "total": item.rows().count(),
        },
    )


@policy_administrator_required
def template(request: HttpRequest, kind: str) -> HttpResponse:
    item = reference_list(kind)
    text = "".join(str(inert_cell(line)) for line in template_csv(item.kind_name).splitlines(keepends=True))
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{item.kind_name}-template.csv"'
    return response


@policy_administrator_required
def upload(request: HttpRequest, kind: str) -> HttpResponse:
    item = reference_list(kind)
    errors: list[str] = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            stored, errors = upload_store(
                kind=item.kind_name,
                text=form.text,
                file_name=form.cleaned_data["file"].name or "",
                replace=form.cleaned_data["replace"],
                by=_user(request),
            )
            if stored is not None:
                return redirect("policy_reference:preview", kind=item.kind_name, upload_id=stored.pk)
    else:
        form = UploadForm()
    columns = [
        (name, name not in item.kind.optional_columns, COLUMN_LABELS[name]) for name in item.kind.columns
    ]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "policy/reference/upload.html",
        {"item": item, "form": form, "errors": errors, "columns": columns},
        status=status,
    )


@policy_administrator_required
def preview(request: HttpRequest, kind: str, upload_id: uuid.UUID) -> HttpResponse:
    item = reference_list(kind)
    try:
        stored = upload_for(upload_id=upload_id, kind=item.kind_name, by=_user(request))
    except UploadGone:
        raise Http404 from None
    if request.method == "POST":
        try:
            change = upload_apply(
                upload=stored,
                by=_user(request),
                sha256=request.POST.get("sha256", ""),
                fingerprint=request.POST.get("fingerprint", ""),
            )
        except PlanChanged:
            messages.error(
                request,
                _(
                    "The list changed since this preview was made, so nothing was applied. Check the new preview."
                ),
            )
            return redirect("policy_reference:preview", kind=item.kind_name, upload_id=stored.pk)
        messages.success(
            request,
            _("Applied: %(added)d added, %(changed)d changed, %(removed)d removed. It counts from %(day)s.")
            % {
                "added": change.added,
                "changed": change.changed,
                "removed": change.removed,
                "day": format_when(change.in_force_from),
            },
        )
        return redirect("policy_reference:history", kind=item.kind_name)
    plan = upload_plan(stored)
    return render(
        request,
        "policy/reference/preview.html",
        {
            "item": item,
            "upload": stored,
            "plan": plan,
            "fingerprint": plan.fingerprint(),
            "added": [_row_cells(item, None, d.after) for d in plan.added],
            "changed": [(d.key, _changes(item, d.before, d.after)) for d in plan.changed],
            "removed": [_row_cells(item, d.before, None) for d in plan.removed],
            "recorded": [label for _name, label in item.recorded_columns()],
        },
    )


@policy_administrator_required
def history(request: HttpRequest, kind: str) -> HttpResponse:
    item = reference_list(kind)
    changes = (
        ReferenceListChange.objects.filter(kind=item.kind_name)
        .select_related("applied_by")
        .order_by("-applied_at", "-pk")
        .prefetch_related(Prefetch("rows", queryset=ReferenceRowChange.objects.order_by("pk")))
    )
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [
        (change, [(row, _changes(item, row.before, row.after)) for row in change.rows.all()])
        for change in page.object_list
    ]
    return render(
        request,
        "policy/reference/history.html",
        {
            "item": item,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            "entries": entries,
            "search": "",
        },
    )


def _shown(item: ReferenceList, name: str, value: Any) -> Any:
    """A recorded value as the page shows it: a date column's value (an ISO string in the history, a
    date in a plan) in the one date format (decision 50)."""
    field = item.kind.model._meta.get_field(name)
    if isinstance(field, DateField) and value:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return format_when(day)
    return value


def _row_cells(item: ReferenceList, before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Any]:
    values = after if after is not None else before or {}
    return [_shown(item, name, values.get(name)) for name, _label in item.recorded_columns()]


def _changes(
    item: ReferenceList, before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[tuple[Any, Any, Any]]:
    """(label, before, after) of each value that differs (every value for a row added or removed)."""
    before, after = before or {}, after or {}
    return [
        (label, _shown(item, name, before.get(name)), _shown(item, name, after.get(name)))
        for name, label in item.recorded_columns()
        if before.get(name) != after.get(name)
    ]
