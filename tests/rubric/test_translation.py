"""Texts follow the active language, per language, with named placeholders free to move.

Sentences come from two places: the version's own words (titles and ``says`` overrides, in English
and Korean in the document) and the language's generic sentences (``apps.rubric.language.texts``,
translated through gettext once per language and kept). What is tested is the scorer's side: that it
asks under the active language, keeps each language's answers apart, and fills a translation in once.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from apps.rubric.language import texts
from apps.rubric.language.document import Version
from apps.rubric.language.scorer import Reference, Scorer
from tests.rubric.helpers import criterion, make_facts


@pytest.fixture
def isolated_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh process-wide translation memo, so a stand-in never leaks into other tests."""
    monkeypatch.setattr(texts, "TEXTS_BY_LANGUAGE", {})


@pytest.mark.usefixtures("isolated_texts")
def test_each_language_gets_its_own_texts(config_2026: Version, reference: Reference) -> None:
    scorer = Scorer(config_2026, reference)
    facts = make_facts(offered_salary_krw=124_887_499, experience_years=Decimal(3))
    with translation.override("ko"):
        korean = scorer.score(facts)
    with translation.override("en"):
        english = scorer.score(facts)
    with translation.override("ko"):
        korean_again = scorer.score(facts)  # from the Korean memo, not re-translated

    a3_ko = criterion(korean, "A3")
    assert a3_ko.title == "연봉"
    assert a3_ko.next_step == "제안 연봉이 124,887,500원 이상이면 4점이 추가됩니다."
    assert korean.tracks["qualitative"].title == "정성 트랙"
    assert (
        criterion(english, "A3").next_step
        == "An offered salary of 124,887,500 KRW or more would add 4 points."
    )
    assert criterion(english, "A3").title == "Salary"
    assert korean_again == korean
    # Points are counted the same in every language; only the words differ.
    assert [c.points for c in korean.criteria] == [c.points for c in english.criteria]


@pytest.mark.usefixtures("isolated_texts")
def test_a_percent_sign_in_a_translation_is_kept(
    config_2026: Version, reference: Reference, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A generic sentence is filled in once: a literal "%%" in its translation stays one "%"."""
    translated = "합계 %(points_of_max)s (100%%)."
    real = texts.gettext
    monkeypatch.setattr(
        texts, "gettext", lambda message: translated if message == texts.TOTAL else real(message)
    )
    with translation.override("ko"):
        a2 = criterion(Scorer(config_2026, reference).score(make_facts(experience_years=Decimal(3))), "A2")
    assert a2.explanation.endswith("합계 20점 중 4점 (100%).")
