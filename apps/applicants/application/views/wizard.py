"""The wizard: its entry point, and one handler a step (profile, track, documents, sponsorship, review)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from apps.applicants.application.forms import TrackForm
from apps.applicants.application.views.common import add_errors, to_status, track_label, user_of
from apps.applicants.application.views.contexts import case_file_groups, documents_context
from apps.applicants.application.views.profile import profile_context, profile_forms, save_profile
from apps.applicants.application.views.steps import (
    DOCUMENTS,
    PROFILE,
    REVIEW,
    SPONSORSHIP,
    STEP_TITLES,
    TRACK,
    after_save,
    case_steps,
    draft_or_status,
    render_step,
    step_done,
    step_url,
    synced,
)
from apps.applicants.selectors import (
    case_config,
    confirmed_sponsorship,
    document_checklist,
    sponsorships_for_case,
)
from apps.applicants.services import (
    application_choose_track,
    application_missing_items,
    profile_for,
    profile_snapshot,
)
from apps.cases.models import Case
from apps.cases.selectors import case_estimate, get_case_for_applicant
from apps.cases.sponsorships import sponsorships_offered_to
from apps.rubric.language.document import Version
from apps.rubric.language.scorer import TrackResult
from apps.rubric.selectors import government_programmes

StepHandler = Callable[[HttpRequest, Case], HttpResponse]


@login_required
@require_GET
def wizard(request: HttpRequest, reference: str) -> HttpResponse:
    """The first step not yet done (or the review), or the status page once submitted."""
    case = get_case_for_applicant(user_of(request), reference)
    if (response := draft_or_status(case)) is not None:
        return response
    profile = profile_for(user_of(request))
    config = case_config(case)
    for step in case_steps(case):
        if step == REVIEW or not step_done(case, step, profile, config):
            return redirect(step_url(case, step))
    return redirect(step_url(case, REVIEW))


@login_required
@require_http_methods(["GET", "POST"])
def wizard_step(request: HttpRequest, reference: str, step: str) -> HttpResponse:
    case = get_case_for_applicant(user_of(request), reference)
    if step not in STEP_TITLES:
        raise Http404
    if (response := draft_or_status(case)) is not None:
        return response
    if step not in case_steps(case):  # the sponsorship step of a track that needs none
        return redirect("application:wizard", reference=case.reference)
    if not synced(request, case):
        return to_status(case)
    return STEP_HANDLERS[step](request, case)


def _profile_step(request: HttpRequest, case: Case) -> HttpResponse:
    profile = profile_for(user_of(request))
    forms = profile_forms(request, profile)
    if request.method == "POST" and save_profile(request, forms):
        return after_save(request, case, PROFILE)
    profile.refresh_from_db()
    return render_step(
        request, case, PROFILE, profile_context(profile, forms), status=400 if forms.has_errors else 200
    )


def _track_step(request: HttpRequest, case: Case) -> HttpResponse:
    config = case_config(case)
    codes = [t.code for t in config.tracks] if config else []
    initial = {"track": case.track, "government_programme": case.facts.get("government_programme") or ""}
    form = TrackForm(request.POST if request.method == "POST" else None, initial=initial, tracks=codes)
    if request.method == "POST" and form.is_valid() and _choose_track(request, case, form):
        return after_save(request, case, TRACK)
    context = _track_context(case, form, config)
    return render_step(request, case, TRACK, context, status=400 if form.errors else 200)


def _choose_track(request: HttpRequest, case: Case, form: TrackForm) -> bool:
    """Save the chosen track; False (with the reasons on the form) when refused."""
    try:
        application_choose_track(
            case=case,
            by=user_of(request),
            track=form.cleaned_data["track"],
            government_programme=form.cleaned_data.get("government_programme") or None,
        )
    except ValidationError as error:
        add_errors(form, error)
        return False
    return True


def _track_context(case: Case, form: TrackForm, config: Version | None) -> dict[str, Any]:
    """Each track offered, with the engine's verdict on the draft for it."""
    estimate = case_estimate(case)
    results: Mapping[str, TrackResult] = estimate.result.tracks if estimate else {}
    options = [{"radio": radio, "result": results.get(str(radio.data["value"]))} for radio in form["track"]]
    return {
        "form": form,
        "options": options,
        "assessment": estimate,
        "estimate": estimate,
        "version_code": config.code if config else "",
        "programmes": government_programmes(),
    }


def _documents_step(request: HttpRequest, case: Case) -> HttpResponse:
    if request.method == "POST":
        return after_save(request, case, DOCUMENTS)
    return render_step(request, case, DOCUMENTS, documents_context(case))


def _sponsorship_step(request: HttpRequest, case: Case) -> HttpResponse:
    if request.method == "POST":
        return after_save(request, case, SPONSORSHIP)
    context = {
        "confirmed": confirmed_sponsorship(case),
        "offered": sponsorships_for_case(case, sponsorships_offered_to(user_of(request))),
    }
    return render_step(request, case, SPONSORSHIP, context)


def _review_step(request: HttpRequest, case: Case) -> HttpResponse:
    if request.method == "POST":
        return after_save(request, case, REVIEW)
    items, _has_track = document_checklist(case)
    estimate = case_estimate(case)
    context = {
        "missing": application_missing_items(case),
        "casefile": case_file_groups(case, profile_snapshot(profile_for(user_of(request)))),
        "estimate": estimate,
        "estimate_track": estimate.result.tracks.get(case.track) if estimate and case.track else None,
        "items": items,
        "confirmed": confirmed_sponsorship(case),
        "track_label": track_label(case),
    }
    return render_step(request, case, REVIEW, context)


STEP_HANDLERS: dict[str, StepHandler] = {
    PROFILE: _profile_step,
    TRACK: _track_step,
    DOCUMENTS: _documents_step,
    SPONSORSHIP: _sponsorship_step,
    REVIEW: _review_step,
}
