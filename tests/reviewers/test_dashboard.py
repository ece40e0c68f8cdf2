"""The supervisor dashboard: who may see it, every figure against a hand-built data set with known
answers (time frozen), the CSV exports, the period parameter, the empty state, Korean, and a fixed
number of queries whatever the number of cases."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import Case, CaseEvent, CaseStatus, SponsorshipStatus, Track
from apps.organisations.models import SizeClass
from apps.reviewers.dashboard.selectors import (
    Dashboard,
    MidCareerCriteria,
    Rate,
    dashboard,
    dashboard_cached,
    period_weeks,
    track_outcomes,
)
from apps.rubric.models import RubricVersion
from tests.factories import OrganisationFactory, SmeClaimFactory, SponsorshipFactory, UserFactory
from tests.ministry import reviewer, sign_in, submitted_case, supervisor

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
# A Wednesday. ISO week 47 of 2026 starts on Monday 16 November, week 46 on 9 November.
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=SEOUL)
URL = "/ministry/dashboard/"


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SEOUL)


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def case(submitted: dt.datetime, status: str = CaseStatus.SUBMITTED, **fields: Any) -> Case:
    """A submitted case, then the fields a test needs set straight on the row."""
    facts = fields.pop("facts", {})
    made = submitted_case(submitted_at=submitted, track=fields.pop("track", Track.QUANTITATIVE), **facts)
    Case.objects.filter(pk=made.pk).update(status=status, **fields)
    made.refresh_from_db()
    return made


def decided(
    when: dt.datetime, *, approve: bool, by: User | None = None, due: dt.datetime | None = None, **fields: Any
) -> Case:
    """A case decided at ``when`` (due ``due``, by default a week later), with its decision event."""
    status = CaseStatus.APPROVED if approve else CaseStatus.REJECTED
    made = case(
        when - dt.timedelta(days=7),
        status,
        decided_at=when,
        due_at=due or when + dt.timedelta(days=7),
        **fields,
    )
    kind = CaseEvent.Kind.APPROVED if approve else CaseEvent.Kind.REJECTED
    CaseEvent.objects.create(
        case=made, kind=kind, from_status="in_review", to_status=status, actor=by, at=when
    )
    return made


@pytest.fixture
def people() -> dict[str, User]:
    return {
        "boss": supervisor(full_name="Supervisor Seo"),
        "r1": reviewer(full_name="Reviewer Ahn"),
        "r2": reviewer(full_name="Reviewer Baek"),
        "r3": reviewer(full_name="Reviewer Choi"),
    }


@pytest.fixture
def data_set(people: dict[str, User]) -> dict[str, User]:
    """Six open cases, five decisions (one outside the 12 weeks), a withdrawal and a draft."""
    r1, r2, boss = people["r1"], people["r2"], people["boss"]
    # Open: age 0 and age 3 (calendar days in Korea: 58 hours, but submitted three days ago).
    case(at(11, 18, 9))
    case(at(11, 15, 23, 30))
    case(at(11, 14, 12), CaseStatus.IN_REVIEW, assigned_to=r1)  # age 4
    case(at(11, 4, 9), CaseStatus.IN_REVIEW, assigned_to=r1)  # age 14, due an hour ago: overdue
    # Paused before its due date: not overdue, though the due date has passed (age 17).
    case(at(11, 1), CaseStatus.INFORMATION_REQUESTED, assigned_to=r2, paused_at=at(11, 10), due_at=at(11, 15))
    # Paused after its due date: overdue (age 10).
    case(at(11, 8), CaseStatus.INFORMATION_REQUESTED, assigned_to=r2, paused_at=at(11, 17), due_at=at(11, 16))
    # Decided. Week 47: one on time, one late (00:30 on Monday in Korea is still Sunday in UTC).
    decided(at(11, 17, 10), approve=True, by=r1, due=at(11, 20))
    decided(at(11, 16, 0, 30), approve=False, by=r2, due=at(11, 15), track=Track.QUALITATIVE)
    # Week 46: decided exactly at the due date counts as within; one decided by the supervisor.
    decided(at(11, 11, 15), approve=True, by=r1, due=at(11, 11, 15), track=Track.QUALITATIVE)
    decided(at(11, 10), approve=False, by=boss, due=at(11, 12), track=Track.GOVERNMENT_PROGRAMME)
    # Before the 12 weeks (starting Monday 31 August): counts for approvals, not for the weeks.
    decided(at(8, 20), approve=True, by=r1)
    # A withdrawal stops the clock but is no decision; a draft is nobody's business yet.
    case(at(11, 5), CaseStatus.WITHDRAWN, decided_at=at(11, 12))
    Case.objects.create(applicant=UserFactory(role=Role.APPLICANT), track=Track.QUANTITATIVE)
    return people


def board(weeks: int = 12) -> Dashboard:
    return dashboard(now=NOW, weeks=weeks)


# --- Who may see it ----------------------------------------------------------------------------


def test_supervisor_sees_the_dashboard(client: Client, data_set: dict[str, User]) -> None:
    sign_in(client, data_set["boss"])
    response = client.get(URL)
    assert response.status_code == 200
    assert b"css/dashboard.css" in response.content
    assert 'aria-current="page"' in response.content.decode()


@pytest.mark.parametrize("path", [URL, "/ministry/dashboard/queue.csv"])
def test_reviewer_gets_404(client: Client, path: str) -> None:
    sign_in(client, reviewer())
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EMPLOYER])
@pytest.mark.parametrize("path", [URL, "/ministry/dashboard/queue.csv"])
def test_applicants_and_employers_get_404(client: Client, role: Role, path: str) -> None:
    client.force_login(UserFactory(role=role))
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", [URL, "/ministry/dashboard/queue.csv"])
def test_anonymous_gets_404(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_supervisor_without_second_factor_is_stopped(client: Client) -> None:
    sign_in(client, supervisor(), two_factor=False)
    assert client.get(URL).status_code == 302  # sent to set up or confirm the second factor


# --- Every figure against known answers --------------------------------------------------------


def test_queue_depth_by_state_and_overdue(data_set: dict[str, User]) -> None:
    figures = board().open_cases
    assert [(s.status, s.cases, s.overdue) for s in figures.states] == [
        ("submitted", 2, 0),
        ("in_review", 2, 1),
        ("information_requested", 2, 1),
    ]
    assert (figures.total, figures.overdue, figures.unassigned) == (6, 2, 2)


def test_age_distribution_counts_calendar_days_in_korea(data_set: dict[str, User]) -> None:
    """apps.metrics' bands from the 14-day clock of 2026-07: each half of the clock, up to twice it."""
    ages = board().open_cases.ages
    assert [(a.first_day, a.last_day, a.cases) for a in ages] == [
        (0, 7, 3),  # ages 0, 3 and 4
        (8, 14, 2),  # ages 10 and 14
        (15, 28, 1),  # age 17
        (29, None, 0),
    ]
    assert [a.label for a in ages] == ["0 to 7 days", "8 to 14 days", "15 to 28 days", "29 days or more"]
    assert (board().old_cases.first_day, board().old_cases.cases) == (15, 1)  # past the clock


