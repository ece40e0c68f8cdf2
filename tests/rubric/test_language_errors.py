"""Bad input (issue 9): a version file with an unknown fact, an unknown construct, overlapping or
unordered bands, a maximum that cannot be reached, a condition on a fact of the wrong type, a money
amount without a currency, or missing Korean text is refused with a message that names the path.

Each bad document is the shipped 2026-07 version (apps/rubric/versions/2026-07.json), deep-copied,
with one thing changed; the test asserts the exact path and the gist of the problem.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import read_version
from apps.rubric.language.reading import ConfigErrors

VERSION_2026 = Path(__file__).resolve().parents[2] / "apps" / "rubric" / "versions" / "2026-07.json"
Doc = dict[str, Any]


def shipped() -> Doc:
    data: Doc = json.loads(VERSION_2026.read_text(encoding="utf-8"))
    return data


def criterion(doc: Doc, code: str) -> Doc:
    found: Doc = next(c for c in doc["criteria"] if c["code"] == code)
    return found


def track(doc: Doc, code: str) -> Doc:
    found: Doc = next(t for t in doc["tracks"] if t["code"] == code)
    return found


def refused(change: Callable[[Doc], None]) -> ConfigErrors:
    doc = copy.deepcopy(shipped())
    change(doc)
    with pytest.raises(ConfigErrors) as caught:
        read_version(doc, default_catalogue())
    return caught.value


def own_fact(**changes: Any) -> Doc:
    fact: Doc = {
        "code": "applicant_age",
        "type": "integer",
        "label": {"en": "Age", "ko": "나이"},
        "question": {"en": "How old are you?", "ko": "나이가 어떻게 되십니까?"},
        "phrase": {"en": "Age {value}", "ko": "나이 {value}"},
        "source": "asked",
        "verified": False,
    }
    fact.update(changes)
    return fact


def test_the_shipped_version_reads() -> None:
    # The baseline every bad document is derived from is itself accepted.
    assert read_version(copy.deepcopy(shipped()), default_catalogue()).code == "2026-07"


# ---- each change, and the one error it must produce


def unknown_fact_in_bands(doc: Doc) -> None:
    criterion(doc, "A3")["points"]["bands"]["fact"] = "annual_bonus_krw"


def unknown_fact_in_condition(doc: Doc) -> None:
    track(doc, "quantitative")["eligible_when"]["any"][1]["fact"] = "fortune_500_years"


def unknown_construct(doc: Doc) -> None:
    rule = criterion(doc, "A3")["points"]
    rule["steps"] = rule.pop("bands")


def unknown_construct_nested(doc: Doc) -> None:
    part = criterion(doc, "B1")["points"]["sum"][2]
    part["highest"] = part.pop("best_of")


def overlapping_bands(doc: Doc) -> None:
    # Publications: "10 or more: 8" then "5 to 12: 6" (10-12 would be in both).
    criterion(doc, "B1")["points"]["sum"][1]["bands"]["bands"][1] = {"min": 5, "max": 12, "points": 6}


def unordered_bands(doc: Doc) -> None:
    bands = criterion(doc, "A2")["points"]["sum"][0]["bands"]["bands"]  # min 10, 8, 5, 3
    bands[1], bands[2] = bands[2], bands[1]  # min 10, 5, 8, 3


def unordered_reference_multiple_bands(doc: Doc) -> None:
    bands = criterion(doc, "A3")["points"]["bands"]["bands"]  # 3.0, 2.5, 2.0, 1.5, 1.0 x GNI
    bands[3], bands[4] = bands[4], bands[3]


def unreachable_maximum(doc: Doc) -> None:
    criterion(doc, "A3")["max"] = 25  # the salary bands give at most 20


def unreachable_maximum_under_a_cap(doc: Doc) -> None:
    criterion(doc, "B2")["points"]["cap"] = 10  # the criterion's max stays 15


def unreachable_threshold(doc: Doc) -> None:
    doc["thresholds"][0]["points"] = 200


def ordering_a_choice_fact(doc: Doc) -> None:
    track(doc, "quantitative")["eligible_when"]["any"][0]["all"][0] = {
        "fact": "degree_level",
        "op": ">=",
        "value": "master",
    }


def ordering_a_yes_no_fact(doc: Doc) -> None:
    doc["bonuses"][0]["when"] = {"fact": "sponsor_is_sme", "op": ">", "value": False}


def choosing_among_numbers(doc: Doc) -> None:
    track(doc, "quantitative")["eligible_when"]["any"][1] = {
        "fact": "fortune_global_500_years",
        "op": "in",
        "value": ["3", "4"],
    }


def bands_over_a_yes_no_fact(doc: Doc) -> None:
    criterion(doc, "A2")["points"]["sum"][1]["bands"]["fact"] = "international_award"


def an_option_that_does_not_exist(doc: Doc) -> None:
    track(doc, "quantitative")["eligible_when"]["any"][0]["all"][0]["value"] = ["master", "phd"]


def money_band_without_currency(doc: Doc) -> None:
    criterion(doc, "A3")["points"]["bands"]["bands"][0]["min"] = 150_000_000


def money_condition_without_currency(doc: Doc) -> None:
    track(doc, "quantitative")["eligible_when"]["any"][2]["value"] = "150000000"


def money_in_another_currency(doc: Doc) -> None:
    criterion(doc, "A3")["points"]["bands"]["bands"][0]["min"] = {"amount": "100000", "currency": "USD"}


def no_korean_title(doc: Doc) -> None:
    del criterion(doc, "B2")["title"]["ko"]


def empty_korean_text(doc: Doc) -> None:
    criterion(doc, "A3")["points"]["says"]["step"]["ko"] = " "


def no_korean_track_title(doc: Doc) -> None:
    del track(doc, "qualitative")["title"]["ko"]


def no_korean_band_text(doc: Doc) -> None:
    del criterion(doc, "B1")["points"]["sum"][2]["best_of"][0]["bands"]["bands"][1]["says"]["band"]["ko"]


def no_korean_in_own_fact(doc: Doc) -> None:
    doc["facts"] = [own_fact(label={"en": "Age"})]


def own_fact_in_an_unknown_currency(doc: Doc) -> None:
    doc["facts"] = [own_fact(code="offered_salary_xts", type="money", currency="XTS")]


def own_fact_with_an_unknown_unit(doc: Doc) -> None:
    doc["facts"] = [own_fact(unit="age")]


def placeholder_typo(doc: Doc) -> None:
    criterion(doc, "A3")["points"]["says"]["step"]["en"] = "An offered salary of {traget} would add {points}."


CASES: list[tuple[Callable[[Doc], None], str, str]] = [
    (
        unknown_fact_in_bands,
        "criteria.A3.points.bands.fact",
        "unknown fact 'annual_bonus_krw' (not in the catalogue nor in this version's facts)",
    ),
    (
        unknown_fact_in_condition,
        "tracks.quantitative.eligible_when.any[1].fact",
        "unknown fact 'fortune_500_years'",
    ),
    (unknown_construct, "criteria.A3.points.steps", "unknown construct (expected one of bands, choice,"),
    (unknown_construct_nested, "criteria.B1.points.sum[2].highest", "unknown construct"),
    (overlapping_bands, "criteria.B1.points.sum[1].bands.bands[1]", "overlaps the band before it"),
    (
        unordered_bands,
        "criteria.A2.points.sum[0].bands.bands[2]",
        "bands must be listed in order of value (all rising or all falling)",
    ),
    (
        unordered_reference_multiple_bands,
        "criteria.A3.points.bands.bands[4]",
        "bands must be listed in order of value",
    ),
    (unreachable_maximum, "criteria.A3.max", "cannot be reached: the rules give at most 20"),
    (unreachable_maximum_under_a_cap, "criteria.B2.max", "cannot be reached: the rules give at most 10"),
    (unreachable_threshold, "thresholds[0].points", "cannot be reached: the most a profile can score is 110"),
    (
        ordering_a_choice_fact,
        "tracks.quantitative.eligible_when.any[0].all[0].op",
        "must be one of =, !=, in, not_in",
    ),
    (ordering_a_yes_no_fact, "bonuses[0].when.op", "must be one of =, !="),
    (
        choosing_among_numbers,
        "tracks.quantitative.eligible_when.any[1].op",
        "must be one of <, <=, >, >=, =, !=",
    ),
    (
        bands_over_a_yes_no_fact,
        "criteria.A2.points.sum[1].bands.fact",
        "fact international_award is of type yes_no; this needs integer or decimal or money or rank",
    ),
    (
        an_option_that_does_not_exist,
        "tracks.quantitative.eligible_when.any[0].all[0].value[1]",
        "must be one of none, bachelor, master, doctorate",
    ),
    (
        money_band_without_currency,
        "criteria.A3.points.bands.bands[0].min",
        "a money amount needs a currency",
    ),
    (
        money_condition_without_currency,
        "tracks.quantitative.eligible_when.any[2].value",
        "a money amount needs a currency",
    ),
    (
        money_in_another_currency,
        "criteria.A3.points.bands.bands[0].min.currency",
        "must be KRW, the currency of offered_salary_krw",
    ),
    (no_korean_title, "criteria.B2.title.ko", "is required"),
    (empty_korean_text, "criteria.A3.points.says.step.ko", "must be a non-empty string"),
    (no_korean_track_title, "tracks.qualitative.title.ko", "is required"),
    (
        no_korean_band_text,
        "criteria.B1.points.sum[2].best_of[0].bands.bands[1].says.band.ko",
        "is required",
    ),
    (no_korean_in_own_fact, "facts[0].label.ko", "is required"),
    (own_fact_in_an_unknown_currency, "facts[0].currency", "must be one of KRW"),
    (own_fact_with_an_unknown_unit, "facts[0].unit", "must be one of year, month, output, rating"),
    (
        placeholder_typo,
        "criteria.A3.points.says.step.en",
        "unknown placeholder {traget} (allowed: {value}, {band}, {points}, {target}, {row})",
    ),
]


@pytest.mark.parametrize(("change", "path", "problem"), CASES, ids=[c[0].__name__ for c in CASES])
def test_bad_input_is_refused_naming_the_path(change: Callable[[Doc], None], path: str, problem: str) -> None:
    errors = refused(change)
    assert [e.path for e in errors.errors] == [path]
    assert problem in errors.errors[0].problem
    # The message (what `rubric check` prints) starts with the path.
    assert str(errors).startswith(f"{path}: ")


def test_every_problem_is_reported_in_one_run() -> None:
    def two_problems(doc: Doc) -> None:
        unreachable_maximum(doc)
        no_korean_track_title(doc)

    errors = refused(two_problems)
    assert [e.path for e in errors.errors] == ["criteria.A3.max", "tracks.qualitative.title.ko"]
    assert str(errors).splitlines() == [
        "criteria.A3.max: cannot be reached: the rules give at most 20",
        "tracks.qualitative.title.ko: is required",
    ]


def test_bands_sharing_an_edge_are_refused() -> None:
    """Columns "rank 100 or better" and "100 to 200" both hold rank 100."""

    def shared_edge(doc: Doc) -> None:
        criterion(doc, "A1")["points"]["table"]["columns"]["bands"][1] = {"min": 100, "max": 200}

    errors = refused(shared_edge)
    assert [e.path for e in errors.errors] == ["criteria.A1.points.table.columns.bands[1]"]


def test_bands_sharing_an_edge_are_called_overlapping() -> None:
    def shared_edge(doc: Doc) -> None:
        criterion(doc, "A1")["points"]["table"]["columns"]["bands"][1] = {"min": 100, "max": 200}

    assert "overlaps" in refused(shared_edge).errors[0].problem


def test_a_threshold_with_missing_korean_text_is_one_problem() -> None:
    def no_korean_threshold_text(doc: Doc) -> None:
        del doc["thresholds"][0]["says"]["met"]["ko"]

    errors = refused(no_korean_threshold_text)
    assert [e.path for e in errors.errors] == ["thresholds[0].says.met.ko"]


@pytest.mark.parametrize(
    "condition",
    [
        {"points": "total", "op": ">=", "value": 10},
        {"points": "quantitative", "op": ">=", "value": 10},
        {"threshold": "pass_mark"},
    ],
)
def test_a_criterion_conditioned_on_points_not_yet_known(condition: Doc) -> None:
    from apps.rubric.language.scorer import Reference, Scorer

    doc = copy.deepcopy(shipped())
    criterion(doc, "B2")["points"]["sum"][1]["when"] = condition  # hard to fill: 5 points
    paths: list[str] = []
    try:
        v = read_version(doc, default_catalogue())
    except ConfigErrors as exc:
        paths = [e.path for e in exc.errors]
    if paths:
        assert paths == ["criteria.B2.points.sum[1].when"]
        return
    s = Scorer(v, Reference(quantities={"per_capita_gni": (2024, 49_955_000)}))
    profile = s.profile(
        {
            "degree_level": "doctorate",
            "institution_rank": 5,
            "experience_years": 10,
            "offered_salary_krw": 200_000_000,
            "publications_and_patents": 10,
            "core_technology_role": 5,
            "transfer_plan": 5,
            "hard_to_fill": True,
        }
    )
    # Quantitative: A1 25 + A2 12 + A3 20 = 57; B1 2 + 8 = 10; B2 5 + 5 without "hard to fill":
    # the total (77), the group (57) and the pass mark (70) are all reached before hard to fill
    # counts, so it earns its 5 points: B2 = 15.
    found = s.score(profile).criterion("B2")
    assert found is not None
    assert found.points == 15
