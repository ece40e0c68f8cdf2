"""Each move issue 14 declared (decision 51): its state checked, its audit written in the one
vocabulary (actor, move, reason), its timeline event written, and its side effects run after the
commit only (the queue counts' version bump, the employer's e-mail task)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.accounts.roles import Role
from apps.cases import sponsorships as sponsorship_moves
from apps.cases import transitions
from apps.cases.assignment import case_reassign
from apps.cases.models import Case, CaseEvent, CaseStatus, Sponsorship, SponsorshipStatus, Track
from apps.cases.reviewer_findings import case_sme_reject, case_sme_verify, roster_confirm
from apps.cases.services import case_start
from apps.cases.sponsorships import (
    sponsorship_confirm,
    sponsorship_decline,
    sponsorship_submit,
    sponsorship_withdraw,
)
from apps.core.moves import SAME, Move, MoveRefused, MoveTable, apply, context_actor, context_move
from apps.organisations.models import MemberRole, OwnershipClaimStatus, SmeClaimStatus
from apps.organisations.services import ownership_claim_reject, ownership_claim_verify
from apps.reviewers.queue.selectors import QUEUE_VERSION_KEY
from tests.factories import (
    FULL_ANSWERS,
    MembershipFactory,
    OrganisationFactory,
    OwnershipClaimFactory,
    SponsorshipFactory,
    UserFactory,
)
from tests.ministry import reviewer, submitted_case, supervisor
from tests.reviewers.test_workspace_support import claim_of, qualitative_case

pytestmark = pytest.mark.django_db

ROSTER_MATCH = {"status": "matched", "entry_id": None, "matched_on": ["email"], "programme_code": "KASA"}


def last_context(row: Any) -> dict[str, Any]:
    """The audit context of the row's newest pghistory version."""
    versions = row.history if isinstance(row, Case) else row.events  # pghistory's reverse relations
    event = versions.order_by("-pgh_id").select_related("pgh_context").first()
    assert event is not None, f"no history for {row!r}"
    return dict(event.pgh_context.metadata if event.pgh_context else {})


def queue_version() -> int:
    return int(cache.get(QUEUE_VERSION_KEY, 0))


def committed(fn: Any, capture: Any) -> tuple[Any, int, int]:
    """Run ``fn`` and commit: the queue version just before the commit and just after it."""
    with capture(execute=True):
        result = fn()
        before_commit = queue_version()
    return result, before_commit, queue_version()


# --- The mechanism --------------------------------------------------------------------------------


def test_a_same_status_move_keeps_the_status_and_bumps_the_version():
    case = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=reviewer())
    version = case.lock_version
    applied = apply(transitions.CASE_MOVES, pk=case.pk, move=transitions.CONFIRM_ROSTER, by=None)
    assert applied.row.status == CaseStatus.IN_REVIEW
    assert applied.row.lock_version == version + 1


def test_a_move_of_another_table_is_refused():
    stranger = Move("x", frozenset({"draft"}), SAME, "x")
    case = submitted_case()
    with pytest.raises(ValueError, match="not a move of Case"):
        apply(transitions.CASE_MOVES, pk=case.pk, move=stranger, by=None)


def test_the_table_lists_the_moves_the_state_allows():
    case = submitted_case(status=CaseStatus.REJECTED)
    allowed = transitions.CASE_MOVES.allowed(case)
    assert transitions.REQUEST_REVIEW in allowed
    assert transitions.REASSIGN not in allowed
    assert transitions.APPROVE not in allowed


def test_old_audit_keys_are_read_in_one_place():
    assert context_move({"action": "roster_confirmed"}) == "roster_confirmed"
    assert context_move({"move": "reassigned", "action": "x"}) == "reassigned"
    assert context_actor({"user": 7}) == 7
    assert context_actor({"actor": 3, "user": 7}) == 3
    assert context_move({}) is None


