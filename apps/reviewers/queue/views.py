"""The triage queue, "claim next", assignment and caseloads (issue 4, "The queue").

Thin views: the filter form validates the address's parameters, ``apps.reviewers.queue.selectors`` reads,
``apps.cases.assignment`` changes who has a case. With htmx, the queue answers a filter change or a
page link with the results region only (and the counts, out of band).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.assignment import (
    AssignmentOutcome,
    Outcome,
    assignable_users,
    bulk_assign,
    case_assign,
    claim_next,
)
from apps.reviewers.access import get_case_for_ministry, ministry_required, supervisor_required
from apps.reviewers.queue import selectors
from apps.reviewers.queue.forms import AssignForm, BulkAssignForm, QueueFilterForm, field_choices
from apps.reviewers.queue.rows import display_rows
from apps.rubric.models import StrategicField

CURSOR_PARAMS = ("after", "before")


class MinistryRequest(HttpRequest):
    htmx: HtmxDetails
    user: User
    ministry_roles: frozenset[str]


def _person(user: User) -> str:
    return user.full_name or user.email


def _reviewers_for_filter(request: MinistryRequest, assignees: list[User]) -> list[User]:
    """Supervisors may filter by a named reviewer, also one who left but still holds cases."""
    wanted = request.GET.get("assignee", "")
    if wanted.isdigit() and int(wanted) not in {person.pk for person in assignees}:
        holder = selectors.user_holding_cases(int(wanted))
        return [*assignees, holder] if holder else assignees
    return assignees


def _page_url(params: QueryDict, **cursor: str) -> str:
    query = params.copy()
    for name in CURSOR_PARAMS:
        query.pop(name, None)
    for name, value in cursor.items():
        query[name] = value
    encoded = query.urlencode()
    return reverse("ministry:queue") + (f"?{encoded}" if encoded else "")


@ministry_required
@require_GET
@vary_on_headers("HX-Request")
def queue(request: MinistryRequest) -> HttpResponse:
    choices = field_choices(StrategicField.objects.all())
    supervisor = Role.SUPERVISOR in request.ministry_roles
    # Only supervisors assign; the people offered are those who can take cases now.
    assignees = list(assignable_users()) if supervisor else None
    reviewers = _reviewers_for_filter(request, assignees) if assignees is not None else None
    data = request.GET.copy()
    data.setdefault("size", str(selectors.DEFAULT_PAGE_SIZE))  # so the page-size control shows what is used
    form = QueueFilterForm(data, field_choices=choices, reviewers=reviewers)
    form.is_valid()  # invalid values are shown as errors and left out; the rest still applies
    filters = form.queue_filters()
    now = timezone.now()
    after = form.cleaned("after")
    counts = selectors.queue_counts_cached(filters, user_id=request.user.pk, now=now)
    page = selectors.queue_page(
        filters,
        user_id=request.user.pk,
        now=now,
        size=form.page_size,
        after=after,
        before=None if after else form.cleaned("before"),
        field_labels={code: str(label) for code, label in choices},
    )
    context = _queue_context(request, form, counts, page, assignees)
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "reviewers/_queue_results.html", {**context, "oob": True})
    return render(request, "reviewers/queue.html", context)


def _queue_context(
    request: MinistryRequest,
    form: QueueFilterForm,
    counts: selectors.QueueCounts,
    page: selectors.QueuePage,
    assignees: Sequence[User] | None,
) -> dict[str, Any]:
    return {
        "ministry_section": "queue",
        "form": form,
        "groups": form.radio_groups(counts),
        "counts": counts,
        "count_text": ngettext("%(count)d open case matches.", "%(count)d open cases match.", counts.matching)
        % {"count": counts.matching},
        "page": page,
        "rows": display_rows(page.rows),
        "due_soon_days": selectors.DUE_SOON_DAYS,
        "is_supervisor": assignees is not None,
        "assignees": assignees or [],
        "queue_url": reverse("ministry:queue"),
        "current_url": request.get_full_path(),
        "first_url": _page_url(request.GET),
        "next_url": _page_url(request.GET, after=page.next_cursor) if page.next_cursor else "",
        "previous_url": _page_url(request.GET, before=page.previous_cursor) if page.previous_cursor else "",
    }


@ministry_required
@require_POST
def claim_next_case(request: MinistryRequest) -> HttpResponse:
    try:
        case = claim_next(reviewer=request.user)
    except ValidationError as exc:
        # The assignment rules refuse this person (a role withdrawn since the access check): a
        # message on the queue, not a server error.
        messages.error(request, " ".join(exc.messages))
        return redirect("ministry:queue")
    if case is None:
        messages.info(request, _("No unassigned cases are waiting."))
        return redirect("ministry:queue")
    messages.success(
        request, _("Case %(reference)s is now yours and in review.") % {"reference": case.reference}
    )
    return redirect("ministry:case", reference=case.reference)


def _form_errors(form: AssignForm) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _back(request: HttpRequest, target: str) -> HttpResponse:
    """Back to the queue page the supervisor came from (its filters), never to another site."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("ministry:queue")


