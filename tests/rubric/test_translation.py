"""Texts follow the active language, per language, with named placeholders free to move.

There is no Korean catalogue yet, so a stand-in for gettext plays one: what is tested is the engine's
side (which message it asks for, that it asks under the active language, and that it keeps each
language's answers apart), not the catalogue.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from apps.rubric import engine
from apps.rubric.engine import ReferenceContext, Scorer
from apps.rubric.policy_config import RubricConfig
from tests.rubric.helpers import criterion, make_facts

# Korean puts the amount first and the verb last: the placeholders move, the engine must not mind.
FAKE_KOREAN = {
    "An offered salary of %(amount)s KRW or more would add %(points)s.": (
        "연봉이 %(amount)s원 이상이면 %(points)s이 더해집니다."
    ),
    "Salary": "연봉",
    "Qualitative track": "정성 평가 트랙",
}


def fake_gettext(message: str) -> str:
    return FAKE_KOREAN.get(message, message)


def fake_ngettext(singular: str, plural: str, count: int) -> str:
    if singular == "%(count)s point":
        return "%(count)s점"  # Korean has one plural form
    return singular if count == 1 else plural


@pytest.fixture
def isolated_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh process-wide translation memo, so the stand-in never leaks into other tests."""
    monkeypatch.setattr(engine, "_TEXTS_BY_LANGUAGE", {})


@pytest.mark.usefixtures("isolated_texts")
def test_each_language_gets_its_own_texts(
    config_2026: RubricConfig, reference: ReferenceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    scorer = Scorer(config_2026, reference)
    facts = make_facts(offered_salary_krw=124_887_499, experience_years=Decimal(3))
    real_gettext, real_ngettext = engine.gettext, engine.ngettext

    monkeypatch.setattr(engine, "gettext", fake_gettext)
    monkeypatch.setattr(engine, "ngettext", fake_ngettext)
    with translation.override("ko"):
        korean = scorer.score(facts)
    monkeypatch.setattr(engine, "gettext", real_gettext)
    monkeypatch.setattr(engine, "ngettext", real_ngettext)

    with translation.override("en"):
        english = scorer.score(facts)
    with translation.override("ko"):
        korean_again = scorer.score(facts)  # from the Korean memo, not re-translated

    a3_ko = criterion(korean, "A3")
    assert a3_ko.title == "연봉"
    assert a3_ko.next_step == "연봉이 124,887,500원 이상이면 4점이 더해집니다."
    assert korean.tracks["qualitative"].title == "정성 평가 트랙"
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
    config_2026: RubricConfig, reference: ReferenceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The salary sentence is filled in once: a literal "%%" in its translation stays one "%"."""
    salary_sentence = (
        "An offered salary of %(salary)s KRW is %(ratio)s times the %(year)s per-capita GNI of %(gni)s KRW"
        " (%(band)s): %(points_of_max)s."
    )
    translated = "%(points_of_max)s: %(salary)s원, %(gni)s원의 %(ratio)s배 (%(band)s, 100%%)."
    monkeypatch.setattr(
        engine, "gettext", lambda message: translated if message == salary_sentence else message
    )
    monkeypatch.setattr(engine, "ngettext", fake_ngettext)  # the stand-in, not the real catalogue
    with translation.override("ko"):
        a3 = criterion(Scorer(config_2026, reference).score(make_facts(offered_salary_krw=124_887_499)), "A3")
    assert a3.explanation == (
        "12 of 20 points: 124,887,499원, 49,955,000원의 2.49배 (2.0 times or more, 100%)."
    )
