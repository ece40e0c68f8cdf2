"""The after-decision panel's actions on /ministry/cases/<reference>/: a supervisor decides a review,
issues a new decision letter, or withdraws one. Thin: a form, a service, a redirect (or the page
again with the refused form, its text kept)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.cases.clock import days_left, is_overdue
from apps.cases.decision_review import open_review, open_reviews, review_decide
from apps.cases.letters import current_letter, letter_reissue, letter_withdraw
from apps.cases.models import Case
from apps.cases.transitions import StaleCase, TransitionNotAllowed
from apps.reviewers.access import supervisor_required
from apps.reviewers.workspace.decision_panel import LetterWithdrawForm, ReviewDecisionForm, after_decision
from apps.reviewers.workspace.views import _add_errors, _case, _page, _render, _user

ANCHOR = "after-decision"


def _again(request: HttpRequest, case: Case, **bound: Any) -> HttpResponse:
    roles: frozenset[str] = getattr(request, "ministry_roles", frozenset())
    return _render(
        request, case, status=400, after_decision=after_decision(case, _user(request), roles, bound)
    )


@supervisor_required
@never_cache
@require_POST
def review_decide_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    review = open_review(case)
    if review is None:
        messages.error(request, _("There is no open review on this case. Nothing was saved."))
        return redirect(_page(case, ANCHOR))
    form = ReviewDecisionForm(request.POST)
    if not form.is_valid():
        return _again(request, case, review_form=form)
    try:
        review_decide(
            review=review,
            by=_user(request),
            uphold=form.uphold,
            explanation=form.cleaned_data["explanation"],
            expected_version=form.cleaned_data["lock_version"],
        )
    except StaleCase:
        messages.error(
            request,
            _("The case changed while you were reading it. Nothing was saved; check it and decide again."),
        )
        return redirect(_page(case, ANCHOR))
    except ValidationError as error:
        _add_errors(form, error)
        return _again(request, case, review_form=form)
    except (PermissionDenied, TransitionNotAllowed) as refused:
        messages.error(request, str(refused))
        return redirect(_page(case, ANCHOR))
    case.refresh_from_db()
    messages.success(
        request,
        _("The review of case %(reference)s is decided: %(status)s. The applicant has been told.")
        % {"reference": case.reference, "status": case.get_status_display().lower()},
    )
    return redirect(_page(case, ANCHOR))


@supervisor_required
@never_cache
@require_POST
def letter_reissue_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    try:
        letter_reissue(case=case, by=_user(request))
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
    else:
        messages.success(
            request,
            _("A new decision letter with a new code was issued; the old code now reads as replaced."),
        )
    return redirect(_page(case, ANCHOR))


@supervisor_required
@never_cache
@require_POST
def letter_withdraw_view(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    letter = current_letter(case)
    if letter is None:
        messages.error(request, _("This case has no current decision letter. Nothing was saved."))
        return redirect(_page(case, ANCHOR))
    form = LetterWithdrawForm(request.POST)
    if not form.is_valid():
        return _again(request, case, withdraw_form=form)
    try:
        letter_withdraw(letter=letter, by=_user(request), reason=form.cleaned_data["reason"])
    except ValidationError as error:
        _add_errors(form, error)
        return _again(request, case, withdraw_form=form)
    messages.success(
        request, _("The decision letter was withdrawn. Anyone who checks it now reads that it is withdrawn.")
    )
    return redirect(_page(case, ANCHOR))


@supervisor_required
@never_cache
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """Supervisors' list of reviews waiting for a decision, the most urgent first (the queue lists
    them too, among open cases: decision 57)."""
    now = timezone.now()
    rows = [
        (review, days_left(due_at=review.due_at, now=now), is_overdue(due_at=review.due_at, now=now))
        for review in open_reviews()
    ]
    return render(request, "reviewers/reviews.html", {"rows": rows, "ministry_section": "reviews"})
