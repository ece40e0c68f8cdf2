"""Reference lists: the preview of an import, its all-or-nothing apply with a dated history, bad
files, and past cases keeping the reference data of their submission day (decision 39)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, transaction

from apps.accounts.models import User
from apps.applicants.models import ApplicantProfile, Education
from apps.applicants.services import application_start
from apps.cases.score_snapshot import case_score, explained_score
from apps.policy.simulation import replay
from apps.rubric.models import (
    EngineeringSchool,
    PerCapitaGNI,
    ReferenceListChange,
    ReferenceRowChange,
    StrategicField,
)
from apps.rubric.reference_import import (
    KINDS,
    PlanChanged,
    UnreadableFile,
    decode_csv,
    file_sha256,
    import_reference,
    parse_rows,
    plan_import,
    template_csv,
)
from apps.rubric.selectors import (
    NOT_LISTED,
    reference_on,
    reference_rows_on,
    rubric_version_by_code,
    school_rank_on,
)
from tests.factories import UserFactory
from tests.ministry import policy_administrator, submitted_case

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SEOUL)


def apply(kind: str, text: str, *, day: dt.date, by: User | None = None, replace: bool = False):
    with time_machine.travel(at(day), tick=False):
        report = import_reference(kind_name=kind, text=text, replace=replace, by=by, file_name=f"{kind}.csv")
    assert report.ok, report.errors
    return report


# --- The preview -----------------------------------------------------------------------------------


def test_the_plan_shows_rows_added_changed_with_before_and_after_removed_and_unchanged() -> None:
    EngineeringSchool.objects.create(name="Alpha Tech", rank=10, is_demo=False)
    EngineeringSchool.objects.create(name="Beta Tech", rank=20, is_demo=False)
    EngineeringSchool.objects.create(name="Gamma Tech", rank=30, is_demo=False)
    plan, errors = plan_import(
        kind_name="schools", text="name,rank\nAlpha Tech,10\nBeta Tech,25\nDelta Tech,40\n", replace=True
    )
    assert errors == []
    assert plan is not None
    assert [d.key for d in plan.added] == ["Delta Tech"]
    assert plan.added[0].after is not None
    assert plan.added[0].after["rank"] == 40
    [changed] = plan.changed
    assert (changed.key, changed.before["rank"], changed.after["rank"]) == ("Beta Tech", 20, 25)  # type: ignore[index]
    assert changed.changed_columns == ["rank"]
    assert [d.key for d in plan.removed] == ["Gamma Tech"]
    assert plan.unchanged == 1
    # A plan writes nothing.
    assert EngineeringSchool.objects.get(name="Beta Tech").rank == 20
    assert not EngineeringSchool.objects.filter(name="Delta Tech").exists()
    assert not ReferenceListChange.objects.exists()


def test_without_replace_nothing_is_removed() -> None:
    EngineeringSchool.objects.create(name="Gamma Tech", rank=30)
    plan, _ = plan_import(kind_name="schools", text="name,rank\nAlpha Tech,10\n")
    assert plan is not None
    assert plan.removed == []


# --- Applying, and the history ---------------------------------------------------------------------


def test_an_apply_is_recorded_with_who_when_the_file_and_each_row_before_and_after() -> None:
    admin = policy_administrator()
    EngineeringSchool.objects.create(name="Beta Tech", rank=20, is_demo=False)
    text = "name,rank,name_ko\nBeta Tech,25,베타공대\nDelta Tech,40,\n"
    report = apply("schools", text, day=dt.date(2026, 9, 1), by=admin)
    assert (report.created, report.changed, report.unchanged, report.deleted) == (1, 1, 0, 0)
    change = ReferenceListChange.objects.get()
    assert change == report.change
    assert (change.kind, change.applied_by, change.file_name, change.sha256) == (
        "schools",
        admin,
        "schools.csv",
        file_sha256(text),
    )
    assert change.applied_at == at(dt.date(2026, 9, 1))
    assert change.in_force_from == dt.date(2026, 9, 2)
    rows = {row.key: row for row in change.rows.all()}
    beta = rows["Beta Tech"]
    assert beta.action == ReferenceRowChange.Action.CHANGED
    assert beta.before is not None
    assert beta.after is not None
    assert (beta.before["rank"], beta.after["rank"]) == (20, 25)
    assert beta.after["name_ko"] == "베타공대"
    assert rows["Delta Tech"].action == ReferenceRowChange.Action.ADDED
    assert rows["Delta Tech"].before is None
    assert EngineeringSchool.objects.get(name="Beta Tech").rank == 25


def test_the_command_line_import_is_recorded_too_without_a_person(tmp_path) -> None:
    path = tmp_path / "fields.csv"
    path.write_text("code,name,is_active\nquantum,Quantum,no\n", encoding="utf-8")
    call_command("import_reference", "fields", str(path), stdout=StringIO(), stderr=StringIO())
    change = ReferenceListChange.objects.get(kind="fields")
    assert change.applied_by is None
    assert change.changed == 1
    row = change.rows.get()
    assert row.before is not None
    assert row.before["is_active"] is True


def test_the_history_cannot_be_edited_or_deleted() -> None:
    apply("schools", "name,rank\nAlpha Tech,10\n", day=dt.date(2026, 9, 1))
    change = ReferenceListChange.objects.get()
    for attempt in (
        lambda: ReferenceListChange.objects.filter(pk=change.pk).update(file_name="other.csv"),
        lambda: ReferenceRowChange.objects.filter(change=change).delete(),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()


def test_applying_refuses_when_the_list_changed_since_the_preview() -> None:
    EngineeringSchool.objects.create(name="Beta Tech", rank=20)
    text = "name,rank\nBeta Tech,25\n"
    plan, _ = plan_import(kind_name="schools", text=text)
    assert plan is not None
    apply("schools", "name,rank\nBeta Tech,22\n", day=dt.date(2026, 9, 1))  # someone else, meanwhile
    with pytest.raises(PlanChanged):
        import_reference(kind_name="schools", text=text, expected_fingerprint=plan.fingerprint())
    assert EngineeringSchool.objects.get(name="Beta Tech").rank == 22
    assert ReferenceListChange.objects.count() == 1


# --- Bad files -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "schools",
            "school,position\nKAIST,1\n",
            "line 1: missing column(s): name, rank; unknown column(s): position, school",
        ),
        ("schools", "", "the file is empty"),
        ("schools", "name,rank\n", "the file has no data rows"),
        (
            "schools",
            "name,rank\nKAIST,26\nkaist,27\nKAIST,28\n",
            "line 4: name 'KAIST' already given on line 2",
        ),
        ("schools", "name,rank\nKAIST,twenty\n", "line 2: rank: 'twenty' is not a whole number"),
        ("schools", "name,rank\nKAIST,0\n", "line 2: rank: must be 1 or more"),
        ("schools", 'name,rank\n"=HYPERLINK(""http://x"")",5\n', "line 2: name: '=HYPERLINK"),
        ("schools", "name,rank\n@SUM(A1),5\n", "line 2: name: '@SUM(A1)' looks like a spreadsheet formula"),
        ("schools", "name,rank\n\uff1d1+1,5\n", "line 2: name: '\uff1d1+1' looks like a spreadsheet formula"),
        ("schools", "name,rank\nKAIST,+26\n", "line 2: rank: '+26' looks like a spreadsheet formula"),
        (
            "gni",
            "year,amount_krw,published_on\n2025,51000000,2026-13-01\n",
            "line 2: published_on: '2026-13-01' is not a date",
        ),
        ("fields", "code,name,is_active\nai,AI,maybe\n", "line 2: is_active: 'maybe' is not yes/no"),
        ("schools", "name,rank\nKAIST,26,extra\n", "line 2: more values than columns"),
    ],
)
def test_a_bad_file_names_the_line_and_the_problem_and_imports_nothing(
    kind: str, text: str, expected: str
) -> None:
    schools, fields = (
        EngineeringSchool.objects.count(),
        list(StrategicField.objects.values_list("code", "is_active")),
    )
    plan, errors = plan_import(kind_name=kind, text=text)
    assert plan is None
    assert any(expected in error for error in errors), errors
    report = import_reference(kind_name=kind, text=text)
    assert not report.ok
    assert EngineeringSchool.objects.count() == schools
    assert list(StrategicField.objects.values_list("code", "is_active")) == fields
    assert not ReferenceListChange.objects.exists()


def test_one_bad_row_among_good_ones_imports_none_of_them() -> None:
    report = import_reference(kind_name="schools", text="name,rank\nAlpha,1\nBeta,2\nGamma,x\nDelta,4\n")
    assert report.errors == ["line 4: rank: 'x' is not a whole number"]
    assert not EngineeringSchool.objects.filter(name__in=["Alpha", "Beta", "Delta"]).exists()


def test_the_header_s_spaces_and_a_byte_order_mark_are_accepted() -> None:
    text = decode_csv("\ufeffname , rank\nKAIST,26\n".encode("utf-8"))
    rows, errors = parse_rows(KINDS["schools"], text)
    assert errors == []
    assert rows == [{"name": "KAIST", "rank": 26}]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "The file is empty."),
        ("\ufeff \n".encode("utf-8"), "The file is empty."),
        ("name,rank\nKAIST,26\n".encode("utf-16"), "UTF-16"),
        (
            "name,rank\n서울대학교,29\n".encode("cp949"),
            "Line 2 is not UTF-8 text; it looks like Korean Windows encoding",
        ),
        (b"name,rank\nK\x00,1\n", "not a text file"),
    ],
)
def test_a_file_that_is_not_utf8_text_is_refused_with_what_to_do(data: bytes, expected: str) -> None:
    with pytest.raises(UnreadableFile, match=expected):
        decode_csv(data)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_template_is_a_valid_file_for_its_list(kind: str) -> None:
    plan, errors = plan_import(kind_name=kind, text=template_csv(kind))
    assert errors == []
    assert plan is not None
    assert len(plan.added) + len(plan.changed) + plan.unchanged == 1


# --- Dated reads ------------------------------------------------------------------------------------


def test_a_list_reads_as_it_stood_on_each_day() -> None:
    apply("schools", "name,rank\nAlpha Tech,150\n", day=dt.date(2026, 9, 1))
    apply("schools", "name,rank\nAlpha Tech,50\nBeta Tech,7\n", day=dt.date(2026, 10, 1))
    apply("schools", "name,rank\nBeta Tech,7\n", day=dt.date(2026, 11, 1), replace=True)
    assert school_rank_on("Alpha Tech", dt.date(2026, 9, 1)) == NOT_LISTED  # counts from the next day
    assert school_rank_on("alpha tech", dt.date(2026, 9, 2)) == 150
    assert school_rank_on("Alpha Tech", dt.date(2026, 10, 1)) == 150
    assert school_rank_on("Alpha Tech", dt.date(2026, 10, 2)) == 50
    assert school_rank_on("Alpha Tech", dt.date(2026, 11, 2)) == NOT_LISTED
    assert set(reference_rows_on("schools", dt.date(2026, 10, 15))) >= {"Alpha Tech", "Beta Tech"}
    assert "Beta Tech" not in reference_rows_on("schools", dt.date(2026, 9, 15))


def test_reference_on_gives_the_lists_and_gni_of_the_day() -> None:
    apply("gni", "year,amount_krw,published_on\n2024,52000000,2025-03-05\n", day=dt.date(2026, 9, 1))
    apply("fields", "code,name,is_active\nai,Artificial intelligence,no\n", day=dt.date(2026, 9, 1))
    before, after = reference_on(dt.date(2026, 9, 1)), reference_on(dt.date(2026, 9, 2))
    assert before.quantities["per_capita_gni"] == (2024, 49_955_000)
    assert after.quantities["per_capita_gni"] == (2024, 52_000_000)
    assert "ai" in before.lists["strategic"]
    assert "ai" not in after.lists["strategic"]
    assert after.names["ai"][0]  # a field out of use still has its name


# --- Past scores never change ------------------------------------------------------------------------


def _applicant_with_degree_from(school: str) -> User:
    applicant = UserFactory()
    profile = ApplicantProfile.objects.create(user=applicant, full_name="Kim Test", nationality="Testland")
    Education.objects.create(profile=profile, degree_level="doctorate", institution=school, year=2015)
    return applicant


def _a1(case_id: int) -> tuple[int, int]:
    score = case_score(case_id=case_id)
    assert score is not None
    points = {c["code"]: c["points"] for c in score.result["criteria"]}
    return points["A1"], score.total


def _simulated_a1(case_id: int, day: dt.date) -> int:
    version = rubric_version_by_code("2026-07").parsed_config()
    for chunk, before, _after in replay(version, base=version, submitted_from=day, submitted_to=day):
        ids = chunk.ids.tolist()
        if case_id in ids:
            return int(before.criteria["A1"][ids.index(case_id)])
    raise AssertionError("the case was not simulated")


def test_a_rank_change_leaves_a_past_case_s_points_and_a_new_case_gets_the_new_rank() -> None:
    apply("schools", "name,rank\nOmega Institute of Technology,150\n", day=dt.date(2026, 8, 31))
    applicant = _applicant_with_degree_from("Omega Institute of Technology")
    with time_machine.travel(at(dt.date(2026, 9, 1)), tick=False):
        draft = application_start(user=applicant)
        past = submitted_case(submitted_at=at(dt.date(2026, 9, 1)), **draft.facts)
    assert past.facts["institution_rank"] == 150
    a1_then, total_then = _a1(past.pk)
    assert a1_then == 20  # a doctorate from a school ranked 101-200
    assert _simulated_a1(past.pk, dt.date(2026, 9, 1)) == 20

    apply("schools", "name,rank\nOmega Institute of Technology,42\n", day=dt.date(2026, 9, 2))

    assert _a1(past.pk) == (a1_then, total_then)  # re-scored: the same points
    assert _simulated_a1(past.pk, dt.date(2026, 9, 1)) == 20  # and in a simulation
    with time_machine.travel(at(dt.date(2026, 9, 3)), tick=False):
        newer = application_start(user=_applicant_with_degree_from("Omega Institute of Technology"))
        new = submitted_case(submitted_at=at(dt.date(2026, 9, 3)), **newer.facts)
    assert new.facts["institution_rank"] == 42
    assert _a1(new.pk)[0] == 25  # top-100 now
    assert school_rank_on("Omega Institute of Technology", dt.date(2026, 9, 1)) == 150


@pytest.mark.parametrize(
    ("rank_then", "a1_then"),
    [
        ("", 15),  # unranked at submission: a doctorate from an "other" school
        ("150", 20),  # ranked 101-200 at submission
    ],
)
def test_a_school_named_without_a_rank_is_ranked_by_the_list_of_the_submission_day(
    rank_then: str, a1_then: int
) -> None:
    """A case whose facts name a school but hold no rank (unranked when frozen, or an older case) is
    looked up by name: on the submission day's list, so ranking the school later (42: top-100, A1 25)
    never moves the score, re-scored on any later day."""
    apply("schools", f"name,rank\nOmega Institute of Technology,{rank_then}\n", day=dt.date(2026, 8, 31))
    facts = {
        "degree_level": "doctorate",
        "institution": "Omega Institute of Technology",
        "institution_rank": None,
    }
    past = submitted_case(submitted_at=at(dt.date(2026, 9, 1)), **facts)
    with time_machine.travel(at(dt.date(2026, 9, 1), hour=15), tick=False):
        assert _a1(past.pk)[0] == a1_then
        total_then = _a1(past.pk)[1]

    apply("schools", "name,rank\nOmega Institute of Technology,42\n", day=dt.date(2026, 9, 2))

    with time_machine.travel(at(dt.date(2026, 10, 5)), tick=False):
        assert _a1(past.pk) == (a1_then, total_then)
        explained = explained_score(past)
        assert explained is not None
        assert {c.code: c.points for c in explained.criteria}["A1"] == a1_then
        new = submitted_case(submitted_at=at(dt.date(2026, 10, 5)), **facts)
        assert _a1(new.pk)[0] == 25  # a case submitted after the change: top-100


def test_a_gni_correction_and_a_field_leaving_the_list_leave_past_scores_as_they_were() -> None:
    facts = {"degree_level": "bachelor", "institution_rank": None, "fortune_global_500_years": "0",
             "offered_salary_krw": 150_000_000, "field": "ai"}  # fmt: skip
    past = submitted_case(submitted_at=at(dt.date(2026, 9, 1)), **facts)
    score = case_score(case_id=past.pk)
    assert score is not None
    before = {c["code"]: c["points"] for c in score.result["criteria"]}
    assert before["A3"] == 20  # 150,000,000 KRW is 3.0 x 49,955,000

    apply("gni", "year,amount_krw,published_on\n2024,60000000,2025-03-05\n", day=dt.date(2026, 9, 2))
    apply("fields", "code,name,is_active\nai,Artificial intelligence,no\n", day=dt.date(2026, 9, 2))
    assert PerCapitaGNI.objects.get(year=2024).amount_krw == 60_000_000

    again = case_score(case_id=past.pk)
    assert again is not None
    assert {c["code"]: c["points"] for c in again.result["criteria"]} == before
    assert again.total == score.total
    later = submitted_case(submitted_at=at(dt.date(2026, 9, 3)), **facts)
    fresh = case_score(case_id=later.pk)
    assert fresh is not None
    points = {c["code"]: c["points"] for c in fresh.result["criteria"]}
    assert points["A3"] == 16  # 2.5 x 60,000,000: the next band down
    assert points["B1"] < before["B1"]  # "ai" no longer strategic


def test_the_simulation_scores_each_case_on_the_lists_of_its_submission_day() -> None:
    """A field leaves the strategic list in the middle of the period: the simulation's "before"
    column gives each case the B1 points its real score has, on either side of that day."""
    facts = {"field": "ai", "institution_rank": None}
    early = submitted_case(submitted_at=at(dt.date(2026, 9, 1)), **facts)
    apply("fields", "code,name,is_active\nai,Artificial intelligence,no\n", day=dt.date(2026, 9, 2))
    late = submitted_case(submitted_at=at(dt.date(2026, 9, 3)), **facts)
    real = {}
    for case in (early, late):
        score = case_score(case_id=case.pk)
        assert score is not None
        real[case.pk] = {c["code"]: c["points"] for c in score.result["criteria"]}["B1"]
    assert real[early.pk] > real[late.pk]
    version = rubric_version_by_code("2026-07").parsed_config()
    simulated = {}
    for chunk, before, _after in replay(
        version, base=version, submitted_from=dt.date(2026, 9, 1), submitted_to=dt.date(2026, 9, 3)
    ):
        for row, case_id in enumerate(chunk.ids.tolist()):
            simulated[case_id] = int(before.criteria["B1"][row])
    assert simulated == real