def test_age_bucket_edges(people: dict[str, User]) -> None:
    # The last minute of day 7 and the first of day 8; of day 14 and day 15; of day 28 and day 29.
    case(at(11, 11, 0, 0))
    case(at(11, 10, 23, 59))
    case(at(11, 4, 0, 0))
    case(at(11, 3, 23, 59))
    case(at(10, 21, 0, 0))
    case(at(10, 20, 23, 59))
    assert [a.cases for a in board().open_cases.ages] == [1, 2, 2, 1]


def test_share_decided_within_14_days_by_iso_week(data_set: dict[str, User]) -> None:
    shares = board().within_clock
    assert len(shares) == 12
    assert shares[0].week.start == dt.date(2026, 8, 31)
    assert [(s.week.code, s.within) for s in shares[-2:]] == [
        ("2026-W46", Rate(2, 2)),
        ("2026-W47", Rate(1, 2)),
    ]
    assert all(s.within == Rate(0, 0) for s in shares[:-2])
    assert board().within_clock_total == Rate(3, 4)
    assert board().latest_week_with_decisions == shares[-1]


def test_weekly_figures_cover_exactly_the_period(people: dict[str, User]) -> None:
    r1 = people["r1"]
    decided(at(8, 31, 0, 0), approve=True, by=r1)  # the first instant of the 12 weeks
    decided(at(8, 30, 23, 59), approve=True, by=r1)  # the minute before
    decided(at(11, 23, 0, 0), approve=True, by=r1)  # next week (a clock ahead): no column, no error
    figures = board()
    assert figures.within_clock[0].within == Rate(1, 1)
    assert figures.within_clock_total == Rate(1, 1)
    assert figures.reviewers[0].decisions == [1] + [0] * 11


