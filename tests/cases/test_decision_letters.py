"""The decision letter (decision 0046): issued with every approval, its code derived (never stored)
and checked in constant time; a new letter supersedes the old, a withdrawn one reads as withdrawn;
the PDF carries the case's facts and the programme's next steps in English and Korean."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from apps.cases import letters
from apps.cases.letters import (
    Verdict,
    code_of,
    current_letter,
    letter_code,
    letter_reissue,
    letter_verify,
    letter_withdraw,
    normalise_code,
    read_letter_content,
    render_letter_pdf,
)
from apps.cases.models import CaseEvent, DecisionLetter
from tests.cases.decided import SEOUL, decided_case
from tests.ministry import reviewer, supervisor

pytestmark = pytest.mark.django_db

DECIDED = dt.datetime(2026, 11, 10, 15, 30, tzinfo=SEOUL)


@pytest.fixture
def approved():
    return decided_case(approve=True, at=DECIDED)


def test_an_approval_issues_one_current_letter_with_the_cases_facts(approved):
    letter = current_letter(approved)
    assert letter is not None
    assert (letter.track, letter.rubric_version_code, letter.decided_at) == (
        "quantitative",
        "2026-07",
        DECIDED,
    )
    assert (
        letter.score_total == approved.score.total if hasattr(approved, "score") else letter.score_total > 0
    )
    assert approved.events.filter(kind=CaseEvent.Kind.LETTER_ISSUED).count() == 1


def test_a_rejection_has_no_letter():
    rejected = decided_case(approve=False, at=DECIDED)
    assert not DecisionLetter.objects.filter(case=rejected).exists()
    assert current_letter(rejected) is None


def test_the_code_is_not_stored_anywhere_on_the_row(approved):
    letter = current_letter(approved)
    code = code_of(letter)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}", code)
    stored = json.dumps(
        {f.attname: str(getattr(letter, f.attname)) for f in DecisionLetter._meta.concrete_fields}
    )
    assert code.replace("-", "") not in stored.replace("-", "")


def test_the_code_depends_on_the_secret(approved, settings):
    letter = current_letter(approved)
    before = code_of(letter)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert code_of(letter) != before


def test_codes_differ_between_letters_and_references():
    assert letter_code(reference="KTP-AAAA-BBBB", nonce="n1") != letter_code(
        reference="KTP-AAAA-BBBB", nonce="n2"
    )
    assert letter_code(reference="KTP-AAAA-BBBB", nonce="n1") != letter_code(
        reference="KTP-AAAA-BBBC", nonce="n1"
    )


def test_the_right_code_verifies_as_genuine_however_it_is_typed(approved):
    letter = current_letter(approved)
    code = code_of(letter)
    for typed_code, typed_reference in [
        (code, approved.reference),
        (code.lower().replace("-", " "), approved.reference.lower()),
        (code.replace("-", ""), approved.reference.replace("-", "")),
    ]:
        result = letter_verify(reference=typed_reference, code=typed_code)
        assert (result.verdict, result.letter) == (Verdict.GENUINE, letter), typed_code


def test_crockford_readings_count_as_the_same_character():
    assert normalise_code("io-lo") == "1010"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda code: code[:-1] + ("0" if code[-1] != "0" else "1"),  # one character wrong
        lambda code: code[:-5],  # too short
        lambda code: code + "A",  # too long
        lambda code: "",
    ],
)
def test_a_wrong_code_matches_nothing(approved, mangle):
    code = code_of(current_letter(approved))
    assert letter_verify(reference=approved.reference, code=mangle(code)).verdict == Verdict.NO_MATCH


def test_a_right_code_with_another_reference_matches_nothing(approved):
    other = decided_case(approve=True, at=DECIDED)
    code = code_of(current_letter(approved))
    assert letter_verify(reference=other.reference, code=code).verdict == Verdict.NO_MATCH
    assert letter_verify(reference="KTP-0000-0000", code=code).verdict == Verdict.NO_MATCH


def test_a_new_letter_supersedes_the_old_code(approved):
    old = current_letter(approved)
    old_code = code_of(old)
    new = letter_reissue(case=approved, by=supervisor())
    assert new.pk != old.pk
    assert code_of(new) != old_code
    assert letter_verify(reference=approved.reference, code=old_code).verdict == Verdict.SUPERSEDED
    assert letter_verify(reference=approved.reference, code=code_of(new)).verdict == Verdict.GENUINE
    assert current_letter(approved) == new


def test_only_a_supervisor_reissues_or_withdraws(approved):
    letter = current_letter(approved)
    with pytest.raises(PermissionDenied):
        letter_reissue(case=approved, by=reviewer())
    with pytest.raises(PermissionDenied):
        letter_withdraw(letter=letter, by=reviewer(), reason="Issued in error.")
    assert letter_verify(reference=approved.reference, code=code_of(letter)).verdict == Verdict.GENUINE


def test_a_withdrawn_letter_reads_as_withdrawn_with_its_reason_on_the_timeline(approved):
    letter = current_letter(approved)
    boss = supervisor()
    with pytest.raises(ValidationError):
        letter_withdraw(letter=letter, by=boss, reason="  ")
    letter_withdraw(letter=letter, by=boss, reason="Issued in error.")
    assert letter_verify(reference=approved.reference, code=code_of(letter)).verdict == Verdict.WITHDRAWN
    assert current_letter(approved) is None
    event = approved.events.get(kind=CaseEvent.Kind.LETTER_WITHDRAWN)
    assert (event.actor, event.reason) == (boss, "Issued in error.")
    with pytest.raises(ValidationError, match="already been withdrawn"):
        letter_withdraw(letter=letter, by=boss, reason="Again.")


def test_the_database_allows_one_current_letter_per_case(approved):
    letter = current_letter(approved)
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionLetter.objects.create(
            case=approved,
            nonce="another",
            track=letter.track,
            score_total=1,
            rubric_version_code="2026-07",
            decided_at=letter.decided_at,
            issued_at=letter.issued_at,
        )


def test_the_letter_is_history_tracked(approved):
    letter = current_letter(approved)
    letter_withdraw(letter=letter, by=supervisor(), reason="Issued in error.")
    assert letter.events.count() == 2  # created, withdrawn (pghistory)


# --- The letter's programme facts are data -------------------------------------------------------


def test_the_shipped_letter_content_has_every_text_in_both_languages():
    content = letters.letter_content()
    assert len(content.next_steps) >= 2
    assert len(content.benefits) >= 5
    assert any("two weeks" in item["en"] for item in content.next_steps)
    assert any("2주" in item["ko"] for item in content.next_steps)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"issuer": {"en": "x", "ko": "y"}, "next_steps": [], "benefits": [{"en": "a", "ko": "b"}]},
            "next_steps",
        ),
        (
            {
                "issuer": {"en": "x", "ko": "y"},
                "next_steps": [{"en": "a"}],
                "benefits": [{"en": "a", "ko": "b"}],
            },
            r"next_steps\[0\]",
        ),
        (
            {
                "issuer": {"en": "x"},
                "next_steps": [{"en": "a", "ko": "b"}],
                "benefits": [{"en": "a", "ko": "b"}],
            },
            "issuer",
        ),
        ([], "object"),
    ],
)
def test_letter_content_without_both_languages_is_refused_with_its_path(data, message):
    with pytest.raises(ValueError, match=message):
        read_letter_content(data)


# --- The PDF -------------------------------------------------------------------------------------


def _pdf_text(pdf: bytes) -> str:
    """The text operators of every content stream (reportlab writes Latin text as literal strings;
    its streams are ASCII85- and Flate-encoded)."""
    parts = []
    for header, stream in re.findall(
        rb"<<((?:(?!endobj).)*?)>>\s*stream\r?\n(.*?)\s*endstream", pdf, re.DOTALL
    ):
        data = stream
        if b"ASCII85Decode" in header:
            data = base64.a85decode(data, adobe=data.endswith(b"~>"))
        if b"FlateDecode" in header:
            data = zlib.decompress(data)
        parts.append(data.decode("latin-1"))
    return "\n".join(parts)


def test_the_pdf_has_an_english_and_a_korean_page_with_the_facts(approved):
    letter = current_letter(approved)
    pdf = render_letter_pdf(letter, verify_url="https://ktp.example/letters/verify/")
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 2  # English, then Korean
    text = _pdf_text(pdf)
    assert approved.reference in text
    assert code_of(letter) in text
    assert "10 November 2026" in text  # the decision date, Korea's calendar
    assert "/BaseFont /HYGothic-Medium" in pdf.decode("latin-1")  # the Korean page's built-in CID font
    assert "ktp.example/letters/verify/" in text
    assert "two weeks" in text  # a next step, from letter_content.json
