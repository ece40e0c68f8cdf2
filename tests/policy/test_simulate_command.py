"""``manage.py rubric simulate FILE --from DATE --to DATE [--base CODE]`` (issue 10), through
``call_command`` (the cases live in the test's transaction, which a subprocess cannot see)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.ministry import submitted_case
from tests.policy.helpers import top_200_document

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")
CELLS = {"pass_to_pass", "pass_to_fail", "fail_to_pass", "fail_to_fail"}


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("rubric", *args, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


@pytest.fixture
def draft_file(tmp_path: Path) -> str:
    path = tmp_path / "top-200.json"
    path.write_text(json.dumps(top_200_document()), encoding="utf-8")
    return str(path)


def test_simulate_prints_the_result_as_json(draft_file: str) -> None:
    day = dt.datetime(2026, 9, 1, 10, tzinfo=SEOUL)
    moved = submitted_case(submitted_at=day, degree_level="master", institution_rank=150,
                           fortune_global_500_years="0", offered_salary_krw=60_000_000)  # fmt: skip
    submitted_case(submitted_at=day)  # a doctorate from a top-100 school: passes under both

    data = run("simulate", draft_file, "--from", "2026-09-01", "--to", "2026-09-30", "--base", "2026-07")

    assert data["draft"] == "2027-03-top-200"
    assert data["base"] == "2026-07"
    assert data["cases"] == 2
    assert data["tracks"]["quantitative"] == {
        "pass_to_pass": 1,
        "pass_to_fail": 0,
        "fail_to_pass": 1,
        "fail_to_fail": 0,
    }
    assert set(data["segments"]) >= {"sme_sponsor", "large_sponsor", "top_100", "rank_101_200", "rank_other",
                                     "experience_under_8", "experience_8_plus", "mid_career_outside_top_100"}  # fmt: skip
    for segment in data["segments"].values():
        assert all(set(cells) == CELLS for cells in segment["tracks"].values())
    assert data["segments"]["rank_101_200"]["tracks"]["quantitative"]["fail_to_pass"] == 1
    assert data["near_thresholds"]["pass_mark"]["within"] == 5
    assert {"before", "after", "points_before", "points_after"} <= set(data["near_thresholds"]["pass_mark"])
    assert [c["reference"] for c in data["changed"]] == [moved.reference]
    assert data["criteria"]["A1"]["change"] == 2.5  # one of two cases gains 5 points


def test_the_base_defaults_to_the_version_in_force_today(draft_file: str) -> None:
    data = run("simulate", draft_file, "--from", "2026-09-01", "--to", "2026-09-30")
    assert data["base"] == "2026-07"
    assert data["cases"] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--from", "2026-13-01", "--to", "2026-12-31"),
            "--from 2026-13-01: not a date (expected YYYY-MM-DD)",
        ),
        (("--from", "2026-01-01", "--to", "soon"), "--to soon: not a date (expected YYYY-MM-DD)"),
        (("--from", "2026-12-31", "--to", "2026-01-01"), "--from 2026-12-31 is after --to 2026-01-01"),
        (
            ("--from", "2026-01-01", "--to", "2026-12-31", "--base", "1999-01"),
            "--base 1999-01: no such published",
        ),
    ],
)
def test_bad_dates_and_bases_are_refused_with_exit_status_1(
    draft_file: str, args: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        run("simulate", draft_file, *args)
    assert error.value.returncode == 1


def test_a_bad_file_is_refused_with_its_problems(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file") as error:
        run("simulate", str(tmp_path / "missing.json"), "--from", "2026-01-01", "--to", "2026-12-31")
    assert error.value.returncode == 1
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        run("simulate", str(broken), "--from", "2026-01-01", "--to", "2026-12-31")
    invalid = tmp_path / "invalid.json"
    document = top_200_document()
    document["thresholds"][0]["points"] = "seventy"
    invalid.write_text(json.dumps(document), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problem found"):
        call_command("rubric", "simulate", str(invalid), "--from", "2026-01-01", "--to", "2026-12-31",
                     stdout=io.StringIO(), stderr=err)  # fmt: skip
    assert err.getvalue().startswith("thresholds[0].points:")
