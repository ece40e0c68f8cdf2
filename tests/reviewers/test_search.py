"""Finding cases by reference, applicant name (Korean too) and employer, through the bigram index."""

from __future__ import annotations

import pytest

from apps.cases.models import Case
from apps.cases.search import grams, normalise, query_grams, search_filter
from tests.ministry import submitted_case

pytestmark = pytest.mark.django_db


def test_index_holds_characters_and_bigrams_of_each_word():
    assert grams("김민준") == ["김", "김민", "민", "민준", "준"]
    assert grams("Li Wei") == ["e", "ei", "i", "l", "li", "w", "we"]


def test_a_query_looks_for_its_bigrams_or_its_lone_character():
    assert query_grams("김민준") == ["김민", "민준"]
    assert query_grams("김") == ["김"]


def test_normalise_folds_case_and_full_width_letters():
    assert normalise("  ＫＴＰ  Kim ") == "ktp kim"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("민준", {"김민준"}),
        ("김민준", {"김민준"}),
        ("박", {"박서연"}),
        ("elena", {"Elena Petrova"}),
        ("PETRO", {"Elena Petrova"}),
        ("준김", set()),  # both bigrams absent in that order: no match
        ("xyz", set()),
    ],
)
def test_search_by_applicant_name(query, expected):
    for name in ("김민준", "박서연", "Elena Petrova"):
        submitted_case(applicant_name=name)
    found = set(Case.objects.filter(search_filter(query)).values_list("applicant_name", flat=True))
    assert found == expected


def test_search_by_reference():
    case = submitted_case(applicant_name="Somebody")
    submitted_case(applicant_name="Somebody Else")
    found = Case.objects.filter(search_filter(case.reference.lower()))
    assert list(found) == [case]


def test_search_uses_the_gin_index():
    submitted_case(applicant_name="김민준")
    plan = Case.objects.filter(search_filter("민준")).explain(format="text")
    # On a tiny table the planner may prefer a sequential scan; the index must at least be usable.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = Case.objects.filter(search_filter("민준")).explain()
        cursor.execute("RESET enable_seqscan")
    assert "case_search_grams_idx" in plan
