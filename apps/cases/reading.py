"""How a case, its status and its timeline read, for each audience: one presenter for the
applicant's status page, the employer's sponsored-case page, the ministry's workspace and the
applicant's e-mails (issue 14).

The audiences differ only where a rule says so, and each such rule is here:

- the ministry's internal lines (assignments, assessments, SME and roster verdicts:
  ``INTERNAL_EVENT_KINDS``) are read by the ministry only;
- who acted: ministry staff read the person's name; an applicant reads "by you", "by your employer",
  "by the K-Tech Pass team" or "automatically", never a reviewer's name;
- the reason of a line: the ministry reads it in a column of its own; an applicant reads it in the
  line, after the decision's reasons in words;
- an answer to a request for information: the applicant reads their own answer on its line (the
  ministry reads answers with their requests, apps.reviewers);
- the status in words: each of the applicant and the employer has its own sentence (the employer
  never reads the reasons or the facts of a case, only where it stands).

Internal notes (``CaseNote``) are no event and never reach any timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.models import User
from apps.cases.casefile import ASSESSED_FACTS
from apps.cases.documents import document_label
from apps.cases.models import (
    INTERNAL_EVENT_KINDS,
    Case,
    CaseEvent,
    CaseStatus,
    DecisionReason,
    SponsorshipStatus,
)
from apps.cases.selectors import case_timeline, public_timeline
from apps.organisations.models import Membership
from apps.rubric.wording import fact_label, fact_value


class Audience(StrEnum):
    APPLICANT = "applicant"
    EMPLOYER = "employer"  # a member of the organisation whose sponsorship the applicant confirmed
    MINISTRY = "ministry"  # reviewers and supervisors


# The roster match found at submission (apps.programmes.services.RosterMatch.status), in words.
ROSTER_MATCH_LABELS = {
    "matched": gettext_lazy("e-mail address and passport number matched"),
    "partial": gettext_lazy("only one of e-mail address and passport number matched"),
    "none": gettext_lazy("no match on the roster"),
}
DECISION_KINDS = frozenset({CaseEvent.Kind.APPROVED, CaseEvent.Kind.REJECTED})

# The status in words, for the applicant (their own application) and for the employer (the case it
# sponsors: where it stands, nothing of its facts or reasons).
STATUS_EXPLAINED: dict[Audience, dict[str, Promise]] = {
    Audience.APPLICANT: {
        CaseStatus.DRAFT: gettext_lazy("You have not submitted this application yet."),
        CaseStatus.SUBMITTED: gettext_lazy(
            "Your application has been submitted and is waiting for a reviewer. The processing clock is running."
        ),
        CaseStatus.IN_REVIEW: gettext_lazy(
            "A reviewer is assessing your application. The processing clock is running."
        ),
        CaseStatus.INFORMATION_REQUESTED: gettext_lazy(
            "The reviewer needs more information before they can decide. The processing clock is paused until "
            "you respond."
        ),
        CaseStatus.APPROVED: gettext_lazy("Your application has been approved."),
        CaseStatus.REJECTED: gettext_lazy("Your application has not been approved."),
        CaseStatus.WITHDRAWN: gettext_lazy("You withdrew this application. It will not be processed."),
        CaseStatus.REVIEW_REQUESTED: gettext_lazy(
            "Your application was not approved, and you asked for a review of the decision. A supervisor is "
            "reviewing it."
        ),
    },
    Audience.EMPLOYER: {
        CaseStatus.DRAFT: gettext_lazy(
            "The candidate is still preparing the application; it has not been submitted."
        ),
        CaseStatus.SUBMITTED: gettext_lazy(
            "The application has been submitted and is waiting for a reviewer."
        ),
        CaseStatus.IN_REVIEW: gettext_lazy("A reviewer is assessing the application."),
        CaseStatus.INFORMATION_REQUESTED: gettext_lazy(
            "The reviewer asked for more information; the processing clock is paused until it is provided."
        ),
        CaseStatus.APPROVED: gettext_lazy("The application was approved."),
        CaseStatus.REJECTED: gettext_lazy("The application was not approved."),
        CaseStatus.WITHDRAWN: gettext_lazy("The candidate withdrew the application."),
        CaseStatus.REVIEW_REQUESTED: gettext_lazy(
            "The application was not approved; the candidate asked for a review."
        ),
    },
    Audience.MINISTRY: {},  # staff read the status and the timeline in full
}


def status_explained(status: str, audience: Audience) -> str:
    """The case's status in a sentence for ``audience`` ("" where it has none)."""
    return str(STATUS_EXPLAINED[audience].get(status, ""))


def visible_kinds(audience: Audience) -> frozenset[str]:
    """The kinds of timeline line ``audience`` reads."""
    every = frozenset(CaseEvent.Kind.values)
    return every if audience == Audience.MINISTRY else every - INTERNAL_EVENT_KINDS


Data = Mapping[str, Any]


def _document(data: Data, names: Mapping[str, str]) -> str:
    return f"{document_label(str(data.get('kind', '')))}: {data.get('name', '')}"


def _organisation(data: Data, names: Mapping[str, str]) -> str:
    return str(data.get("organisation", ""))


def _total(data: Data, names: Mapping[str, str]) -> str:
    return _("Total: %(total)s points") % {"total": data["total"]} if "total" in data else ""


def _decision_reasons(data: Data, names: Mapping[str, str]) -> str:
    codes = [code for code in data.get("reason_codes", []) if code in DecisionReason.values]
    return "; ".join(str(DecisionReason(code).label) for code in codes)