def test_the_default_refusal_is_a_validation_error_with_the_move_s_message():
    table = MoveTable(model=Sponsorship, moves=(sponsorship_moves.CONFIRM,))
    sponsorship = SponsorshipFactory(status=SponsorshipStatus.DRAFT)
    with pytest.raises(ValidationError, match="not waiting for confirmation"):
        apply(table, pk=sponsorship.pk, move=sponsorship_moves.CONFIRM, by=None)


# --- Case moves that keep the status -------------------------------------------------------------


def test_reassign_is_a_move(django_capture_on_commit_callbacks):
    lee, kim, boss = reviewer(), reviewer(), supervisor()
    case = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=lee)
    version = case.lock_version
    event, before_commit, after = committed(
        lambda: case_reassign(case=case, to=kim, by=boss, reason="Lee is on leave"),
        django_capture_on_commit_callbacks,
    )
    case.refresh_from_db()
    assert (case.status, case.assigned_to, case.lock_version) == (CaseStatus.IN_REVIEW, kim, version + 1)
    assert (event.kind, event.from_status, event.to_status) == ("reassigned", "in_review", "in_review")
    assert event.data == {"from": lee.pk, "to": kim.pk}
    assert last_context(case) == {"actor": boss.pk, "move": "reassigned", "reason": "Lee is on leave"}
    assert after > before_commit  # the queue's counts are told after the commit, not before


def test_reassign_is_refused_once_the_case_is_decided():
    lee, kim, boss = reviewer(), reviewer(), supervisor()
    case = submitted_case(status=CaseStatus.APPROVED, assigned_to=lee)
    with pytest.raises(transitions.TransitionNotAllowed, match="cannot be reassigned"):
        case_reassign(case=case, to=kim, by=boss)
    assert not CaseEvent.objects.filter(case=case, kind="reassigned").exists()


def _roster_case(assignee: Any) -> Case:
    case = submitted_case(track=Track.GOVERNMENT_PROGRAMME, status=CaseStatus.IN_REVIEW, assigned_to=assignee)
    case.roster_match = ROSTER_MATCH
    case.save()
    return case


def test_confirming_the_roster_is_a_move(django_capture_on_commit_callbacks):
    assignee = reviewer()
    case = _roster_case(assignee)
    version = case.lock_version
    event, before_commit, after = committed(
        lambda: roster_confirm(case=case, by=assignee), django_capture_on_commit_callbacks
    )
    case.refresh_from_db()
    assert (case.status, case.roster_confirmed_by, case.lock_version) == ("in_review", assignee, version + 1)
    assert event.kind == CaseEvent.Kind.ROSTER_CONFIRMED
    assert last_context(case) == {"actor": assignee.pk, "move": "roster_confirmed", "reason": ""}
    # Before issue 14 this was an .update(): no post_save, so the queue's cached counts never heard.
    assert after > before_commit


def test_the_roster_is_not_confirmed_on_a_withdrawn_case():
    assignee = reviewer()
    case = _roster_case(assignee)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.WITHDRAWN)  # the test's own shortcut
    with pytest.raises(ValidationError):
        roster_confirm(case=case, by=assignee)
    assert not CaseEvent.objects.filter(case=case, kind="roster_confirmed").exists()


