"""Submission: the last check of a draft, the confirmation (and passport number), and the submit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from apps.applicants.application.forms import SubmitForm
from apps.applicants.application.views.common import add_errors, to_status, track_label, user_of
from apps.applicants.application.views.steps import REVIEW, steps_context, synced
from apps.applicants.selectors import clock_days
from apps.applicants.services import application_missing_items, application_submit, profile_for
from apps.cases.models import Case, CaseStatus, Track
from apps.cases.selectors import get_case_for_applicant
from apps.cases.services import CaseIncomplete
from apps.cases.transitions import StaleCase, TransitionNotAllowed
from apps.rubric.selectors import NoGniFigure, NoVersionInForce


@login_required
@never_cache
@sensitive_post_parameters("passport_number")
@sensitive_variables("passport_number")
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_applicant(user_of(request), reference)
    if case.status != CaseStatus.DRAFT:
        return _already_submitted(request, case)
    needs_passport = case.track == Track.GOVERNMENT_PROGRAMME
    form = SubmitForm(request.POST if request.method == "POST" else None, needs_passport=needs_passport)
    submitting = request.method == "POST" and form.is_valid()
    # A submission brings the answers up to date and checks completeness itself, under the case's
    # row lock; only the page shown otherwise needs them synced here first.
    if not submitting and not synced(request, case):
        return _already_submitted(request, case)
    if submitting and (response := _submit(request, case, form)) is not None:
        return response
    return _submit_page(request, case, form)


@sensitive_variables("passport_number")
def _submit(request: HttpRequest, case: Case, form: SubmitForm) -> HttpResponse | None:
    """Submit the draft: the status page when done (or submitted meanwhile); None to show the page
    again, with what is missing or the form's errors."""
    passport_number = form.cleaned_data.get("passport_number", "")
    try:
        application_submit(case=case, by=user_of(request), passport_number=passport_number)
    except CaseIncomplete:
        return None  # the page lists everything that is missing
    except (TransitionNotAllowed, StaleCase):
        return _already_submitted(request, case)
    except (NoVersionInForce, NoGniFigure):
        form.add_error(None, _("Applications cannot be submitted right now: no rules are in force today."))
        return None
    except ValidationError as error:
        case.refresh_from_db()
        if case.status != CaseStatus.DRAFT:
            return _already_submitted(request, case)
        add_errors(form, error)
        return None
    messages.success(
        request,
        _(
            "Your application %(reference)s has been submitted. The processing time of %(days)s days "
            "starts now."
        )
        % {"reference": case.reference, "days": clock_days(case)},
    )
    return to_status(case)


def _submit_page(request: HttpRequest, case: Case, form: SubmitForm) -> HttpResponse:
    missing = application_missing_items(case)
    context = {
        "case": case,
        "form": form,
        "missing": missing,
        **steps_context(case, REVIEW, profile_for(user_of(request))),
        "track_label": track_label(case),
    }
    status = 400 if (request.method == "POST" and (missing or form.errors)) else 200
    return render(request, "applicants/application/submit.html", context, status=status)


def _already_submitted(request: HttpRequest, case: Case) -> HttpResponse:
    """The case is no longer a draft (submitted or withdrawn, perhaps in another tab): say so, and
    show its status page."""
    case.refresh_from_db()
    if case.status == CaseStatus.WITHDRAWN:
        messages.info(request, _("This application has been withdrawn; it can no longer be submitted."))
    else:
        messages.info(
            request,
            _("This application has already been submitted. Nothing more is needed from you to submit it."),
        )
    return to_status(case)
