"""Self-assessment: turn a person's answers into engine facts and score them.

Shared by the web page (a Django form) and the JSON API (a DRF serializer): both validate the
answers their own way, then call ``facts_from_answers`` and ``assess`` so the two can never
disagree about what an answer means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from apps.rubric.engine import Facts, ScoreResult
from apps.rubric.selectors import published_versions, school_by_name, scorer_for

# The answer names, as the API documents them and the page's query string uses them.
ANSWER_FIELDS: tuple[str, ...] = (
    "degree_level",
    "institution_rank",
    "institution",
    "experience_years",
    "fortune_global_500_years",
    "offered_salary_krw",
    "field",
    "publications_and_patents",
    "led_project_years",
    "international_award",
    "sponsor_is_sme",
    "core_technology_role",
    "hard_to_fill",
    "transfer_plan",
    "government_programme",
)


class UnknownInstitution(ValueError):
    """A named institution that is not in the reference list."""


def institution_rank(*, rank: int | None, institution: str | None) -> int | None:
    """The listed rank: given directly, or looked up by name; ``None`` means unranked."""
    if rank is not None:
        return rank
    if institution:
        school = school_by_name(institution)
        if school is None:
            raise UnknownInstitution(institution)
        return school.rank
    return None


def facts_from_answers(answers: Mapping[str, Any]) -> Facts:
    """Validated answers (form or serializer ``cleaned``/``validated`` data) -> engine facts."""
    return Facts(
        degree_level=answers["degree_level"],
        institution_rank=institution_rank(
            rank=answers.get("institution_rank"), institution=answers.get("institution") or None
        ),
        experience_years=Decimal(str(answers.get("experience_years") or 0)),
        fortune_global_500_years=Decimal(str(answers.get("fortune_global_500_years") or 0)),
        offered_salary_krw=int(answers.get("offered_salary_krw") or 0),
        field=answers.get("field") or "other",
        publications_and_patents=int(answers.get("publications_and_patents") or 0),
        led_project_years=Decimal(str(answers.get("led_project_years") or 0)),
        international_award=bool(answers.get("international_award")),
        sponsor_is_sme=bool(answers.get("sponsor_is_sme")),
        sme_verified=None,  # a self-assessment only ever has the claim
        core_technology_role=int(answers.get("core_technology_role") or 0),
        hard_to_fill=bool(answers.get("hard_to_fill")),
        transfer_plan=int(answers.get("transfer_plan") or 0),
        government_programme=answers.get("government_programme") or None,
    )


def assess(*, facts: Facts, version_code: str | None = None, on: dt.date | None = None) -> ScoreResult:
    """Score under the named version, or the one in force on ``on`` (default today)."""
    return scorer_for(version_code=version_code, on=on).score(facts)


def assess_under_every_version(*, facts: Facts, on: dt.date | None = None) -> list[ScoreResult]:
    """The same answers under each published version, oldest first (the side-by-side view)."""
    return [assess(facts=facts, version_code=version.code, on=on) for version in published_versions()]