def _one_case_message(outcome: Outcome, reference: str, name: str) -> tuple[int, str]:
    values = {"reference": reference, "name": name}
    texts = {
        Outcome.ASSIGNED: (messages.SUCCESS, _("%(reference)s assigned to %(name)s.")),
        Outcome.REASSIGNED: (messages.SUCCESS, _("%(reference)s reassigned to %(name)s.")),
        Outcome.UNCHANGED: (messages.INFO, _("%(reference)s is already assigned to %(name)s.")),
        Outcome.DECIDED: (
            messages.WARNING,
            _("%(reference)s was decided meanwhile, so it was not assigned."),
        ),
        Outcome.WITHDRAWN: (
            messages.WARNING,
            _("%(reference)s was withdrawn meanwhile, so it was not assigned."),
        ),
        Outcome.MISSING: (messages.WARNING, _("%(reference)s could not be found.")),
    }
    level, text = texts[outcome]
    return level, text % values


@supervisor_required
@require_POST
def assign_case(request: MinistryRequest, reference: str) -> HttpResponse:
    case = get_case_for_ministry(request.user, reference)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, request.POST.get("next", ""))
    to = form.cleaned_data["to"]
    try:
        outcome = case_assign(case=case, to=to, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.add_message(request, *_one_case_message(outcome, case.reference, _person(to)))
    return _back(request, form.cleaned_data["next"])


@supervisor_required
@require_POST
def bulk_assign_cases(request: MinistryRequest) -> HttpResponse:
    form = BulkAssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, request.POST.get("next", ""))
    to = form.cleaned_data["to"]
    try:
        outcomes = bulk_assign(case_ids=form.cleaned_data["cases"], to=to, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.add_message(request, *bulk_summary(outcomes, _person(to)))
    return _back(request, form.cleaned_data["next"])


SKIPPED_BECAUSE = {
    Outcome.DECIDED: gettext_lazy("decided meanwhile"),
    Outcome.WITHDRAWN: gettext_lazy("withdrawn meanwhile"),
    Outcome.MISSING: gettext_lazy("not found"),
}


def bulk_summary(outcomes: Sequence[AssignmentOutcome], name: str) -> tuple[int, str]:
    """'12 cases assigned to Kim; 1 skipped: decided meanwhile (KTP-...).' and its message level."""
    tally = Counter(item.outcome for item in outcomes)
    changed = sum(1 for item in outcomes if item.outcome.changed)
    parts = [
        ngettext("%(count)d case assigned to %(name)s", "%(count)d cases assigned to %(name)s", changed)
        % {"count": changed, "name": name}
    ]
    if tally[Outcome.UNCHANGED]:
        count = tally[Outcome.UNCHANGED]
        parts.append(
            ngettext("%(count)d was already theirs", "%(count)d were already theirs", count)
            % {"count": count}
        )
    for outcome, because in SKIPPED_BECAUSE.items():
        skipped = [item.reference for item in outcomes if item.outcome == outcome]
        if skipped:
            parts.append(_skipped_text(len(skipped), str(because), [ref for ref in skipped if ref]))
    any_skipped = any(item.outcome.skipped for item in outcomes)
    level = messages.WARNING if any_skipped else messages.SUCCESS if changed else messages.INFO
    return level, "; ".join(parts) + "."


def _skipped_text(count: int, because: str, references: list[str]) -> str:
    text = ngettext("%(count)d skipped: %(because)s", "%(count)d skipped: %(because)s", count) % {
        "count": count,
        "because": because,
    }
    return f"{text} ({', '.join(references)})" if references else text


@supervisor_required
@require_GET
def caseloads(request: MinistryRequest) -> HttpResponse:
    loads, unassigned = selectors.caseloads(now=timezone.now())
    return render(
        request,
        "reviewers/caseloads.html",
        {
            "ministry_section": "caseloads",
            "loads": loads,
            "unassigned": unassigned,
            "due_soon_days": selectors.DUE_SOON_DAYS,
            "queue_url": reverse("ministry:queue"),
        },
    )
