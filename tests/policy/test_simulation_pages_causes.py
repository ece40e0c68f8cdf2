"""The cause of each verdict change (decision 37): the draft's changes parameter by parameter, the
units a simulation tests alone, and which of them each changed case is put down to."""

from __future__ import annotations

import copy
import datetime as dt
import zoneinfo

import pytest

from apps.policy.changes import MISSING, Change, Keyed, apply, diff, units
from apps.policy.simulation import simulate
from apps.rubric.language.reading import ConfigErrors
from tests.ministry import submitted_case
from tests.policy.helpers import read, top_200_document, version_2026

SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
TRACK = "tracks.quantitative.eligible_when.any[0].all[1].value"
A1 = "criteria.A1.points.table"
PASS_MARK = "thresholds.pass_mark.points"


def valid(document: dict) -> bool:
    try:
        read(document)
    except ConfigErrors:
        return False
    return True


def test_the_top_200_draft_differs_in_two_units_each_testable_alone() -> None:
    base, draft = version_2026(), top_200_document()
    changes = diff(base, draft)
    assert [c.label for c in changes if not c.scoring] == ["code", "effective_from"]
    assert [c.label for c in changes if c.scoring] == [
        "criteria.A1.points.table.columns.bands",
        "criteria.A1.points.table.points.none",
        "criteria.A1.points.table.points.bachelor",
        "criteria.A1.points.table.points.master",
        "criteria.A1.points.table.points.doctorate",
        TRACK,
    ]
    track = next(c for c in changes if c.label == TRACK)
    assert (track.before, track.after) == (100, 200)
    found = units(base, draft, changes, valid)
    assert [(u.label, len(u.changes), u.testable) for u in found] == [(TRACK, 1, True), (A1, 5, True)]
    # Each unit alone makes a valid document both ways, and all of them give back the draft.
    for unit in found:
        assert valid(apply(base, unit.changes, to="after", source=draft))
        assert valid(apply(draft, unit.changes, to="before", source=base))
    assert apply(base, changes, to="after", source=draft) == draft
    assert apply(draft, changes, to="before", source=base) == base


def test_lists_with_codes_are_compared_by_code_and_elements_come_and_go() -> None:
    base = version_2026()
    draft = copy.deepcopy(base)
    removed = draft["segments"].pop(2)  # top_100
    draft["segments"].append({**removed, "code": "top_150"})
    draft["criteria"][0]["title"]["en"] = "Degree and school"
    draft["bonuses"][0]["points"] = 12
    draft["parameters"]["hard_to_fill_min_months"] = True  # true is not 1
    changes = {c.label: c for c in diff(base, draft)}
    assert changes["segments.top_100"].after is MISSING
    assert changes["segments.top_150"].before is MISSING
    assert changes["segments.top_150"].as_dict()["added"] is True
    assert changes["criteria.A1.title.en"].scoring is False
    assert changes["bonuses.sme.points"].path == ("bonuses", Keyed("sme"), "points")
    assert "parameters.hard_to_fill_min_months" in changes
    assert apply(base, list(changes.values()), to="after", source=draft) == draft
    assert Change(("criteria", Keyed("A1"), "max"), 25, 30).label == "criteria.A1.max"


def test_changes_that_only_stand_together_become_one_unit() -> None:
    base = version_2026()
    draft = copy.deepcopy(base)
    draft["thresholds"][0]["code"] = "pass_mark_2027"  # renamed: the track's reference must follow
    draft["tracks"][1]["eligible_when"] = {"threshold": "pass_mark_2027"}
    found = units(base, draft, diff(base, draft), valid)
    assert len(found) == 1
    assert found[0].testable
    assert {c.label for c in found[0].changes} == {
        "thresholds.pass_mark",
        "thresholds.pass_mark_2027",
        "tracks.qualitative.eligible_when.threshold",
    }


@pytest.mark.django_db
def test_each_changed_case_is_put_down_to_the_changes_that_flip_it() -> None:
    day = dt.datetime(2026, 9, 1, 10, tzinfo=SEOUL)
    strong = {"experience_years": "10", "fortune_global_500_years": "0", "offered_salary_krw": 99_910_000,
              "field": "ai", "publications_and_patents": 10, "led_project_years": "3"}  # fmt: skip
    # 20 + 12 + 12 + 20 = 64 before; A1 25 -> 69 after: passes the lowered mark (65) only with both.
    both = submitted_case(submitted_at=day, degree_level="doctorate", institution_rank=150, **strong)
    # A top-100 doctorate: 69 both times; only the lower pass mark moves it (qualitative).
    mark_only = submitted_case(submitted_at=day, degree_level="doctorate", institution_rank=26, **strong)
    unmoved = submitted_case(submitted_at=day, degree_level="bachelor", institution_rank=500, **strong)
    document = top_200_document()
    document["thresholds"][0]["points"] = 65

    result = simulate(
        read(document), base=read(version_2026()), submitted_from=day.date(), submitted_to=day.date()
    )

    changed = {c.reference: c for c in result.changed}
    assert set(changed) == {both.reference, mark_only.reference}
    assert unmoved.reference not in changed
    assert set(changed[both.reference].causes) == {TRACK, A1, PASS_MARK}
    assert changed[mark_only.reference].causes == (PASS_MARK,)
    causes = {c.unit.label: c for c in result.causes}
    assert causes[TRACK].cases == 1
    assert causes[TRACK].tracks["quantitative"] == (1, 0)
    assert causes[TRACK].tracks["qualitative"] == (0, 0)
    assert causes[A1].tracks["qualitative"] == (1, 0)
    assert causes[PASS_MARK].tracks["qualitative"] == (2, 0)
    assert result.together is not None
    assert result.together.cases == 0
    data = result.as_dict()
    assert data["changed_cases"] == data["changed_kept"] == 2
    assert {c["path"] for c in data["changes"] if c["scoring"]} >= {TRACK, PASS_MARK}
    assert data["labels"]["tracks"]["quantitative"] == {"en": "Quantitative track", "ko": "정량 트랙"}


@pytest.mark.django_db
def test_the_changed_cases_kept_are_capped_and_the_count_covers_them_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from apps.policy import simulation

    monkeypatch.setattr(simulation, "CHANGED_KEPT", 2)
    day = dt.datetime(2026, 9, 1, 10, tzinfo=SEOUL)
    moved = [
        submitted_case(
            submitted_at=day,
            degree_level="master",
            institution_rank=150,
            fortune_global_500_years="0",
            offered_salary_krw=60_000_000,
        )
        for _ in range(4)
    ]
    result = simulate(
        read(top_200_document()),
        base=read(version_2026()),
        submitted_from=day.date(),
        submitted_to=day.date(),
    )
    assert result.changed_cases == 4
    assert {c.reference for c in result.changed} == {
        c.reference for c in sorted(moved, key=lambda c: c.pk)[:2]
    }