def test_each_reviewers_caseload_and_decisions_per_week(data_set: dict[str, User]) -> None:
    loads = board(weeks=4).reviewers
    assert [(load.name, load.open_cases, load.decisions) for load in loads] == [
        ("Reviewer Ahn", 2, [0, 0, 1, 1]),
        ("Reviewer Baek", 2, [0, 0, 0, 1]),
        ("Supervisor Seo", 0, [0, 0, 1, 0]),  # decided a case without being a reviewer
        ("Reviewer Choi", 0, [0, 0, 0, 0]),
    ]


def test_approvals_by_track(data_set: dict[str, User]) -> None:
    tracks = {t.track: t.approval for t in board().tracks}
    assert tracks == {
        Track.QUANTITATIVE: Rate(2, 2),  # the August approval counts: approvals are all-time
        Track.QUALITATIVE: Rate(1, 2),
        Track.GOVERNMENT_PROGRAMME: Rate(0, 1),
    }
    assert board().approval == Rate(3, 5)  # the withdrawal is not a decision


def test_sme_versus_large_sponsors_as_the_public_statistics_count_them(people: dict[str, User]) -> None:
    """apps.metrics' sponsor groups: an SME sponsor is a confirmed one whose SME status was verified
    and valid on the submission day; every other received case (a large sponsor, an SME claimed but
    not verified for that day, no sponsor at all) counts as large. Drafts are nobody's case yet."""
    sme = OrganisationFactory(size_class=SizeClass.SME)
    SmeClaimFactory(organisation=sme, valid_from=dt.date(2026, 11, 1), valid_to=dt.date(2027, 10, 31))
    claimed = OrganisationFactory(size_class=SizeClass.SME)  # says SME, never verified
    large = OrganisationFactory(size_class=SizeClass.LARGE)

    def sponsored(organisation: Any, made: Case, status: str = SponsorshipStatus.CONFIRMED) -> None:
        SponsorshipFactory(organisation=organisation, case=made, status=status)

    sponsored(sme, decided(at(11, 10), approve=True))  # submitted 3 November: verified then
    sponsored(sme, case(at(11, 12), CaseStatus.IN_REVIEW))
    sponsored(sme, decided(at(11, 5), approve=False))  # submitted 29 October: before the claim
    sponsored(claimed, decided(at(11, 10), approve=True))
    sponsored(large, decided(at(11, 11), approve=True))
    sponsored(large, case(at(11, 5), CaseStatus.WITHDRAWN, decided_at=at(11, 6)))
    sponsored(sme, decided(at(11, 12), approve=False), status=SponsorshipStatus.SUBMITTED)  # unconfirmed
    case(at(11, 14))  # no sponsor
    draft = Case.objects.create(applicant=UserFactory(role=Role.APPLICANT), track=Track.QUALITATIVE)
    sponsored(sme, draft)

    sponsors = {s.group: (s.cases, s.approval) for s in board().sponsors}
    assert sponsors == {"sme_sponsor": (2, Rate(1, 1)), "large_sponsor": (6, Rate(2, 4))}
    assert [s.label for s in board().sponsors] == ["SME sponsor", "Large sponsor"]  # the version's titles


