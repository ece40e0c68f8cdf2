"""The workspace's "after the decision" panel (issue 12 part 4, decision 0047): the applicant's
request for a review of a rejection with its own clock and documents, its outcome, and the decision
letters with their state. A supervisor decides a review and may issue a new letter or withdraw one.

One context entry of the workspace (``Workspace.after_decision``) and one partial
(reviewers/_workspace_after_decision.html); the actions are in apps.reviewers.workspace.decision_panel_views.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.cases.abilities import is_supervisor, may_any
from apps.cases.clock import days_left, is_overdue
from apps.cases.documents import REVIEW_KIND
from apps.cases.models import Case, CaseDocument, CaseStatus, DecisionLetter, ReviewRequest
from apps.cases.transitions import OVERTURN_REJECTION, UPHOLD_REJECTION
from apps.reviewers.workspace.forms import DescribedForm

UPHOLD, OVERTURN = "upheld", "overturned"


class ReviewDecisionForm(DescribedForm):
    outcome = forms.ChoiceField(
        label=_("Your decision on the review"),
        choices=[
            (UPHOLD, _("Uphold the rejection")),
            (OVERTURN, _("Overturn it: approve the application")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose to uphold or to overturn the rejection.")},
    )
    explanation = forms.CharField(
        label=_("Explanation for the applicant"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The applicant reads this with the outcome of the review. Write in plain words."),
        error_messages={"required": _("Write the explanation for the applicant.")},
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @property
    def uphold(self) -> bool:
        return self.cleaned_data["outcome"] == UPHOLD


class LetterWithdrawForm(DescribedForm):
    reason = forms.CharField(
        label=_("Why is the letter withdrawn?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded on the case. Anyone who checks the letter then reads that it is withdrawn."),
        error_messages={"required": _("Write why the letter is withdrawn.")},
    )


@dataclass(frozen=True, slots=True)
class ReviewClock:
    due_at: dt.datetime
    days_left: int | None  # None once decided
    overdue: bool


@dataclass(slots=True)
class AfterDecision:
    review: ReviewRequest | None
    review_clock: ReviewClock | None
    review_documents: list[CaseDocument]
    letters: list[DecisionLetter]
    review_form: ReviewDecisionForm | None  # a supervisor, on an open review
    withdraw_form: LetterWithdrawForm | None  # a supervisor, on an approved case with a current letter
    can_reissue: bool

    @property
    def current_letter(self) -> DecisionLetter | None:
        return next((letter for letter in self.letters if letter.is_current), None)


def after_decision(
    case: Case, user: User, roles: frozenset[str], bound: dict[str, Any] | None = None
) -> AfterDecision | None:
    """The panel for a decided case (None before a decision); ``bound``: a form just refused.

    Who may decide the review is the case's move table's answer (apps.cases.abilities); letters are
    not moves of the case, and the supervisor issues or withdraws them."""
    if case.status not in (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.REVIEW_REQUESTED):
        return None
    bound = bound or {}
    supervisor = is_supervisor(user, roles)
    may_decide_review = may_any(user, case, (UPHOLD_REJECTION, OVERTURN_REJECTION), roles)
    review = ReviewRequest.objects.filter(case=case).select_related("requested_by", "decided_by").first()
    clock = None
    if review is not None:
        now = timezone.now()
        clock = ReviewClock(
            due_at=review.due_at,
            days_left=days_left(due_at=review.due_at, now=now) if review.is_open else None,
            overdue=review.is_open and is_overdue(due_at=review.due_at, now=now),
        )
    letters = list(
        DecisionLetter.objects.filter(case=case).select_related("issued_by").order_by("-issued_at", "-pk")
    )
    review_open = review is not None and review.is_open
    approved = case.status == CaseStatus.APPROVED
    has_current = any(letter.is_current for letter in letters)
    review_form = None
    if may_decide_review and review_open:
        review_form = bound.get("review_form") or ReviewDecisionForm(
            initial={"lock_version": case.lock_version}
        )
    withdraw_form = None
    if supervisor and approved and has_current:
        withdraw_form = bound.get("withdraw_form") or LetterWithdrawForm()
    for form in (review_form, withdraw_form):
        if form is not None:
            form.describe()
    return AfterDecision(
        review=review,
        review_clock=clock,
        review_documents=list(
            CaseDocument.objects.filter(case=case, kind=REVIEW_KIND).order_by("uploaded_at")
        ),
        letters=letters,
        review_form=review_form,
        withdraw_form=withdraw_form,
        can_reissue=supervisor and approved,
    )
