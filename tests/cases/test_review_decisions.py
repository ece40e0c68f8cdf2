"""Deciding a case: the reasons must belong to the outcome, an approval needs the track's eligibility
on the verified facts (and, for the government-programme track, a confirmed roster match), and the
assignee is checked again under the row lock. Also: a supervisor's reason for a first assignment is
kept (docs/decisions/0008-approval-requires-eligibility.md)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from apps.accounts.models import User
from apps.cases.assignment import Outcome, case_assign, case_reassign
from apps.cases.models import INTERNAL_EVENT_KINDS, Case, CaseEvent, CaseStatus, DecisionReason, Track
from apps.cases.review_moves import REASON_APPROVES, case_decide, case_eligibility
from apps.cases.reviewer_findings import roster_confirm
from apps.cases.selectors import public_timeline
from apps.notifications.services import notify_case_event
from tests.ministry import assess_as_scored, reviewer, submitted_case, supervisor

pytestmark = pytest.mark.django_db

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)  # under rules version 2026-07 (pass mark 70)
# A1 bachelor's, unranked 6; A2 3 years 4; A3 60,000,000 KRW (1.2 x GNI) 4; B1 strategic field 5,
# nothing else; no sponsor, so B2 0 and no bonus: 19 points, far below the pass mark.
WEAK: dict[str, Any] = {
    "degree_level": "bachelor",
    "institution_rank": None,
    "experience_years": "3",
    "fortune_global_500_years": "0",
    "offered_salary_krw": 60_000_000,
    "publications_and_patents": 0,
    "led_project_years": "0",
}
MATCHED = {
    "status": "matched",
    "entry_id": None,
    "matched_on": ["email", "passport"],
    "programme_code": "KASA",
    "other_entry_id": None,
}


def in_review(assignee: User, *, track: str = Track.QUANTITATIVE, **facts: Any) -> Case:
    return submitted_case(
        status=CaseStatus.IN_REVIEW, assigned_to=assignee, submitted_at=T0, track=track, **facts
    )


def decide(case: Case, by: User, *, approve: bool, codes: list[str]) -> CaseEvent:
    return case_decide(
        case=case,
        by=by,
        approve=approve,
        reason_codes=codes,
        explanation="Explained to the applicant.",
        expected_version=case.lock_version,
    )


def assert_undecided(case: Case) -> None:
    case.refresh_from_db()
    assert (case.status, case.decided_at) == (CaseStatus.IN_REVIEW, None)
    assert not case.events.filter(kind__in=[CaseEvent.Kind.APPROVED, CaseEvent.Kind.REJECTED]).exists()


@pytest.fixture
def assignee() -> User:
    return reviewer()


# --- Reasons belong to an outcome ----------------------------------------------------------------


def test_every_decision_reason_belongs_to_approval_or_rejection():
    assert set(REASON_APPROVES) == set(DecisionReason.values)
    assert [code for code, approves in REASON_APPROVES.items() if approves] == ["criteria_met"]


def test_an_approval_with_a_rejection_reason_is_refused(assignee):
    case = in_review(assignee)  # eligible: a doctorate from a top-100 school
    with pytest.raises(ValidationError) as refused:
        decide(case, assignee, approve=True, codes=["criteria_met", "below_pass_mark"])
    assert refused.value.message_dict == {
        "reason_codes": [
            "These reasons explain a rejection, not an approval: “The verified score is below the pass mark”."
        ]
    }
    assert_undecided(case)


def test_a_rejection_with_the_approval_reason_is_refused(assignee):
    case = in_review(assignee, **WEAK)
    with pytest.raises(ValidationError, match="explain an approval, not a rejection"):
        decide(case, assignee, approve=False, codes=["criteria_met"])
    assert_undecided(case)


def test_a_rejection_needs_no_eligibility(assignee):
    case = in_review(assignee)  # eligible, yet the evidence may still fail
    decide(case, assignee, approve=False, codes=["evidence_not_verified"])
    assert case.status == CaseStatus.REJECTED


# --- An approval needs the track's eligibility ---------------------------------------------------


def test_a_qualitative_case_below_the_pass_mark_cannot_be_approved(assignee):
    case = in_review(assignee, track=Track.QUALITATIVE, **WEAK)
    with pytest.raises(ValidationError) as refused:
        decide(case, assignee, approve=True, codes=["criteria_met"])
    assert refused.value.messages == [
        "Qualitative track: the conditions are not met on the verified facts, so the case cannot be approved.",
        "A rubric total of 19 points (SME bonus included) is below the pass mark of 70.",
        "Assess the qualitative criteria (B1 and B2) before approving: until then their points are the "
        "applicant's own estimate.",
    ]
    assert_undecided(case)


def test_a_qualitative_case_needs_the_reviewer_s_assessment_to_be_approved(assignee):
    case = in_review(assignee, track=Track.QUALITATIVE)
    assert case_eligibility(case).eligible is True  # on the declared B1/B2 estimates
    with pytest.raises(ValidationError) as refused:
        decide(case, assignee, approve=True, codes=["criteria_met"])
    assert refused.value.messages == [
        "Assess the qualitative criteria (B1 and B2) before approving: until then their points are the "
        "applicant's own estimate."
    ]
    assert_undecided(case)


def test_an_assessed_qualitative_case_over_the_pass_mark_is_approved(assignee):
    # The declared facts of tests.factories.FULL_ANSWERS: 25 + 20 + 20 + B1 20, no sponsor: 85.
    case = assess_as_scored(in_review(assignee, track=Track.QUALITATIVE), assignee)
    eligibility = case_eligibility(case)
    assert (eligibility.eligible, eligibility.missing) == (True, ())
    decide(case, assignee, approve=True, codes=["criteria_met"])
    assert case.status == CaseStatus.APPROVED


def test_a_quantitative_case_meeting_no_condition_cannot_be_approved(assignee):
    case = in_review(assignee, **WEAK)
    with pytest.raises(ValidationError, match="Quantitative track: the conditions are not met"):
        decide(case, assignee, approve=True, codes=["criteria_met"])
    assert_undecided(case)


def test_the_refusal_is_in_the_readers_language(assignee):
    case = in_review(assignee, track=Track.QUALITATIVE, **WEAK)
    with translation.override("ko"), pytest.raises(ValidationError) as refused:
        decide(case, assignee, approve=True, codes=["criteria_met"])
    # The engine's own sentence, in Korean (the summary line above it is new text, merged with the
    # translations after this change).
    assert "합격 기준 점수 70점에 미달합니다." in refused.value.messages[1]


def test_a_government_programme_case_needs_its_roster_match_confirmed(assignee):
    case = in_review(assignee, track=Track.GOVERNMENT_PROGRAMME, government_programme="KASA")
    Case.objects.filter(pk=case.pk).update(roster_match=MATCHED)
    case.refresh_from_db()
    assert case_eligibility(case).eligible is True  # a recognised programme: the engine's part is met
    with pytest.raises(ValidationError) as refused:
        decide(case, assignee, approve=True, codes=["criteria_met"])
    assert refused.value.messages == ["Confirm the programme roster match before approving."]
    assert_undecided(case)

    roster_confirm(case=case, by=assignee)
    decide(case, assignee, approve=True, codes=["criteria_met"])
    assert case.status == CaseStatus.APPROVED


def test_a_government_programme_case_with_no_roster_match_cannot_be_approved(assignee):
    case = in_review(assignee, track=Track.GOVERNMENT_PROGRAMME, government_programme="KASA")
    with pytest.raises(ValidationError, match="Nothing on the programme's roster matched this applicant"):
        decide(case, assignee, approve=True, codes=["criteria_met"])
    assert_undecided(case)
    decide(case, assignee, approve=False, codes=["not_on_roster"])
    assert case.status == CaseStatus.REJECTED


# --- The assignee, checked under the row lock ----------------------------------------------------


def test_a_reviewer_whose_case_was_reassigned_meanwhile_cannot_decide_it(assignee):
    case = in_review(assignee)
    stale_copy = Case.objects.get(pk=case.pk)  # what the first reviewer's request loaded
    case_reassign(case=case, to=reviewer(), by=supervisor())
    current_version = Case.objects.get(pk=case.pk).lock_version  # not stale by version: only by assignee
    with pytest.raises(PermissionDenied):
        case_decide(
            case=stale_copy,
            by=assignee,
            approve=False,
            reason_codes=["evidence_not_verified"],
            explanation="x",
            expected_version=current_version,
        )
    assert_undecided(case)


# --- A first assignment keeps the supervisor's reason --------------------------------------------


def test_a_supervisors_reason_for_a_first_assignment_is_recorded_for_the_ministry_only(mailoutbox):
    case = submitted_case(submitted_at=T0)
    boss, to = supervisor(), reviewer()
    assert case_assign(case=case, to=to, by=boss, reason="Speaks Portuguese") == Outcome.ASSIGNED
    internal = case.events.get(kind=CaseEvent.Kind.ASSIGNED)
    assert (internal.actor, internal.reason) == (boss, "Speaks Portuguese")
    assert CaseEvent.Kind.ASSIGNED in INTERNAL_EVENT_KINDS  # kept off the applicant's timeline
    public = case.events.get(kind=CaseEvent.Kind.REVIEW_STARTED)
    assert (public.actor, public.reason) == (boss, "")
    notify_case_event(public.pk)  # the applicant's e-mail about the review starting
    assert len(mailoutbox) == 1
    assert "Speaks Portuguese" not in mailoutbox[0].body
    assert "Speaks Portuguese" not in str(list(public_timeline(case).values_list("reason", flat=True)))
    latest = case.history.order_by("pgh_id").last()
    assert latest.assigned_to_id == to.pk
