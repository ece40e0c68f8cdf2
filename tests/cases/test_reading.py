"""How a case reads (apps.cases.reading): every kind of timeline line for every audience, who acted
in each audience's words, the status in words, and the pages and e-mails that use the one presenter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from apps.accounts.roles import Role
from apps.cases.models import (
    INTERNAL_EVENT_KINDS,
    CaseEvent,
    CaseNote,
    CaseStatus,
    DecisionReason,
    InformationRequest,
    SponsorshipStatus,
)
from apps.cases.reading import (
    Audience,
    actor_in_words,
    event_detail,
    event_text,
    status_explained,
    timeline,
    visible_kinds,
)
from apps.notifications import services
from tests.factories import CaseFactory, MembershipFactory, SponsorshipFactory, UserFactory

K = CaseEvent.Kind
REASON = "Written by the reviewer"

# Each kind's data, and what its line's detail reads for the ministry (the whole line's text for an
# applicant is checked apart: the detail, or else the reason; a decision's reasons, then the reason).
DATA: dict[str, tuple[dict[str, object], str]] = {
    K.DOCUMENT_ADDED: ({"kind": "degree_certificate", "name": "phd.pdf"}, ": phd.pdf"),
    K.DOCUMENT_REMOVED: ({"kind": "degree_certificate", "name": "old.pdf"}, ": old.pdf"),
    K.SPONSORSHIP_CONFIRMED: ({"organisation": "Example Chips Ltd"}, "Example Chips Ltd"),
    K.SCORED: ({"total": 72}, "Total: 72 points"),
    K.APPROVED: ({"reason_codes": ["criteria_met"]}, str(DecisionReason.CRITERIA_MET.label)),
    K.REJECTED: (
        {"reason_codes": ["below_pass_mark", "not_a_code"]},
        str(DecisionReason.BELOW_PASS_MARK.label),
    ),
    K.QUALITATIVE_ASSESSED: ({"publications_and_patents": 12, "hard_to_fill": True}, "12"),
    K.ROSTER_CONFIRMED: ({"status": "matched"}, "e-mail address and passport number matched"),
}


def event(kind: str, *, data: dict[str, object] | None = None, reason: str = REASON, actor=None) -> CaseEvent:
    return CaseEvent(kind=kind, data=data or {}, reason=reason, actor=actor, at=timezone.now())


@pytest.mark.parametrize("audience", list(Audience))
@pytest.mark.parametrize("kind", K.values)
def test_every_kind_of_line_reads_for_every_audience(kind: str, audience: Audience) -> None:
    data, ministry_detail = DATA.get(kind, ({}, ""))
    line = event(kind, data=data)
    detail = event_detail(line, audience)
    text = event_text(line, audience)
    if audience != Audience.MINISTRY and kind in INTERNAL_EVENT_KINDS:
        # The ministry's working notes: neither their data nor their reason reach anyone else.
        assert (detail, text) == ("", "")
        return
    assert ministry_detail in detail
    assert bool(detail) == bool(ministry_detail)
    if kind in (K.APPROVED, K.REJECTED):
        assert text == f"{detail}. {REASON}"  # the reasons in words, then the reviewer's reason
        assert "not_a_code" not in text  # an unknown code is left out, not shown raw
    else:
        assert text == (detail or REASON)


def test_a_decision_without_reason_codes_reads_as_its_reason() -> None:
    assert event_text(event(K.REJECTED), Audience.APPLICANT) == REASON
    assert event_detail(event(K.REJECTED), Audience.MINISTRY) == ""


def test_the_ministry_reads_every_kind_the_others_all_but_the_internal_ones() -> None:
    assert visible_kinds(Audience.MINISTRY) == set(K.values)
    for audience in (Audience.APPLICANT, Audience.EMPLOYER):
        assert visible_kinds(audience) == set(K.values) - INTERNAL_EVENT_KINDS
    assert {K.ASSIGNED, K.QUALITATIVE_ASSESSED, K.SME_VERIFIED, K.ROSTER_CONFIRMED} <= INTERNAL_EVENT_KINDS


def test_an_assessment_reads_each_assessed_fact_with_its_label() -> None:
    detail = event_detail(
        event(
            K.QUALITATIVE_ASSESSED, data={"publications_and_patents": 12, "hard_to_fill": True, "other": 1}
        ),
        Audience.MINISTRY,
    )
    parts = detail.split("; ")
    assert len(parts) == 2  # the two assessed facts, in order; an unknown key is not shown
    assert parts[0].endswith(": 12")


@pytest.mark.django_db
def test_who_acted_in_each_audiences_words() -> None:
    applicant = UserFactory(role=Role.APPLICANT, full_name="Priya Raman")
    reviewer = UserFactory(role=Role.REVIEWER, full_name="Kim Reviewer")
    employer = UserFactory(role=Role.EMPLOYER, full_name="Lee Employer")
    by_reviewer = event(K.REVIEW_STARTED, actor=reviewer)
    by_employer = event(K.DOCUMENT_ADDED, actor=employer)
    by_applicant = event(K.SUBMITTED, actor=applicant)
    by_system = event(K.SCORED)
    people = {employer.pk}
    assert actor_in_words(by_reviewer, Audience.MINISTRY) == "Kim Reviewer"
    assert actor_in_words(by_system, Audience.MINISTRY) == "the system"
    lines = (by_reviewer, by_employer, by_applicant, by_system)
    words = [
        actor_in_words(line, Audience.APPLICANT, viewer=applicant, employer_people=people) for line in lines
    ]
    # never the reviewer's name
    assert words == ["by the K-Tech Pass team", "by your employer", "by you", "automatically"]


@pytest.mark.parametrize("status", CaseStatus.values)
def test_the_status_reads_differently_for_the_applicant_and_the_employer(status: str) -> None:
    applicant, employer = (
        status_explained(status, Audience.APPLICANT),
        status_explained(status, Audience.EMPLOYER),
    )
    assert applicant
    assert employer
    assert applicant != employer
    assert status_explained(status, Audience.MINISTRY) == ""


@pytest.mark.django_db
def test_the_timelines_of_one_case_for_the_applicant_and_the_ministry() -> None:
    case = CaseFactory()  # its status is not what the timeline reads
    reviewer = UserFactory(role=Role.REVIEWER, full_name="Kim Reviewer")
    sponsorship = SponsorshipFactory(case=case, status=SponsorshipStatus.CONFIRMED)
    member = MembershipFactory(organisation=sponsorship.organisation).user
    start = timezone.now() - dt.timedelta(days=3)
    answered_at = start + dt.timedelta(hours=5)
    InformationRequest.objects.create(
        case=case,
        requested_by=reviewer,
        requested_at=start + dt.timedelta(hours=3),
        addressee=InformationRequest.Addressee.APPLICANT,
        message="Send the contract",
        needed="The signed contract",
        respond_by=(start + dt.timedelta(days=7)).date(),
        responded_at=answered_at,
        response_text="Here it is",
    )
    lines = [
        (K.SUBMITTED, case.applicant, start, {}, ""),
        (K.ASSIGNED, reviewer, start + dt.timedelta(hours=1), {}, "Kim takes it"),
        (K.QUALITATIVE_ASSESSED, reviewer, start + dt.timedelta(hours=2), {"hard_to_fill": True}, "Strong"),
        (
            K.DOCUMENT_ADDED,
            member,
            start + dt.timedelta(hours=4),
            {"kind": "employment_contract", "name": "c.pdf"},
            "",
        ),
        (K.INFORMATION_PROVIDED, case.applicant, answered_at, {}, ""),
    ]
    for kind, actor, at, data, reason in lines:
        CaseEvent.objects.create(case=case, kind=kind, actor=actor, at=at, data=data, reason=reason)
    CaseNote.objects.create(case=case, author=reviewer, text="Internal: call the employer", created_at=start)

    applicant_lines = timeline(case, Audience.APPLICANT, viewer=case.applicant)
    assert [line.kind for line in applicant_lines] == [K.SUBMITTED, K.DOCUMENT_ADDED, K.INFORMATION_PROVIDED]
    assert [line.by for line in applicant_lines] == ["by you", "by your employer", "by you"]
    assert applicant_lines[-1].detail == "Here it is"  # their own answer on its line
    assert applicant_lines[1].detail.endswith(": c.pdf")
    ministry_lines = timeline(case, Audience.MINISTRY, names={})
    assert [line.kind for line in ministry_lines] == [kind for kind, *_ in lines]
    assert ministry_lines[1].actor == "Kim Reviewer"
    assert ministry_lines[1].reason == "Kim takes it"
    everything = " ".join(f"{line.by} {line.detail} {line.reason}" for line in applicant_lines)
    assert "Kim" not in everything
    assert "Strong" not in everything
    assert "Internal" not in " ".join(
        f"{line.detail} {line.reason}" for line in ministry_lines
    )  # notes are no line


@pytest.mark.django_db
def test_the_status_e_mail_reads_a_rejection_as_the_status_page_does() -> None:
    case = CaseFactory()  # the e-mail reads the event, not the case
    rejected = CaseEvent.objects.create(
        case=case,
        kind=K.REJECTED,
        from_status=CaseStatus.IN_REVIEW,
        to_status=CaseStatus.REJECTED,
        at=timezone.now(),
        reason="The salary could not be verified.",
        data={"reason_codes": ["evidence_not_verified"]},
    )
    services.notify_case_event(rejected.pk)
    body = mail.outbox[0].body
    assert f"Reason: {event_text(rejected, Audience.APPLICANT)}" in body
    assert f"{DecisionReason.EVIDENCE_NOT_VERIFIED.label}. The salary could not be verified." in body