@pytest.fixture
def mid_career_cases(people: dict[str, User]) -> None:
    for years, rank, approve in [
        ("8", 101, True),  # exactly 8 years, rank 101: mid-career from outside the top 100
        (8, None, False),  # unranked is outside; years stored as a JSON number
        ("10", 150, True),
        ("7.5", None, True),  # not quite mid-career
        ("12", 100, True),  # rank 100 is inside the top 100
        ("", None, False),  # experience unknown
        ("9", 50, False),
    ]:
        decided(at(11, 10), approve=approve, facts={"experience_years": years, "institution_rank": rank})


def test_mid_career_from_outside_the_top_100_next_to_everyone_else(mid_career_cases: None) -> None:
    figures = board()
    assert figures.mid_career == Rate(2, 3)
    assert figures.everyone_else == Rate(2, 4)
    assert figures.criteria.label == "Mid-career (8+ years) from outside the top 100"  # the version's title


def test_the_group_is_a_segment_of_the_rubric_version(mid_career_cases: None) -> None:
    # Another of the version's segments counts that group instead: no threshold is in code.
    outcomes = track_outcomes(criteria=MidCareerCriteria(code="experience_8_plus"))
    assert sum(o.mid_career_approved for o in outcomes) == 3  # 8, 10 and 12 years
    assert sum(o.mid_career_rejected for o in outcomes) == 2  # 8 (a JSON number) and 9 years


def test_the_version_in_force_sets_the_groups_bands_and_titles(
    client: Client, people: dict[str, User], mid_career_cases: None
) -> None:
    """No number of years, ranks or days is in the dashboard's code: a version in force from
    1 November whose mid-career segment starts at 5 years, with a 10-day clock and its own titles,
    changes the figures."""
    assert board().mid_career == Rate(2, 3)
    old = RubricVersion.objects.get(code="2026-07")
    config = copy.deepcopy(old.config)
    config.update(code="2026-11-test", effective_from="2026-11-01", effective_to=None)
    segments = {segment["code"]: segment for segment in config["segments"]}
    mid = segments["mid_career_outside_top_100"]
    assert mid["when"]["all"][0] == {"fact": "experience_years", "op": ">=", "value": "8"}
    mid["when"]["all"][0]["value"] = "5"
    mid["title"]["en"] = "Mid-career (5+ years) from outside the top 100"
    segments["sme_sponsor"]["title"]["en"] = "Verified SME"
    config["clock"]["days"] = 10
    RubricVersion.objects.filter(pk=old.pk).update(effective_to=dt.date(2026, 10, 31))
    RubricVersion.objects.create(
        code="2026-11-test", title="Test", effective_from=dt.date(2026, 11, 1), config=config
    )

    after = board()
    assert after.criteria.version == "2026-11-test"
    assert after.mid_career == Rate(3, 4)  # 7.5 years from an unranked school (approved) joins
    assert after.criteria.label == "Mid-career (5+ years) from outside the top 100"
    assert [(a.first_day, a.last_day) for a in after.open_cases.ages] == [
        (0, 5),
        (6, 10),
        (11, 20),
        (21, None),
    ]
    assert after.old_cases.first_day == 11
    assert after.sponsors[0].label == "Verified SME"
    # The clock's days in the labels, the page's and the CSV's.
    sign_in(client, people["boss"])
    page = client.get(URL).content.decode()
    assert "Decided within 10 days, by week" in page
    assert "within 14 days" not in page
    header = read_csv(client.get("/ministry/dashboard/within-14-days.csv"))[0]
    assert header[3:] == ["Decided within 10 days", "Share within 10 days (%)"]
    korean = client.get(URL, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "주별 10일 이내 결정" in korean


def test_rates_divide_by_nothing_as_no_decisions_yet() -> None:
    assert Rate(0, 0).percent is None
    assert Rate(0, 0).text == "no decisions yet"
    assert Rate(12, 20).text == "12 of 20, 60%"
    assert Rate(2, 3).text == "2 of 3, 67%"
    assert Rate(1234, 2000).text == "1,234 of 2,000, 62%"


def test_period_weeks_end_with_the_current_week() -> None:
    weeks = period_weeks(now=NOW, weeks=4)
    assert [w.start for w in weeks] == [
        dt.date(2026, 10, 26),
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 9),
        dt.date(2026, 11, 16),
    ]
    assert weeks[-1].number == 47


