"""Decision pages: the applicant's decision letter (PDF), their request for a review of a rejection,
and the public page where anyone checks a letter by reference and code (no sign-in, throttled).

Thin views over apps.cases.letters and apps.cases.decision_review; an applicant's case is fetched
through ``get_case_for_applicant`` (anyone else's is a 404).
"""

from __future__ import annotations

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from apps.applicants.application.views.common import add_errors, to_status, user_of
from apps.applicants.letters.forms import ReviewRequestForm, VerifyLetterForm
from apps.cases.decision_review import review_request, review_window
from apps.cases.letters import (
    Verdict,
    current_letter,
    letter_file_name,
    letter_verify,
    normalise_reference,
    render_letter_pdf,
)
from apps.cases.selectors import get_case_for_applicant
from apps.cases.transitions import StaleCase, TransitionNotAllowed

VERIFY_ACTION = "letter_verify"  # every check, per client address
VERIFY_FAILED_ACTION = "letter_verify_failed"  # checks that matched nothing, per reference


def verify_url() -> str:
    return f"{settings.SITE_URL}{reverse('letters:verify')}"


@login_required
@require_GET
@never_cache
def letter_download(request: HttpRequest, reference: str) -> HttpResponse:
    """The approved applicant's letter, English and Korean, as a PDF attachment."""
    case = get_case_for_applicant(user_of(request), reference)
    letter = current_letter(case)
    if letter is None:
        raise Http404
    response = HttpResponse(
        render_letter_pdf(letter, verify_url=verify_url()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{letter_file_name(letter)}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def review_request_view(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask for a review of a rejection, within the rules version's period."""
    user = user_of(request)
    case = get_case_for_applicant(user, reference)
    window = review_window(case)
    if not window.open:
        messages.info(request, _("A review of this decision cannot be requested now. The page says why."))
        return to_status(case)
    form = ReviewRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            review_request(
                case=case,
                by=user,
                grounds=form.cleaned_data["grounds"],
                uploads=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            add_errors(form, error)
        except (PermissionDenied, TransitionNotAllowed, StaleCase):
            messages.info(request, _("A review of this decision cannot be requested now. The page says why."))
            return to_status(case)
        else:
            messages.success(
                request,
                _(
                    "Your request for a review has been sent to the ministry. We will e-mail you when it is decided."
                ),
            )
            return to_status(case)
    context = {"case": case, "form": form, "window": window}
    return render(
        request, "applicants/application/review_request.html", context, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone (an immigration office, an employer) checks a letter: genuine and current, replaced,
    withdrawn, or no letter matches. Nothing else about the case is shown."""
    form = VerifyLetterForm(request.POST or None)
    context: dict[str, object] = {"form": form, "result": None}
    status = 200
    if request.method == "POST" and form.is_valid():
        reference = normalise_reference(form.cleaned_data["reference"])
        allowed = ratelimit.consume(request, action=VERIFY_ACTION) and ratelimit.consume(
            request, action=VERIFY_FAILED_ACTION, key=reference, dry_run=True
        )
        if not allowed:
            context["throttled"] = True
            return render(request, "applicants/letters/verify.html", context, status=429)
        result = letter_verify(reference=reference, code=form.cleaned_data["code"])
        if result.verdict == Verdict.NO_MATCH:
            ratelimit.consume(request, action=VERIFY_FAILED_ACTION, key=reference)
        context["result"] = result
    elif form.errors:
        status = 400
    return render(request, "applicants/letters/verify.html", context, status=status)
