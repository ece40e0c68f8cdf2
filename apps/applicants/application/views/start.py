"""My applications, and starting one (blank, or from a self-assessment's answers)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.applicants.application.views.common import user_of
from apps.applicants.application.views.steps import PROFILE, step_url
from apps.applicants.self_assessment.forms import SelfAssessmentForm
from apps.applicants.services import application_start
from apps.cases.models import Case, CaseStatus
from apps.cases.selectors import case_days_left, cases_of_applicant
from apps.cases.services import OpenApplicationExists, open_case_of
from apps.cases.sponsorships import sponsorships_offered_to

# The self-assessment's answers shown before starting, in this order.
SUMMARY_FIELDS: tuple[str, ...] = (
    "degree_level",
    "institution",
    "institution_rank",
    "experience_years",
    "fortune_global_500_years",
    "field",
    "publications_and_patents",
    "led_project_years",
    "international_award",
    "offered_salary_krw",
    "government_programme",
)


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    cases = list(cases_of_applicant(user))
    rows = [{"case": case, "days_left": case_days_left(case)} for case in cases]
    waiting = [s for s in sponsorships_offered_to(user) if s.case_id is None]
    return render(
        request,
        "applicants/application/list.html",
        {
            "rows": rows,
            "sponsorships_waiting": waiting,
            "has_draft": any(c.status == CaseStatus.DRAFT for c in cases),
        },
    )


def _answers_summary(form: SelfAssessmentForm) -> list[tuple[str, str]]:
    shown: list[tuple[str, str]] = []
    for name in SUMMARY_FIELDS:
        bound = form[name]
        value: Any = form.cleaned_data.get(name)
        if value is None or value in ("", False):
            continue
        choices = dict(getattr(bound.field, "choices", []) or [])
        text = choices.get(value, value) if choices else value
        if value is True:
            text = _("Yes")
        elif name == "offered_salary_krw":
            text = number_format(int(value), force_grouping=True)
        shown.append((str(bound.label), str(text)))
    return shown


def _started_message(case: Case, *, from_self_assessment: bool) -> str:
    if from_self_assessment:
        return _(
            "Application %(reference)s started. Your profile was filled in from your self-assessment "
            "where it was empty: check it, name your employers, and save."
        ) % {"reference": case.reference}
    return _("Application %(reference)s started.") % {"reference": case.reference}


@login_required
@require_http_methods(["GET", "POST"])
def application_start_view(request: HttpRequest) -> HttpResponse:
    """From a self-assessment's query string (the answers are kept through log-in) or blank."""
    user = user_of(request)
    open_case = open_case_of(user)
    if open_case is not None:  # one open application at a time: lead to it
        messages.info(
            request,
            _("You already have an open application, %(reference)s: continue it here.")
            % {"reference": open_case.reference},
        )
        if open_case.status == CaseStatus.DRAFT:
            return redirect(step_url(open_case, PROFILE))
        return redirect("application:status", reference=open_case.reference)
    answered = SelfAssessmentForm.is_answered(request.GET)
    form = SelfAssessmentForm(request.GET) if answered else None
    valid = form is not None and form.is_valid()
    if request.method == "POST" and (form is None or valid):
        try:
            case = application_start(user=user, answers=form.cleaned_data if form is not None else None)
        except OpenApplicationExists as exc:  # a second window got there first
            messages.info(request, exc.messages[0])
            return redirect(step_url(exc.case, PROFILE))
        messages.success(request, _started_message(case, from_self_assessment=form is not None))
        return redirect(step_url(case, PROFILE))
    query = request.GET.urlencode()
    context = {
        "form": form,
        "answered": answered,
        "valid": valid,
        "summary": _answers_summary(form) if form is not None and valid else [],
        "drafts": [c for c in cases_of_applicant(user) if c.status == CaseStatus.DRAFT],
        "self_assessment_url": reverse("self_assessment") + (f"?{query}" if query else ""),
        "action_url": request.get_full_path(),
    }
    return render(
        request, "applicants/application/start.html", context, status=400 if answered and not valid else 200
    )
