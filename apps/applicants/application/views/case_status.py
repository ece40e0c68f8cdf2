"""After submission: the status page, answering a reviewer's request for information, withdrawing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.applicants.application.forms import InformationResponseForm, WithdrawForm
from apps.applicants.application.views.common import add_errors, to_status, user_of
from apps.applicants.application.views.contexts import status_context
from apps.applicants.selectors import open_information_request
from apps.cases.models import Case, InformationRequest
from apps.cases.review_moves import information_respond, may_answer
from apps.cases.selectors import get_case_for_applicant
from apps.cases.services import case_withdraw
from apps.cases.transitions import StaleCase, TransitionNotAllowed
from apps.metrics.services import inquiry_send


@login_required
@require_GET
def status(request: HttpRequest, reference: str) -> HttpResponse:
    case = get_case_for_applicant(user_of(request), reference)
    return render(request, "applicants/application/status.html", status_context(request, case))


@login_required
@require_POST
def respond(request: HttpRequest, reference: str) -> HttpResponse:
    """The applicant's answer to an open information request (text and files): the clock resumes."""
    user = user_of(request)
    case = get_case_for_applicant(user, reference)
    open_request = open_information_request(case)
    if open_request is None or not may_answer(open_request, user):
        messages.info(request, _("There is no open request for you to answer on this application."))
        return to_status(case)
    form = InformationResponseForm(request.POST, request.FILES)
    if form.is_valid() and (response := _send_answer(request, case, open_request, form)) is not None:
        return response
    context = status_context(request, case, response_form=form)
    return render(request, "applicants/application/status.html", context, status=400)


def _send_answer(
    request: HttpRequest, case: Case, open_request: InformationRequest, form: InformationResponseForm
) -> HttpResponse | None:
    """Send the answer: the status page when sent (or answered meanwhile); None when refused, with
    the reasons on the form."""
    try:
        information_respond(
            request=open_request,
            by=user_of(request),
            text=form.cleaned_data["text"],
            uploads=form.cleaned_data["attachments"],
        )
    except ValidationError as error:
        add_errors(form, error)
        return None
    except (TransitionNotAllowed, StaleCase):
        messages.info(request, _("This request has already been answered."))
        return to_status(case)
    messages.success(
        request, _("Your answer has been sent to the reviewer. The processing clock runs again.")
    )
    return to_status(case)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    user = user_of(request)
    case = get_case_for_applicant(user, reference)
    if case.is_final:
        messages.info(
            request,
            _("This application is already closed (%(status)s).") % {"status": case.get_status_display()},
        )
        return to_status(case)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _withdraw(request, case, form.cleaned_data["reason"].strip())
        return to_status(case)
    return render(
        request,
        "applicants/application/withdraw.html",
        {"case": case, "form": form},
        status=400 if form.errors else 200,
    )


def _withdraw(request: HttpRequest, case: Case, reason: str) -> None:
    """Withdraw, and say how it went."""
    try:
        case_withdraw(case=case, by=user_of(request), reason=reason)
    except (TransitionNotAllowed, StaleCase):
        messages.info(request, _("This application is already closed."))
    else:
        messages.success(
            request, _("You withdrew application %(reference)s.") % {"reference": case.reference}
        )


@login_required
@require_POST
def inquire(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask the ministry about a case that has taken longer than 80% of similar ones (issue 15)."""
    user = user_of(request)
    case = get_case_for_applicant(user, reference)
    try:
        inquiry_send(case=case, by=user, message=request.POST.get("message", ""))
    except ValidationError as error:
        context = status_context(request, case)
        context["inquiry_errors"] = error.messages
        context["inquiry_message"] = request.POST.get("message", "")
        return render(request, "applicants/application/status.html", context, status=400)
    messages.success(
        request, _("Your question has been sent to the ministry. The reviewers see it with your application.")
    )
    return to_status(case)