# --- The page ----------------------------------------------------------------------------------


def test_page_shows_each_chart_with_its_sentence_table_and_csv_link(
    client: Client, data_set: dict[str, User]
) -> None:
    sign_in(client, data_set["boss"])
    page = client.get(URL).content.decode()
    for heading in (
        "Queue depth by state",
        "Age of open cases",
        "Decided within 14 days, by week",
        "Reviewers: open caseload and decisions",
        "Approvals by track",
        "SME and large-company sponsorships",
        "Mid-career applicants from outside the top institutions",
    ):
        assert f">{heading}</h2>" in page
    assert "6 open cases: 2 overdue, 2 not assigned to anyone." in page
    assert "1 of 6 open cases were submitted 15 or more days ago" in page
    assert "50% of cases decided in week 47 were decided within 14 days (1 of 2)." in page
    assert "Over the last 12 weeks: 3 of 4, 75%." in page
    assert "People listed: 4. Open cases they hold: 4. Decisions they made in the last 12 weeks: 4." in page
    assert "Approval rate of every decision so far, all tracks together: 3 of 5, 60%." in page
    assert "1 of 2, 50%" in page
    assert "0 of 1, 0%" in page
    # Every chart has a table with a caption and scoped headers, and its CSV link.
    assert page.count("<caption") == 7
    assert page.count('<th scope="col"') >= 20
    assert '<th scope="row"' in page
    for chart in ("queue", "age", "within-14-days", "reviewers", "tracks", "sponsors", "mid-career"):
        assert f'href="/ministry/dashboard/{chart}.csv' in page
    assert 'href="/ministry/dashboard/within-14-days.csv?weeks=12"' in page
    # The bars are decoration: their values are written beside them.
    assert 'class="dash-bar-track" aria-hidden="true"' in page


def test_sponsor_size_without_decisions_reads_no_decisions_yet(
    client: Client, people: dict[str, User]
) -> None:
    SponsorshipFactory(
        organisation=OrganisationFactory(size_class=SizeClass.SME),
        case=case(at(11, 12)),
        status=SponsorshipStatus.CONFIRMED,
    )
    sign_in(client, people["boss"])
    page = client.get(URL).content.decode()
    assert "SME sponsor: 0 cases received; approval rate no decisions yet." in page
    assert "Large sponsor: 1 case received; approval rate no decisions yet." in page
    sponsors = page.split('id="chart-sponsors"')[1].split("</section>")[0]
    assert "0 of 0" not in sponsors
    assert ", 0%" not in sponsors


def test_empty_state_when_there_are_no_cases(client: Client) -> None:
    Case.objects.create(applicant=UserFactory(role=Role.APPLICANT), track=Track.QUANTITATIVE)  # a draft
    sign_in(client, supervisor())
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "No cases yet" in page
    assert 'class="dash-chart"' not in page


def test_page_in_korean(client: Client, data_set: dict[str, User]) -> None:
    sign_in(client, data_set["boss"])
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="ko")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ko">' in page
    assert "심사 중" in page
    assert "보완 요청" in page
    assert "정량 트랙" in page


def test_page_in_korean_from_the_language_cookie(client: Client, data_set: dict[str, User]) -> None:
    sign_in(client, data_set["boss"])
    client.cookies["ktp_language"] = "ko"
    page = client.get(URL).content.decode()
    assert '<html lang="ko">' in page
    assert "대기업" in page


# --- The period parameter ----------------------------------------------------------------------


