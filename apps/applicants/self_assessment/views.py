"""Public pages: the home page and the self-assessment (form, result, side-by-side versions).

Thin views: the form validates the answers, ``scoring.assess`` scores them, and
``present`` arranges the engine's result for the templates (grouping, documents, best next steps).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from apps.accounts.models import User
from apps.applicants.models import Scenario
from apps.applicants.selectors import answer_rows
from apps.applicants.self_assessment.documents import RequiredDocument, documents_for
from apps.applicants.self_assessment.forms import SelfAssessmentForm
from apps.applicants.self_assessment.scenarios import (
    COMPARE_AT_MOST,
    scenario_delete,
    scenario_save,
    scenarios_of,
)
from apps.applicants.self_assessment.scoring import assess, assess_under_every_version
from apps.rubric.language.scorer import CriterionResult, NextStep, ScoreResult, TrackResult
from apps.rubric.models import RubricVersion
from apps.rubric.selectors import (
    NoGniFigure,
    NoVersionInForce,
    UnknownRubricVersion,
    rubric_version_by_code,
)

# Sent by a form that is showing errors (see _assessment.html): the next htmx update must redraw the
# whole form, or corrected answers would keep their old error messages.
FORM_ERRORS_HEADER = "X-KTP-Form-Errors"
ASSESSMENT_REGION = "#assessment"
BEST_NEXT_STEPS = 3

GROUP_TITLES: dict[str, str | Promise] = {
    "quantitative": _("A. Quantitative part"),
    "qualitative": _("B. Qualitative part"),
}


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@dataclass(frozen=True, slots=True)
class CriterionGroup:
    code: str  # "quantitative" | "qualitative"
    title: str | Promise
    points: int
    max: int
    is_estimate: bool  # any criterion in it is an estimate (the qualitative part, by default)
    criteria: tuple[CriterionResult, ...]


@dataclass(frozen=True, slots=True)
class TrackDocuments:
    track: TrackResult
    documents: tuple[RequiredDocument, ...]


@dataclass(frozen=True, slots=True)
class ResultView:
    """One engine result, arranged for the page."""

    result: ScoreResult
    version: RubricVersion
    groups: tuple[CriterionGroup, ...]
    tracks: tuple[TrackResult, ...]
    eligible_tracks: tuple[TrackResult, ...]
    sme_bonus_max: int
    max_total: int
    best_next_steps: tuple[RankedStep, ...]
    documents: tuple[TrackDocuments, ...]

    @property
    def has_points(self) -> bool:
        """False for a version without a points rubric (2025-03): tracks and reasons only."""
        return bool(self.result.criteria) and self.result.pass_mark is not None

    @property
    def pass_mark_reached(self) -> bool:
        return self.result.pass_mark is not None and self.result.total >= self.result.pass_mark

    @property
    def common_documents(self) -> tuple[RequiredDocument, ...]:
        """The documents every track of this version needs (listed once on the page)."""
        if not self.documents:
            return ()
        codes_everywhere = set.intersection(*({d.code for d in e.documents} for e in self.documents))
        return tuple(d for d in self.documents[0].documents if d.code in codes_everywhere)

    @property
    def extra_documents(self) -> tuple[TrackDocuments, ...]:
        """Per track, what it needs beyond the common documents; tracks with nothing extra left out."""
        common = {d.code for d in self.common_documents}
        extras = (
            TrackDocuments(e.track, tuple(d for d in e.documents if d.code not in common))
            for e in self.documents
        )
        return tuple(entry for entry in extras if entry.documents)

    @property
    def points_to_pass(self) -> int:
        if self.result.pass_mark is None:
            return 0
        return max(self.result.pass_mark - self.result.total, 0)

    @property
    def sme_bonus_claimed(self) -> bool:
        return self.result.sme_bonus_basis == "claimed"


@dataclass(frozen=True, slots=True)
class RankedStep:
    step: NextStep
    reaches: str  # the title of the threshold this step alone reaches ("" for none)

    @property
    def text(self) -> str:
        return self.step.text

    @property
    def gain(self) -> int:
        return self.step.gain


def ranked_next_steps(result: ScoreResult) -> list[RankedStep]:
    """The steps up, the smallest change that reaches each threshold not yet reached first (one
    point short of the pass mark, a +4 salary step beats a +8 one), then the rest by gain."""
    steps = [step for criterion in result.criteria for step in criterion.next_steps]
    first: list[RankedStep] = []
    for threshold in sorted(result.thresholds.values(), key=lambda th: th.points):
        short = threshold.points - result.total
        if threshold.reached or short <= 0:
            continue
        enough = [step for step in steps if step.gain >= short and all(r.step is not step for r in first)]
        if enough:
            first.append(RankedStep(min(enough, key=lambda step: step.gain), threshold.title))
    rest = sorted((s for s in steps if all(r.step is not s for r in first)), key=lambda s: -s.gain)
    return [*first, *(RankedStep(step, "") for step in rest)]


def present(result: ScoreResult) -> ResultView:
    version = rubric_version_by_code(result.rubric_version)
    config = version.parsed_config()
    group_of = config.group_of()
    groups: list[CriterionGroup] = []
    for group_code, title in GROUP_TITLES.items():
        members = tuple(c for c in result.criteria if group_of.get(c.code) == group_code)
        if members:
            groups.append(
                CriterionGroup(
                    code=group_code,
                    title=title,
                    points=sum(c.points for c in members),
                    max=sum(c.max for c in members),
                    is_estimate=any(c.basis == "estimate" for c in members),
                    criteria=members,
                )
            )
    tracks = tuple(result.tracks.values())
    steps = ranked_next_steps(result)
    claimed = result.sme_bonus_basis == "claimed"
    track_configs = {track.code: track for track in config.tracks}
    sme_bonus = config.bonus("sme")
    return ResultView(
        result=result,
        version=version,
        groups=tuple(groups),
        tracks=tracks,
        eligible_tracks=tuple(t for t in tracks if t.eligible),
        sme_bonus_max=sme_bonus.points if sme_bonus else 0,
        max_total=config.max_total,
        best_next_steps=tuple(steps[:BEST_NEXT_STEPS]),
        documents=tuple(
            TrackDocuments(t, documents_for(track_configs[t.code], sme_bonus_claimed=claimed))
            for t in tracks
            if t.code in track_configs
        ),
    )


def _form_for(request: HttpRequest) -> SelfAssessmentForm:
    if SelfAssessmentForm.is_answered(request.GET):
        return SelfAssessmentForm(request.GET)
    return SelfAssessmentForm(initial={"version": request.GET.get("version", "")})


def _query_string(request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"?{query}" if query else ""


def _base_context(request: HttpRequest, form: SelfAssessmentForm) -> dict[str, Any]:
    return {
        # The form was sent with nothing answered: say so rather than score an empty profile.
        "blank_submission": not form.is_bound and SelfAssessmentForm.is_sent(request.GET),
        "form": form,
        "query_string": _query_string(request),
        "form_url": reverse("self_assessment"),
        "compare_url": reverse("self_assessment_compare") + _query_string(request),
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "applicants/home.html")


@require_GET
@vary_on_headers("HX-Request")
def self_assessment(request: HtmxHttpRequest) -> HttpResponse:
    form = _form_for(request)
    context = _base_context(request, form)
    if form.is_bound and form.is_valid() and form.answers is not None:
        try:
            context["outcome"] = present(assess(answers=form.answers, version_code=form.version_code))
            context["answer_rows"] = answer_rows(form.answers)
            context["printed_on"] = timezone.localtime()
        except (NoVersionInForce, NoGniFigure, UnknownRubricVersion):
            context["assessment_error"] = _(
                "We cannot score your answers right now: no rubric rules apply to today's date. "
                "Choose a published rubric version instead."
            )
    if request.htmx and not request.htmx.history_restore_request:
        if form.errors or request.headers.get(FORM_ERRORS_HEADER):
            # Errors appear (or disappear) next to the fields: redraw the form and the result.
            response = render(request, "applicants/htmx_assessment.html", context)
            return reswap(retarget(response, ASSESSMENT_REGION), "innerHTML")
        return render(request, "applicants/htmx_result.html", context)
    return render(request, "applicants/self_assessment.html", context)


@require_GET
def self_assessment_compare(request: HttpRequest) -> HttpResponse:
    form = _form_for(request)
    context = _base_context(request, form)
    if form.is_bound:
        if not form.is_valid() or form.answers is None:
            # The errors belong next to the questions: show them on the form page.
            return redirect(context["form_url"] + context["query_string"])
        results = assess_under_every_version(answers=form.answers)
        context["outcomes"] = [present(result) for result in results]
    return render(request, "applicants/compare.html", context)


# --- Saved scenarios (signed-in people) -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scenarios(request: HttpRequest) -> HttpResponse:
    """The person's saved scenarios; a POST saves the answers it carries under a name."""
    user = request.user
    assert isinstance(user, User)
    error = ""
    if request.method == "POST":
        try:
            scenario = scenario_save(user=user, name=request.POST.get("name", ""), query=request.POST)
        except ValidationError as exc:
            error = " ".join(exc.message_dict.get("name", exc.messages))
        else:
            messages.success(request, _("Saved as “%(name)s”.") % {"name": scenario.name})
            return redirect("self_assessment_scenarios")
    rows = [(s, reverse("self_assessment") + "?" + urlencode(s.answers)) for s in scenarios_of(user)]
    return render(
        request,
        "applicants/scenarios.html",
        {"rows": rows, "error": error, "compare_at_most": COMPARE_AT_MOST},
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["POST"])
def scenario_remove(request: HttpRequest, scenario_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if not scenario_delete(user=user, scenario_id=scenario_id):
        raise Http404
    messages.success(request, _("Scenario deleted."))
    return redirect("self_assessment_scenarios")


@login_required
@require_GET
def scenarios_compare(request: HttpRequest) -> HttpResponse:
    """The chosen scenarios side by side, each scored under its own answers (at most four)."""
    user = request.user
    assert isinstance(user, User)
    ids = [int(value) for value in request.GET.getlist("id") if value.isdigit()][:COMPARE_AT_MOST]
    chosen = {s.pk: s for s in Scenario.objects.filter(user=user, pk__in=ids)}
    columns = []
    for scenario_id in ids:
        scenario = chosen.get(scenario_id)
        if scenario is None:
            continue
        form = SelfAssessmentForm(scenario.answers)
        outcome = None
        if form.is_valid() and form.answers is not None:
            try:
                outcome = present(assess(answers=form.answers, version_code=form.version_code))
            except (NoVersionInForce, NoGniFigure, UnknownRubricVersion):
                outcome = None
        columns.append({"scenario": scenario, "outcome": outcome, "form": form})
    context = {"columns": columns, "too_few": len(columns) < 2}
    return render(request, "applicants/scenarios_compare.html", context)
