"""The clear passport number is never stored, logged, repr'd or rendered."""

from __future__ import annotations

import logging

import pghistory.models
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from apps.programmes.models import RosterEntry
from apps.programmes.services import roster_entry_create, roster_entry_update, roster_import, roster_match
from tests.programmes.factories import RosterEntryFactory

pytestmark = pytest.mark.django_db

CLEAR = "ZQ9081726"  # distinctive, so a stray copy anywhere is found
TYPED = "zq 908-1726"
ROSTER = "/programmes/KASA/roster/"


def assert_clear_number_absent(text: str) -> None:
    assert CLEAR not in text.upper().replace(" ", "").replace("-", "")
    assert "9081726" not in text  # not even the digits


def dump_tables() -> str:
    """Every row of the roster, its history and the history contexts, as text."""
    with connection.cursor() as cursor:
        chunks = []
        for table in (
            RosterEntry._meta.db_table,
            RosterEntry.pgh_event_model._meta.db_table,
            "pghistory_context",
        ):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - fixed table names
            chunks.append(repr(cursor.fetchall()))
    return "\n".join(chunks)


def test_not_in_the_database_after_create_update_and_import(kasa, kasa_officer):
    data = {"full_name": "Ana Souza", "email": "ana@example.org", "passport_number": TYPED}
    entry = roster_entry_create(programme=kasa, data=data, by=kasa_officer)
    roster_entry_update(entry=entry, data={"passport_number": "QQ1234567"}, by=kasa_officer)
    roster_entry_update(entry=entry, data={"passport_number": TYPED}, by=kasa_officer)
    csv = f"full_name,email,passport_number\nBen,ben@example.org,{CLEAR[::-1]}\nAna Souza,ana@example.org,{CLEAR}\n"
    assert roster_import(programme=kasa, text=csv, by=kasa_officer).ok
    dump = dump_tables()
    assert "ana@example.org" in dump  # the dump does hold the rows
    assert_clear_number_absent(dump)
    assert pghistory.models.Context.objects.exists()


def test_not_in_repr_or_str(kasa):
    entry = RosterEntryFactory(programme=kasa, passport_number=CLEAR)
    for text in (repr(entry), str(entry)):
        assert_clear_number_absent(text)
        assert entry.passport_hash not in text


def test_not_in_rendered_pages_even_after_a_form_error(officer_client, kasa):
    response = officer_client.post(
        f"{ROSTER}add/", {"full_name": "Ana Souza", "email": "not-an-email", "passport_number": TYPED}
    )
    assert response.status_code == 200
    assert_clear_number_absent(response.content.decode())
    officer_client.post(
        f"{ROSTER}add/", {"full_name": "Ana Souza", "email": "ana@example.org", "passport_number": TYPED}
    )
    entry = RosterEntry.objects.get()
    for url in (ROSTER, f"{ROSTER}{entry.pk}/edit/", f"{ROSTER}{entry.pk}/delete/"):
        html = officer_client.get(url).content.decode()
        assert_clear_number_absent(html)
        assert entry.passport_hash not in html
    edit_error = officer_client.post(f"{ROSTER}{entry.pk}/edit/", {"full_name": "", "passport_number": TYPED})
    assert_clear_number_absent(edit_error.content.decode())


def test_not_in_import_errors(officer_client, kasa):
    bad = f"full_name,email,passport_number\n,ana@example.org,{CLEAR}\nBen,ben@example.org,{CLEAR}\n"
    file = SimpleUploadedFile("roster.csv", bad.encode(), content_type="text/csv")
    response = officer_client.post(f"{ROSTER}import/", {"file": file})
    assert "line 2: full_name" in response.content.decode()
    assert_clear_number_absent(response.content.decode())


def test_not_in_the_logs(caplog, officer_client, kasa, kasa_officer):
    caplog.set_level(logging.DEBUG)
    officer_client.post(
        f"{ROSTER}add/", {"full_name": "Ana Souza", "email": "ana@example.org", "passport_number": TYPED}
    )
    entry = RosterEntry.objects.get()
    officer_client.post(
        f"{ROSTER}{entry.pk}/edit/",
        {"full_name": "Ana Souza", "email": "ana@example.org", "passport_number": TYPED},
    )
    csv = f"full_name,email,passport_number\nAna Souza,ana@example.org,{CLEAR}\nBad,bad,{CLEAR}\n"
    roster_import(programme=kasa, text=csv, by=kasa_officer)
    roster_match(programme_code="KASA", email="ana@example.org", passport_number=TYPED)
    officer_client.post(f"{ROSTER}{entry.pk}/delete/")
    assert any("roster entry" in record.getMessage() for record in caplog.records)  # logging did happen
    assert_clear_number_absent(caplog.text)
    for record in caplog.records:
        assert_clear_number_absent(repr(record.args))
