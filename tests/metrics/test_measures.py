"""Each measure of apps.metrics at its edges, with time frozen: paused time excluded, a case decided
on day 14 and on day 15, withdrawn cases excluded and counted, percentiles by nearest rank, the
groups from the rubric version's segments, the release window and open cases by age."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from apps.cases.models import Case, CaseStatus, SponsorshipStatus, Track
from apps.metrics import selectors as m
from apps.organisations.models import SmeClaimStatus
from tests.factories import OrganisationFactory, SmeClaimFactory, SponsorshipFactory
from tests.ministry import submitted_case

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=SEOUL)
DAY = dt.timedelta(days=1)
ALL = ("all", "all", "all", "all")


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def decided(
    submitted: dt.datetime,
    after: dt.timedelta,
    *,
    paused: dt.timedelta = dt.timedelta(0),
    status: str = CaseStatus.APPROVED,
    track: str = Track.QUANTITATIVE,
    **facts: Any,
) -> Case:
    case = submitted_case(submitted_at=submitted, track=track, **facts)
    Case.objects.filter(pk=case.pk).update(
        status=status,
        paused_total=paused,
        due_at=submitted + 14 * DAY + paused,
        decided_at=submitted + after,
    )
    return case


def figures() -> dict[tuple[str, str, str, str], dict[str, Any]]:
    window = m.release_window(NOW.date())
    segments, _ = m.segment_defs(m.version_for_figures(window.last_day))
    return m.decided_figures(window, segments)


def test_the_window_is_the_twelve_whole_months_before_the_release() -> None:
    window = m.release_window(NOW.date())
    assert (window.first, window.last_day) == (dt.date(2025, 12, 1), dt.date(2026, 11, 30))
    assert window.months[0] == "2025-12"
    assert window.months[-1] == "2026-11"
    assert len(window.months) == 12
    assert window.quarters["2025-Q4"] == ["2025-12"]
    assert window.quarters["2026-Q4"] == ["2026-10", "2026-11"]
    assert m.next_release_on(NOW.date()) == dt.date(2027, 1, 1)


def test_decided_on_day_14_is_within_the_clock_and_day_15_is_not() -> None:
    decided(at(10, 1), 14 * DAY)  # exactly at the due moment
    decided(at(10, 2), 15 * DAY)
    row = figures()[ALL]
    assert (row["decided"], row["decided_within_clock"]) == (2, 1)
    assert row["clock_days_p50"] == 14  # nearest rank: the smaller of the two
    assert row["clock_days_p93"] == 15


def test_a_minute_past_day_14_is_late_and_counts_as_15_days() -> None:
    decided(at(10, 1), 14 * DAY + dt.timedelta(minutes=1))
    row = figures()[ALL]
    assert row["decided_within_clock"] == 0
    assert row["clock_days_p50"] == 15  # whole days, rounded up: "within 15 days" stays true


def test_paused_time_is_excluded_from_clock_days_and_the_due_date() -> None:
    # 16 calendar days, 3 of them waiting for the applicant: 13 days of the ministry's time, on time.
    decided(at(10, 1), 16 * DAY, paused=3 * DAY)
    row = figures()[ALL]
    assert row["decided_within_clock"] == 1
    assert (row["clock_days_p50"], row["calendar_days_p50"]) == (13, 16)
    assert row["share_time_paused"] == pytest.approx(18.8)  # 3 of 16 days


def test_withdrawn_cases_are_excluded_and_counted() -> None:
    decided(at(10, 1), 5 * DAY)
    decided(at(10, 3), 40 * DAY, status=CaseStatus.WITHDRAWN)
    row = figures()[ALL]
    assert (row["decided"], row["approved"], row["withdrawn"]) == (1, 1, 1)
    assert row["clock_days_p93"] == 5  # the withdrawn case's 40 days count nowhere


def test_rejections_count_as_decisions_and_open_cases_do_not() -> None:
    decided(at(10, 1), 5 * DAY, status=CaseStatus.REJECTED)
    submitted_case(submitted_at=at(11, 20))
    row = figures()[ALL]
    assert (row["decided"], row["approved"], row["rejected"]) == (1, 0, 1)


def test_decisions_are_counted_in_the_month_of_the_decision_in_korea() -> None:
    # Decided at 00:30 on 1 December in Seoul (still 30 November in UTC): outside the window.
    late_night = dt.datetime(2026, 12, 1, 0, 30, tzinfo=SEOUL)
    decided(at(11, 20), late_night - at(11, 20))
    decided(at(11, 1), 5 * DAY)
    rows = figures()
    assert rows[ALL]["decided"] == 1
    assert rows[("month", "2026-11", "all", "all")]["decided"] == 1


def test_percentiles_are_nearest_rank() -> None:
    for days in range(1, 11):  # 1..10 days
        decided(at(9, days), days * DAY)
    row = figures()[ALL]
    assert (row["clock_days_p50"], row["clock_days_p80"], row["clock_days_p93"]) == (5, 8, 10)


def test_groups_by_track_quarter_and_sponsor_segment() -> None:
    decided(at(8, 3), 5 * DAY, track=Track.QUALITATIVE)
    sme = decided(at(10, 5), 5 * DAY, track=Track.QUALITATIVE)
    organisation = OrganisationFactory()
    SmeClaimFactory(
        organisation=organisation,
        status=SmeClaimStatus.VERIFIED,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
    )
    SponsorshipFactory(organisation=organisation, case=sme, status=SponsorshipStatus.CONFIRMED)
    rows = figures()
    assert rows[("all", "all", "track", Track.QUALITATIVE)]["decided"] == 2
    assert rows[("quarter", "2026-Q3", "all", "all")]["decided"] == 1
    assert rows[("all", "all", "sponsor", m.SME_SEGMENT)]["decided"] == 1
    assert rows[("all", "all", "sponsor", m.LARGE_SEGMENT)]["decided"] == 1


def test_an_sme_claim_not_valid_on_the_submission_day_does_not_count() -> None:
    case = decided(at(10, 5), 5 * DAY)
    organisation = OrganisationFactory()
    SmeClaimFactory(
        organisation=organisation, valid_from=dt.date(2026, 10, 6), valid_to=dt.date(2026, 12, 31)
    )
    SponsorshipFactory(organisation=organisation, case=case, status=SponsorshipStatus.CONFIRMED)
    assert ("all", "all", "sponsor", m.SME_SEGMENT) not in figures()


def test_segments_come_from_the_version_and_count_like_the_engine() -> None:
    window = m.release_window(NOW.date())
    segments, skipped = m.segment_defs(m.version_for_figures(window.last_day))
    assert m.MID_CAREER_SEGMENT in {s.code for s in segments}
    assert skipped == []
    decided(at(10, 1), 5 * DAY, experience_years="8", institution_rank=None)  # unranked: outside
    decided(at(10, 2), 5 * DAY, experience_years="12", institution_rank=101)
    decided(at(10, 3), 5 * DAY, experience_years="12", institution_rank=100)  # inside the top 100
    decided(at(10, 4), 5 * DAY, experience_years="7.5", institution_rank=300, status=CaseStatus.REJECTED)
    outcomes = m.segment_outcomes(window, segments)
    assert outcomes[(m.MID_CAREER_SEGMENT, "all")] == {"approved": 2, "rejected": 0}
    assert outcomes[("experience_under_8", "all")] == {"approved": 0, "rejected": 1}
    assert outcomes[("top_100", Track.QUANTITATIVE)] == {"approved": 1, "rejected": 0}


def test_open_cases_by_age_in_bands_drawn_from_the_clock() -> None:
    bands = m.age_bands(14)
    assert [(b.first_day, b.last_day) for b in bands] == [(0, 7), (8, 14), (15, 28), (29, None)]
    submitted_case(submitted_at=at(12, 7, 8))  # today: day 0
    submitted_case(submitted_at=at(11, 23))  # 14 days: the last day of the clock
    submitted_case(submitted_at=at(11, 22))  # 15 days
    decided(at(10, 1), 5 * DAY)  # closed: not open
    opened = m.open_by_age(NOW, bands, [])
    assert opened[("0-7", "all", "all")] == 1
    assert opened[("8-14", "all", "all")] == 1
    assert opened[("15-28", "all", "all")] == 1
    assert opened[("all", "all", "all")] == 3