@pytest.mark.parametrize("verify", [True, False])
def test_an_sme_verdict_is_a_move_of_this_case_and_marks_the_sponsor_s_other_cases(
    verify, django_capture_on_commit_callbacks
):
    assignee = reviewer()
    case = qualitative_case(assigned_to=assignee)
    claim = claim_of(case)
    other = submitted_case(status=CaseStatus.SUBMITTED)
    SponsorshipFactory(organisation=claim.organisation, case=other, status=SponsorshipStatus.CONFIRMED)
    versions = (case.lock_version, other.lock_version)
    review = case_sme_verify if verify else case_sme_reject
    _claim, before_commit, after = committed(
        lambda: review(case=case, claim=claim, by=assignee, reason="Checked with the registry"),
        django_capture_on_commit_callbacks,
    )
    case.refresh_from_db()
    other.refresh_from_db()
    kind = "sme_verified" if verify else "sme_rejected"
    assert (case.lock_version, other.lock_version) == (versions[0] + 1, versions[1] + 1)
    assert CaseEvent.objects.filter(case=case, kind=kind).count() == 1
    assert not CaseEvent.objects.filter(case=other, kind=kind).exists()  # no line on a stranger's timeline
    assert last_context(case) == {"actor": assignee.pk, "move": kind, "reason": "Checked with the registry"}
    assert last_context(other)["move"] == "sponsor_sme_changed"
    claim.refresh_from_db()
    assert claim.status == (SmeClaimStatus.VERIFIED if verify else SmeClaimStatus.REJECTED)
    assert last_context(claim)["move"] == kind
    assert after > before_commit


# --- Back-dating (demo data) ---------------------------------------------------------------------


def test_back_dating_is_audited_as_such():
    case = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=reviewer())
    SponsorshipFactory(case=case, status=SponsorshipStatus.CONFIRMED)
    earlier = case.submitted_at - dt.timedelta(days=9)
    transitions.back_date(
        case=case,
        case_fields={"submitted_at": earlier, "due_at": earlier + dt.timedelta(days=14)},
        sponsorship_fields={"confirmed_at": earlier},
        why="demo",
    )
    case.refresh_from_db()
    assert case.submitted_at == earlier
    assert case.sponsorships.get().confirmed_at == earlier
    assert last_context(case) == {"actor": None, "move": "back_dated", "reason": "demo"}


# --- Sponsorship moves ---------------------------------------------------------------------------


@pytest.fixture
def employer() -> Any:
    organisation = OrganisationFactory(name="Hanbit Display", verified=True)
    return MembershipFactory(organisation=organisation, role=MemberRole.ADMIN).user


def _draft_case() -> Case:
    applicant = UserFactory(role=Role.APPLICANT, email="ada@example.org")
    return case_start(applicant=applicant, answers=FULL_ANSWERS, track="qualitative")


def _sponsorship(employer: Any, case: Case | None, status: str) -> Sponsorship:
    return SponsorshipFactory(
        organisation=employer.memberships.get().organisation,
        created_by=employer,
        case=case,
        candidate_email="ada@example.org",
        status=status,
    )


def _sent_tasks(monkeypatch: Any) -> list[tuple[str, tuple[Any, ...]]]:
    sent: list[tuple[str, tuple[Any, ...]]] = []
    monkeypatch.setattr(transitions, "enqueue", lambda name, *args: sent.append((name, args)))
    return sent


# move -> (status before, linked to the case before?, who moves, event kind, status after, the call)
SPONSORSHIP_MOVES: dict[str, tuple[str, bool, str, str, str, Any]] = {
    "submit": (
        SponsorshipStatus.DRAFT,
        False,
        "employer",
        "sponsorship_submitted",
        SponsorshipStatus.SUBMITTED,
        lambda s, case, by: sponsorship_submit(sponsorship=s, by=by, case_reference=case.reference),
    ),
    "withdraw": (
        SponsorshipStatus.SUBMITTED,
        True,
        "employer",
        "sponsorship_withdrawn",
        SponsorshipStatus.WITHDRAWN,
        lambda s, case, by: sponsorship_withdraw(sponsorship=s, by=by, reason="Role filled"),
    ),
    "confirm": (
        SponsorshipStatus.SUBMITTED,
        True,
        "applicant",
        "sponsorship_confirmed",
        SponsorshipStatus.CONFIRMED,
        lambda s, case, by: sponsorship_confirm(sponsorship=s, case=case, by=by),
    ),
    "decline": (
        SponsorshipStatus.SUBMITTED,
        True,
        "applicant",
        "sponsorship_declined",
        SponsorshipStatus.DECLINED,
        lambda s, case, by: sponsorship_decline(sponsorship=s, by=by, reason="Took another offer"),
    ),
}


