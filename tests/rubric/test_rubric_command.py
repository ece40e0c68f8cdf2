"""``manage.py rubric check`` and ``manage.py rubric score`` (issue 9, "Two commands"), and
``reference_on``, the database's reference data as the rubric language's ``Reference``.

Exit codes: a problem raises ``CommandError`` (``returncode`` 1), which ``manage.py`` turns into
exit status 1 and ``call_command`` raises as it is. ``check`` needs no database, so its exit codes are
also tested in a real ``manage.py`` process; ``score`` reads the test database, which a subprocess
cannot see inside the test's transaction, so it is tested through ``call_command``.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.rubric.models import GovernmentProgramme, PerCapitaGNI, StrategicField
from apps.rubric.selectors import reference_on

VERSIONS = Path(settings.BASE_DIR) / "apps" / "rubric" / "versions"
V2025 = VERSIONS / "2025-03.json"
V2026 = VERSIONS / "2026-07.json"
GNI_2024 = 49_955_000
ON = "2026-12-01"  # 2026-07 in force; the 2024 figure (published 2025-03-05) is the one in force

# Points by hand under 2026-07 with per-capita GNI 49,955,000:
# A1 master's at rank 150 (101-200) = 15; A2 7.5 years (5 or more) = 7, no Fortune years = 0;
# A3 110,000,000 / 49,955,000 = 2.20 times (2.0 or more) = 12; B1 "ai" on the strategic list = 5,
# 3 publications (2 or more) = 4, no project or award = 0 -> 9; B2 role 4 of 5 = 4, hard to fill = 5,
# no transfer plan = 0 -> 9. Quantitative 34, qualitative 18, SME bonus 10: total 62, below 70.
PROFILE: dict[str, Any] = {
    "degree_level": "master",
    "institution_rank": 150,
    "experience_years": "7.5",
    "offered_salary_krw": 110_000_000,
    "field": "ai",
    "publications_and_patents": 3,
    "sponsor_is_sme": True,
    "core_technology_role": 4,
    "hard_to_fill": True,
}


def run(*args: str, stdin: str | None = None) -> tuple[str, str]:
    """``call_command("rubric", *args)``: (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    extra: dict[str, Any] = {"stdin": io.StringIO(stdin)} if stdin is not None else {}
    call_command("rubric", *args, stdout=out, stderr=err, **extra)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str, stdin: str | None = None) -> tuple[CommandError, str]:
    """A run that must end with exit status 1: (the error, stderr's lines before it)."""
    err = io.StringIO()
    extra: dict[str, Any] = {"stdin": io.StringIO(stdin)} if stdin is not None else {}
    with pytest.raises(CommandError) as caught:
        call_command("rubric", *args, stdout=io.StringIO(), stderr=err, **extra)
    assert caught.value.returncode == 1
    return caught.value, err.getvalue()


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    """``manage.py rubric ...`` in a process of its own, with the test settings."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.test"),
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "rubric", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=120,
        check=False,
    )


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def broken_2026() -> dict[str, Any]:
    """2026-07 with five separate mistakes."""
    data = json.loads(V2026.read_text(encoding="utf-8"))
    broken = copy.deepcopy(data)
    criteria = {c["code"]: c for c in broken["criteria"]}
    criteria["A1"]["points"]["table"]["rows"] = "degree_levle"  # an unknown fact
    criteria["A2"]["max"] = 30  # a maximum the rules cannot reach
    bands = criteria["A3"]["points"]["bands"]["bands"]
    bands[0], bands[1] = bands[1], bands[0]  # unordered bands
    del criteria["B2"]["title"]["ko"]  # missing Korean text
    broken["tracks"][0]["eligible_when"]["any"][1]["op"] = "is"  # an unknown operator
    return broken


@pytest.fixture
def reference_rows() -> None:
    """The seeded reference rows the scores below are computed with (the seed migration holds them;
    made sure of here so the test does not depend on another test leaving them)."""
    PerCapitaGNI.objects.update_or_create(
        year=2024, defaults={"amount_krw": GNI_2024, "published_on": dt.date(2025, 3, 5)}
    )
    StrategicField.objects.update_or_create(
        code="ai", defaults={"name": "Artificial intelligence", "name_ko": "인공지능", "is_active": True}
    )
    GovernmentProgramme.objects.update_or_create(
        code="MOHW",
        defaults={
            "name": "Ministry of Health and Welfare recruitment programme",
            "name_ko": "보건복지부 인재 유치 사업",
            "is_active": True,
        },
    )


@pytest.fixture
def profile_file(tmp_path: Path) -> Path:
    return write_json(tmp_path / "profile.json", PROFILE)


def score(*args: str, stdin: str | None = None) -> dict[str, Any]:
    out, err = run("score", *args, stdin=stdin)
    assert err == ""
    result: dict[str, Any] = json.loads(out)
    return result


def points(result: dict[str, Any]) -> dict[str, int]:
    return {c["code"]: c["points"] for c in result["criteria"]}


# --------------------------------------------------------------------------------------------------
# check


@pytest.mark.parametrize(
    ("path", "summary"),
    [(V2025, "version 2025-03, 0 criteria, 1 track"), (V2026, "version 2026-07, 5 criteria, 3 tracks")],
)
def test_check_passes_the_shipped_versions(path: Path, summary: str) -> None:
    out, err = run("check", str(path))
    assert out == f"{path}: OK ({summary})\n"
    assert err == ""


def test_check_lists_every_problem_with_its_path(tmp_path: Path) -> None:
    path = write_json(tmp_path / "broken.json", broken_2026())
    error, err = run_failing("check", str(path))
    assert err.splitlines() == [
        "criteria.A1.points.table.rows: unknown fact 'degree_levle' (not in the catalogue nor in this "
        "version's facts)",
        "criteria.A2.max: cannot be reached: the rules give at most 20",
        "criteria.A3.points.bands.bands[2]: bands must be listed in order of value (all rising or all falling)",
        "criteria.B2.title.ko: is required",
        "tracks.quantitative.eligible_when.any[1].op: must be one of <, <=, >, >=, =, !=",
    ]
    assert str(error) == f"{path}: 5 problems found"


def test_check_refuses_invalid_json_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "code": "2026-07",\n  "criteria": [,]\n}\n', encoding="utf-8")
    error, _err = run_failing("check", str(path))
    assert str(error) == f"{path}: not valid JSON: Expecting value (line 3, column 16)"


def test_check_refuses_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    error, _err = run_failing("check", str(path))
    assert str(error) == f"{path}: no such file"


def test_check_exit_codes_in_a_real_process(tmp_path: Path) -> None:
    ok = manage("check", str(V2026))
    assert (ok.returncode, ok.stdout.strip()) == (0, f"{V2026}: OK (version 2026-07, 5 criteria, 3 tracks)")

    broken = manage("check", str(write_json(tmp_path / "broken.json", broken_2026())))
    assert broken.returncode == 1
    assert broken.stdout == ""
    assert "criteria.B2.title.ko: is required" in broken.stderr.splitlines()
    assert "5 problems found" in broken.stderr

    invalid = tmp_path / "invalid.json"
    invalid.write_text('{"code": "2026-07",}', encoding="utf-8")
    not_json = manage("check", str(invalid))
    assert not_json.returncode == 1
    assert "not valid JSON: Expecting property name enclosed in double quotes (line 1, column 20)" in (
        not_json.stderr
    )

    missing = manage("check", str(tmp_path / "missing.json"))
    assert missing.returncode == 1
    assert f"{tmp_path / 'missing.json'}: no such file" in missing.stderr


def test_score_exit_code_in_a_real_process_for_a_bad_version_file(tmp_path: Path) -> None:
    # The version file is read before the database is; a bad one fails the same way as in ``check``.
    broken = manage("score", str(write_json(tmp_path / "broken.json", broken_2026())), "-")
    assert broken.returncode == 1
    assert "criteria.A2.max: cannot be reached: the rules give at most 20" in broken.stderr.splitlines()


# --------------------------------------------------------------------------------------------------
# score


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_score_prints_points_totals_thresholds_and_tracks(profile_file: Path) -> None:
    result = score(str(V2026), str(profile_file), "--on", ON)
    assert result["version"] == "2026-07"
    assert points(result) == {"A1": 15, "A2": 7, "A3": 12, "B1": 9, "B2": 9}
    assert [c["max"] for c in result["criteria"]] == [25, 20, 20, 20, 15]
    assert result["groups"] == {"quantitative": 34, "qualitative": 18}
    assert result["bonuses"] == [{"code": "sme", "points": 10, "basis": "claimed"}]
    assert result["total"] == 62
    assert result["thresholds"] == {"pass_mark": {"points": 70, "reached": False}}
    assert {code: track["eligible"] for code, track in result["tracks"].items()} == {
        "quantitative": False,
        "qualitative": False,
        "government_programme": False,
    }
    a3 = result["criteria"][2]
    assert a3["explanation"] == (
        "An offered salary of 110,000,000 KRW is 2.20 times the 2024 per-capita GNI of 49,955,000 KRW "
        "(2.0 times or more): 12 of 20 points."
    )
    # 2.5 x 49,955,000 = 124,887,500.
    assert a3["next_steps"] == ["An offered salary of 124,887,500 KRW or more would add 4 points."]
    assert (
        result["criteria"][1]["next_steps"][0]
        == "Relevant work experience of 8 years or more would add 3 points."
    )
    assert (
        "Field Artificial intelligence, on the strategic list: 5 points."
        in result["criteria"][3]["explanation"]
    )
    assert (
        "A rubric total of 62 points (SME bonus included) is below the pass mark of 70."
        in result["tracks"]["qualitative"]["reasons"]
    )
    assert set(result) == {"version", "criteria", "groups", "bonuses", "total", "thresholds", "tracks"}
    assert set(result["criteria"][0]) == {"code", "points", "max", "explanation", "next_steps"}


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_score_at_a_threshold_and_one_below(tmp_path: Path) -> None:
    # Doctorate at rank 100 = 25; 10 years = 12 and 2 Fortune years = 8 -> 20; salary exactly
    # 3.0 x 49,955,000 = 149,865,000 -> 20; "ai" 5, 10 publications 8, led a project 1.5 years 4 -> 17;
    # role 5 of 5 = 5, transfer plan 2 of 5 = 2 -> 7. Total 89: the pass mark and all three tracks.
    at = {
        "degree_level": "doctorate",
        "institution_rank": 100,
        "experience_years": 10,
        "fortune_global_500_years": 2,
        "offered_salary_krw": 149_865_000,
        "field": "ai",
        "publications_and_patents": 10,
        "led_project_years": 1.5,
        "core_technology_role": 5,
        "transfer_plan": 2,
        "government_programme": "MOHW",
    }
    result = score(str(V2026), str(write_json(tmp_path / "at.json", at)), "--on", ON)
    assert points(result) == {"A1": 25, "A2": 20, "A3": 20, "B1": 17, "B2": 7}
    assert result["total"] == 89
    assert result["thresholds"]["pass_mark"]["reached"] is True
    assert all(track["eligible"] for track in result["tracks"].values())

    # One below each threshold: rank 101, 9.99 years, 1.99 Fortune years, 149,864,999 KRW, 9 publications.
    below = {
        **at,
        "institution_rank": 101,
        "experience_years": "9.99",
        "fortune_global_500_years": "1.99",
        "offered_salary_krw": 149_864_999,
        "publications_and_patents": 9,
    }
    result = score(str(V2026), str(write_json(tmp_path / "below.json", below)), "--on", ON)
    assert points(result) == {"A1": 20, "A2": 10, "A3": 16, "B1": 15, "B2": 7}
    assert result["total"] == 68
    assert result["thresholds"]["pass_mark"]["reached"] is False
    assert {code: track["eligible"] for code, track in result["tracks"].items()} == {
        "quantitative": False,
        "qualitative": False,
        "government_programme": True,
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_score_reads_the_profile_from_stdin(profile_file: Path) -> None:
    from_stdin = score(str(V2026), "-", "--on", ON, stdin=json.dumps(PROFILE))
    assert from_stdin == score(str(V2026), str(profile_file), "--on", ON)
    assert from_stdin["total"] == 62


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_score_in_korean(profile_file: Path) -> None:
    result = score(str(V2026), str(profile_file), "--on", ON, "--language", "ko")
    assert points(result) == {"A1": 15, "A2": 7, "A3": 12, "B1": 9, "B2": 9}
    explanations = [c["explanation"] for c in result["criteria"]]
    assert explanations[0].startswith("150위 기관의 석사 학위")
    assert "인공지능" in explanations[3]
    assert "KRW" not in explanations[2]
    assert "원" in explanations[2]
    assert result["tracks"]["qualitative"]["reasons"][0].startswith("평가 기준표 합계")
    assert result == json.loads(json.dumps(result, ensure_ascii=False))  # plain JSON, Korean kept as is
    # The command's language does not leak into what runs after it.
    from django.utils.translation import get_language

    assert get_language() == "en"


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_verified_facts_make_a_bonus_verified(profile_file: Path) -> None:
    result = score(str(V2026), str(profile_file), "--on", ON, "--verified", "sponsor_is_sme, field")
    assert result["bonuses"] == [{"code": "sme", "points": 10, "basis": "verified"}]
    error, _err = run_failing("score", str(V2026), str(profile_file), "--verified", "sponsor_is_sme,smee")
    assert str(error) == "--verified: unknown fact smee"


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_score_uses_the_gni_figure_in_force_on_the_date(tmp_path: Path) -> None:
    # 100,000,000 KRW is 2.0018 x the 2024 figure (12 points) but 1.96 x the 2025 one (8 points).
    PerCapitaGNI.objects.create(year=2025, amount_krw=51_000_000, published_on=dt.date(2026, 3, 4))
    path = str(write_json(tmp_path / "p.json", {**PROFILE, "offered_salary_krw": 100_000_000}))
    before = score(str(V2026), path, "--on", "2026-03-03")
    after = score(str(V2026), path, "--on", "2026-03-04")
    assert (points(before)["A3"], points(after)["A3"]) == (12, 8)
    assert "2025 per-capita GNI of 51,000,000 KRW" in after["criteria"][2]["explanation"]


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_score_an_unpublished_draft(tmp_path: Path) -> None:
    # A version file need not be published (nor in the database): a draft with a higher pass mark.
    draft = json.loads(V2026.read_text(encoding="utf-8"))
    draft["code"] = "2027-draft"
    draft["thresholds"][0]["points"] = 60
    result = score(
        str(write_json(tmp_path / "draft.json", draft)), "-", "--on", ON, stdin=json.dumps(PROFILE)
    )
    assert result["version"] == "2027-draft"
    assert result["thresholds"]["pass_mark"] == {"points": 60, "reached": True}
    assert result["tracks"]["qualitative"]["eligible"] is True


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_a_bad_profile_names_every_bad_fact(tmp_path: Path) -> None:
    bad = {
        **PROFILE,
        "experiance_years": 3,  # unknown
        "degree_level": "masters",  # not an option
        "offered_salary_krw": "a lot",  # not a number
        "publications_and_patents": 2.5,  # not whole
        "core_technology_role": 6,  # above the bound
        "hard_to_fill": "yes",  # not a yes/no
    }
    error, err = run_failing("score", str(V2026), str(write_json(tmp_path / "bad.json", bad)), "--on", ON)
    lines = err.splitlines()
    assert lines[0] == "experiance_years: unknown fact"
    assert [line.split(":")[0] for line in lines] == [
        "experiance_years",
        "degree_level",
        "offered_salary_krw",
        "publications_and_patents",
        "core_technology_role",
        "hard_to_fill",
    ]
    assert "core_technology_role: must be at most 5" in lines
    assert str(error) == f"{tmp_path / 'bad.json'}: 6 problems in the profile"


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_a_profile_that_is_not_an_object_or_not_json(tmp_path: Path) -> None:
    error, _err = run_failing("score", str(V2026), "-", stdin="[1, 2]")
    assert str(error) == "stdin: must be a JSON object of fact code -> value"
    error, _err = run_failing("score", str(V2026), "-", stdin='{"field": "ai"')
    assert str(error).startswith("stdin: not valid JSON: Expecting ',' delimiter (line 1, column 15)")
    error, _err = run_failing("score", str(V2026), str(tmp_path / "none.json"))
    assert str(error) == f"{tmp_path / 'none.json'}: no such file"
    error, _err = run_failing("score", str(V2026), "-", "--on", "2026-13-01", stdin="{}")
    assert str(error) == "--on 2026-13-01: not a date (expected YYYY-MM-DD)"
    error, _err = run_failing("score", "-", "-", stdin="{}")
    assert str(error) == "only one of the version file and the profile can be read from stdin"


@pytest.mark.django_db
def test_score_without_a_gni_figure_says_so(profile_file: Path) -> None:
    PerCapitaGNI.objects.all().delete()
    error, _err = run_failing("score", str(V2026), str(profile_file), "--on", ON)
    assert str(error).startswith(
        f"{V2026}: version 2026-07 cannot be scored on {ON}: no per_capita_gni figure"
    )
    # 2025-03 needs no GNI figure (no threshold is a multiple of one): it scores without.
    out, _err = run("score", str(V2025), str(profile_file), "--on", "2025-06-01")
    assert json.loads(out)["version"] == "2025-03"


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_score_under_2025_03(profile_file: Path) -> None:
    result = score(str(V2025), str(profile_file), "--on", "2025-06-01")
    assert result["version"] == "2025-03"
    assert result["criteria"] == []
    assert list(result["tracks"]) == ["quantitative"]
    assert result["tracks"]["quantitative"]["eligible"] is False


# --------------------------------------------------------------------------------------------------
# reference_on


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_rows")
def test_reference_on_reads_figures_lists_and_names() -> None:
    PerCapitaGNI.objects.create(year=2025, amount_krw=51_000_000, published_on=dt.date(2026, 3, 4))
    StrategicField.objects.create(code="retired", name="Retired field", name_ko="폐지 분야", is_active=False)
    GovernmentProgramme.objects.create(code="OLD", name="Old programme", name_ko="옛 사업", is_active=False)

    before = reference_on(dt.date(2026, 3, 3))
    after = reference_on(dt.date(2026, 3, 4))
    assert before.quantities == {"per_capita_gni": (2024, GNI_2024)}
    assert after.quantities == {"per_capita_gni": (2025, 51_000_000)}
    # Every figure by its year, for thresholds that name one.
    assert after.by_year[("per_capita_gni", 2024)] == GNI_2024
    assert after.by_year[("per_capita_gni", 2025)] == 51_000_000

    assert "ai" in after.lists["strategic"]
    assert "retired" not in after.lists["strategic"]
    assert after.lists["strategic"] == frozenset(
        StrategicField.objects.filter(is_active=True).values_list("code", flat=True)
    )
    assert "MOHW" in after.lists["recognised_programmes"]
    assert "OLD" not in after.lists["recognised_programmes"]
    assert after.names["ai"] == ("Artificial intelligence", "인공지능")
    assert after.names["MOHW"] == (
        "Ministry of Health and Welfare recruitment programme",
        "보건복지부 인재 유치 사업",
    )
    assert after.names["retired"] == ("Retired field", "폐지 분야")
    assert after.names["other"] == ("Other", "기타")


@pytest.mark.django_db
def test_reference_on_without_gni() -> None:
    PerCapitaGNI.objects.all().delete()
    reference = reference_on(dt.date(2026, 12, 1))
    assert reference.quantities == {}
    assert reference.by_year == {}
