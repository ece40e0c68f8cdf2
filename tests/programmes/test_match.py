"""roster_match: what an applicant's e-mail address and passport number find on a roster."""

from __future__ import annotations

import json

import pytest

from apps.programmes.services import RosterMatch, roster_match
from tests.programmes.factories import RosterEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ana(kasa):
    return RosterEntryFactory(programme=kasa, email="ana.souza@example.org", passport_number="M1234567")


def test_both_on_one_entry_is_a_match(ana):
    match = roster_match(programme_code="KASA", email="ana.souza@example.org", passport_number="M1234567")
    assert match == RosterMatch("matched", ana.pk, ("email", "passport"), "KASA")


def test_email_is_case_insensitive_and_the_passport_number_is_normalised(ana):
    match = roster_match(
        programme_code="KASA", email="  Ana.Souza@EXAMPLE.org ", passport_number="m 123-4567"
    )
    assert match.status == "matched"
    assert match.entry_id == ana.pk


def test_full_width_characters_are_normalised(ana):
    assert (
        roster_match(programme_code="KASA", email="", passport_number="Ｍ１２３４５６７").status == "partial"
    )


def test_only_the_email_matching_is_partial(ana):
    match = roster_match(programme_code="KASA", email="ana.souza@example.org", passport_number="X0000000")
    assert (match.status, match.entry_id, match.matched_on) == ("partial", ana.pk, ("email",))


def test_only_the_passport_matching_is_partial(ana):
    match = roster_match(programme_code="KASA", email="someone.else@example.org", passport_number="M1234567")
    assert (match.status, match.entry_id, match.matched_on) == ("partial", ana.pk, ("passport",))


def test_email_and_passport_on_different_entries_is_partial_and_names_both(ana, kasa):
    ben = RosterEntryFactory(programme=kasa, email="ben@example.org", passport_number="B7654321")
    match = roster_match(programme_code="KASA", email="ana.souza@example.org", passport_number="B7654321")
    assert (match.status, match.entry_id, match.matched_on, match.other_entry_id) == (
        "partial",
        ana.pk,
        ("email",),
        ben.pk,
    )


def test_nothing_matching_is_none(ana):
    match = roster_match(programme_code="KASA", email="nobody@example.org", passport_number="X0000000")
    assert match == RosterMatch("none", None, (), "KASA")


def test_another_programmes_roster_is_not_searched(ana):
    match = roster_match(programme_code="MOHW", email="ana.souza@example.org", passport_number="M1234567")
    assert match.status == "none"
    assert roster_match(programme_code="NOPE", email="a@b.org", passport_number="M1234567").status == "none"


def test_empty_inputs_match_nothing(ana):
    assert roster_match(programme_code="KASA", email="", passport_number=" - ").status == "none"


def test_as_dict_is_json_for_the_case_to_keep(ana):
    match = roster_match(programme_code="KASA", email="ana.souza@example.org", passport_number="M1234567")
    data = json.loads(json.dumps(match.as_dict()))
    assert data == {
        "status": "matched",
        "entry_id": ana.pk,
        "matched_on": ["email", "passport"],
        "programme_code": "KASA",
        "other_entry_id": None,
    }
    assert "M1234567" not in json.dumps(data)
