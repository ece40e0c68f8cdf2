"""Proof that the rubric language is general (issue 9, acceptance item 5): three foreign points tests,
written as version files from their published tables, scored on hand-computed profiles at every
boundary (at a threshold and one below).

- ``foreign/canada_crs.json``: Canada's Express Entry Comprehensive Ranking System (CRS), principal
  applicant without a spouse or common-law partner. Source: Immigration, Refugees and Citizenship
  Canada, "Comprehensive Ranking System (CRS) criteria - Express Entry" (canada.ca), the table in
  force since 25 March 2025 (arranged-employment points removed). Age bands that rise then fall,
  education as a choice, four language abilities each banded, Canadian experience, skill
  transferability combinations that depend on a second fact (education x language, education x
  Canadian experience as a two-fact table, foreign x language, foreign x Canadian experience, each
  pair capped at 50, the whole at 100), mutually exclusive French points (best_of, with ``not``),
  and additional points capped at 600.
- ``foreign/japan_hsp.json``: Japan's points-based system for highly skilled foreign professionals,
  "advanced specialized/technical activities" (Highly Skilled Professional (i)(b)). Source:
  Immigration Services Agency of Japan, "Points Calculation Table" (moj.go.jp/isa), as amended with
  effect from 26 April 2017. Two named thresholds (70: Highly Skilled Professional; 80: permanent
  residence after one year), salary bands that depend on the age band, a salary floor of 3 million
  yen whatever the points, highest degree only, an N2 bonus withheld from Japanese-university
  graduates (``when`` + ``not``), strict bounds (research spending "more than 3%") and bonuses.
- ``foreign/australia_gsm.json``: Australia's General Skilled Migration points test. Source:
  Migration Regulations 1994 (Cth), Schedule 6D, as in force from 16 November 2019, and the
  Department of Home Affairs' points table for the Skilled Independent visa (subclass 189). Pass
  mark 65, employment bands on decimal years with ``below`` bounds and a combined cap of 20, the
  highest qualification only (best_of over yes/no facts), an age and English condition on the
  invitation beside the points.

Every expected number below was worked out by hand from the published tables, not from the JSON;
each table is also written once more as plain Python and compared with the language on generated
profiles.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version, read_version
from apps.rubric.language.scorer import Reference, Scorer, ScoreResult

FOREIGN = Path(__file__).resolve().parent / "foreign"
ABILITIES = ("listening", "reading", "writing", "speaking")


@cache
def version(name: str) -> Version:
    return read_version(
        json.loads((FOREIGN / f"{name}.json").read_text(encoding="utf-8")), default_catalogue()
    )


@cache
def scorer(name: str) -> Scorer:
    return Scorer(version(name), Reference())


def score(name: str, facts: dict[str, Any], *, verified: frozenset[str] = frozenset()) -> ScoreResult:
    s = scorer(name)
    with translation.override("en"):
        return s.score(s.profile(facts, verified=verified))


def points(result: ScoreResult) -> dict[str, int]:
    return {c.code: c.points for c in result.criteria}


def explanation(result: ScoreResult, code: str) -> str:
    found = result.criterion(code)
    assert found is not None
    return found.explanation


# ==================================================================================================
# Canada: Comprehensive Ranking System, without a spouse


def first(*levels: int) -> dict[str, int]:
    """CLB levels of the first official language, listening/reading/writing/speaking."""
    return {f"crs_first_language_{a}": level for a, level in zip(ABILITIES, levels, strict=True)}


def second(*levels: int) -> dict[str, int]:
    return {f"crs_second_language_{a}": level for a, level in zip(ABILITIES, levels, strict=True)}


def crs(**facts: Any) -> ScoreResult:
    """A profile that earns nothing (aged 45, nothing else) with ``facts`` changed."""
    return score("canada_crs", {"crs_age": 45, **facts})


def test_crs_reads_and_its_maxima_are_the_published_ones() -> None:
    v = version("canada_crs")
    assert {c.code: c.max for c in v.criteria} == {
        "age": 110,
        "education": 150,
        "first_language": 136,
        "second_language": 24,
        "canadian_experience": 80,
        "skill_transferability": 100,
        "additional": 600,
    }
    # 500 core + 100 transferability + 600 additional.
    assert v.max_total == 1200
    nothing = crs()
    assert nothing.total == 0
    assert set(points(nothing).values()) == {0}


# IRCC's age table without a spouse, transcribed: rising to 110 from 20 to 29, then falling to 0 at 45.
CRS_AGE = {
    0: 0,
    16: 0,
    17: 0,
    18: 99,
    19: 105,
    20: 110,
    25: 110,
    29: 110,
    30: 105,
    31: 99,
    32: 94,
    33: 88,
    34: 83,
    35: 77,
    36: 72,
    37: 66,
    38: 61,
    39: 55,
    40: 50,
    41: 39,
    42: 28,
    43: 17,
    44: 6,
    45: 0,
    46: 0,
    80: 0,
}


@pytest.mark.parametrize(("age", "expected"), sorted(CRS_AGE.items()))
def test_crs_age_bands_rise_then_fall(age: int, expected: int) -> None:
    result = crs(crs_age=age)
    assert points(result)["age"] == expected
    assert result.total == expected


@pytest.mark.parametrize(
    ("education", "expected"),
    [
        ("less_than_secondary", 0),
        ("secondary", 30),
        ("one_year", 90),
        ("two_year", 98),
        ("bachelor", 120),
        ("two_or_more", 128),
        ("master", 135),
        ("doctorate", 150),
    ],
)
def test_crs_level_of_education(education: str, expected: int) -> None:
    result = crs(crs_education=education)
    assert points(result)["education"] == expected
    # Education alone (without CLB 7 or Canadian experience) earns no transferability points.
    assert points(result)["skill_transferability"] == 0
    assert result.total == expected


# Points per ability of the first official language (without a spouse): CLB 3 or less 0, CLB 4-5 6,
# CLB 6 9, CLB 7 17, CLB 8 23, CLB 9 31, CLB 10 or more 34.
@pytest.mark.parametrize(
    ("clb", "expected"),
    [(0, 0), (3, 0), (4, 6), (5, 6), (6, 9), (7, 17), (8, 23), (9, 31), (10, 34), (12, 34)],
)
def test_crs_first_official_language_per_ability(clb: int, expected: int) -> None:
    # One ability at a time: the others stay at 0, so nothing else (transferability) moves.
    for ability in ABILITIES:
        result = crs(**{f"crs_first_language_{ability}": clb})
        assert points(result)["first_language"] == expected, ability
        assert result.total == expected
    all_four = crs(**first(clb, clb, clb, clb))
    assert points(all_four)["first_language"] == 4 * expected


def test_crs_first_official_language_mixed_abilities() -> None:
    # 34 + 31 + 23 + 17
    assert points(crs(**first(10, 9, 8, 7)))["first_language"] == 105
    assert points(crs(**first(12, 12, 12, 12)))["first_language"] == 136


# Second official language per ability: CLB 4 or less 0, CLB 5-6 1, CLB 7-8 3, CLB 9 or more 6.
@pytest.mark.parametrize(
    ("clb", "expected"), [(0, 0), (4, 0), (5, 1), (6, 1), (7, 3), (8, 3), (9, 6), (12, 6)]
)
def test_crs_second_official_language_per_ability(clb: int, expected: int) -> None:
    result = crs(**second(clb, clb, clb, clb))
    assert points(result)["second_language"] == 4 * expected
    # English is the first language here, so a second language at NCLC 7+ is French, and with
    # English under CLB 5 (all 0 here) it earns the 25 additional points for French.
    french = 25 if clb >= 7 else 0
    assert points(result)["additional"] == french
    assert result.total == 4 * expected + french
    assert points(crs(crs_second_language_writing=clb))["second_language"] == expected


@pytest.mark.parametrize(
    ("years", "expected"), [(0, 0), (1, 40), (2, 53), (3, 64), (4, 72), (5, 80), (6, 80), (20, 80)]
)
def test_crs_canadian_work_experience(years: int, expected: int) -> None:
    result = crs(crs_canadian_experience_years=years)
    assert points(result)["canadian_experience"] == expected
    # Canadian experience without education or foreign experience transfers nothing.
    assert points(result)["skill_transferability"] == 0


# ---- skill transferability: education


@pytest.mark.parametrize(
    ("education", "levels", "expected"),
    [
        # A post-secondary credential of one year or longer: 13 with CLB 7+ (one under 9), 25 with CLB 9+.
        ("bachelor", (7, 7, 7, 7), 13),
        ("bachelor", (7, 7, 7, 6), 0),  # one ability one below CLB 7
        ("bachelor", (9, 9, 9, 8), 13),  # one ability one below CLB 9
        ("bachelor", (9, 9, 9, 9), 25),
        ("one_year", (9, 10, 12, 9), 25),
        ("two_year", (7, 8, 7, 8), 13),
        # Two or more credentials, a master's or a doctorate: 25 / 50.
        ("two_or_more", (7, 7, 7, 7), 25),
        ("master", (9, 9, 9, 8), 25),
        ("master", (9, 9, 9, 9), 50),
        ("doctorate", (10, 10, 10, 10), 50),
        ("doctorate", (6, 10, 10, 10), 0),
        # Secondary school or less: nothing, whatever the language.
        ("secondary", (10, 10, 10, 10), 0),
        ("less_than_secondary", (10, 10, 10, 10), 0),
    ],
)
def test_crs_transferability_education_with_language(
    education: str, levels: tuple[int, int, int, int], expected: int
) -> None:
    assert points(crs(crs_education=education, **first(*levels)))["skill_transferability"] == expected


@pytest.mark.parametrize(
    ("education", "years", "expected"),
    [
        ("bachelor", 0, 0),
        ("bachelor", 1, 13),
        ("bachelor", 2, 25),
        ("bachelor", 5, 25),
        ("two_year", 1, 13),
        ("master", 0, 0),
        ("master", 1, 25),
        ("master", 2, 50),
        ("two_or_more", 2, 50),
        ("secondary", 3, 0),
    ],
)
def test_crs_transferability_education_with_canadian_experience(
    education: str, years: int, expected: int
) -> None:
    result = crs(crs_education=education, crs_canadian_experience_years=years)
    assert points(result)["skill_transferability"] == expected


def test_crs_transferability_education_is_capped_at_50() -> None:
    # Bachelor: 25 (CLB 9) + 25 (two years in Canada) = 50, under the cap.
    assert (
        points(crs(crs_education="bachelor", crs_canadian_experience_years=2, **first(9, 9, 9, 9)))[
            "skill_transferability"
        ]
        == 50
    )
    # Master: 50 + 50 = 100, capped at 50 for education.
    assert (
        points(crs(crs_education="master", crs_canadian_experience_years=2, **first(9, 9, 9, 9)))[
            "skill_transferability"
        ]
        == 50
    )
    # Master: 25 (CLB 7, one under 9) + 25 (one year in Canada) = 50.
    assert (
        points(crs(crs_education="master", crs_canadian_experience_years=1, **first(7, 8, 9, 9)))[
            "skill_transferability"
        ]
        == 50
    )


# ---- skill transferability: foreign work experience


@pytest.mark.parametrize(
    ("years", "levels", "expected"),
    [
        (0, (9, 9, 9, 9), 0),
        (1, (7, 7, 7, 7), 13),
        (2, (7, 7, 7, 7), 13),
        (3, (7, 7, 7, 7), 25),
        (3, (7, 7, 7, 6), 0),
        (1, (9, 9, 9, 9), 25),
        (2, (9, 9, 8, 9), 13),
        (3, (9, 9, 9, 9), 50),
        (3, (9, 9, 9, 8), 25),
        (10, (10, 10, 10, 10), 50),
    ],
)
def test_crs_transferability_foreign_experience_with_language(
    years: int, levels: tuple[int, int, int, int], expected: int
) -> None:
    result = crs(crs_foreign_experience_years=years, **first(*levels))
    assert points(result)["skill_transferability"] == expected


@pytest.mark.parametrize(
    ("foreign", "canadian", "expected"),
    [
        (0, 2, 0),
        (1, 0, 0),
        (1, 1, 13),
        (2, 1, 13),
        (3, 1, 25),
        (1, 2, 25),
        (2, 2, 25),
        (3, 2, 50),
        (3, 5, 50),
    ],
)
def test_crs_transferability_foreign_with_canadian_experience(
    foreign: int, canadian: int, expected: int
) -> None:
    result = crs(crs_foreign_experience_years=foreign, crs_canadian_experience_years=canadian)
    assert points(result)["skill_transferability"] == expected


def test_crs_transferability_foreign_is_capped_at_50() -> None:
    # 3 years abroad: 50 (CLB 9) + 50 (two years in Canada), capped at 50.
    result = crs(crs_foreign_experience_years=3, crs_canadian_experience_years=2, **first(9, 9, 9, 9))
    assert points(result)["skill_transferability"] == 50
    # 2 years abroad: 13 (CLB 7) + 25 (two years in Canada) = 38, under the cap.
    result = crs(crs_foreign_experience_years=2, crs_canadian_experience_years=2, **first(7, 7, 8, 8))
    assert points(result)["skill_transferability"] == 38


@pytest.mark.parametrize(
    ("certificate", "levels", "expected"),
    [
        (True, (4, 5, 5, 5), 0),
        (True, (5, 5, 5, 5), 25),
        (True, (6, 6, 6, 6), 25),
        (True, (7, 7, 7, 6), 25),
        (True, (7, 7, 7, 7), 50),
        (False, (10, 10, 10, 10), 0),
    ],
)
def test_crs_transferability_certificate_of_qualification(
    certificate: bool, levels: tuple[int, int, int, int], expected: int
) -> None:
    result = crs(crs_trade_certificate=certificate, **first(*levels))
    assert points(result)["skill_transferability"] == expected


def test_crs_transferability_is_capped_at_100() -> None:
    # Education 50 (master, CLB 9) + foreign 50 (3 years, CLB 9) + certificate 50 (CLB 7) = 150 -> 100.
    result = crs(
        crs_education="master",
        crs_foreign_experience_years=3,
        crs_trade_certificate=True,
        **first(9, 9, 9, 9),
    )
    assert points(result)["skill_transferability"] == 100
    assert result.groups["transferability"] == 100
    # Education 13 (bachelor, CLB 7) + foreign 25 (3 years, CLB 7) + certificate 50 = 88: no cap.
    result = crs(
        crs_education="bachelor",
        crs_foreign_experience_years=3,
        crs_trade_certificate=True,
        **first(7, 7, 7, 8),
    )
    assert points(result)["skill_transferability"] == 88


# ---- additional points


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"crs_sibling_in_canada": True}, 15),
        ({"crs_canadian_education": "one_or_two_year"}, 15),
        ({"crs_canadian_education": "three_year_or_more"}, 30),
        ({"crs_provincial_nomination": True}, 600),
        # French first (NCLC 7 in all four), English second at CLB 4 or less: 25.
        ({"crs_first_official_language": "french", **first(7, 7, 7, 7), **second(4, 4, 4, 4)}, 25),
        # ... with CLB 5 or more in all four English abilities: 50.
        ({"crs_first_official_language": "french", **first(7, 7, 7, 7), **second(5, 5, 5, 5)}, 50),
        # ... one English ability one below CLB 5: 25.
        ({"crs_first_official_language": "french", **first(7, 7, 7, 7), **second(5, 5, 5, 4)}, 25),
        # ... one French ability one below NCLC 7: nothing.
        ({"crs_first_official_language": "french", **first(7, 7, 6, 7), **second(9, 9, 9, 9)}, 0),
        # English first (CLB 5+), French second at NCLC 7+: 50.
        ({"crs_first_official_language": "english", **first(5, 5, 5, 5), **second(7, 8, 9, 7)}, 50),
        # English first with one ability at CLB 4, French second at NCLC 7+: 25.
        ({"crs_first_official_language": "english", **first(4, 5, 5, 5), **second(7, 7, 7, 7)}, 25),
        # English first, French second one below NCLC 7: nothing.
        ({"crs_first_official_language": "english", **first(9, 9, 9, 9), **second(7, 7, 7, 6)}, 0),
    ],
)
def test_crs_additional_points(facts: dict[str, Any], expected: int) -> None:
    assert points(crs(**facts))["additional"] == expected


def test_crs_additional_points_are_capped_at_600() -> None:
    # 600 (nomination) + 15 (sibling) + 30 (Canadian education) = 645 -> 600.
    result = crs(
        crs_provincial_nomination=True,
        crs_sibling_in_canada=True,
        crs_canadian_education="three_year_or_more",
    )
    assert points(result)["additional"] == 600
    # Without the nomination: 15 + 30 + 50 (French) = 95.
    result = crs(
        crs_sibling_in_canada=True,
        crs_canadian_education="three_year_or_more",
        crs_first_official_language="french",
        **first(7, 7, 7, 7),
        **second(5, 5, 5, 5),
    )
    assert points(result)["additional"] == 95


def test_crs_whole_profile_hand_computed() -> None:
    """Aged 30, a master's degree, first language CLB 9/9/9/8, second language CLB 5/5/7/9, one year
    in Canada, three years abroad, a sibling in Canada:
    age 105 + education 135 + first language (31+31+31+23 = 116) + second language (1+1+3+6 = 11)
    + Canadian experience 40 = core 407; transferability: education 25 (CLB 7+, one under 9) + 25
    (one year in Canada) = 50, foreign 25 (3 years, CLB 7+) + 25 (3 years, one year in Canada) = 50,
    total 100; additional: 15 (sibling); English first so French second at 5-9 is under NCLC 7: 0.
    Total 407 + 100 + 15 = 522."""
    result = crs(
        crs_age=30,
        crs_education="master",
        crs_canadian_experience_years=1,
        crs_foreign_experience_years=3,
        crs_sibling_in_canada=True,
        **first(9, 9, 9, 8),
        **second(5, 5, 7, 9),
    )
    assert points(result) == {
        "age": 105,
        "education": 135,
        "first_language": 116,
        "second_language": 11,
        "canadian_experience": 40,
        "skill_transferability": 100,
        "additional": 15,
    }
    assert result.groups == {"core": 407, "transferability": 100, "additional": 15}
    assert result.total == 522
    # The text-free scorer agrees.
    s = scorer("canada_crs")
    profile = s.profile(
        {
            "crs_age": 30,
            "crs_education": "master",
            "crs_canadian_experience_years": 1,
            "crs_foreign_experience_years": 3,
            "crs_sibling_in_canada": True,
            **first(9, 9, 9, 8),
            **second(5, 5, 7, 9),
        }
    )
    assert s.points(profile) == ((105, 135, 116, 11, 40, 100, 15), 522, (True,))


@pytest.mark.parametrize(
    ("levels", "eligible"), [((7, 7, 7, 7), True), ((7, 7, 7, 6), False), ((6, 9, 9, 9), False)]
)
def test_crs_federal_skilled_worker_language_minimum(
    levels: tuple[int, int, int, int], eligible: bool
) -> None:
    track = crs(**first(*levels)).tracks["fsw_language_minimum"]
    assert track.eligible is eligible
    assert track.reasons[0] == (
        "Eligible: all of the conditions below are met."
        if eligible
        else "Not eligible: not all of the conditions below are met."
    )


def test_crs_explanations_read_sensibly() -> None:
    assert explanation(crs(crs_age=25), "age") == "Age 25 (20 to 29): 110 of 110 points."
    assert explanation(crs(crs_age=17), "age") == "Age 17 (17 or less): 0 of 110 points."
    assert explanation(crs(crs_age=45), "age") == "Age 45 (45 or more): 0 of 110 points."
    result = crs(crs_canadian_experience_years=5)
    assert explanation(result, "canadian_experience") == (
        "Canadian work experience of 5 years (5 years or more): 80 of 80 points."
    )
    result = crs(crs_foreign_experience_years=2, **first(7, 7, 7, 7))
    assert (
        "Foreign work experience of 2 years (1 year to 2 years) with CLB 7 or more in all four "
        "first-language abilities: 13 points." in explanation(result, "skill_transferability")
    )
    edu = crs(crs_education="master")
    step = edu.criterion("education")
    assert step is not None
    assert step.next_step == "Education: a doctorate would add 15 points."


def test_crs_a_one_value_band_does_not_read_as_a_range() -> None:
    assert "30 to 30" not in explanation(crs(crs_age=30), "age")


def test_crs_as_dict_in_korean() -> None:
    s = scorer("canada_crs")
    profile = s.profile({"crs_age": 30, "crs_education": "doctorate", **first(9, 9, 9, 9)})
    with translation.override("ko"):
        data = s.score(profile).as_dict()
    json.dumps(data, ensure_ascii=False)  # plain data
    assert [c["title"] for c in data["criteria"]] == [
        "나이",
        "학력",
        "제1 공용어 능력",
        "제2 공용어 능력",
        "캐나다 내 경력",
        "기술 이전 가능성",
        "추가 점수",
    ]
    assert data["criteria"][0]["explanation"].startswith("나이 만 30세")
    assert "최종 학력" not in data["criteria"][1]["explanation"]
    assert data["criteria"][1]["explanation"].startswith("학력: 박사")
    # 105 + 150 + 124 + 0 + 0 + 50 (doctorate, CLB 9) + 0
    assert data["total"] == 429
    assert data["tracks"]["fsw_language_minimum"]["title"] == "연방 숙련 인력 프로그램: 최소 언어 요건"
    assert data["tracks"]["fsw_language_minimum"]["eligible"] is True
    assert any(
        "제1 공용어 듣기 CLB 9" in reason for reason in data["tracks"]["fsw_language_minimum"]["reasons"]
    )


# ==================================================================================================
# Japan: highly skilled professionals, advanced specialized/technical activities

MAN = 10_000  # 10,000 yen


def hsp(*, verified: frozenset[str] = frozenset(), **facts: Any) -> ScoreResult:
    """A profile that earns nothing (aged 40, no degree, no salary) with ``facts`` changed."""
    return score("japan_hsp", {"hsp_age": 40, **facts}, verified=verified)


def test_hsp_reads_with_two_named_thresholds() -> None:
    v = version("japan_hsp")
    assert [(t.code, t.points) for t in v.thresholds] == [("hsp", 70), ("fast_track", 80)]
    nothing = hsp()
    assert nothing.total == 0
    assert {code: th.reached for code, th in nothing.thresholds.items()} == {
        "hsp": False,
        "fast_track": False,
    }


@pytest.mark.parametrize(
    ("degree", "multiple", "expected"),
    [
        ("none", False, 0),
        ("bachelor", False, 10),
        ("master", False, 20),
        ("mba_mot", False, 25),
        ("doctorate", False, 30),
        ("master", True, 25),
        ("doctorate", True, 35),
    ],
)
def test_hsp_academic_background_highest_degree_only(degree: str, multiple: bool, expected: int) -> None:
    result = hsp(hsp_degree=degree, hsp_multiple_degrees=multiple)
    assert points(result)["academic_background"] == expected
    assert result.total == expected


@pytest.mark.parametrize(
    ("years", "expected"),
    [(0, 0), (2, 0), (3, 5), (4, 5), (5, 10), (6, 10), (7, 15), (9, 15), (10, 20), (30, 20)],
)
def test_hsp_professional_career(years: int, expected: int) -> None:
    assert points(hsp(hsp_experience_years=years))["professional_career"] == expected


@pytest.mark.parametrize(
    ("age", "expected"), [(20, 15), (29, 15), (30, 10), (34, 10), (35, 5), (39, 5), (40, 0), (60, 0)]
)
def test_hsp_age(age: int, expected: int) -> None:
    assert points(hsp(hsp_age=age))["age"] == expected


# The salary table by age band (10,000 yen): under 30 from 400, 30-34 from 500, 35-39 from 600,
# 40 and over from 800; 400: 10, 500: 15, 600: 20, 700: 25, 800: 30, 900: 35, 1,000 or more: 40.
@pytest.mark.parametrize(
    ("age", "salary", "expected"),
    [
        (29, 400 * MAN - 1, 0),
        (29, 400 * MAN, 10),
        (29, 500 * MAN, 15),
        (29, 999 * MAN, 35),
        (29, 1000 * MAN, 40),
        (30, 400 * MAN, 0),  # the same salary one year older: no points
        (30, 500 * MAN - 1, 0),
        (30, 500 * MAN, 15),
        (34, 500 * MAN, 15),
        (35, 500 * MAN, 0),
        (35, 600 * MAN - 1, 0),
        (35, 600 * MAN, 20),
        (39, 799 * MAN, 25),
        (39, 700 * MAN, 25),
        (40, 700 * MAN, 0),
        (40, 800 * MAN - 1, 0),
        (40, 800 * MAN, 30),
        (40, 900 * MAN, 35),
        (40, 1000 * MAN, 40),
        (65, 5000 * MAN, 40),
    ],
)
def test_hsp_salary_depends_on_the_age_band(age: int, salary: int, expected: int) -> None:
    assert points(hsp(hsp_age=age, hsp_annual_salary_jpy=salary))["annual_salary"] == expected


@pytest.mark.parametrize(("count", "expected"), [(0, 0), (1, 5), (2, 10), (5, 10)])
def test_hsp_national_qualifications(count: int, expected: int) -> None:
    assert points(hsp(hsp_national_qualifications=count))["qualifications"] == expected


@pytest.mark.parametrize(
    ("innovation", "sme", "ratio", "innovation_points", "spending_points"),
    [
        (False, False, "0", 0, 0),
        (True, False, "0", 10, 0),
        (True, True, "0", 20, 0),
        (False, True, "3", 0, 0),  # exactly 3%: not more than 3%
        (False, True, "3.01", 0, 5),
        (False, False, "50", 0, 0),  # not an SME
        (True, True, "4", 20, 5),
    ],
)
def test_hsp_innovation_and_research_spending(
    innovation: bool, sme: bool, ratio: str, innovation_points: int, spending_points: int
) -> None:
    result = hsp(
        hsp_innovation_support=innovation,
        hsp_employer_is_sme=sme,
        hsp_employer_rnd_ratio_percent=Decimal(ratio),
    )
    assert points(result)["innovation"] == innovation_points
    assert points(result)["sme_research_spending"] == spending_points
    assert result.total == innovation_points + spending_points


@pytest.mark.parametrize(
    ("facts", "language", "bonus"),
    [
        ({"hsp_japanese_level": "none"}, 0, 0),
        ({"hsp_japanese_level": "n2"}, 10, 0),
        ({"hsp_japanese_level": "n1"}, 15, 0),
        ({"hsp_japanese_major_abroad": True}, 15, 0),
        ({"hsp_japanese_level": "n2", "hsp_japanese_major_abroad": True}, 15, 0),
        # N2 is not given to a Japanese-university graduate, who gets the university's 10 instead.
        ({"hsp_japanese_level": "n2", "hsp_japanese_university": True}, 0, 10),
        ({"hsp_japanese_level": "n1", "hsp_japanese_university": True}, 15, 10),
    ],
)
def test_hsp_japanese_language_is_mutually_exclusive(
    facts: dict[str, Any], language: int, bonus: int
) -> None:
    result = hsp(**facts)
    assert points(result)["japanese_language"] == language
    assert result.total == language + bonus


def test_hsp_bonuses() -> None:
    result = hsp(
        hsp_research=True,
        hsp_specified_university=True,
        hsp_growth_field_project=True,
        hsp_foreign_qualification=True,
        hsp_jica_training=True,
    )
    assert points(result)["research"] == 15
    assert {b.code: b.points for b in result.bonuses} == {
        "japanese_university": 0,
        "specified_university": 10,
        "growth_field": 10,
        "foreign_qualification": 5,
        "jica_training": 5,
    }
    assert result.total == 15 + 10 + 10 + 5 + 5
    assert {b.code: b.basis for b in result.bonuses if b.points} == dict.fromkeys(
        ("specified_university", "growth_field", "foreign_qualification", "jica_training"), "claimed"
    )
    verified = hsp(hsp_jica_training=True, verified=frozenset({"hsp_jica_training"}))
    assert [(b.code, b.basis) for b in verified.bonuses if b.points] == [("jica_training", "verified")]


# A 70-point profile: aged 29 (15) + doctorate (30) + 7 years (15) + 4 million yen at 29 (10).
AT_70: dict[str, Any] = {
    "hsp_age": 29,
    "hsp_degree": "doctorate",
    "hsp_experience_years": 7,
    "hsp_annual_salary_jpy": 400 * MAN,
}


def test_hsp_at_70_and_one_step_below() -> None:
    result = hsp(**AT_70)
    assert points(result) == {
        "academic_background": 30,
        "professional_career": 15,
        "annual_salary": 10,
        "age": 15,
        "research": 0,
        "qualifications": 0,
        "innovation": 0,
        "sme_research_spending": 0,
        "japanese_language": 0,
    }
    assert result.groups == {"basic": 70, "bonus": 0}
    assert result.total == 70
    assert {code: th.reached for code, th in result.thresholds.items()} == {"hsp": True, "fast_track": False}
    assert result.tracks["highly_skilled_professional"].eligible is True
    assert result.tracks["permanent_residence_after_1_year"].eligible is False
    assert "A total of 70 points reaches the highly skilled professional mark of 70." in (
        result.tracks["highly_skilled_professional"].reasons
    )

    # One year less experience (6): 10 instead of 15 -> 65.
    below = hsp(**{**AT_70, "hsp_experience_years": 6})
    assert below.total == 65
    assert {code: th.reached for code, th in below.thresholds.items()} == {"hsp": False, "fast_track": False}
    assert below.tracks["highly_skilled_professional"].eligible is False
    # One yen less salary: 0 salary points -> 60.
    assert hsp(**{**AT_70, "hsp_annual_salary_jpy": 400 * MAN - 1}).total == 60
    # One year older: age 10 and salary 0 at 30 -> 55.
    assert hsp(**{**AT_70, "hsp_age": 30}).total == 55


def test_hsp_at_80_fast_track_and_one_step_below() -> None:
    # 70 + 10 (N2) = 80.
    result = hsp(**AT_70, hsp_japanese_level="n2")
    assert result.total == 80
    assert {code: th.reached for code, th in result.thresholds.items()} == {"hsp": True, "fast_track": True}
    assert result.tracks["highly_skilled_professional"].eligible is True
    assert result.tracks["permanent_residence_after_1_year"].eligible is True
    # 70 + 5 (one national qualification) = 75: the first mark only.
    result = hsp(**AT_70, hsp_national_qualifications=1)
    assert result.total == 75
    assert {code: th.reached for code, th in result.thresholds.items()} == {"hsp": True, "fast_track": False}
    assert result.tracks["permanent_residence_after_1_year"].eligible is False
    # Bonuses count towards the marks: 70 + 10 (Japanese university; N2 withheld) = 80.
    result = hsp(**AT_70, hsp_japanese_level="n2", hsp_japanese_university=True)
    assert result.total == 80
    assert result.thresholds["fast_track"].reached is True


def test_hsp_salary_floor_applies_whatever_the_points() -> None:
    # Doctorate with a second field (35) + 10 years (20) + aged 29 (15) = 70 without salary points.
    facts = {
        "hsp_age": 29,
        "hsp_degree": "doctorate",
        "hsp_multiple_degrees": True,
        "hsp_experience_years": 10,
    }
    at_floor = hsp(**facts, hsp_annual_salary_jpy=300 * MAN)
    assert at_floor.total == 70
    assert at_floor.tracks["highly_skilled_professional"].eligible is True
    below_floor = hsp(**facts, hsp_annual_salary_jpy=300 * MAN - 1)
    assert below_floor.total == 70
    assert below_floor.thresholds["hsp"].reached is True
    assert below_floor.tracks["highly_skilled_professional"].eligible is False
    assert "An annual salary of 2,999,999 JPY; at least 3,000,000 JPY is required." in (
        below_floor.tracks["highly_skilled_professional"].reasons
    )
    s = scorer("japan_hsp")
    profile = s.profile({**facts, "hsp_annual_salary_jpy": 300 * MAN - 1})
    assert s.points(profile) == ((35, 20, 0, 15, 0, 0, 0, 0, 0), 70, (False, False))


def test_hsp_explanations_read_sensibly() -> None:
    result = hsp(hsp_age=34, hsp_annual_salary_jpy=500 * MAN)
    assert explanation(result, "age") == "Age 34 (30 to 34): 10 of 15 points."
    assert (
        explanation(result, "annual_salary")
        == "An annual salary of 5,000,000 JPY (5,000,000 JPY or more): 15 of 40 points."
    )
    salary = result.criterion("annual_salary")
    assert salary is not None
    assert salary.next_step == "An annual salary of 6,000,000 JPY or more would add 5 points."
    assert explanation(hsp(hsp_age=35, hsp_annual_salary_jpy=500 * MAN), "annual_salary") == (
        "No salary points at this salary and age: 0 of 40 points."
    )


def test_hsp_claimed_bonus_sentence_names_the_bonus_not_the_threshold() -> None:
    result = hsp(**AT_70, hsp_japanese_university=True)
    reasons = result.tracks["highly_skilled_professional"].reasons
    assert not any("claimed highly skilled professional mark" in reason for reason in reasons)


def test_hsp_as_dict_in_korean() -> None:
    s = scorer("japan_hsp")
    profile = s.profile({**AT_70, "hsp_japanese_level": "n2"})
    with translation.override("ko"):
        data = s.score(profile).as_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["total"] == 80
    assert data["criteria"][0]["title"] == "학력"
    assert data["criteria"][0]["explanation"].startswith("최종 학위: 박사")
    assert data["criteria"][8]["title"] == "일본어 능력"
    assert data["criteria"][8]["explanation"] == "일본어능력시험 N2: 15점 중 10점."
    assert data["thresholds"] == {
        "hsp": {"title": "고도 전문 인재 기준 점수", "points": 70, "reached": True},
        "fast_track": {"title": "영주 허가 신속 기준 점수", "points": 80, "reached": True},
    }
    assert data["tracks"]["permanent_residence_after_1_year"]["title"] == "1년 후 영주 허가(80점)"
    assert data["bonuses"][0]["title"] == "일본 대학 학위"


# ==================================================================================================
# Both tables again, as plain Python written straight from the published tables, against the
# language on generated profiles (every combination the hand-picked boundaries above do not reach).

CRS_EDUCATION = {
    "less_than_secondary": 0,
    "secondary": 30,
    "one_year": 90,
    "two_year": 98,
    "bachelor": 120,
    "two_or_more": 128,
    "master": 135,
    "doctorate": 150,
}


def crs_by_hand(p: dict[str, Any]) -> dict[str, int]:
    age = p["crs_age"]
    falling = {30: 105, 31: 99, 32: 94, 33: 88, 34: 83, 35: 77, 36: 72, 37: 66, 38: 61, 39: 55}
    falling |= {40: 50, 41: 39, 42: 28, 43: 17, 44: 6}
    age_points = 0 if age <= 17 or age >= 45 else 99 if age == 18 else 105 if age == 19 else 110
    age_points = falling.get(age, age_points)
    firsts = [p[f"crs_first_language_{a}"] for a in ABILITIES]
    seconds = [p[f"crs_second_language_{a}"] for a in ABILITIES]

    def first_points(clb: int) -> int:
        return 34 if clb >= 10 else {9: 31, 8: 23, 7: 17, 6: 9, 5: 6, 4: 6}.get(clb, 0)

    def second_points(clb: int) -> int:
        return 6 if clb >= 9 else 3 if clb >= 7 else 1 if clb >= 5 else 0

    canadian = p["crs_canadian_experience_years"]
    canadian_points = 80 if canadian >= 5 else {4: 72, 3: 64, 2: 53, 1: 40}.get(canadian, 0)
    # Skill transferability: the same 13/25/50 grid for every pair.
    grid = {(1, 1): 13, (1, 2): 25, (2, 1): 25, (2, 2): 50}
    education = p["crs_education"]
    education_tier = (
        0
        if education in ("less_than_secondary", "secondary")
        else 1
        if education in ("one_year", "two_year", "bachelor")
        else 2
    )
    language_tier = 2 if min(firsts) >= 9 else 1 if min(firsts) >= 7 else 0
    canadian_tier = 2 if canadian >= 2 else canadian
    foreign = p["crs_foreign_experience_years"]
    foreign_tier = 0 if foreign == 0 else 1 if foreign <= 2 else 2
    education_transfer = min(
        50, grid.get((education_tier, language_tier), 0) + grid.get((education_tier, canadian_tier), 0)
    )
    foreign_transfer = min(
        50, grid.get((foreign_tier, language_tier), 0) + grid.get((foreign_tier, canadian_tier), 0)
    )
    certificate = 0
    if p["crs_trade_certificate"]:
        certificate = 50 if min(firsts) >= 7 else 25 if min(firsts) >= 5 else 0
    french, english = (firsts, seconds) if p["crs_first_official_language"] == "french" else (seconds, firsts)
    french_points = (50 if min(english) >= 5 else 25) if min(french) >= 7 else 0
    additional = (
        15 * p["crs_sibling_in_canada"]
        + french_points
        + {"none": 0, "one_or_two_year": 15, "three_year_or_more": 30}[p["crs_canadian_education"]]
        + 600 * p["crs_provincial_nomination"]
    )
    return {
        "age": age_points,
        "education": CRS_EDUCATION[education],
        "first_language": sum(first_points(c) for c in firsts),
        "second_language": sum(second_points(c) for c in seconds),
        "canadian_experience": canadian_points,
        "skill_transferability": min(100, education_transfer + foreign_transfer + certificate),
        "additional": min(600, additional),
    }


def hsp_by_hand(p: dict[str, Any]) -> tuple[dict[str, int], int]:
    age, salary = p["hsp_age"], p["hsp_annual_salary_jpy"] // MAN
    floor = 400 if age <= 29 else 500 if age <= 34 else 600 if age <= 39 else 800
    steps = [(1000, 40), (900, 35), (800, 30), (700, 25), (600, 20), (500, 15), (400, 10)]
    salary_points = next((pts for low, pts in steps if salary >= low and low >= floor), 0)
    years = p["hsp_experience_years"]
    japanese = p["hsp_japanese_level"]
    if japanese == "n1" or p["hsp_japanese_major_abroad"]:
        japanese_points = 15
    elif japanese == "n2" and not p["hsp_japanese_university"]:
        japanese_points = 10
    else:
        japanese_points = 0
    sme = p["hsp_employer_is_sme"]
    criteria = {
        "academic_background": {"none": 0, "bachelor": 10, "master": 20, "mba_mot": 25, "doctorate": 30}[
            p["hsp_degree"]
        ]
        + 5 * p["hsp_multiple_degrees"],
        "professional_career": 20
        if years >= 10
        else 15
        if years >= 7
        else 10
        if years >= 5
        else 5
        if years >= 3
        else 0,
        "annual_salary": salary_points,
        "age": 15 if age <= 29 else 10 if age <= 34 else 5 if age <= 39 else 0,
        "research": 15 * p["hsp_research"],
        "qualifications": min(10, 5 * p["hsp_national_qualifications"]),
        "innovation": 10 * p["hsp_innovation_support"] + 10 * (p["hsp_innovation_support"] and sme),
        "sme_research_spending": 5 if sme and p["hsp_employer_rnd_ratio_percent"] > 3 else 0,
        "japanese_language": japanese_points,
    }
    bonuses = (
        10 * p["hsp_japanese_university"]
        + 10 * p["hsp_specified_university"]
        + 10 * p["hsp_growth_field_project"]
        + 5 * p["hsp_foreign_qualification"]
        + 5 * p["hsp_jica_training"]
    )
    return criteria, sum(criteria.values()) + bonuses


def test_crs_matches_the_table_written_by_hand_on_generated_profiles() -> None:
    rng = random.Random(20250325)
    s = scorer("canada_crs")
    for _ in range(3000):
        facts: dict[str, Any] = {
            "crs_age": rng.randint(15, 50),
            "crs_education": rng.choice(list(CRS_EDUCATION)),
            "crs_canadian_experience_years": rng.choice([0, 0, 1, 2, 3, 4, 5, 6]),
            "crs_foreign_experience_years": rng.choice([0, 0, 1, 2, 3, 4]),
            "crs_trade_certificate": rng.random() < 0.3,
            "crs_first_official_language": rng.choice(["english", "french"]),
            "crs_sibling_in_canada": rng.random() < 0.3,
            "crs_canadian_education": rng.choice(["none", "one_or_two_year", "three_year_or_more"]),
            "crs_provincial_nomination": rng.random() < 0.1,
        }
        high = rng.choice([4, 7, 9, 12])  # levels cluster around the edges
        facts |= first(*(rng.randint(max(0, high - 4), high) for _ in ABILITIES))
        facts |= second(*(rng.randint(0, 12) for _ in ABILITIES))
        expected = crs_by_hand(facts)
        with translation.override("en"):
            result = s.score(s.profile(facts))
        assert points(result) == expected, facts
        assert result.total == sum(expected.values()), facts
        assert result.tracks["fsw_language_minimum"].eligible is (
            min(facts[f"crs_first_language_{a}"] for a in ABILITIES) >= 7
        )


def test_hsp_matches_the_table_written_by_hand_on_generated_profiles() -> None:
    rng = random.Random(20170426)
    s = scorer("japan_hsp")
    for _ in range(3000):
        facts: dict[str, Any] = {
            "hsp_age": rng.randint(22, 45),
            "hsp_degree": rng.choice(["none", "bachelor", "master", "mba_mot", "doctorate"]),
            "hsp_multiple_degrees": rng.random() < 0.2,
            "hsp_experience_years": rng.randint(0, 12),
            "hsp_annual_salary_jpy": rng.choice(
                [rng.randint(250, 1100) * MAN, rng.randint(2, 11) * 100 * MAN - rng.randint(0, 1)]
            ),
            "hsp_research": rng.random() < 0.3,
            "hsp_national_qualifications": rng.randint(0, 3),
            "hsp_innovation_support": rng.random() < 0.3,
            "hsp_employer_is_sme": rng.random() < 0.5,
            "hsp_employer_rnd_ratio_percent": rng.choice(
                [Decimal(0), Decimal(3), Decimal("3.01"), Decimal(5)]
            ),
            "hsp_foreign_qualification": rng.random() < 0.2,
            "hsp_japanese_university": rng.random() < 0.3,
            "hsp_japanese_level": rng.choice(["none", "n2", "n1"]),
            "hsp_japanese_major_abroad": rng.random() < 0.1,
            "hsp_growth_field_project": rng.random() < 0.2,
            "hsp_specified_university": rng.random() < 0.2,
            "hsp_jica_training": rng.random() < 0.1,
        }
        criteria, total = hsp_by_hand(facts)
        with translation.override("en"):
            result = s.score(s.profile(facts))
        assert points(result) == criteria, facts
        assert result.total == total, facts
        paid = facts["hsp_annual_salary_jpy"] >= 300 * MAN
        assert result.thresholds["hsp"].reached is (total >= 70)
        assert result.thresholds["fast_track"].reached is (total >= 80)
        assert result.tracks["highly_skilled_professional"].eligible is (total >= 70 and paid), facts
        assert result.tracks["permanent_residence_after_1_year"].eligible is (total >= 80 and paid), facts
        assert s.points(s.profile(facts))[1] == total


# ==================================================================================================
# Australia: General Skilled Migration points test (Migration Regulations 1994, Schedule 6D, as in
# force from 16 November 2019; Department of Home Affairs' points table for subclass 189). Pass mark
# 65; age bands rise then fall; employment outside and inside Australia banded on decimal years
# ("at least 3 but less than 5") with a combined maximum of 20; the highest qualification only
# (best_of over yes/no facts); invitation also needs an age of 18-44 and competent English.


def aus(**facts: Any) -> ScoreResult:
    """A profile that earns nothing (aged 50, below competent English) with ``facts`` changed."""
    return score("australia_gsm", {"aus_age": 50, **facts})


def test_aus_reads_with_its_pass_mark() -> None:
    v = version("australia_gsm")
    assert [(t.code, t.points) for t in v.thresholds] == [("pass_mark", 65)]
    # 30 + 20 + 20 + 20 + 10 + 5 + 5 + 5 + 5 + 10 + 15
    assert v.max_total == 145
    assert aus().total == 0


@pytest.mark.parametrize(
    ("age", "expected"),
    [(17, 0), (18, 25), (24, 25), (25, 30), (32, 30), (33, 25), (39, 25), (40, 15), (44, 15), (45, 0)],
)
def test_aus_age(age: int, expected: int) -> None:
    assert points(aus(aus_age=age))["age"] == expected


@pytest.mark.parametrize(
    ("english", "expected"), [("below_competent", 0), ("competent", 0), ("proficient", 10), ("superior", 20)]
)
def test_aus_english(english: str, expected: int) -> None:
    result = aus(aus_english=english)
    assert points(result)["english"] == expected
    assert result.total == expected


@pytest.mark.parametrize(
    ("years", "expected"),
    [("0", 0), ("2.99", 0), ("3", 5), ("4.99", 5), ("5", 10), ("7.99", 10), ("8", 15), ("10", 15)],
)
def test_aus_employment_outside_australia(years: str, expected: int) -> None:
    assert points(aus(aus_overseas_employment_years=Decimal(years)))["employment"] == expected


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        ("0.99", 0),
        ("1", 5),
        ("2.99", 5),
        ("3", 10),
        ("4.99", 10),
        ("5", 15),
        ("7.99", 15),
        ("8", 20),
        ("10", 20),
    ],
)
def test_aus_employment_in_australia(years: str, expected: int) -> None:
    assert points(aus(aus_australian_employment_years=Decimal(years)))["employment"] == expected


@pytest.mark.parametrize(
    ("overseas", "australian", "expected"),
    [("3", "1", 10), ("5", "3", 20), ("5", "2.99", 15), ("8", "8", 20), ("8", "1", 20), ("4.99", "4.99", 15)],
)
def test_aus_employment_combined_maximum_is_20(overseas: str, australian: str, expected: int) -> None:
    result = aus(
        aus_overseas_employment_years=Decimal(overseas), aus_australian_employment_years=Decimal(australian)
    )
    assert points(result)["employment"] == expected


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        ((), 0),
        (("recognised_award",), 10),
        (("diploma",), 10),
        (("diploma", "recognised_award"), 10),
        (("bachelor",), 15),
        (("bachelor", "diploma"), 15),
        (("doctorate",), 20),
        (("doctorate", "bachelor", "diploma", "recognised_award"), 20),
    ],
)
def test_aus_highest_qualification_only(held: tuple[str, ...], expected: int) -> None:
    result = aus(**{f"aus_{q}": True for q in held})
    assert points(result)["qualification"] == expected
    assert result.total == expected


@pytest.mark.parametrize(
    ("facts", "code", "expected"),
    [
        ({"aus_specialist_education": True}, "specialist_education", 10),
        ({"aus_study_requirement": True}, "study_requirement", 5),
        ({"aus_professional_year": True}, "professional_year", 5),
        ({"aus_community_language": True}, "community_language", 5),
        ({"aus_regional_study": True}, "regional_study", 5),
        ({"aus_partner": "partner_without_points"}, "partner", 0),
        ({"aus_partner": "partner_competent_english"}, "partner", 5),
        ({"aus_partner": "skilled_partner"}, "partner", 10),
        ({"aus_partner": "single_or_citizen_partner"}, "partner", 10),
        ({"aus_nomination": "state_190"}, "nomination", 5),
        ({"aus_nomination": "regional_491"}, "nomination", 15),
    ],
)
def test_aus_other_factors(facts: dict[str, Any], code: str, expected: int) -> None:
    result = aus(**facts)
    assert points(result)[code] == expected
    assert result.total == expected


# Aged 30 (30) + proficient English (10) + a bachelor degree (15) = 55.
AUS_55: dict[str, Any] = {"aus_age": 30, "aus_english": "proficient", "aus_bachelor": True}


def test_aus_pass_mark_and_one_step_below() -> None:
    at = aus(**AUS_55, aus_nomination="state_190", aus_partner="partner_competent_english")
    assert at.total == 65
    assert at.thresholds["pass_mark"].reached is True
    assert at.tracks["invitation"].eligible is True
    below = aus(**AUS_55, aus_nomination="state_190")
    assert below.total == 60
    assert below.thresholds["pass_mark"].reached is False
    assert below.tracks["invitation"].eligible is False
    # The age band edge moves the total across the mark: 32 -> 33 loses 5 points.
    assert aus(**{**AUS_55, "aus_age": 32}, aus_partner="single_or_citizen_partner").total == 65
    older = aus(**{**AUS_55, "aus_age": 33}, aus_partner="single_or_citizen_partner")
    assert older.total == 60
    assert older.tracks["invitation"].eligible is False


def test_aus_invitation_needs_age_under_45_and_competent_english_whatever_the_points() -> None:
    strong: dict[str, Any] = {
        "aus_english": "superior",
        "aus_doctorate": True,
        "aus_overseas_employment_years": Decimal(8),
        "aus_partner": "skilled_partner",
        "aus_nomination": "regional_491",
    }
    at_44 = aus(**strong, aus_age=44)
    assert at_44.total == 15 + 20 + 20 + 15 + 10 + 15
    assert at_44.tracks["invitation"].eligible is True
    at_45 = aus(**strong, aus_age=45)
    assert at_45.total == 80
    assert at_45.thresholds["pass_mark"].reached is True
    assert at_45.tracks["invitation"].eligible is False
    assert "Age 45; less than 45 is required." in at_45.tracks["invitation"].reasons
    weak_english = aus(**{**strong, "aus_english": "below_competent"}, aus_age=40, aus_study_requirement=True)
    assert weak_english.total == 15 + 20 + 15 + 10 + 15 + 5
    assert weak_english.tracks["invitation"].eligible is False
    at_17 = aus(**strong, aus_age=17)
    assert at_17.tracks["invitation"].eligible is False


def test_aus_explanations_read_sensibly() -> None:
    result = aus(aus_overseas_employment_years=Decimal("4.99"), aus_australian_employment_years=Decimal(8))
    assert explanation(result, "employment") == (
        "Skilled employment outside Australia of 4.99 years (3 years or more and below 5 years): 5 points. "
        "Skilled employment in Australia of 8 years (8 years or more): 20 points. "
        "Total: 20 of 20 points (capped at the maximum)."
    )
    assert explanation(aus(aus_age=40), "age") == "Age 40 (40 to 44): 15 of 30 points."
    nothing = aus()
    assert explanation(nothing, "qualification") == "No recognised qualification: 0 of 20 points."
    english = nothing.criterion("english")
    assert english is not None
    assert english.next_step == "English: proficient would add 10 points."


def test_aus_as_dict_in_korean() -> None:
    s = scorer("australia_gsm")
    profile = s.profile({**AUS_55, "aus_nomination": "state_190", "aus_partner": "partner_competent_english"})
    with translation.override("ko"):
        data = s.score(profile).as_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["total"] == 65
    assert data["criteria"][0]["explanation"].startswith("나이 만 30세")
    assert data["criteria"][1]["explanation"].startswith("영어: 우수(proficient)")
    assert data["thresholds"]["pass_mark"] == {"title": "합격 기준 점수", "points": 65, "reached": True}
    assert data["tracks"]["invitation"]["title"] == "신청 초청 가능"


def aus_by_hand(p: dict[str, Any]) -> dict[str, int]:
    age = p["aus_age"]
    overseas, australian = p["aus_overseas_employment_years"], p["aus_australian_employment_years"]
    overseas_points = 15 if overseas >= 8 else 10 if overseas >= 5 else 5 if overseas >= 3 else 0
    australian_points = (
        20
        if australian >= 8
        else 15
        if australian >= 5
        else 10
        if australian >= 3
        else 5
        if australian >= 1
        else 0
    )
    qualification = (
        20
        if p["aus_doctorate"]
        else 15
        if p["aus_bachelor"]
        else 10
        if p["aus_diploma"] or p["aus_recognised_award"]
        else 0
    )
    return {
        "age": 25
        if 18 <= age <= 24
        else 30
        if 25 <= age <= 32
        else 25
        if 33 <= age <= 39
        else 15
        if 40 <= age <= 44
        else 0,
        "english": {"below_competent": 0, "competent": 0, "proficient": 10, "superior": 20}[p["aus_english"]],
        "employment": min(20, overseas_points + australian_points),
        "qualification": qualification,
        "specialist_education": 10 * p["aus_specialist_education"],
        "study_requirement": 5 * p["aus_study_requirement"],
        "professional_year": 5 * p["aus_professional_year"],
        "community_language": 5 * p["aus_community_language"],
        "regional_study": 5 * p["aus_regional_study"],
        "partner": {
            "partner_without_points": 0,
            "partner_competent_english": 5,
            "skilled_partner": 10,
            "single_or_citizen_partner": 10,
        }[p["aus_partner"]],
        "nomination": {"none": 0, "state_190": 5, "regional_491": 15}[p["aus_nomination"]],
    }


def test_aus_matches_the_table_written_by_hand_on_generated_profiles() -> None:
    rng = random.Random(20191116)
    s = scorer("australia_gsm")
    years = [Decimal(x) for x in ("0", "0.99", "1", "2.99", "3", "4.99", "5", "7.99", "8", "10")]
    for _ in range(3000):
        facts: dict[str, Any] = {
            "aus_age": rng.randint(16, 47),
            "aus_english": rng.choice(["below_competent", "competent", "proficient", "superior"]),
            "aus_overseas_employment_years": rng.choice(years),
            "aus_australian_employment_years": rng.choice(years),
            "aus_partner": rng.choice(
                [
                    "partner_without_points",
                    "partner_competent_english",
                    "skilled_partner",
                    "single_or_citizen_partner",
                ]
            ),
            "aus_nomination": rng.choice(["none", "state_190", "regional_491"]),
        }
        for flag in (
            "doctorate",
            "bachelor",
            "diploma",
            "recognised_award",
            "specialist_education",
            "study_requirement",
            "professional_year",
            "community_language",
            "regional_study",
        ):
            facts[f"aus_{flag}"] = rng.random() < 0.3
        expected = aus_by_hand(facts)
        total = sum(expected.values())
        with translation.override("en"):
            result = s.score(s.profile(facts))
        assert points(result) == expected, facts
        assert result.total == total
        eligible = total >= 65 and 18 <= facts["aus_age"] < 45 and facts["aus_english"] != "below_competent"
        assert result.tracks["invitation"].eligible is eligible, facts


# ==================================================================================================
# Next steps: a step names one fact and the value to reach; applied alone to the profile, it must add
# the points it promises.


def real_gain(name: str, facts: dict[str, Any], code: str, fact: str, value: Any) -> int:
    before = score(name, facts).criterion(code)
    after = score(name, {**facts, fact: value}).criterion(code)
    assert before is not None
    assert after is not None
    return after.points - before.points


def reaching(threshold: Any) -> Any:
    """A value that reaches a step's threshold: the threshold itself, or just past a strict one
    (">3" -> 3.01, "<5" -> 4.99)."""
    if isinstance(threshold, str) and threshold[:1] in "<>":
        bound = Decimal(threshold[1:])
        return bound + Decimal("0.01") if threshold[0] == ">" else bound - Decimal("0.01")
    return threshold


def promised_and_real(name: str, facts: dict[str, Any], code: str) -> list[tuple[str, Any, int, int]]:
    found = score(name, facts).criterion(code)
    assert found is not None
    return [
        (
            step.fact,
            step.threshold,
            step.gain,
            real_gain(name, facts, code, step.fact, reaching(step.threshold)),
        )
        for step in found.next_steps
    ]


def test_aus_next_steps_add_what_they_promise_on_generated_profiles() -> None:
    rng = random.Random(7)
    years = [Decimal(x) for x in ("0", "1", "2.5", "3", "4", "5", "7", "8", "10")]
    checked = 0
    for _ in range(300):
        facts: dict[str, Any] = {
            "aus_age": rng.randint(18, 44),
            "aus_english": rng.choice(["competent", "proficient", "superior"]),
            "aus_overseas_employment_years": rng.choice(years),
            "aus_australian_employment_years": rng.choice(years),
            "aus_bachelor": rng.random() < 0.5,
            "aus_nomination": rng.choice(["none", "state_190"]),
        }
        for code in ("english", "employment", "qualification", "nomination"):
            for fact, value, promised, real in promised_and_real("australia_gsm", facts, code):
                assert real == promised, (facts, code, fact, value)
                checked += 1
    assert checked > 300


@pytest.mark.parametrize(
    ("name", "facts", "code"),
    [
        (
            "canada_crs",
            {"crs_age": 30, "crs_education": "master", **first(7, 7, 7, 7)},
            "skill_transferability",
        ),
        # SME with research spending of 2%: the step is "be an SME" (already true), promising 5.
        (
            "japan_hsp",
            {"hsp_age": 30, "hsp_employer_is_sme": True, "hsp_employer_rnd_ratio_percent": Decimal(2)},
            "sme_research_spending",
        ),
    ],
)
def test_condition_next_steps_add_what_they_promise(name: str, facts: dict[str, Any], code: str) -> None:
    steps = promised_and_real(name, facts, code)
    assert steps
    assert all(real == promised for _, _, promised, real in steps), steps


def test_a_fact_feeding_two_leaves_promises_its_whole_gain() -> None:
    steps = promised_and_real("japan_hsp", {"hsp_age": 30, "hsp_employer_is_sme": True}, "innovation")
    assert ("hsp_innovation_support", True, 20, 20) in steps, steps
