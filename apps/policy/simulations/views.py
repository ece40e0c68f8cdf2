"""The impact simulation's pages: start a run, list past runs, follow one, read and export its
result. Thin: reads from ``selectors``/``results``, the run from ``apps.policy.services``."""

from __future__ import annotations

import csv
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext

from apps.core.spreadsheet import inert_cell
from apps.policy.access import policy_administrator_required
from apps.policy.models import SimulationRun, SimulationStatus
from apps.policy.services import simulation_request
from apps.policy.simulation import SimulationError
from apps.policy.simulations import results, selectors
from apps.policy.simulations.access import may_see_cases
from apps.policy.simulations.forms import SimulationStartForm, default_period
from apps.rubric.selectors import NoVersionInForce, rubric_version_in_force

RUNS_PER_PAGE = 25
CASES_PER_PAGE = 50
POLL_SECONDS = 2


def _base_in_force() -> str | None:
    try:
        return rubric_version_in_force(timezone.localdate()).code
    except NoVersionInForce:
        return None


@policy_administrator_required
def run_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.runs(), RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "policy/simulations/list.html", {"page": page})


@policy_administrator_required
def start(request: HttpRequest) -> HttpResponse:
    unknown_code = None
    if request.method == "POST":
        form = SimulationStartForm(request.POST, request.FILES)
        if form.is_valid():
            assert form.document_data is not None
            try:
                run = simulation_request(
                    draft=form.document_data,
                    submitted_from=form.cleaned_data["submitted_from"],
                    submitted_to=form.cleaned_data["submitted_to"],
                    by=request.user,  # type: ignore[arg-type]
                    source=form.source,
                )
            except SimulationError as exc:
                form.add_error(None, gettext("The simulation cannot start: %(reason)s") % {"reason": exc})
            else:
                return redirect("policy_simulations:detail", pk=run.pk)
    else:
        start_day, end_day = default_period()
        code = request.GET.get("draft", "")
        form = SimulationStartForm(
            initial={"draft_code": code, "submitted_from": start_day, "submitted_to": end_day}
        )
        if code and code not in {value for value, _label in form.fields["draft_code"].choices}:  # type: ignore[attr-defined]
            unknown_code = code
    context = {
        "form": form,
        "unknown_code": unknown_code,
        "base_code": _base_in_force(),
        "recent": selectors.runs()[:5],
    }
    return render(request, "policy/simulations/start.html", context)


def _progress(run: SimulationRun) -> dict[str, Any]:
    percent = min(100, run.done * 100 // run.total) if run.total else 0
    return {"run": run, "percent": percent, "poll_seconds": POLL_SECONDS}


@policy_administrator_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(SimulationRun.objects.select_related("created_by"), pk=pk)
    context: dict[str, Any] = {"run": run, **_progress(run), "may_see_cases": may_see_cases(request.user)}
    if run.status == SimulationStatus.FINISHED and run.result:
        context["tables"] = results.tables(run.result, get_language() or "en")
        context["result"] = run.result
        if context["may_see_cases"]:
            page = Paginator(run.result.get("changed", []), CASES_PER_PAGE).get_page(request.GET.get("page"))
            page.object_list = [results.changed_row(case, context["tables"]) for case in page.object_list]
            context["cases_page"] = page
    if run.status == SimulationStatus.FAILED:
        context["error"] = gettext(run.error) if run.error else ""
    return render(request, "policy/simulations/detail.html", context)


@policy_administrator_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar's partial, polled by htmx; once the run ends, the page reloads itself."""
    run = get_object_or_404(SimulationRun.objects.defer("draft", "result"), pk=pk)
    if run.status in (SimulationStatus.FINISHED, SimulationStatus.FAILED):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "policy/simulations/_progress.html", {**_progress(run), "oob": True})


@policy_administrator_required
def result_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every figure of a finished run; ``?variant=public`` hides groups under five cases and never
    lists a case. Case references only for staff allowed to see cases."""
    run = get_object_or_404(SimulationRun, pk=pk)
    if run.status != SimulationStatus.FINISHED or not run.result:
        raise Http404
    public = request.GET.get("variant") == "public"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    kind = "public" if public else "full"
    response["Content-Disposition"] = f'attachment; filename="ktp-simulation-{run.pk}-{kind}.csv"'
    response.write("\ufeff")  # Excel then reads UTF-8 (Korean names)
    writer = csv.writer(response)
    writer.writerow([inert_cell(cell) for cell in results.csv_header()])
    rows = results.csv_rows(
        run.result, get_language() or "en", public=public, with_cases=may_see_cases(request.user)
    )
    writer.writerows([inert_cell(cell) for cell in row] for row in rows)
    return response
