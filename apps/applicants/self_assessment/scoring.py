"""Self-assessment: score a person's answers under a rubric version.

Shared by the web page (a Django form) and the JSON API (a DRF serializer): both validate the
answers their own way, then call ``assess`` so the two can never disagree about what an answer
means. The mapping itself lives in ``apps.rubric.answers``, where the scoring of real cases uses it
too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from apps.rubric.answers import UnknownInstitution, answer_fields, institution_rank, profile_from_answers
from apps.rubric.language.scorer import ScoreResult
from apps.rubric.selectors import published_versions, scorer_for

__all__ = [
    "UnknownInstitution",
    "answer_fields",
    "assess",
    "assess_under_every_version",
    "institution_rank",
]


def assess(
    *, answers: Mapping[str, Any], version_code: str | None = None, on: dt.date | None = None
) -> ScoreResult:
    """Score under the named version, or the one in force on ``on`` (default today)."""
    scorer = scorer_for(version_code=version_code, on=on)
    return scorer.score(profile_from_answers(answers, scorer))


def assess_under_every_version(*, answers: Mapping[str, Any], on: dt.date | None = None) -> list[ScoreResult]:
    """The same answers under each published version, oldest first (the side-by-side view)."""
    return [assess(answers=answers, version_code=version.code, on=on) for version in published_versions()]
