"""``manage.py score_profile``: the API's answer on the command line, and its errors on stderr."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from tests.applicants.test_api import FULL_PROFILE, MINIMAL_PROFILE, URL, _fresh_caches  # noqa: F401


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("score_profile", *args, stdout=out)
    return out.getvalue()


def write(tmp_path: Path, body: Any) -> Path:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(
    "profile", [FULL_PROFILE, MINIMAL_PROFILE, {**FULL_PROFILE, "rubric_version": "2025-03"}]
)
def test_prints_the_same_json_as_the_api(tmp_path: Path, profile: dict[str, Any]) -> None:
    printed = run(str(write(tmp_path, profile)))
    api = APIClient().post(URL, data=json.dumps(profile), content_type="application/json")

    assert api.status_code == 200
    assert json.loads(printed) == api.json()
    assert printed.startswith('{\n  "rubric_version": ')  # indented by 2


@pytest.mark.django_db
def test_reads_stdin_and_keeps_korean_text_readable(monkeypatch: pytest.MonkeyPatch) -> None:
    from apps.rubric.models import EngineeringSchool

    EngineeringSchool.objects.create(name="KAIST", name_ko="한국과학기술원", rank=40)
    monkeypatch.setattr(
        "sys.stdin", io.StringIO(json.dumps({**MINIMAL_PROFILE, "institution": "한국과학기술원"}))
    )

    result = json.loads(run("-"))

    assert result["criteria"][0]["points"] == 20


@pytest.mark.django_db
def test_bad_profile_names_each_field_and_fails(tmp_path: Path) -> None:
    path = write(
        tmp_path, {**FULL_PROFILE, "experience_years": -2, "field": "chemistry", "degree_level": None}
    )

    with pytest.raises(CommandError) as caught:
        run(str(path))

    message = str(caught.value)
    assert caught.value.returncode != 0
    assert message.startswith("The profile is not valid:")
    assert "  experience_years: Must not be negative." in message
    assert '  field: Unknown answer "chemistry"' in message
    assert "  degree_level: This field may not be null." in message


@pytest.mark.django_db
def test_unknown_version_is_a_field_error(tmp_path: Path) -> None:
    with pytest.raises(
        CommandError, match=r'rubric_version: Unknown rubric version "1999"\. Versions that exist'
    ):
        run(str(write(tmp_path, {**MINIMAL_PROFILE, "rubric_version": "1999"})))


@pytest.mark.django_db
def test_a_list_is_not_a_profile(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Expected a dictionary"):
        run(str(write(tmp_path, [MINIMAL_PROFILE])))


@pytest.mark.parametrize("text", ['{"degree_level": ', '{"experience_years": NaN}'])
def test_malformed_json_fails(tmp_path: Path, text: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError, match="is not valid JSON"):
        run(str(path))


def test_missing_file_fails(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nowhere.json"))
