"""Decided cases for the decision-letter and review tests: approved (with its letter) or rejected,
at a chosen moment."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import time_machine

from apps.accounts.models import User
from apps.cases.models import Case, CaseStatus, Track
from apps.cases.review_moves import case_decide
from tests.ministry import reviewer, submitted_case

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
SUBMITTED = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)  # rules version 2026-07
# A1 bachelor's, unranked 6; A2 3 years 4; A3 1.2 x GNI 4; B1 5: 19 points, and no track's conditions.
WEAK: dict[str, Any] = {
    "degree_level": "bachelor",
    "institution_rank": None,
    "experience_years": "3",
    "fortune_global_500_years": "0",
    "offered_salary_krw": 60_000_000,
    "publications_and_patents": 0,
    "led_project_years": "0",
}


def decided_case(*, approve: bool, at: dt.datetime, by: User | None = None, **facts: Any) -> Case:
    """A quantitative case decided at ``at``: approved (a doctorate from a top-100 school) or rejected."""
    assignee = by or reviewer()
    case = submitted_case(
        status=CaseStatus.IN_REVIEW,
        assigned_to=assignee,
        submitted_at=SUBMITTED,
        track=Track.QUANTITATIVE,
        applicant_name="Ada Lovelace",
        **({} if approve else {**WEAK, **facts}),
    )
    with time_machine.travel(at, tick=False):
        case_decide(
            case=case,
            by=assignee,
            approve=approve,
            reason_codes=["criteria_met"] if approve else ["track_criteria_not_met"],
            explanation="Explained to the applicant.",
            expected_version=case.lock_version,
        )
    case.refresh_from_db()
    return case