def _assessed_facts(data: Data, names: Mapping[str, str]) -> str:
    shown = [name for name in ASSESSED_FACTS if name in data]
    return "; ".join(f"{fact_label(name)}: {fact_value(name, data.get(name), names)}" for name in shown)


def _roster_match(data: Data, names: Mapping[str, str]) -> str:
    status = str(data.get("status", ""))
    return str(ROSTER_MATCH_LABELS.get(status, status))


# What a line's data say, by kind; a kind not listed says nothing beyond its title and reason.
DETAILS: dict[str, Callable[[Data, Mapping[str, str]], str]] = {
    CaseEvent.Kind.DOCUMENT_ADDED: _document,
    CaseEvent.Kind.DOCUMENT_REMOVED: _document,
    CaseEvent.Kind.SPONSORSHIP_CONFIRMED: _organisation,
    CaseEvent.Kind.SCORED: _total,
    CaseEvent.Kind.APPROVED: _decision_reasons,
    CaseEvent.Kind.REJECTED: _decision_reasons,
    CaseEvent.Kind.QUALITATIVE_ASSESSED: _assessed_facts,
    CaseEvent.Kind.ROSTER_CONFIRMED: _roster_match,
}


def event_detail(event: CaseEvent, audience: Audience, names: Mapping[str, str] | None = None) -> str:
    """What the line's data say, in words (not its reason: see ``event_text``); ``names`` are the
    reference lists' names (``apps.rubric.selectors.reference_names``) for the assessed facts."""
    detail = DETAILS.get(event.kind)
    if detail is None or event.kind not in visible_kinds(audience):
        return ""
    return detail(event.data or {}, names or {})


def event_text(event: CaseEvent, audience: Audience, names: Mapping[str, str] | None = None) -> str:
    """The line in one text, as an applicant or an e-mail reads it: a decision's reasons in words,
    then the reviewer's reason; another line's detail, or else its reason."""
    if event.kind not in visible_kinds(audience):
        return ""
    detail = event_detail(event, audience, names)
    if event.kind in DECISION_KINDS:
        return f"{detail}. {event.reason}".strip() if detail else event.reason
    return detail or event.reason


def actor_in_words(
    event: CaseEvent, audience: Audience, *, viewer: User | None = None, employer_people: Iterable[int] = ()
) -> str:
    """Who acted. The ministry reads the person's name; the applicant reads "by you", "by your
    employer" or "by the K-Tech Pass team" (never a reviewer's name), or "automatically"."""
    if audience == Audience.MINISTRY:
        return _("the system") if event.actor is None else event.actor.full_name or event.actor.email
    if event.actor_id is None:
        return _("automatically")
    if viewer is not None and event.actor_id == viewer.pk:
        return _("by you")
    if event.actor_id in set(employer_people):
        return _("by your employer")
    return _("by the K-Tech Pass team")


def status_change(event: CaseEvent) -> str:
    """ "Submitted → In review" for a line that moved the case; "" for one that did not."""
    if not event.changes_status:
        return ""
    return _("%(from)s → %(to)s") % {
        "from": CaseStatus(event.from_status).label if event.from_status else "—",
        "to": CaseStatus(event.to_status).label,
    }


@dataclass(frozen=True, slots=True)
class TimelineLine:
    """One line of a case's timeline as its audience reads it."""

    event: CaseEvent
    title: str
    by: str  # who acted, in the audience's words
    detail: str  # the ministry: the data in words; the applicant: the whole text (``event_text``)
    reason: str  # the ministry only (the applicant reads it inside ``detail``)
    status_change: str

    @property
    def at(self) -> dt.datetime:
        return self.event.at

    @property
    def kind(self) -> str:
        return self.event.kind

    @property
    def actor(self) -> str:
        return self.by


def timeline(
    case: Case, audience: Audience, *, viewer: User | None = None, names: Mapping[str, str] | None = None
) -> list[TimelineLine]:
    """The case's timeline, oldest first, as ``audience`` reads it (``viewer``: the applicant reading)."""
    if audience == Audience.MINISTRY:
        return [
            TimelineLine(
                event=event,
                title=str(event.get_kind_display()),
                by=actor_in_words(event, audience),
                detail=event_detail(event, audience, names),
                reason=event.reason,
                status_change=status_change(event),
            )
            for event in case_timeline(case)
        ]
    answers: dict[dt.datetime | None, str] = _answers(case) if audience == Audience.APPLICANT else {}
    employer_people = _employer_people(case)
    lines = []
    for event in public_timeline(case):
        if event.kind == CaseEvent.Kind.INFORMATION_PROVIDED:
            text = answers.get(event.at, "")
        else:
            text = event_text(event, audience, names)
        by = actor_in_words(event, audience, viewer=viewer, employer_people=employer_people)
        lines.append(TimelineLine(event, str(event.get_kind_display()), by, text, "", status_change(event)))
    return lines


def _answers(case: Case) -> dict[dt.datetime | None, str]:
    """An answer's text is on its request; the request's answer time is its event's time."""
    return dict(
        case.information_requests.filter(responded_at__isnull=False).values_list(
            "responded_at", "response_text"
        )
    )


def _employer_people(case: Case) -> set[int]:
    return set(
        Membership.objects.filter(
            organisation__sponsorships__case=case,
            organisation__sponsorships__status=SponsorshipStatus.CONFIRMED,
        ).values_list("user_id", flat=True)
    )
