"""Self-assessment: score a person's answers under a rubric version.

Shared by the web page (a Django form) and the JSON API (a DRF serializer): both validate the
answers their own way, then call ``facts_from_answers`` and ``assess`` so the two can never
disagree about what an answer means. The mapping itself lives in ``apps.rubric.answers``, where
the scoring of real cases uses it too.
"""

from __future__ import annotations

import datetime as dt

from apps.rubric.answers import ANSWER_FIELDS, UnknownInstitution, facts_from_answers, institution_rank
from apps.rubric.engine import Facts, ScoreResult
from apps.rubric.selectors import published_versions, scorer_for

__all__ = [
    "ANSWER_FIELDS",
    "UnknownInstitution",
    "assess",
    "assess_under_every_version",
    "facts_from_answers",
    "institution_rank",
]


def assess(*, facts: Facts, version_code: str | None = None, on: dt.date | None = None) -> ScoreResult:
    """Score under the named version, or the one in force on ``on`` (default today)."""
    return scorer_for(version_code=version_code, on=on).score(facts)


def assess_under_every_version(*, facts: Facts, on: dt.date | None = None) -> list[ScoreResult]:
    """The same answers under each published version, oldest first (the side-by-side view)."""
    return [assess(facts=facts, version_code=version.code, on=on) for version in published_versions()]
