"""Drafting, conformance and four-eyes publishing of rubric versions (apps.policy.versions)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
import time_machine
from django.db import DatabaseError, transaction

from apps.accounts.models import User
from apps.cases.models import CaseScore
from apps.cases.score_snapshot import case_score
from apps.demo.policy import seed_top_200_draft, top_200_document
from apps.policy import documents, versions
from apps.policy.models import ChangeReason, ConformanceCase, VersionEvent, VersionEventKind
from apps.policy.versions import VersionRefused
from apps.rubric.models import RubricVersion, VersionState
from apps.rubric.selectors import published_version_codes, rubric_version_in_force, scorer_for
from tests.factories import UserFactory
from tests.ministry import policy_administrator, submitted_case

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def author() -> User:
    return policy_administrator(full_name="Author")


@pytest.fixture
def approver() -> User:
    return policy_administrator(full_name="Approver")


def base() -> RubricVersion:
    return RubricVersion.objects.get(code="2026-07")


def started(author: User, code: str = "2027-03") -> RubricVersion:
    return versions.draft_start(base=base(), code=code, title="Top 200", by=author)


def submitted(author: User) -> RubricVersion:
    return seed_top_200_draft(author=author)


# --- drafting ---------------------------------------------------------------------------------------


def test_a_draft_is_a_copy_of_its_base_under_a_new_code_and_never_in_force(author: User) -> None:
    draft = started(author)
    assert draft.state(TODAY) == VersionState.DRAFT
    assert draft.config["code"] == "2027-03"
    assert draft.effective_from == dt.date(2027, 1, 1)
    assert documents.diff(base().config, draft.config) == []
    assert rubric_version_in_force(dt.date(2027, 6, 1)).code == "2026-07"
    assert "2027-03" not in published_version_codes()
    kinds = list(VersionEvent.objects.filter(version=draft).values_list("kind", "actor"))
    assert kinds == [(VersionEventKind.STARTED, author.pk)]


@pytest.mark.parametrize("code", ["", "has space", "2026-07", "x" * 21])
def test_a_draft_needs_a_free_well_formed_code(author: User, code: str) -> None:
    with pytest.raises(VersionRefused):
        versions.draft_start(base=base(), code=code, title="t", by=author)


def test_only_policy_administrators_start_drafts() -> None:
    with pytest.raises(VersionRefused):
        versions.draft_start(base=base(), code="2027-03", title="t", by=UserFactory())


def test_an_invalid_document_is_saved_as_a_draft_with_path_named_problems(author: User) -> None:
    draft = started(author)
    config = json.loads(json.dumps(draft.config))
    config["thresholds"][0]["points"] = "seventy"
    problems = versions.draft_save_text(draft=draft, text=json.dumps(config), by=author)
    assert [p.path for p in problems] == ["thresholds[0].points"]
    draft.refresh_from_db()
    assert draft.config["thresholds"][0]["points"] == "seventy"
    assert draft.state(TODAY) == VersionState.DRAFT


def test_text_that_is_not_json_is_kept_as_typed(author: User) -> None:
    draft = started(author)
    problems = versions.draft_save_text(draft=draft, text='{"format": 2,', by=author)
    assert "not valid JSON" in problems[0].problem
    draft.refresh_from_db()
    assert draft.config == '{"format": 2,'
    assert documents.as_text(draft.config) == '{"format": 2,'


def test_the_structured_form_changes_numbers_in_their_type_or_names_the_bad_one(author: User) -> None:
    draft = started(author)
    errors = versions.draft_set_parameters(
        draft=draft, typed={"thresholds[0].points": "6.5", "clock.days": "10"}, by=author
    )
    assert errors == {"thresholds[0].points": "must be a whole number"}
    draft.refresh_from_db()
    assert draft.config["clock"]["days"] == 14  # nothing saved
    errors = versions.draft_set_parameters(
        draft=draft,
        typed={
            "thresholds[0].points": "65",
            "clock.days": "10",
            "criteria.A2.points.sum[0].bands.bands[0].min": "9",
        },
        by=author,
    )
    assert errors == {}
    draft.refresh_from_db()
    assert draft.config["thresholds"][0]["points"] == 65
    assert draft.config["clock"]["days"] == 10
    assert draft.config["criteria"][1]["points"]["sum"][0]["bands"]["bands"][0]["min"] == "9"
    changes = {c.path: (c.before, c.after) for c in documents.diff(base().config, draft.config)}
    assert changes == {
        "thresholds[0].points": (70, 65),
        "clock.days": (14, 10),
        "criteria.A2.points.sum[0].bands.bands[0].min": ("10", "9"),
    }


def test_the_parameters_cover_pass_mark_points_bands_bonus_caps_and_clock() -> None:
    paths = {p.path for p in documents.parameters(base().config)}
    assert {
        "thresholds[0].points",
        "bonuses[0].points",
        "criteria.A1.max",
        "criteria.A1.points.table.points.master[0]",
        "criteria.A1.points.table.columns.bands[0].max",
        "criteria.A3.points.bands.bands[0].min.times",
        "tracks.quantitative.eligible_when.any[0].all[1].value",
        "clock.days",
        "clock.reminder_days_left[1]",
        "clock.unassigned_alert_days",
        "parameters.hard_to_fill_min_months",
    } <= paths
    assert not any(".says" in path or "title" in path for path in paths)


def test_a_reason_is_stored_per_changed_parameter_only(author: User) -> None:
    draft = started(author)
    versions.draft_set_parameters(draft=draft, typed={"bonuses[0].points": "12"}, by=author)
    with pytest.raises(VersionRefused):
        versions.change_reason_save(draft=draft, path="clock.days", reason="r", reference="x", by=author)
    with pytest.raises(VersionRefused):
        versions.change_reason_save(
            draft=draft, path="bonuses[0].points", reason="r", reference=" ", by=author
        )
    versions.change_reason_save(
        draft=draft,
        path="bonuses[0].points",
        reason="Draw SMEs in",
        reference="Framework Act on SMEs",
        by=author,
    )
    assert ChangeReason.objects.get(version=draft).reference == "Framework Act on SMEs"


def test_only_the_author_edits_a_draft(author: User, approver: User) -> None:
    draft = started(author)
    with pytest.raises(VersionRefused):
        versions.draft_set_parameters(draft=draft, typed={"clock.days": "10"}, by=approver)


# --- conformance -----------------------------------------------------------------------------------


def test_cases_pass_or_fail_per_expectation(author: User) -> None:
    draft = started(author)
    versions.conformance_case_add(
        version=draft,
        name="master 150",
        profile={"degree_level": "master", "institution_rank": 150},
        expected={"points": {"A1": 15}, "tracks": {"quantitative": False}},
        source="guidelines",
        by=author,
    )
    versions.conformance_case_add(
        version=draft,
        name="wrong",
        profile={"degree_level": "master", "institution_rank": 150},
        expected={"points": {"A1": 20}, "total": 17},
        source="guidelines",
        by=author,
    )
    runs = {run.case.name: run for run in versions.review(draft).runs}
    assert runs["master 150"].passed
    assert not runs["wrong"].passed
    assert [(e.what, e.expected, e.actual, e.ok) for e in runs["wrong"].expectations] == [
        ("A1", 20, 15, False),
        ("total", 17, 17, True),
    ]


def test_a_case_with_an_unknown_fact_or_a_bad_expectation_is_refused_with_every_problem(author: User) -> None:
    draft = started(author)
    with pytest.raises(VersionRefused) as refused:
        versions.conformance_case_add(
            version=draft,
            name="bad",
            profile={"shoe_size": 44},
            expected={"total": "high"},
            source="s",
            by=author,
        )
    assert "profile.shoe_size: unknown fact" in str(refused.value)
    assert "“total” must be a whole number." in str(refused.value)
    assert not ConformanceCase.objects.exists()


def test_boundary_proposals_sit_at_each_threshold_and_just_below(author: User) -> None:
    draft = started(author)
    proposals = {p.name: p for p in versions.proposals(draft)}
    at, below = proposals["pass_mark: total 70"], proposals["pass_mark: total 69"]
    assert at.expected["thresholds"] == {"pass_mark": True}
    assert below.expected["thresholds"] == {"pass_mark": False}
    assert proposals["A1: institution_rank = 100"].expected["points"]["A1"] == 25
    assert proposals["A1: institution_rank = 101"].expected["points"]["A1"] == 20
    assert proposals["A3: offered_salary_krw = 149865000"].expected["points"]["A3"] == 20
    assert proposals["A3: offered_salary_krw = 149864999"].expected["points"]["A3"] == 16
    assert proposals["A2: experience_years = 7.9"].expected["points"]["A2"] == 7
    added = versions.proposals_accept(
        version=draft, names=["pass_mark: total 70", "pass_mark: total 69"], by=author
    )
    assert added == 2
    assert all(run.passed for run in versions.review(draft).runs)
    assert "pass_mark: total 70" not in {p.name for p in versions.proposals(draft)}


# --- the gate and four eyes ---------------------------------------------------------------------------


def test_a_draft_is_not_submitted_without_cases_reasons_or_with_a_failing_case(author: User) -> None:
    draft = started(author)
    versions.draft_set_parameters(draft=draft, typed={"bonuses[0].points": "12"}, by=author)
    with pytest.raises(VersionRefused, match="at least one conformance case"):
        versions.draft_submit(draft=draft, by=author)
    versions.conformance_case_add(
        version=draft,
        name="sme",
        profile={"sponsor_is_sme": True},
        expected={"total": 999},
        source="s",
        by=author,
    )
    with pytest.raises(VersionRefused) as refused:
        versions.draft_submit(draft=draft, by=author)
    assert "1 conformance case(s) fail" in str(refused.value)
    assert "1 change(s) have no reason" in str(refused.value)
    draft.refresh_from_db()
    assert draft.state(TODAY) == VersionState.DRAFT


def test_the_author_cannot_approve_their_own_draft(author: User) -> None:
    draft = submitted(author)
    assert draft.state(TODAY) == VersionState.AWAITING
    with pytest.raises(VersionRefused, match="second policy administrator"):
        versions.draft_approve(draft=draft, by=author, start=dt.date(2027, 3, 1))
    draft.refresh_from_db()
    assert not draft.published
    assert VersionEvent.objects.filter(version=draft, kind=VersionEventKind.REFUSED, actor=author).exists()


def test_a_submitted_draft_is_read_only_for_its_author(author: User) -> None:
    draft = submitted(author)
    with pytest.raises(VersionRefused):
        versions.draft_save_text(draft=draft, text="{}", by=author)


def test_a_start_date_in_the_past_is_refused(author: User, approver: User) -> None:
    draft = submitted(author)
    with pytest.raises(VersionRefused, match="in the past"):
        versions.draft_approve(draft=draft, by=approver, start=TODAY - dt.timedelta(days=1))
    assert not RubricVersion.objects.get(pk=draft.pk).published


def test_publishing_ends_the_replaced_version_the_day_before_in_one_step(
    author: User, approver: User
) -> None:
    draft = submitted(author)
    versions.draft_approve(draft=draft, by=approver, start=dt.date(2027, 3, 1))
    draft.refresh_from_db()
    assert draft.published
    assert draft.approved_by == approver
    assert (draft.effective_from, draft.effective_to) == (dt.date(2027, 3, 1), None)
    assert draft.config["effective_from"] == "2027-03-01"
    assert draft.state(TODAY) == VersionState.PUBLISHED
    assert base().effective_to == dt.date(2027, 2, 28)
    assert rubric_version_in_force(dt.date(2027, 2, 28)).code == "2026-07"
    assert rubric_version_in_force(dt.date(2027, 3, 1)).code == draft.code
    assert rubric_version_in_force(TODAY).code == "2026-07"
    kinds = {(e.version.code, e.kind) for e in VersionEvent.objects.filter(actor=approver)}
    assert kinds == {(draft.code, VersionEventKind.PUBLISHED), ("2026-07", VersionEventKind.ENDED)}
    history = draft.history.order_by("pgh_id").last()
    assert history is not None
    assert history.pgh_context.metadata["actor"] == approver.pk
    with time_machine.travel(dt.datetime(2027, 3, 2, 1, 0, tzinfo=dt.UTC), tick=False):
        assert draft.state(dt.date(2027, 3, 2)) == VersionState.IN_FORCE
        assert base().state(dt.date(2027, 3, 2)) == VersionState.ENDED


def test_publishing_today_is_allowed(author: User, approver: User) -> None:
    draft = submitted(author)
    versions.draft_approve(draft=draft, by=approver, start=TODAY)
    assert rubric_version_in_force(TODAY).code == draft.code
    assert base().effective_to == TODAY - dt.timedelta(days=1)


def test_a_start_on_or_before_another_published_versions_start_is_an_overlap(
    author: User, approver: User
) -> None:
    first = submitted(author)
    versions.draft_approve(draft=first, by=approver, start=dt.date(2027, 3, 1))
    second = versions.draft_start(base=base(), code="2027-02", title="t", by=author)
    versions.conformance_case_add(
        version=second, name="c", profile={}, expected={"total": 2}, source="s", by=author
    )
    versions.draft_submit(draft=second, by=author)
    with pytest.raises(VersionRefused, match=r"2027-03-top-200.*overlap"):
        versions.draft_approve(draft=second, by=approver, start=dt.date(2027, 2, 1))


def test_a_start_after_the_last_versions_end_leaves_a_gap(author: User, approver: User) -> None:
    RubricVersion.objects.filter(code="2026-07").update(effective_to=dt.date(2027, 1, 31))
    draft = submitted(author)
    with pytest.raises(VersionRefused, match="no version is in force"):
        versions.draft_approve(draft=draft, by=approver, start=dt.date(2027, 3, 1))
    versions.draft_approve(draft=draft, by=approver, start=dt.date(2027, 2, 1))
    assert base().effective_to == dt.date(2027, 1, 31)


def test_a_failing_case_blocks_approval(author: User, approver: User) -> None:
    draft = submitted(author)
    ConformanceCase.objects.filter(version=draft).update(expected={"total": 999})
    with pytest.raises(VersionRefused, match="conformance case"):
        versions.draft_approve(draft=draft, by=approver, start=dt.date(2027, 3, 1))


def test_send_back_needs_a_reason_and_makes_it_editable_again(author: User, approver: User) -> None:
    draft = submitted(author)
    with pytest.raises(VersionRefused):
        versions.draft_return(draft=draft, by=approver, reason="  ")
    with pytest.raises(VersionRefused):
        versions.draft_return(draft=draft, by=author, reason="my own")
    versions.draft_return(draft=draft, by=approver, reason="Cite the amendment's article.")
    draft.refresh_from_db()
    assert draft.state(TODAY) == VersionState.DRAFT
    assert draft.returned_reason == "Cite the amendment's article."
    assert (
        VersionEvent.objects.get(version=draft, kind=VersionEventKind.RETURNED).detail
        == draft.returned_reason
    )


def test_the_published_rules_stay_read_only(author: User, approver: User) -> None:
    draft = submitted(author)
    versions.draft_approve(draft=draft, by=approver, start=dt.date(2027, 3, 1))
    with pytest.raises(DatabaseError), transaction.atomic():
        RubricVersion.objects.filter(pk=draft.pk).update(config={})
    with pytest.raises(VersionRefused):
        versions.draft_save_text(draft=draft, text="{}", by=author)


# --- no real case changes ------------------------------------------------------------------------------


def test_drafting_and_publishing_change_no_real_cases_score(author: User, approver: User) -> None:
    case = submitted_case(degree_level="master", institution_rank=150)
    before = case_score(case_id=case.pk)
    assert before is not None
    draft = submitted(author)
    versions.draft_approve(draft=draft, by=approver, start=dt.date(2027, 3, 1))
    stored = CaseScore.objects.get(case=case)
    assert (stored.total, stored.result) == (before.total, before.result)
    rescored = case_score(case_id=case.pk)  # a re-score (an SME claim verified later, say)
    assert rescored is not None
    assert (rescored.rubric_version.code, rescored.total) == ("2026-07", before.total)
    assert rescored.result["criteria"] == before.result["criteria"]
    # Only a case submitted once it is in force is scored under the new rules.
    assert scorer_for(on=dt.date(2027, 3, 1)).version.code == draft.code
    assert scorer_for(on=TODAY).version.code == "2026-07"


def test_the_demo_draft_widens_the_top_100_rules_and_its_cases_pass(author: User) -> None:
    draft = submitted(author)
    assert draft.state(TODAY) == VersionState.AWAITING
    assert draft.config == {
        **top_200_document(base().config, draft.code),
        "effective_from": "2027-03-01",
        "effective_to": None,
    }
    review = versions.review(draft)
    assert review.cases_pass
    assert not review.blockers
    assert {c.path for c, _reason in review.changes} >= {
        "tracks.quantitative.eligible_when.any[0].all[1].value"
    }
    assert seed_top_200_draft(author=author).pk == draft.pk  # idempotent