@pytest.mark.parametrize(("weeks", "rows"), [("4", 4), ("52", 52), ("", 12)])
def test_weeks_parameter(client: Client, data_set: dict[str, User], weeks: str, rows: int) -> None:
    sign_in(client, data_set["boss"])
    response = client.get(URL, {"weeks": weeks})
    assert response.context["weeks"] == rows
    assert len(response.context["board"].within_clock) == rows
    assert 'aria-invalid="true"' not in response.content.decode()


@pytest.mark.parametrize("weeks", ["3", "53", "0", "-4", "twelve", "12.5"])
def test_invalid_weeks_show_an_error_and_the_default_period(
    client: Client, data_set: dict[str, User], weeks: str
) -> None:
    sign_in(client, data_set["boss"])
    response = client.get(URL, {"weeks": weeks})
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["weeks"] == 12
    assert 'aria-invalid="true"' in page
    assert 'id="weeks-error"' in page
    assert "Showing the last 12 weeks instead." in page


# --- CSV exports -------------------------------------------------------------------------------


def read_csv(response: Any) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # the byte-order mark Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def test_csv_is_an_attachment_in_utf8_with_a_bom(client: Client, data_set: dict[str, User]) -> None:
    sign_in(client, data_set["boss"])
    response = client.get("/ministry/dashboard/queue.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ktp-dashboard-queue-2026-11-18.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert read_csv(response) == [
        ["State", "Open cases", "Overdue"],
        ["Submitted", "2", "0"],
        ["In review", "2", "1"],
        ["Information requested", "2", "1"],
        ["All open cases", "6", "2"],
    ]


def test_csv_of_every_chart(client: Client, data_set: dict[str, User]) -> None:
    sign_in(client, data_set["boss"])

    def rows(chart: str, **params: str) -> list[list[str]]:
        return read_csv(client.get(f"/ministry/dashboard/{chart}.csv", params))

    assert rows("age")[1:] == [
        ["0 to 7 days", "3"],
        ["8 to 14 days", "2"],
        ["15 to 28 days", "1"],
        ["29 days or more", "0"],
    ]
    within = rows("within-14-days", weeks="4")
    assert within[0] == [
        "ISO week",
        "Week starting",
        "Decided",
        "Decided within 14 days",
        "Share within 14 days (%)",
    ]
    assert within[1:] == [
        ["2026-W44", "2026-10-26", "0", "0", ""],
        ["2026-W45", "2026-11-02", "0", "0", ""],
        ["2026-W46", "2026-11-09", "2", "2", "100.0"],
        ["2026-W47", "2026-11-16", "2", "1", "50.0"],
    ]
    reviewers = rows("reviewers", weeks="4")
    assert reviewers[0] == [
        "Reviewer",
        "Open cases",
        "2026-W44",
        "2026-W45",
        "2026-W46",
        "2026-W47",
        "Decisions in the period",
    ]
    assert reviewers[1] == ["Reviewer Ahn", "2", "0", "0", "1", "1", "2"]
    assert rows("tracks") == [
        ["Track", "Approved", "Rejected", "Decided", "Approval rate (%)"],
        ["Quantitative track", "2", "0", "2", "100.0"],
        ["Qualitative track", "1", "1", "2", "50.0"],
        ["Government programme track", "0", "1", "1", "0.0"],
    ]
    sponsors = rows("sponsors")
    assert sponsors[0] == [
        "Sponsor group",
        "Cases received",
        "Approved",
        "Rejected",
        "Decided",
        "Approval rate (%)",
    ]
    assert sponsors[1] == ["SME sponsor", "0", "0", "0", "0", ""]
    assert sponsors[2] == ["Large sponsor", "12", "3", "2", "5", "60.0"]  # every received case
    mid = rows("mid-career")
    assert mid[0] == ["Applicants", "Track", "Approved", "Rejected", "Decided", "Approval rate (%)"]
    assert mid[1][1:] == ["All tracks", "0", "0", "0", ""]  # no mid-career applicant in this data set
    assert mid[5][:2] == ["Everyone else", "All tracks"]
    assert mid[5][2:] == ["3", "2", "5", "60.0"]


