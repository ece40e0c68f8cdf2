"""roster_import: all or nothing, every problem by line, updates by e-mail address."""

from __future__ import annotations

import pytest

from apps.programmes.forms import IMPORT_COLUMNS
from apps.programmes.models import RosterEntry
from apps.programmes.passports import passport_hash
from apps.programmes.services import COLUMNS, roster_import
from tests.programmes.factories import RosterEntryFactory

pytestmark = pytest.mark.django_db

HEADER = "full_name,email,passport_number,nationality,position,recruited_on\n"
GOOD = HEADER + (
    "Ana Souza,Ana.Souza@Example.org,FX 123-4567,Brazil,Research fellow,2026-03-02\n"
    "Ben Okafor,ben.okafor@example.org,A7654321,Nigeria,,\n"
    '"Chen, Li",chen.li@example.org,C1112223,China,"Engineer, propulsion",2025-12-01\n'
)


def test_a_good_file_creates_every_entry(kasa, kasa_officer):
    report = roster_import(programme=kasa, text=GOOD, by=kasa_officer)
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged, report.deleted) == (3, 0, 0, 0)
    ana = RosterEntry.objects.get(programme=kasa, email="ana.souza@example.org")  # stored lower-cased
    assert ana.passport_hash == passport_hash("FX1234567")
    assert ana.passport_hint == "•••••567"
    assert ana.recruited_on.isoformat() == "2026-03-02"
    assert ana.created_by == kasa_officer
    assert RosterEntry.objects.get(email="chen.li@example.org").position == "Engineer, propulsion"


def test_a_bad_file_imports_nothing_and_reports_every_problem_by_line(kasa, kasa_officer):
    text = HEADER + (
        "Ana Souza,ana.souza@example.org,FX1234567,Brazil,,2026-03-02\n"  # line 2: fine
        ",not-an-email,12,,,\n"  # line 3: three problems
        "Ben Okafor,ben@example.org,A7654321,,,2026-13-01\n"  # line 4: bad date
        "Ana Again,ANA.SOUZA@example.org,Z9999999,,,\n"  # line 5: e-mail repeated from line 2
        "Cara Diaz,cara@example.org,fx-1234567,,,\n"  # line 6: passport repeated from line 2
        "Dan Ede,dan@example.org,D1234567,,,,extra\n"  # line 7: too many values
    )
    report = roster_import(programme=kasa, text=text, by=kasa_officer)
    assert not report.ok
    assert RosterEntry.objects.count() == 0
    errors = "\n".join(report.errors)
    assert "line 3: full_name: must not be empty" in errors
    assert "line 3: email: is not a valid e-mail address" in errors
    assert "line 3: passport_number: Enter 6 to 12 letters or digits" in errors
    assert "line 4: recruited_on:" in errors
    assert "line 5: email: the same value is already given on line 2" in errors
    assert "line 6: passport_number: the same value is already given on line 2" in errors
    assert "line 7: more values than columns" in errors
    assert "line 2" not in errors.replace("on line 2", "")
    assert "12," not in errors  # the passport value is never repeated back


def test_a_row_with_a_known_email_updates_that_entry(kasa, kasa_officer):
    entry = RosterEntryFactory(
        programme=kasa, email="ana.souza@example.org", full_name="Ana S.", nationality=""
    )
    untouched = RosterEntryFactory(programme=kasa, email="other@example.org")
    report = roster_import(programme=kasa, text=GOOD, by=kasa_officer)
    assert report.ok, report.errors
    assert (report.created, report.updated) == (2, 1)
    entry.refresh_from_db()
    assert (entry.full_name, entry.nationality) == ("Ana Souza", "Brazil")
    assert entry.passport_hash == passport_hash("FX1234567")
    assert RosterEntry.objects.filter(pk=untouched.pk).exists()  # not in the file, but no replace


def test_importing_the_same_file_again_changes_nothing(kasa, kasa_officer):
    roster_import(programme=kasa, text=GOOD, by=kasa_officer)
    events_before = RosterEntry.pgh_event_model.objects.count()
    report = roster_import(programme=kasa, text=GOOD, by=kasa_officer)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert RosterEntry.pgh_event_model.objects.count() == events_before


def test_a_passport_number_held_by_another_entry_is_an_error(kasa, kasa_officer):
    RosterEntryFactory(programme=kasa, email="someone@example.org", passport_number="A7654321")
    report = roster_import(programme=kasa, text=GOOD, by=kasa_officer)
    assert report.errors == ["line 3: passport_number: already on the KASA roster for someone@example.org"]
    assert RosterEntry.objects.count() == 1


def test_the_same_people_on_another_programme_do_not_clash(kasa, mohw, kasa_officer):
    RosterEntryFactory(programme=mohw, email="ana.souza@example.org", passport_number="FX1234567")
    assert roster_import(programme=kasa, text=GOOD, by=kasa_officer).ok
    assert RosterEntry.objects.filter(programme=mohw).count() == 1


def test_replace_removes_entries_missing_from_the_file(kasa, mohw, kasa_officer):
    gone = RosterEntryFactory(programme=kasa, passport_number="A7654321")  # its passport moves to Ben
    other_programme = RosterEntryFactory(programme=mohw)
    report = roster_import(programme=kasa, text=GOOD, by=kasa_officer, replace=True)
    assert report.ok, report.errors
    assert (report.created, report.deleted) == (3, 1)
    assert not RosterEntry.objects.filter(pk=gone.pk).exists()
    assert RosterEntry.objects.filter(pk=other_programme.pk).exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: the file is empty"),
        ("full_name,email\n", "line 1: missing column(s): passport_number"),
        ("full_name,email,passport_number,shoe_size\n", "line 1: unknown column(s): shoe_size"),
        ("full_name,email,passport_number,email\n", "line 1: repeated column(s): email"),
        (HEADER, "The file has no data rows."),
        (HEADER + ",,,,,\n\n", "The file has no data rows."),
    ],
)
def test_file_level_problems(kasa, kasa_officer, text, message):
    report = roster_import(programme=kasa, text=text, by=kasa_officer)
    assert report.errors
    assert report.errors[0].startswith(message)


def test_line_numbers_follow_the_file_through_quoted_line_breaks_and_blank_lines(kasa, kasa_officer):
    text = (
        "\ufefffull_name,email,passport_number,notes\n"  # a byte-order mark, as Excel writes
        'Ana Souza,ana@example.org,FX1234567,"two\nlines"\n'  # lines 2-3
        "\n"  # line 4: blank, skipped
        "Ben Okafor,ben@example.org,bad,\n"  # line 5
    )
    report = roster_import(programme=kasa, text=text, by=kasa_officer)
    assert [error.split(":")[0] for error in report.errors] == ["line 5"]


def test_optional_columns_may_be_left_out(kasa, kasa_officer):
    text = "email,passport_number,full_name\nana@example.org,FX1234567,Ana Souza\n"
    assert roster_import(programme=kasa, text=text, by=kasa_officer).ok
    assert RosterEntry.objects.get().nationality == ""


def test_too_long_values_are_reported_not_crashed_on(kasa, kasa_officer):
    text = HEADER + f"{'A' * 201},ana@example.org,FX1234567,,,\n"
    assert roster_import(programme=kasa, text=text, by=kasa_officer).errors == [
        "line 2: full_name: must be at most 200 characters"
    ]


def test_the_import_page_documents_exactly_the_columns_the_import_reads():
    assert [name for name, _required, _text in IMPORT_COLUMNS] == list(COLUMNS)
