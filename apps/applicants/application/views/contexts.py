"""Context shared by several pages: the evidence checklist (a wizard step, and the status page once
submitted) and the status page itself (shown again with errors by an answer or an upload)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from apps.applicants.application.forms import InformationResponseForm
from apps.applicants.application.views.common import track_label, user_of
from apps.applicants.selectors import (
    applicant_timeline,
    case_config,
    case_decision,
    clock_days,
    confirmed_sponsorship,
    document_checklist,
    open_information_request,
)
from apps.applicants.services import profile_for, profile_snapshot
from apps.cases.casefile import Group, case_file
from apps.cases.decision_review import review_window
from apps.cases.letters import current_letter
from apps.cases.models import Case, CaseStatus, ReviewRequest
from apps.cases.reading import Audience, event_text, status_explained
from apps.cases.review_moves import may_answer
from apps.cases.score_snapshot import scored_answers
from apps.cases.selectors import case_days_left, case_estimate, sme_verified_on
from apps.cases.services import EDITABLE_EVIDENCE_STATUSES
from apps.metrics.selectors import similar_cases
from apps.rubric.selectors import reference_names

NEXT_ACTIONS: dict[str, Promise] = {
    CaseStatus.DRAFT: gettext_lazy("Continue your application and submit it when it is complete."),
    CaseStatus.SUBMITTED: gettext_lazy(
        "Nothing for now. We will e-mail you whenever the status of your application changes."
    ),
    CaseStatus.IN_REVIEW: gettext_lazy(
        "Nothing for now. We will e-mail you whenever the status of your application changes."
    ),
    CaseStatus.INFORMATION_REQUESTED: gettext_lazy(
        "Read the reviewer's request below and send your answer, with the documents it asks for."
    ),
    CaseStatus.APPROVED: gettext_lazy("Read the decision below. We have also e-mailed you."),
    CaseStatus.REJECTED: gettext_lazy(
        "Read the decision and its reasons below. We have also e-mailed you. You may apply again."
    ),
    CaseStatus.WITHDRAWN: gettext_lazy("Nothing. You can start a new application at any time."),
    CaseStatus.REVIEW_REQUESTED: gettext_lazy(
        "Nothing for now. We will e-mail you when the review is decided."
    ),
}


def case_file_groups(case: Case, profile: Mapping[str, Any]) -> list[Group]:
    """The whole application in groups, as the applicant entered it, with what each fact counts as
    (the confirmed sponsorship's terms replace the applicant's own figures): on the review page from
    the live profile (what submitting will freeze), on the status page from the frozen one."""
    config = case_config(case)
    sponsorship = confirmed_sponsorship(case)
    values = scored_answers(case, config, sponsorship=sponsorship, assessment=None) if config else case.facts
    day = timezone.localdate(case.submitted_at) if case.submitted_at else timezone.localdate()
    return case_file(
        facts=case.facts,
        profile=profile,
        values=values,
        config=config,
        names=reference_names(),
        applicant_name=case.applicant_name,
        sponsorship=sponsorship,
        sme_verified=sme_verified_on(sponsorship, day) if sponsorship else None,
    )


def documents_context(case: Case, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    items, has_track = document_checklist(case, errors)
    return {
        "items": items,
        "has_track": has_track,
        "upload_errors": [(item, message) for item in items for message in item.errors],
        "editable": case.status in EDITABLE_EVIDENCE_STATUSES,
        "max_upload": settings.UPLOAD_MAX_BYTES,
    }


def status_context(
    request: HttpRequest,
    case: Case,
    errors: dict[str, list[str]] | None = None,
    response_form: InformationResponseForm | None = None,
) -> dict[str, Any]:
    user = user_of(request)
    open_request = open_information_request(case)
    decision = case_decision(case)
    days_left = case_days_left(case)
    estimate = case_estimate(case) if case.submitted_at else None
    return {
        "case": case,
        "explanation": status_explained(case.status, Audience.APPLICANT),
        "next_action": NEXT_ACTIONS.get(case.status, ""),
        "days_left": days_left,
        "clock_days": clock_days(case),
        "overdue_days": -days_left if days_left is not None and days_left < 0 else None,
        "paused": case.paused_at is not None,
        "similar": similar_cases(case, timezone.now()),  # apps.metrics: the latest public release
        "timeline": applicant_timeline(case, user),
        "score": estimate,
        "score_track": estimate.result.tracks.get(case.track) if estimate else None,
        "information_request": open_request,
        "can_answer": open_request is not None and may_answer(open_request, user),
        "response_form": response_form or InformationResponseForm(),
        "decision": decision,
        "decision_detail": event_text(decision, Audience.APPLICANT) if decision else "",
        "track_label": track_label(case),
        "casefile": case_file_groups(
            case, case.profile if case.submitted_at else profile_snapshot(profile_for(case.applicant))
        ),
        "can_withdraw": not case.is_final and case.status != CaseStatus.REVIEW_REQUESTED,
        "decision_after": decision_after(case),
        **documents_context(case, errors),
    }


def decision_after(case: Case) -> dict[str, Any]:
    """What follows a decision: the approval's letter, the rejection's review (or the period to ask)."""
    if case.status not in (CaseStatus.APPROVED, CaseStatus.REJECTED, CaseStatus.REVIEW_REQUESTED):
        return {}
    return {
        "letter": current_letter(case),
        "review": ReviewRequest.objects.filter(case=case).first(),
        "window": review_window(case),
    }