@pytest.mark.parametrize("name", list(SPONSORSHIP_MOVES))
def test_each_sponsorship_move_is_audited_on_the_timeline_and_sent_after_commit(
    name, employer, django_capture_on_commit_callbacks, monkeypatch
):
    before, linked, who, kind, after, run = SPONSORSHIP_MOVES[name]
    case = _draft_case()
    sponsorship = _sponsorship(employer, case if linked else None, before)
    by = employer if who == "employer" else case.applicant
    sent = _sent_tasks(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        run(sponsorship, case, by)
        assert sent == []  # nothing before the commit
    sponsorship.refresh_from_db()
    assert sponsorship.status == after
    event = CaseEvent.objects.filter(case=case, kind=kind).get()
    assert (event.actor, event.data["sponsorship"]) == (by, sponsorship.pk)
    assert {k: last_context(sponsorship)[k] for k in ("actor", "move")} == {"actor": by.pk, "move": kind}
    assert sent == [(sponsorship_moves.SPONSORSHIP_TASK, (sponsorship.pk, after))]
    with pytest.raises(ValidationError):  # the state no longer allows it
        run(sponsorship, case, by)


def test_a_refused_sponsorship_move_changes_nothing_and_sends_nothing(
    employer, django_capture_on_commit_callbacks, monkeypatch
):
    case = _draft_case()
    sponsorship = _sponsorship(employer, case, SponsorshipStatus.CONFIRMED)
    sent = _sent_tasks(monkeypatch)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError),
        transaction.atomic(),
    ):
        sponsorship_submit(sponsorship=sponsorship, by=employer)
    assert sent == []
    assert not CaseEvent.objects.filter(case=case, kind="sponsorship_submitted").exists()


# --- Organisation verification moves -------------------------------------------------------------


@pytest.mark.parametrize("verify", [True, False])
def test_deciding_an_ownership_claim_is_a_move(verify):
    checker = reviewer()
    claim = OwnershipClaimFactory()
    if verify:
        ownership_claim_verify(claim=claim, by=checker, reason="Matches the registry")
    else:
        ownership_claim_reject(claim=claim, by=checker, reason="Illegible")
    claim.refresh_from_db()
    assert claim.status == (OwnershipClaimStatus.VERIFIED if verify else OwnershipClaimStatus.REJECTED)
    assert claim.reviewed_by == checker
    context = last_context(claim)
    assert context["move"] == ("ownership_verified" if verify else "ownership_rejected")
    assert context["actor"] == checker.pk
    with pytest.raises(ValidationError, match="waiting for verification"):
        ownership_claim_verify(claim=claim, by=checker)


def test_verifying_one_ownership_claim_closes_the_others_as_moves():
    checker = reviewer()
    claim = OwnershipClaimFactory()
    rival = OwnershipClaimFactory(organisation=claim.organisation)
    ownership_claim_verify(claim=claim, by=checker)
    rival.refresh_from_db()
    assert rival.status == OwnershipClaimStatus.REJECTED
    assert last_context(rival)["move"] == "ownership_rejected"
    assert last_context(rival)["reason"] == "Another certificate for this number was verified."


def test_move_refused_is_the_common_base():
    assert issubclass(transitions.TransitionNotAllowed, MoveRefused)


def test_history_written_with_the_old_keys_still_reads_in_the_workspace():
    import pghistory

    from apps.reviewers.workspace.selectors import history_rows

    boss = supervisor(full_name="Kim Boss")
    case = submitted_case(status=CaseStatus.IN_REVIEW, assigned_to=reviewer())
    with pghistory.context(user=boss.pk, action="reassigned"):  # as rows were written before issue 14
        case.assigned_to = reviewer()
        case.save()
    newest = history_rows(case).rows[-1]
    assert (str(newest.actor), str(newest.action)) == ("Kim Boss", "Reassigned to another reviewer")
