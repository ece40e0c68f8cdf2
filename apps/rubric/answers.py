"""Answers in the public answer shape (the API's field names, the catalogue's fact codes) -> a profile.

One mapping for every caller: the self-assessment page and API, and the scoring of real cases, so an
answer always means the same thing wherever it is given. The answer names are the catalogue's fact
codes (``apps/rubric/catalogue.json``) plus ``institution``: a school's name, looked up in the
reference list for ``institution_rank``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from apps.rubric.language.catalogue import default_catalogue
from apps.rubric.language.scorer import Profile, Scorer
from apps.rubric.selectors import NOT_LISTED, institution_rank_by_name, school_rank_on
from apps.rubric.wording import INSTITUTION, fact_label

SME_FACT = "sponsor_is_sme"  # the fact a reviewer's SME verification decides


def answer_fields() -> tuple[str, ...]:
    """The answer names, as the API documents them and the page's query string uses them."""
    codes = tuple(default_catalogue().facts)
    rank = codes.index("institution_rank") + 1 if "institution_rank" in codes else len(codes)
    return (*codes[:rank], INSTITUTION, *codes[rank:])


class UnknownInstitution(ValueError):
    """A named institution that is not in the reference list."""


def institution_rank(*, rank: int | None, institution: str | None, on: dt.date | None = None) -> int | None:
    """The listed rank: given directly, or looked up by name; ``None`` means unranked. ``on``: the
    list as it stood that day (a real case's submission day, so a later change of the list never
    moves its score: decision 39); without it, today's list."""
    if rank is not None:
        return rank
    if institution and institution.strip():
        listed = institution_rank_by_name(institution) if on is None else school_rank_on(institution, on)
        if listed == NOT_LISTED:
            raise UnknownInstitution(institution)
        return listed
    return None


def profile_values(answers: Mapping[str, Any], *, on: dt.date | None = None) -> dict[str, Any]:
    """The answers as fact values: an empty answer takes the fact's default; a named institution
    becomes its rank (on the list of day ``on``, default today). Values stay as given (the scorer
    checks them against the catalogue)."""
    values: dict[str, Any] = {}
    for code in default_catalogue().facts:
        value = answers.get(code)
        if value is None or value == "":
            continue
        values[code] = str(value) if isinstance(value, Decimal) else value
    rank = institution_rank(
        rank=values.get("institution_rank"), institution=answers.get(INSTITUTION) or None, on=on
    )
    values["institution_rank"] = rank
    return values


def profile_from_answers(
    answers: Mapping[str, Any],
    scorer: Scorer,
    *,
    sme_verified: bool | None = None,
    submitted_on: dt.date | None = None,
) -> Profile:
    """Validated answers -> the scorer's profile. ``sme_verified`` is None for a self-assessment (the
    SME claim counts, "claimed"); for a real case it is the reviewer's outcome, which replaces the
    claim and is marked verified. ``submitted_on``: a real case's submission day, whose school list
    ranks a school named without a rank. Raises ``ConfigErrors`` for a value outside the catalogue's
    bounds."""
    values = profile_values(answers, on=submitted_on)
    verified: frozenset[str] = frozenset()
    if sme_verified is not None:
        values[SME_FACT] = sme_verified
        verified = frozenset({SME_FACT})
    return scorer.profile(values, verified=verified)


NO_DEGREE = "none"  # the degree_level option for no university degree


def answer_problems(answers: Mapping[str, Any]) -> dict[str, str]:
    """Answers that cannot all be true, by the answer to correct (the self-assessment's form and API):
    a fact above another it is part of (the catalogue's ``at_most``: 5 years at a Fortune Global 500
    company out of 2 years of experience), and a university named for someone without a degree."""
    problems: dict[str, str] = {}
    catalogue = default_catalogue()
    for fact in catalogue.facts.values():
        value, limit = answers.get(fact.code), answers.get(fact.at_most or "")
        if fact.at_most is None or value in (None, "") or limit in (None, ""):
            continue
        if Decimal(str(value)) > Decimal(str(limit)):
            problems[fact.code] = _(
                "This cannot be more than your answer to “%(other)s” (%(limit)s): it is part of it."
            ) % {"other": fact_label(fact.at_most), "limit": limit}
    degree = answers.get("degree_level")
    if degree == NO_DEGREE and (
        answers.get(INSTITUTION) or answers.get("institution_rank") not in (None, "")
    ):
        name = INSTITUTION if answers.get(INSTITUTION) else "institution_rank"
        problems[name] = _(
            "You said you have no university degree: choose your degree, or leave the university empty."
        )
    return problems


def answers_as_json(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with JSON-safe values (decimals as strings), for storing on a case."""
    out: dict[str, Any] = {}
    for name in answer_fields():
        if name in answers:
            value = answers[name]
            out[name] = str(value) if isinstance(value, Decimal) else value
    return out
