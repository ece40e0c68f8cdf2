"""The impact simulation (issue 10): the same answers as scoring each case one by one, the
top-200 question, the period, the submission day's reference data, and nothing written."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.roles import Role
from apps.cases.models import Case, CaseScore, CaseStatus, QualitativeAssessment, SponsorshipStatus
from apps.cases.score_snapshot import case_profile, case_score
from apps.organisations.models import SizeClass, SmeClaimStatus
from apps.policy.simulation import NEAR, SimulationError, replay, simulate
from apps.rubric.language.document import Version
from apps.rubric.language.scorer import Scorer
from apps.rubric.models import PerCapitaGNI
from apps.rubric.selectors import reference_on, rubric_version_by_code
from tests.factories import CaseFactory, OrganisationFactory, SmeClaimFactory, SponsorshipFactory, UserFactory
from tests.ministry import submitted_case
from tests.policy.helpers import top_200

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
FROM, TO = dt.date(2026, 7, 2), dt.date(2026, 12, 31)
DAYS = (dt.date(2026, 7, 10), dt.date(2026, 8, 1), dt.date(2026, 9, 15))


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SEOUL)


def v2026() -> Version:
    return rubric_version_by_code("2026-07").parsed_config()


def assess(case: Case, rng: random.Random) -> None:
    why = "Checked against the documents."
    QualitativeAssessment.objects.create(
        case=case,
        field=rng.choice(["ai", "other", "quantum"]),
        field_justification=why,
        publications_and_patents=rng.choice([0, 3, 12]),
        publications_justification=why,
        led_project_years=Decimal(rng.choice(["0", "2.5", "4"])),
        international_award=rng.random() < 0.3,
        leadership_justification=why,
        core_technology_role=rng.randint(0, 5),
        core_technology_justification=why,
        hard_to_fill=rng.random() < 0.5,
        hard_to_fill_justification=why,
        transfer_plan=rng.randint(0, 5),
        transfer_plan_justification=why,
        assessed_by=UserFactory(role=Role.REVIEWER),
        assessed_at=timezone.now(),
    )


@pytest.fixture
def population() -> list[Case]:
    """Varied cases over three submission days, a new GNI figure published between the second and
    the third: confirmed sponsorships by SMEs (claims verified for some days only) and large firms,
    a sponsorship never confirmed, reviewers' assessments, codes no list knows, and cases that must
    be left out (a draft, one submitted before the period)."""
    PerCapitaGNI.objects.create(year=2025, amount_krw=60_000_000, published_on=dt.date(2026, 8, 15))
    rng = random.Random(32)
    sme = OrganisationFactory(size_class=SizeClass.SME)
    SmeClaimFactory(organisation=sme, valid_from=dt.date(2026, 8, 1), valid_to=dt.date(2027, 12, 31))
    sme_unverified = OrganisationFactory(size_class=SizeClass.SME)
    SmeClaimFactory(organisation=sme_unverified, status=SmeClaimStatus.PENDING)
    large = OrganisationFactory(size_class=SizeClass.LARGE)
    cases = []
    for n in range(72):
        facts: dict[str, Any] = {
            "degree_level": rng.choice(["none", "bachelor", "master", "doctorate"]),
            "institution_rank": rng.choice([None, 5, 100, 101, 150, 200, 201, 400]),
            "experience_years": rng.choice(["0", "3", "7.99", "8", "10.5"]),
            "fortune_global_500_years": rng.choice(["0", "2", "3"]),
            "offered_salary_krw": rng.choice([40_000_000, 99_910_000, 149_865_000, 180_000_000]),
            "field": rng.choice(["ai", "semiconductors", "other", "quantum", "retired_field"]),
            "publications_and_patents": rng.choice([0, 1, 2, 5, 10]),
            "led_project_years": rng.choice(["0", "1", "3"]),
            "international_award": rng.random() < 0.2,
            "sponsor_is_sme": rng.random() < 0.5,  # the applicant's claim: never counts alone
            "core_technology_role": rng.randint(0, 5),
            "hard_to_fill": True,
            "transfer_plan": 3,
            "government_programme": rng.choice([None, None, "MOHW", "KASA", "NOT_A_PROGRAMME"]),
        }
        status = rng.choice(
            [CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.APPROVED, CaseStatus.REJECTED]
        )
        case = submitted_case(submitted_at=at(DAYS[n % 3], hour=rng.randint(0, 23)), status=status, **facts)
        if n % 4 == 0:
            SponsorshipFactory(
                case=case,
                organisation=rng.choice([sme, sme_unverified, large]),
                status=SponsorshipStatus.CONFIRMED,
                offered_salary_krw=rng.choice([99_910_000, 160_000_000]),
                core_technology_role=rng.randint(0, 5),
                recruiting_months=rng.choice([0, 2, 3, 6]),
                transfer_plan=rng.randint(0, 5),
            )
        elif n % 4 == 1:
            SponsorshipFactory(case=case, organisation=sme, status=SponsorshipStatus.SUBMITTED)
        if n % 3 == 0:
            assess(case, rng)
        cases.append(case)
    CaseFactory(status=CaseStatus.DRAFT)
    submitted_case(submitted_at=at(dt.date(2026, 7, 1), hour=23, minute=59))  # before the period
    return cases


def one_by_one(case: Case, version: Version) -> tuple[dict[str, int], int, dict[str, bool], dict[str, bool]]:
    """The per-case path: the case's profile as real scoring builds it, the submission day's data."""
    assert case.submitted_at is not None
    scorer = Scorer(version, reference_on(timezone.localdate(case.submitted_at)))
    profile = case_profile(case, scorer)
    points, total, verdicts = scorer.points(profile)
    criteria = dict(zip([c.code for c in version.criteria], points, strict=True))
    tracks = dict(zip([t.code for t in version.tracks], verdicts, strict=True))
    return criteria, total, tracks, scorer.segments(profile)


def test_each_case_scores_as_the_per_case_scorer_does(population: list[Case]) -> None:
    base, draft = v2026(), top_200()
    expected = {case.pk: (one_by_one(case, base), one_by_one(case, draft)) for case in population}
    seen = set()
    for chunk, before, after in replay(draft, base=base, submitted_from=FROM, submitted_to=TO, chunk_rows=10):
        for row, case_id in enumerate(chunk.ids.tolist()):
            seen.add(case_id)
            for result, (criteria, total, tracks, segments) in zip(
                (before, after), expected[case_id], strict=True
            ):
                assert {code: int(p[row]) for code, p in result.criteria.items()} == criteria, case_id
                assert int(result.total[row]) == total, case_id
                assert {code: bool(v[row]) for code, v in result.tracks.items()} == tracks, case_id
                assert {code: bool(v[row]) for code, v in result.segments.items()} == segments, case_id
    assert seen == set(expected)
    # The sample covers what the SQL overlays: sponsors, SME claims verified or not, assessments.
    assert any(e[0][3]["sme_sponsor"] for e in expected.values())
    assert QualitativeAssessment.objects.count() == 24


def test_the_totals_add_up_to_the_per_case_results(population: list[Case]) -> None:
    base, draft = v2026(), top_200()
    result = simulate(draft, base=base, submitted_from=FROM, submitted_to=TO, chunk_rows=16)
    assert result.cases == len(population)
    transitions: dict[str, Counter[str]] = defaultdict(Counter)
    by_segment: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    by_field: Counter[str] = Counter()
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    near: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    changed = {}
    for case in population:
        (crit_b, total_b, tracks_b, segments), (crit_a, total_a, tracks_a, _) = (
            one_by_one(case, base),
            one_by_one(case, draft),
        )
        for code in tracks_b:
            cell = f"{'pass' if tracks_b[code] else 'fail'}_to_{'pass' if tracks_a[code] else 'fail'}"
            transitions[code][cell] += 1
            for segment, member in segments.items():
                if member:
                    by_segment[segment][code][cell] += 1
        for code in crit_b:
            sums[code][0] += crit_b[code]
            sums[code][1] += crit_a[code]
        near["pass_mark"][0] += abs(total_b - 70) <= NEAR
        near["pass_mark"][1] += abs(total_a - 70) <= NEAR
        field = case_profile(case, Scorer(base, reference_on(timezone.localdate(case.submitted_at)))).values[
            "field"
        ]
        by_field[field] += 1
        if tracks_b != tracks_a:
            changed[case.reference] = (total_b, total_a)
    data = result.as_dict()
    for code, cells in transitions.items():
        assert {k: v for k, v in data["tracks"][code].items() if v} == dict(cells), code
    for segment, tracks in by_segment.items():
        for code, cells in tracks.items():
            assert {k: v for k, v in data["segments"][segment]["tracks"][code].items() if v} == dict(cells)
    for code, (before, after) in sums.items():
        assert data["criteria"][code]["before"] == round(before / len(population), 4)
        assert data["criteria"][code]["after"] == round(after / len(population), 4)
    assert {name: impact["cases"] for name, impact in data["fields"].items()} == dict(by_field)
    assert "retired_field" in by_field  # a code no list knows keeps its own group
    assert data["near_thresholds"]["pass_mark"]["before"] == near["pass_mark"][0]
    assert data["near_thresholds"]["pass_mark"]["after"] == near["pass_mark"][1]
    assert {c["reference"]: (c["total_before"], c["total_after"]) for c in data["changed"]} == changed
    assert changed, "the sample should hold cases the top-200 draft moves"


def test_the_top_200_draft_moves_the_expected_cases_from_fail_to_pass() -> None:
    day = at(dt.date(2026, 9, 1))
    modest = {"experience_years": "3", "fortune_global_500_years": "0", "offered_salary_krw": 60_000_000,
              "field": "other", "publications_and_patents": 0, "led_project_years": "0"}  # fmt: skip
    moved = [
        submitted_case(submitted_at=day, degree_level="master", institution_rank=rank, **modest)
        for rank in (101, 150, 200)
    ]
    kept_failing = [
        submitted_case(submitted_at=day, degree_level=degree, institution_rank=rank, **modest)
        for degree, rank in (("master", 201), ("master", None), ("bachelor", 150))
    ]
    kept_passing = submitted_case(submitted_at=day, degree_level="doctorate", institution_rank=100, **modest)

    result = simulate(top_200(), base=v2026(), submitted_from=FROM, submitted_to=TO)

    assert result.overall.tracks["quantitative"].as_dict() == {
        "pass_to_pass": 1,
        "pass_to_fail": 0,
        "fail_to_pass": 3,
        "fail_to_fail": 3,
    }
    assert [c.reference for c in result.changed] == sorted(c.reference for c in moved)
    for changed in result.changed:
        assert changed.tracks_before["quantitative"] is False
        assert changed.tracks_after["quantitative"] is True
        assert changed.total_after - changed.total_before == 5  # A1: master's 15 -> 20
    assert result.segments["rank_101_200"].tracks["quantitative"].fail_to_pass == 3
    assert result.segments["top_100"].tracks["quantitative"].pass_to_pass == 1
    a1 = result.overall.criteria["A1"]
    assert a1.before is not None
    assert a1.after is not None
    assert round((a1.after - a1.before) * 7) == 18  # three master's gain 5 points, a bachelor's 3
    assert {c.reference for c in kept_failing}.isdisjoint(c.reference for c in result.changed)
    assert kept_passing.reference not in {c.reference for c in result.changed}
    assert result.base == "2026-07"
    assert result.draft == "2027-03-top-200"


def test_the_period_is_seoul_days_both_inclusive_and_drafts_are_left_out() -> None:
    inside = [
        submitted_case(submitted_at=at(dt.date(2026, 8, 10), hour=0, minute=0)),
        submitted_case(submitted_at=at(dt.date(2026, 8, 20), hour=23, minute=59)),
        submitted_case(submitted_at=at(dt.date(2026, 8, 15)), status=CaseStatus.WITHDRAWN),
    ]
    submitted_case(submitted_at=at(dt.date(2026, 8, 9), hour=23, minute=59))
    submitted_case(submitted_at=at(dt.date(2026, 8, 21), hour=0, minute=0))  # 8-20 15:00 UTC
    CaseFactory(status=CaseStatus.DRAFT)
    result = simulate(v2026(), submitted_from=dt.date(2026, 8, 10), submitted_to=dt.date(2026, 8, 20))
    assert result.cases == len(inside)
    assert (
        simulate(v2026(), submitted_from=dt.date(2026, 8, 10), submitted_to=dt.date(2026, 8, 10)).cases == 1
    )
    assert simulate(v2026(), submitted_from=dt.date(2025, 1, 1), submitted_to=dt.date(2025, 1, 2)).cases == 0
    with pytest.raises(SimulationError, match="after it ends"):
        simulate(v2026(), submitted_from=dt.date(2026, 8, 21), submitted_to=dt.date(2026, 8, 20))


def test_each_case_is_scored_on_the_reference_data_of_its_submission_day() -> None:
    """150,000,000 KRW is 3.0 x the 2024 GNI (in force until a new figure is published) and 2.5 x
    the 2025 figure published on 2026-08-15: the same facts pass the quantitative track by salary
    before that day and not after, in the simulation as in the case's real score."""
    PerCapitaGNI.objects.create(year=2025, amount_krw=60_000_000, published_on=dt.date(2026, 8, 15))
    facts = {"degree_level": "bachelor", "institution_rank": None, "fortune_global_500_years": "0",
             "offered_salary_krw": 150_000_000}  # fmt: skip
    early = submitted_case(submitted_at=at(dt.date(2026, 8, 14), hour=23), **facts)
    late = submitted_case(submitted_at=at(dt.date(2026, 8, 15), hour=0), **facts)
    version = v2026()
    verdict = {}
    for chunk, before, _after in replay(version, base=version, submitted_from=FROM, submitted_to=TO):
        for row, case_id in enumerate(chunk.ids.tolist()):
            verdict[case_id] = (bool(before.tracks["quantitative"][row]), int(before.criteria["A3"][row]))
    assert verdict == {early.pk: (True, 20), late.pk: (False, 16)}
    for case in (early, late):
        score = case_score(case_id=case.pk)
        assert score is not None
        assert score.result["tracks"]["quantitative"]["eligible"] is verdict[case.pk][0]


def test_a_simulation_never_changes_a_case_or_a_score(population: list[Case]) -> None:
    for case in population[:10]:
        case_score(case_id=case.pk)

    def state() -> tuple[Any, ...]:
        return (
            sorted(Case.objects.values_list("pk", "updated_at", "status", "lock_version")),
            sorted(CaseScore.objects.values_list("pk", "total", "computed_at")),
        )

    before = state()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        with connection.cursor() as cursor:
            # From here this savepoint refuses any write: a simulation that tried one would fail.
            # (Rolled back below, which restores read-write for the test's own teardown.)
            cursor.execute("SET TRANSACTION READ ONLY")
        result = simulate(top_200(), submitted_from=FROM, submitted_to=TO)
        transaction.set_rollback(True)
    assert result.cases == len(population)
    # The COPY goes through psycopg's own cursor, so it is not captured; every other statement is a
    # SELECT (or the savepoints of the simulation's own read-only block).
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
    assert "SELECT" in statements
    assert set(statements) <= {"SELECT", "SET", "SAVEPOINT", "RELEASE"}, statements
    assert state() == before