@pytest.mark.parametrize(
    "name",
    [
        "=HYPERLINK(1)",
        " =HYPERLINK(1)",  # a leading space (issue 13)
        "\n=HYPERLINK(1)",  # a leading line break
        "＝HYPERLINK(1)",  # full-width equals sign
        "\u3000＋1",  # an ideographic space, then a full-width plus
    ],
)
def test_csv_names_that_look_like_formulas_stay_text(
    client: Client, people: dict[str, User], name: str
) -> None:
    case(at(11, 12), CaseStatus.IN_REVIEW, assigned_to=reviewer(full_name=name))
    sign_in(client, people["boss"])
    names = [row[0] for row in read_csv(client.get("/ministry/dashboard/reviewers.csv"))]
    assert f"'{name}" in names


def test_csv_headers_in_the_active_language(client: Client, data_set: dict[str, User]) -> None:
    sign_in(client, data_set["boss"])
    table = read_csv(client.get("/ministry/dashboard/tracks.csv", HTTP_ACCEPT_LANGUAGE="ko"))
    assert table[0][1:3] == ["승인", "반려"]
    assert table[1][0] == "정량 트랙"


def test_csv_refuses_invalid_weeks_and_unknown_charts(client: Client, data_set: dict[str, User]) -> None:
    sign_in(client, data_set["boss"])
    assert client.get("/ministry/dashboard/within-14-days.csv", {"weeks": "3"}).status_code == 400
    assert client.get("/ministry/dashboard/reviewers.csv", {"weeks": "x"}).status_code == 400
    assert client.get("/ministry/dashboard/nothing.csv").status_code == 404


# --- Cost ----------------------------------------------------------------------------------------


def test_the_figures_are_a_fixed_number_of_aggregate_queries(
    data_set: dict[str, User], django_assert_num_queries: Any
) -> None:
    # Five aggregates, the rubric version in force (read once: its segments define the groups, its
    # clock the age bands), and three figures through apps.metrics (open cases by age, sponsor
    # groups, the mid-career segment), each with its planner settings set and reset (3 x 3).
    with django_assert_num_queries(15):
        board()


def page_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_page_costs_a_fixed_small_number_of_queries(
    client: Client, data_set: dict[str, User], django_assert_max_num_queries: Any
) -> None:
    sign_in(client, data_set["boss"])
    client.get(URL)  # warm the per-process caches (content types, the rubric version)
    # At most 22: session, user and the ministry guard (3); the dashboard (16: has any case, then the
    # fifteen of test_the_figures_are_a_fixed_number_of_aggregate_queries, unless kept from the
    # last minute); the header and section navigation (3). Two to spare for the site's middleware.
    with django_assert_max_num_queries(24):
        client.get(URL)
    before = page_queries(client)
    for day in range(1, 15):
        decided(at(11, day), approve=day % 2 == 0, by=reviewer())
        case(at(11, day), CaseStatus.IN_REVIEW, assigned_to=reviewer())
    assert page_queries(client) == before


def test_figures_are_reused_for_a_minute_and_in_every_language(
    client: Client, data_set: dict[str, User]
) -> None:
    """The page's figures are computed at most once a minute; they hold no text, so a Korean
    request right after an English one still reads Korean."""
    sign_in(client, data_set["boss"])
    before = board().open_cases.total
    assert "심사 중" not in client.get(URL).content.decode()  # computes and keeps the figures
    case(at(11, 20))  # one more open case
    korean = client.get(URL, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "심사 중" in korean  # labels in the reader's language, from the kept figures
    assert dashboard_cached(now=NOW).open_cases.total == before  # the minute is not over
    with time_machine.travel(NOW + dt.timedelta(seconds=61), tick=False):
        assert dashboard_cached(now=NOW + dt.timedelta(seconds=61)).open_cases.total == before + 1
