"""Drafts and cases for the simulation's tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from django.conf import settings

from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.document import Version, read_version

VERSIONS = Path(settings.BASE_DIR) / "apps" / "rubric" / "versions"


def version_2026() -> dict[str, Any]:
    return json.loads((VERSIONS / "2026-07.json").read_text(encoding="utf-8"))


def top_200_document() -> dict[str, Any]:
    """2026-07 with "top 100" widened to the top 200: the quantitative track's school condition and
    A1's top band (the 101-200 band folds into it; every other school keeps its points)."""
    data = copy.deepcopy(version_2026())
    data["code"] = "2027-03-top-200"
    data["effective_from"] = "2027-03-01"
    data["effective_to"] = None
    table = data["criteria"][0]["points"]["table"]
    assert table["columns"]["bands"] == [{"max": 100}, {"min": 101, "max": 200}]
    table["columns"]["bands"] = [{"max": 200}]
    table["points"] = {row: [cells[0], cells[2]] for row, cells in table["points"].items()}
    school = data["tracks"][0]["eligible_when"]["any"][0]["all"][1]
    assert school == {"fact": "institution_rank", "op": "<=", "value": 100}
    school["value"] = 200
    return data


def top_200() -> Version:
    return read_version(top_200_document(), default_catalogue())


def read(data: dict[str, Any]) -> Version:
    return read_version(data, default_catalogue())
