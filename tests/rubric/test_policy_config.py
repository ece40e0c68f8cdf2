"""RubricConfig: the shipped defaults load, bad values are refused with their path, round-trips hold."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest

from apps.rubric.policy_config import (
    AllOf,
    AnyOf,
    Band,
    ConfigError,
    DegreePedigree,
    EmployerHistory,
    FactCondition,
    PassMarkReached,
    RubricConfig,
    SalaryRatio,
    StrategicValue,
    TechnicalExpertise,
)
from tests.rubric.helpers import DEFAULTS_DIR, load_raw, raw_copy

Mutation = Callable[[dict[str, Any]], object]


def test_both_defaults_are_shipped_and_nothing_else() -> None:
    assert sorted(p.name for p in DEFAULTS_DIR.glob("*.json")) == ["2025-03.json", "2026-07.json"]


def test_2026_default_matches_policy_sections_2_and_3(config_2026: RubricConfig) -> None:
    c = config_2026
    assert (c.code, c.effective_from, c.effective_to) == ("2026-07", dt.date(2026, 7, 2), None)
    assert (c.pass_mark, c.sme_bonus and c.sme_bonus.points, c.max_total) == (70, 10, 110)
    a1, a2, a3, b1, b2 = c.criteria
    assert isinstance(a1, DegreePedigree)
    assert isinstance(a2, EmployerHistory)
    assert isinstance(a3, SalaryRatio)
    assert isinstance(b1, TechnicalExpertise)
    assert isinstance(b2, StrategicValue)
    assert [(x.code, x.max, x.group, x.basis) for x in c.criteria] == [
        ("A1", 25, "quantitative", "computed"),
        ("A2", 20, "quantitative", "computed"),
        ("A3", 20, "quantitative", "computed"),
        ("B1", 20, "qualitative", "estimate"),
        ("B2", 15, "qualitative", "estimate"),
    ]
    assert sum(x.max for x in c.criteria if x.group == "quantitative") == 65
    assert sum(x.max for x in c.criteria if x.group == "qualitative") == 35
    assert [t.max_rank for t in a1.rank_tiers] == [100, 200]
    assert [
        (t.points_for("doctorate"), t.points_for("master"), t.points_for("bachelor")) for t in a1.rank_tiers
    ] == [
        (25, 20, 12),
        (20, 15, 9),
    ]
    assert a1.other_points == (0, 6, 10, 15)
    assert a2.experience_bands == (Band(D(10), 12), Band(D(8), 10), Band(D(5), 7), Band(D(3), 4))
    assert (a2.fortune_global_500_bonus.min_years, a2.fortune_global_500_bonus.points) == (D(2), 8)
    assert [(b.min, b.points) for b in a3.bands] == [
        (D("3.0"), 20),
        (D("2.5"), 16),
        (D("2.0"), 12),
        (D("1.5"), 8),
        (D("1.0"), 4),
    ]
    assert (b1.field_points.strategic, b1.field_points.other) == (5, 2)
    assert [(b.min, b.points) for b in b1.output_bands] == [(10, 8), (5, 6), (2, 4), (1, 2)]
    lead = b1.leadership
    assert (lead.long_min_years, lead.long_points, lead.award_points, lead.short_points) == (D(3), 7, 7, 4)
    assert (b2.core_technology_role.scale_max, b2.core_technology_role.max, b2.hard_to_fill_points) == (
        5,
        5,
        5,
    )
    assert (b2.transfer_plan.scale_max, b2.transfer_plan.max) == (5, 5)
    assert [t.code for t in c.tracks] == ["quantitative", "qualitative", "government_programme"]
    assert c.tracks[0].rule == AnyOf(
        (
            AllOf(
                (
                    FactCondition("degree_level", "in", ("master", "doctorate")),
                    FactCondition("institution_rank", "<=", D(100)),
                )
            ),
            FactCondition("fortune_global_500_years", ">=", D(3)),
            FactCondition("salary_gni_ratio", ">=", D("3.0")),
        )
    )
    assert c.tracks[1].rule == PassMarkReached()
    assert c.tracks[2].rule == FactCondition("government_programme", "in_recognised_programmes", None)


def test_2025_default_is_the_launch_rule_only(config_2025: RubricConfig) -> None:
    c = config_2025
    assert (c.code, c.effective_from, c.effective_to) == ("2025-03", dt.date(2025, 3, 1), dt.date(2026, 7, 1))
    assert (c.criteria, c.pass_mark, c.sme_bonus, c.max_total) == ((), None, None, 0)
    assert [t.code for t in c.tracks] == ["quantitative"]
    assert c.tracks[0].rule == AllOf(
        (
            FactCondition("degree_level", "in", ("master", "doctorate")),
            FactCondition("institution_rank", "<=", D(100)),
            FactCondition("experience_years", ">", D(8)),
        )
    )


def test_versions_follow_each_other_without_gap(config_2025: RubricConfig, config_2026: RubricConfig) -> None:
    assert config_2025.effective_to is not None
    assert config_2025.effective_to + dt.timedelta(days=1) == config_2026.effective_from


@pytest.mark.parametrize("code", ["2025-03", "2026-07"])
def test_round_trip(code: str) -> None:
    config = RubricConfig.from_dict(load_raw(code))
    written = config.to_dict()
    assert json.loads(json.dumps(written)) == written  # JSON-ready
    assert RubricConfig.from_dict(written) == config
    assert RubricConfig.from_dict(written).to_dict() == written


def test_to_dict_keeps_decimals_exact() -> None:
    written = RubricConfig.from_dict(load_raw("2026-07")).to_dict()
    assert written["criteria"][2]["bands"][1] == {"min": "2.5", "points": 16}
    assert written["tracks"][0]["rule"]["any"][2] == {"fact": "salary_gni_ratio", "op": ">=", "value": "3.0"}
    assert written["tracks"][0]["rule"]["any"][0]["all"][1] == {
        "fact": "institution_rank",
        "op": "<=",
        "value": 100,
    }
    assert written["criteria"][3]["output_bands"][0] == {"min": 10, "points": 8}


@pytest.mark.parametrize("code", ["2025-03", "2026-07"])
def test_to_dict_reproduces_the_shipped_json(code: str) -> None:
    """The defaults are written in the canonical form, so what an administrator edits is what is stored."""
    raw = load_raw(code)
    assert RubricConfig.from_dict(raw).to_dict() == raw


@pytest.mark.parametrize("threshold", [2.5, "2.5", "2.50"])
def test_thresholds_accept_json_numbers_and_strings(threshold: object) -> None:
    raw = raw_copy("2026-07")
    raw["criteria"][2]["bands"][1]["min"] = threshold
    config = RubricConfig.from_dict(raw)
    band = config.criteria[2].bands[1]  # type: ignore[union-attr]
    assert band.min == D("2.5")
    assert isinstance(band.min, D)


def test_float_thresholds_are_read_through_their_shortest_repr() -> None:
    raw = raw_copy("2026-07")
    raw["criteria"][2]["bands"][3]["min"] = 1.1  # binary 1.100000000000000088...
    assert RubricConfig.from_dict(raw).criteria[2].bands[3].min == D("1.1")  # type: ignore[union-attr]


def _set(path: list[Any], value: object) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        target: Any = raw
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(path: list[Any]) -> Mutation:
    def mutate(raw: dict[str, Any]) -> None:
        target: Any = raw
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


QUANT_RULE = ["tracks", 0, "rule", "any"]

BAD_2026: list[tuple[str, Mutation, str]] = [
    (
        "not a number",
        _set(["criteria", 2, "bands", 2, "min"], "two"),
        "criteria.A3.bands[2].min: must be a number",
    ),
    ("NaN", _set(["criteria", 2, "bands", 2, "min"], "NaN"), "criteria.A3.bands[2].min: must be a number"),
    (
        "bool threshold",
        _set(["criteria", 2, "bands", 0, "min"], True),
        "criteria.A3.bands[0].min: must be a number",
    ),
    (
        "negative threshold",
        _set(["criteria", 1, "experience_bands", 3, "min"], "-1"),
        "criteria.A2.experience_bands[3].min: must not be negative",
    ),
    (
        "bands out of order",
        _set(["criteria", 2, "bands", 1, "min"], "3.5"),
        "criteria.A3.bands[1].min: bands must be listed from the highest threshold down",
    ),
    (
        "points not falling",
        _set(["criteria", 2, "bands", 2, "points"], 16),
        "criteria.A3.bands[2].points: must be fewer than the points of the band above",
    ),
    (
        "points above max",
        _set(["criteria", 0, "rank_tiers", 0, "points", "doctorate"], 26),
        "criteria.A1.rank_tiers[0].points.doctorate: must be between 0 and 25",
    ),
    (
        "points as bool",
        _set(["criteria", 4, "hard_to_fill_points"], True),
        "criteria.B2.hard_to_fill_points: must be a whole number",
    ),
    (
        "better tier worth less",
        _set(["criteria", 0, "other_points", "bachelor"], 10),
        "criteria.A1.other_points.bachelor: must not exceed the points of the better tier",
    ),
    (
        "higher degree worth less",
        _set(["criteria", 0, "rank_tiers", 1, "points", "master"], 8),
        "criteria.A1.rank_tiers[1].points.master: must not be fewer than the points for bachelor",
    ),
    (
        "tiers out of order",
        _set(["criteria", 0, "rank_tiers", 1, "max_rank"], 50),
        "criteria.A1.rank_tiers[1].max_rank: tiers must be listed best first, with rising max_rank",
    ),
    (
        "degree level missing",
        _delete(["criteria", 0, "other_points", "none"]),
        "criteria.A1.other_points.none: is required",
    ),
    (
        "missing points",
        _delete(["criteria", 2, "bands", 0, "points"]),
        "criteria.A3.bands[0].points: is required",
    ),
    ("empty bands", _set(["criteria", 2, "bands"], []), "criteria.A3.bands: must not be empty"),
    (
        "max unreachable",
        _set(["criteria", 1, "max"], 25),
        "criteria.A2.max: 25 cannot be reached: the best result is 20 points",
    ),
    ("unknown kind", _set(["criteria", 0, "kind"], "charisma"), "criteria.A1.kind: must be one of"),
    ("unknown group", _set(["criteria", 0, "group"], "other"), "criteria.A1.group: must be one of"),
    ("unknown basis", _set(["criteria", 3, "basis"], "guess"), "criteria.B1.basis: must be one of"),
    ("typo in a key", _set(["criteria", 2, "bandz"], []), "criteria.A3.bandz: unknown key"),
    ("typo at the top", _set(["pass_mrak"], 70), "pass_mrak: unknown key"),
    ("duplicate code", _set(["criteria", 1, "code"], "A1"), "criteria[1].code: criterion A1 is listed twice"),
    ("empty code", _set(["criteria", 1, "code"], ""), "criteria[1].code: must be a non-empty string"),
    ("pass mark above max", _set(["pass_mark"], 111), "pass_mark: must be between 0 and 110"),
    ("pass mark negative", _set(["pass_mark"], -1), "pass_mark: must be between 0 and 110"),
    ("pass mark missing", _set(["pass_mark"], None), "pass_mark: is required when there are criteria"),
    ("bonus zero", _set(["sme_bonus", "points"], 0), "sme_bonus.points: must be at least 1"),
    ("bad date", _set(["effective_from"], "2026-13-01"), "effective_from: must be a date (YYYY-MM-DD)"),
    (
        "dates reversed",
        _set(["effective_to"], "2026-07-01"),
        "effective_to: must not be before effective_from",
    ),
    (
        "rating scale zero",
        _set(["criteria", 4, "core_technology_role", "scale_max"], 0),
        "criteria.B2.core_technology_role.scale_max: must be at least 1",
    ),
    (
        "fractional publication threshold",
        _set(["criteria", 3, "output_bands", 0, "min"], "9.5"),
        "criteria.B1.output_bands[0].min: must be a whole number",
    ),
    (
        "short leadership worth more",
        _set(["criteria", 3, "leadership", "short_points"], 8),
        "criteria.B1.leadership.short_points: must not exceed long_points",
    ),
    ("no tracks", _set(["tracks"], []), "tracks: must not be empty"),
    ("unknown track", _set(["tracks", 1, "code"], "lottery"), "tracks[1].code: must be one of"),
    (
        "duplicate track",
        _set(["tracks", 1, "code"], "quantitative"),
        "tracks[1].code: track quantitative is listed twice",
    ),
    (
        "unknown fact",
        _set([*QUANT_RULE, 1, "fact"], "height_cm"),
        "tracks.quantitative.rule.any[1].fact: must be one of",
    ),
    (
        "op not allowed for the fact",
        _set([*QUANT_RULE, 1, "op"], "<"),
        "tracks.quantitative.rule.any[1].op: must be one of >, >=",
    ),
    (
        "rank threshold fractional",
        _set([*QUANT_RULE, 0, "all", 1, "value"], "100.5"),
        "tracks.quantitative.rule.any[0].all[1].value: must be a whole number",
    ),
    (
        "unknown degree level",
        _set([*QUANT_RULE, 0, "all", 0, "value"], ["master", "phd"]),
        "tracks.quantitative.rule.any[0].all[0].value[1]: must be one of none, bachelor, master, doctorate",
    ),
    (
        "repeated degree level",
        _set([*QUANT_RULE, 0, "all", 0, "value"], ["master", "master"]),
        "tracks.quantitative.rule.any[0].all[0].value: must not repeat a degree level",
    ),
    (
        "zero ratio",
        _set([*QUANT_RULE, 2, "value"], 0),
        "tracks.quantitative.rule.any[2].value: must be greater than 0",
    ),
    (
        "missing value",
        _delete([*QUANT_RULE, 2, "value"]),
        "tracks.quantitative.rule.any[2].value: is required",
    ),
    (
        "value where the reference list decides",
        _set(["tracks", 2, "rule", "value"], ["MOHW"]),
        "tracks.government_programme.rule.value: is not used with this op",
    ),
    ("empty any", _set(QUANT_RULE, []), "tracks.quantitative.rule.any: must not be empty"),
    (
        "unknown rule shape",
        _set(["tracks", 1, "rule"], {"always": True}),
        'tracks.qualitative.rule: must have one of the keys "any", "all", "fact",'
        ' "rubric_total_at_least_pass_mark"',
    ),
    (
        "pass-mark rule not true",
        _set(["tracks", 1, "rule", "rubric_total_at_least_pass_mark"], False),
        "tracks.qualitative.rule.rubric_total_at_least_pass_mark: must be true",
    ),
]


@pytest.mark.parametrize(("mutate", "message"), [case[1:] for case in BAD_2026], ids=[c[0] for c in BAD_2026])
def test_bad_values_are_refused_with_their_path(mutate: Mutation, message: str) -> None:
    raw = raw_copy("2026-07")
    mutate(raw)
    with pytest.raises(ConfigError) as caught:
        RubricConfig.from_dict(raw)
    assert str(caught.value).startswith(message)


def test_config_error_is_a_value_error_with_its_path() -> None:
    raw = raw_copy("2026-07")
    raw["criteria"][2]["bands"][2]["min"] = "abc"
    with pytest.raises(ValueError, match=r"^criteria\.A3\.bands\[2\]\.min: must be a number$") as caught:
        RubricConfig.from_dict(raw)
    assert isinstance(caught.value, ConfigError)
    assert caught.value.path == "criteria.A3.bands[2].min"
    copied = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 (our own bytes)
    assert (str(copied), copied.path, copied.problem) == (
        str(caught.value),
        caught.value.path,
        "must be a number",
    )


def test_pass_mark_rule_needs_a_pass_mark() -> None:
    raw = raw_copy("2025-03")
    raw["tracks"][0]["rule"] = {"any": [raw["tracks"][0]["rule"], {"rubric_total_at_least_pass_mark": True}]}
    with pytest.raises(
        ConfigError, match=r"^tracks\.quantitative\.rule: uses the pass mark, but pass_mark is null$"
    ):
        RubricConfig.from_dict(raw)


def test_bonus_without_criteria_is_refused() -> None:
    raw = raw_copy("2025-03")
    raw["sme_bonus"] = {"points": 10}
    with pytest.raises(ConfigError, match=r"^sme_bonus: must be null when there are no criteria"):
        RubricConfig.from_dict(raw)


@pytest.mark.parametrize("data", [None, [], "2026-07", 7])
def test_the_whole_config_must_be_an_object(data: Any) -> None:
    with pytest.raises(ConfigError, match="must be an object"):
        RubricConfig.from_dict(data)


def test_a_config_is_immutable_and_hashable(config_2026: RubricConfig) -> None:
    assert hash(config_2026) == hash(RubricConfig.from_dict(load_raw("2026-07")))
    with pytest.raises(AttributeError):
        config_2026.pass_mark = 60  # type: ignore[misc]
