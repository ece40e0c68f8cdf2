"""Answers in the public answer shape (the API's field names) -> engine facts.

One mapping for every caller: the self-assessment page and API, and the scoring of real cases,
so an answer always means the same thing wherever it is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from apps.rubric.engine import Facts
from apps.rubric.selectors import NOT_LISTED, institution_rank_by_name

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
    if institution and institution.strip():
        listed = institution_rank_by_name(institution)
        if listed == NOT_LISTED:
            raise UnknownInstitution(institution)
        return listed
    return None


def facts_from_answers(answers: Mapping[str, Any], *, sme_verified: bool | None = None) -> Facts:
    """Validated answers -> engine facts. ``sme_verified`` is None for a self-assessment (a claim)."""
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
        sme_verified=sme_verified,
        core_technology_role=int(answers.get("core_technology_role") or 0),
        hard_to_fill=bool(answers.get("hard_to_fill")),
        transfer_plan=int(answers.get("transfer_plan") or 0),
        government_programme=answers.get("government_programme") or None,
    )


def answers_as_json(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with JSON-safe values (decimals as strings), for storing on a case."""
    out: dict[str, Any] = {}
    for name in ANSWER_FIELDS:
        if name in answers:
            value = answers[name]
            out[name] = str(value) if isinstance(value, Decimal) else value
    return out
