"""What the ministry queue filters and searches on, copied onto the case row at submission.

The embedded PostgreSQL ships without pg_trgm (docs/decisions/0002), so names are found through
their character bigrams in an array with a GIN index: a query's bigrams must all be present
(``search_grams @> ARRAY[...]``, answered by the index), then ``search_text`` confirms the whole
query as a substring. Bigrams rather than trigrams because most Korean given names are two
syllables and a whole Korean name is often three.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db.models import Q

from apps.cases.models import Case, Sponsorship, SponsorshipStatus
from apps.organisations.models import SizeClass

GRAM = 2


def normalise(text: str) -> str:
    """Lower case, compatibility-normalised (full-width Latin, decomposed Hangul), single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def grams(text: str) -> list[str]:
    """What the index holds: each word's distinct characters and character bigrams.

    Single characters are there so a one-syllable query (a Korean family name, "김") is answered by
    the index too.
    """
    found: set[str] = set()
    for word in normalise(text).split():
        found.update(word)
        found.update(word[i : i + GRAM] for i in range(len(word) - GRAM + 1))
    return sorted(found)


def query_grams(text: str) -> list[str]:
    """What a query must find in the index: its bigrams (more selective), or the lone character."""
    found: set[str] = set()
    for word in normalise(text).split():
        found.update([word] if len(word) < GRAM else (word[i : i + GRAM] for i in range(len(word) - 1)))
    return sorted(found)


def search_filter(query: str) -> Q:
    """Cases whose reference, applicant name or employer contain ``query`` (case-insensitive)."""
    text = normalise(query)
    if not text:
        return Q()
    wanted = query_grams(text)
    # Every bigram must be there (the GIN index), then the text must really contain the query.
    return Q(search_grams__contains=wanted, search_text__contains=text)


def index_fields(case: Case, *, applicant_name: str = "") -> dict[str, Any]:
    """The queue's copy of the case's names and filters, from its facts and confirmed sponsorship."""
    sponsorship = (
        Sponsorship.objects.filter(case=case, status=SponsorshipStatus.CONFIRMED)
        .select_related("organisation")
        .first()
    )
    name = (applicant_name or case.applicant.full_name or case.applicant.email).strip()
    employer = sponsorship.organisation.name if sponsorship else ""
    sme_claimed = bool(sponsorship and sponsorship.organisation.size_class == SizeClass.SME) or bool(
        case.facts.get("sponsor_is_sme")
    )
    text = normalise(f"{case.reference} {name} {employer}")
    return {
        "applicant_name": name[:200],
        "employer_name": employer[:200],
        "field": str(case.facts.get("field") or "")[:50],
        "sme_claimed": sme_claimed,
        "search_text": text,
        "search_grams": grams(text),
    }
