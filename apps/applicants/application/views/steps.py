"""The wizard's steps: which a case has, which are done, their links, and moving between them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.applicants.application.views.common import to_status, user_of
from apps.applicants.models import ApplicantProfile
from apps.applicants.selectors import case_config, confirmed_sponsorship, required_document_kinds
from apps.applicants.services import application_sync_answers, profile_for, profile_missing_items
from apps.cases.models import Case, CaseStatus, Track
from apps.rubric.language.document import Version

PROFILE, TRACK, DOCUMENTS, SPONSORSHIP, REVIEW = "profile", "track", "documents", "sponsorship", "review"
STEP_TITLES: dict[str, Promise] = {
    PROFILE: gettext_lazy("Your profile"),
    TRACK: gettext_lazy("Track"),
    DOCUMENTS: gettext_lazy("Documents"),
    SPONSORSHIP: gettext_lazy("Sponsorship"),
    REVIEW: gettext_lazy("Review and submit"),
}
LATER = "later"  # the "Save and come back later" button's action; any other value continues


@dataclass(frozen=True, slots=True)
class StepLink:
    slug: str
    number: int
    title: Promise
    url: str
    done: bool
    current: bool


def case_steps(case: Case) -> list[str]:
    steps = [PROFILE, TRACK, DOCUMENTS]
    if case.track == Track.QUALITATIVE:
        steps.append(SPONSORSHIP)
    steps.append(REVIEW)
    return steps


def step_done(case: Case, step: str, profile: ApplicantProfile, config: Version | None) -> bool:
    if step == PROFILE:
        return not profile_missing_items(profile)
    if step == TRACK:
        return bool(case.track)
    if step == DOCUMENTS:
        required = required_document_kinds(case, config)
        present = set(case.documents.values_list("kind", flat=True))
        return bool(required) and set(required) <= present
    if step == SPONSORSHIP:
        return confirmed_sponsorship(case) is not None
    return False


def step_links(case: Case, current: str, profile: ApplicantProfile) -> list[StepLink]:
    config = case_config(case)
    return [
        StepLink(
            slug=slug,
            number=number,
            title=STEP_TITLES[slug],
            url=step_url(case, slug),
            done=step_done(case, slug, profile, config),
            current=slug == current,
        )
        for number, slug in enumerate(case_steps(case), start=1)
    ]


def steps_context(case: Case, current: str, profile: ApplicantProfile) -> dict[str, Any]:
    """The step list shown above a page of the application, and its length."""
    steps = step_links(case, current, profile)
    return {"steps": steps, "step_count": len(steps)}


def step_url(case: Case, step: str) -> str:
    return reverse("application:step", args=[case.reference, step])


def after_save(request: HttpRequest, case: Case, step: str) -> HttpResponse:
    """ "Save and continue" goes to the next step; "Save and come back later" to the list."""
    if request.POST.get("action") == LATER:
        messages.success(
            request,
            _("Saved. Your application %(reference)s is waiting for you here; continue whenever you like.")
            % {"reference": case.reference},
        )
        return redirect("application:list")
    steps = case_steps(case)
    following = steps[min(steps.index(step) + 1, len(steps) - 1)] if step in steps else REVIEW
    return redirect(step_url(case, following))


def draft_or_status(case: Case) -> HttpResponse | None:
    """After submission the wizard's pages lead to the status page."""
    if case.status != CaseStatus.DRAFT:
        return to_status(case)
    return None


def synced(request: HttpRequest, case: Case) -> bool:
    """Bring the draft's answers up to date with the profile (it may have changed elsewhere).

    False when the case stopped being a draft since it was loaded (submitted in another tab).
    """
    try:
        application_sync_answers(case=case, by=user_of(request))
    except ValidationError:
        case.refresh_from_db()
        return case.status == CaseStatus.DRAFT
    return True


def render_step(
    request: HttpRequest, case: Case, step: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """One step of the wizard inside its frame (the step list, the step's own template)."""
    profile = context.get("profile") or profile_for(user_of(request))
    steps = step_links(case, step, profile)
    current = next(s for s in steps if s.current)
    context = {
        **context,
        "case": case,
        "step": step,
        "steps": steps,
        "current_step": current,
        "step_count": len(steps),
        "step_template": f"applicants/application/steps/{step}.html",
    }
    return render(request, "applicants/application/wizard.html", context, status=status)
