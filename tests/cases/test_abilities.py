"""apps.cases.abilities: what each persona may do with a case in each state, as one table (decision
52). The expected rows are written out here, not derived from the module, so a changed guard or
move table shows up as a changed row."""

from __future__ import annotations

from typing import Any

import pytest

from apps.accounts.roles import Role
from apps.cases import abilities
from apps.cases import transitions as t
from apps.cases.models import CaseStatus
from tests.factories import UserFactory
from tests.ministry import reviewer, submitted_case, supervisor

pytestmark = pytest.mark.django_db

PERSONAS = ("owner", "other_applicant", "assignee", "other_reviewer", "supervisor")


@pytest.fixture
def people() -> dict[str, Any]:
    return {
        "owner": UserFactory(role=Role.APPLICANT),
        "other_applicant": UserFactory(role=Role.APPLICANT),
        "assignee": reviewer(),
        "other_reviewer": reviewer(),
        "supervisor": supervisor(),
    }


def _case(people: dict[str, Any], status: str, *, assigned: bool = True) -> Any:
    case = submitted_case(status=status, assigned_to=people["assignee"] if assigned else None)
    case.applicant = people["owner"]
    case.save()
    return case


def _names(moves: frozenset[Any]) -> set[str]:
    return {str(move.event) for move in moves}


# The reviewer's same-status moves on an open case.
WORK = {"qualitative_assessed", "sme_verified", "sme_rejected", "roster_confirmed"}
# (status, assigned?) -> persona -> the moves they may make
EXPECTED: dict[tuple[str, bool], dict[str, set[str]]] = {
    (CaseStatus.SUBMITTED, False): {
        "owner": {"withdrawn"},
        "other_applicant": set(),
        "assignee": {"review_started"},
        "other_reviewer": {"review_started"},
        # As before issue 14: a supervisor may work on any open case, even one nobody has taken.
        "supervisor": {
            "review_started",
            "qualitative_assessed",
            "sme_verified",
            "sme_rejected",
            "roster_confirmed",
        },
    },
    (CaseStatus.IN_REVIEW, True): {
        "owner": {"withdrawn"},
        "other_applicant": set(),
        "assignee": {"information_requested", "approved", "rejected", *WORK},
        "other_reviewer": set(),
        "supervisor": {"information_requested", "approved", "rejected", *WORK, "reassigned"},
    },
    (CaseStatus.INFORMATION_REQUESTED, True): {
        "owner": {"withdrawn"},
        "other_applicant": set(),
        "assignee": WORK,
        "other_reviewer": set(),
        "supervisor": {*WORK, "reassigned"},
    },
    (CaseStatus.REJECTED, True): {
        "owner": {"review_requested"},
        "other_applicant": set(),
        "assignee": set(),
        "other_reviewer": set(),
        "supervisor": set(),
    },
    (CaseStatus.REVIEW_REQUESTED, True): {
        "owner": set(),
        "other_applicant": set(),
        "assignee": set(),
        "other_reviewer": set(),
        "supervisor": {"review_upheld", "review_overturned"},
    },
    (CaseStatus.APPROVED, True): {persona: set() for persona in PERSONAS},
    (CaseStatus.WITHDRAWN, True): {persona: set() for persona in PERSONAS},
}


@pytest.mark.parametrize(("status", "assigned"), list(EXPECTED))
def test_who_may_make_which_move_in_each_state(people, status, assigned):
    case = _case(people, status, assigned=assigned)
    got = {persona: _names(abilities.allowed_moves(people[persona], case)) for persona in PERSONAS}
    assert got == EXPECTED[(status, assigned)]


def test_roles_given_by_the_page_are_used_without_asking_the_database(people, django_assert_num_queries):
    case = _case(people, CaseStatus.IN_REVIEW)
    with django_assert_num_queries(0):
        assert abilities.may(people["assignee"], case, t.APPROVE, frozenset({Role.REVIEWER}))
        assert not abilities.may(people["other_reviewer"], case, t.APPROVE, frozenset({Role.REVIEWER}))
        assert abilities.may_assign(people["supervisor"], case, frozenset({Role.SUPERVISOR}))


def test_every_move_a_person_makes_has_a_guard():
    knock_on_or_per_request = {t.SPONSOR_SME_CHANGED, t.PROVIDE_INFORMATION}
    assert set(t.CASE_MOVES.moves) - knock_on_or_per_request == set(abilities.GUARDS)


def test_the_workspace_offers_what_the_module_allows(people):
    from apps.reviewers.workspace.selectors import abilities as workspace_abilities

    case = _case(people, CaseStatus.INFORMATION_REQUESTED)
    roles = frozenset({Role.REVIEWER})
    mine = workspace_abilities(case, people["assignee"], roles, scales=None)
    theirs = workspace_abilities(case, people["other_reviewer"], roles, scales=None)
    assert (mine.act, mine.decide, mine.request_information, mine.take) == (True, False, False, False)
    assert (theirs.act, theirs.decide) == (False, False)
    assert theirs.reasons  # says why
