"""The roster pages through the browser's eyes: add, edit, remove, search, pages, import."""

from __future__ import annotations

import pghistory.models
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.programmes.models import RosterEntry
from apps.programmes.passports import passport_hash
from tests.programmes.factories import RosterEntryFactory

pytestmark = pytest.mark.django_db

ROSTER = "/programmes/KASA/roster/"
NEW_ENTRY = {
    "full_name": "Ana Souza",
    "email": "Ana.Souza@Example.org",
    "passport_number": "fx 123-4567",
    "nationality": "Brazil",
    "position": "Research fellow",
    "host_institution": "KARI",
    "recruited_on": "2026-03-02",
    "notes": "",
}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Add, edit, remove ---------------------------------------------------------------------------


def test_adding_an_entry(officer_client, kasa, kasa_officer):
    response = officer_client.post(f"{ROSTER}add/", NEW_ENTRY, follow=True)
    assert response.redirect_chain == [(ROSTER, 302)]
    assert messages_of(response) == ["Ana Souza was added to the KASA roster."]
    entry = RosterEntry.objects.get()
    assert (entry.programme, entry.email, entry.created_by) == (kasa, "ana.souza@example.org", kasa_officer)
    assert entry.passport_hash == passport_hash("FX1234567")
    assert "•••••567" in response.content.decode()


def test_the_add_form_shows_an_error_summary_linked_to_the_fields(officer_client):
    response = officer_client.post(f"{ROSTER}add/", {**NEW_ENTRY, "email": "nope", "passport_number": "12"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'href="#id_email"' in html
    assert 'href="#id_passport_number"' in html
    assert "<title>Error:" in html
    assert RosterEntry.objects.count() == 0


def test_the_passport_field_is_a_password_style_input_with_autocomplete_off(officer_client):
    html = officer_client.get(f"{ROSTER}add/").content.decode()
    field = (
        html.split('name="passport_number"')[0].rsplit("<input", 1)[1]
        + html.split('name="passport_number"')[1]
    )
    field = field.split(">")[0]
    assert 'type="password"' in field
    assert 'autocomplete="off"' in field


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "TAKEN@example.org"}, "email", "This e-mail address is already on the KASA roster."),
        (
            {"passport_number": "t-1234567"},
            "passport_number",
            "This passport number is already on the KASA roster.",
        ),
    ],
)
def test_duplicates_get_a_friendly_error_on_the_field(officer_client, kasa, changes, field, message):
    RosterEntryFactory(programme=kasa, email="taken@example.org", passport_number="T1234567")
    response = officer_client.post(f"{ROSTER}add/", {**NEW_ENTRY, **changes})
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert RosterEntry.objects.count() == 1


def test_the_same_person_may_be_on_two_programmes(officer_client, mohw):
    RosterEntryFactory(programme=mohw, email="ana.souza@example.org", passport_number="FX1234567")
    assert officer_client.post(f"{ROSTER}add/", NEW_ENTRY).status_code == 302


def test_editing_keeps_the_passport_number_when_left_empty(officer_client, kasa):
    entry = RosterEntryFactory(programme=kasa, passport_number="K7777777")
    url = f"{ROSTER}{entry.pk}/edit/"
    page = officer_client.get(url).content.decode()
    assert "ending •••••777" in page
    response = officer_client.post(url, {**NEW_ENTRY, "passport_number": ""}, follow=True)
    assert messages_of(response) == ["The entry for Ana Souza was saved."]
    entry.refresh_from_db()
    assert (entry.full_name, entry.passport_hash) == ("Ana Souza", passport_hash("K7777777"))


def test_editing_can_replace_the_passport_number(officer_client, kasa):
    entry = RosterEntryFactory(programme=kasa)
    officer_client.post(f"{ROSTER}{entry.pk}/edit/", NEW_ENTRY)
    entry.refresh_from_db()
    assert (entry.passport_hash, entry.passport_hint) == (passport_hash("FX1234567"), "•••••567")


def test_editing_to_another_entrys_email_is_refused(officer_client, kasa):
    RosterEntryFactory(programme=kasa, email="taken@example.org")
    entry = RosterEntryFactory(programme=kasa)
    response = officer_client.post(f"{ROSTER}{entry.pk}/edit/", {**NEW_ENTRY, "email": "taken@example.org"})
    assert response.context["form"].errors["email"] == ["This e-mail address is already on the KASA roster."]


def test_an_update_is_recorded_in_the_history_with_the_officer(officer_client, kasa, kasa_officer):
    entry = RosterEntryFactory(programme=kasa)
    officer_client.post(f"{ROSTER}{entry.pk}/edit/", {**NEW_ENTRY, "passport_number": ""})
    event = RosterEntry.pgh_event_model.objects.filter(pgh_obj_id=entry.pk, pgh_label="update").get()
    assert event.full_name == "Ana Souza"
    context = pghistory.models.Context.objects.get(pk=event.pgh_context_id)
    assert context.metadata["actor"] == kasa_officer.pk  # the one audit vocabulary (decision 51)
    assert context.metadata["url"] == f"{ROSTER}{entry.pk}/edit/"


def test_removing_asks_first_naming_the_entry_then_removes_it(officer_client, kasa):
    entry = RosterEntryFactory(programme=kasa, full_name="Ana Souza")
    url = f"{ROSTER}{entry.pk}/delete/"
    page = officer_client.get(url).content.decode()
    assert "Remove Ana Souza from the KASA roster?" in page
    assert RosterEntry.objects.filter(pk=entry.pk).exists()  # a GET changes nothing
    response = officer_client.post(url, follow=True)
    assert messages_of(response) == ["Ana Souza was removed from the KASA roster."]
    assert not RosterEntry.objects.filter(pk=entry.pk).exists()
    assert RosterEntry.pgh_event_model.objects.filter(pgh_obj_id=entry.pk, pgh_label="delete").exists()


# --- The list: search, pages, empty states -------------------------------------------------------


def test_an_empty_roster_says_so(officer_client):
    html = officer_client.get(ROSTER).content.decode()
    assert "No one is on this roster yet" in html
    assert "<table" not in html


def test_the_roster_table_has_a_caption_and_header_scopes(officer_client, kasa):
    RosterEntryFactory(programme=kasa)
    html = officer_client.get(ROSTER).content.decode()
    assert "<caption" in html
    assert 'scope="col"' in html
    assert 'scope="row"' in html


def test_search_by_name_or_email(officer_client, kasa):
    RosterEntryFactory(programme=kasa, full_name="Ana Souza", email="ana@example.org")
    RosterEntryFactory(programme=kasa, full_name="Ben Okafor", email="b.okafor@uni.example")
    by_name = officer_client.get(ROSTER, {"q": "souza"}).context["page"]
    by_email = officer_client.get(ROSTER, {"q": "UNI.EXAMPLE"}).context["page"]
    assert [entry.full_name for entry in by_name] == ["Ana Souza"]
    assert [entry.full_name for entry in by_email] == ["Ben Okafor"]
    html = officer_client.get(ROSTER, {"q": "nobody"}).content.decode()
    assert "No entries match “nobody”" in html


def test_the_roster_is_paged_25_at_a_time_and_keeps_the_search(officer_client, kasa):
    RosterEntryFactory.create_batch(30, programme=kasa)
    first = officer_client.get(ROSTER)
    assert len(first.context["page"]) == 25
    assert 'aria-label="Roster pages"' in first.content.decode()
    second = officer_client.get(ROSTER, {"page": 2})
    assert len(second.context["page"]) == 5
    assert officer_client.get(ROSTER, {"page": "x"}).status_code == 200  # a bad page number shows page 1
    searched = officer_client.get(ROSTER, {"q": "Scholar"}).content.decode()
    assert "?q=Scholar&amp;page=2" in searched


def test_the_list_shows_only_this_programmes_entries(officer_client, kasa, mohw):
    RosterEntryFactory(programme=kasa, full_name="On KASA")
    RosterEntryFactory(programme=mohw, full_name="On MOHW")
    html = officer_client.get(ROSTER).content.decode()
    assert "On KASA" in html
    assert "On MOHW" not in html


# --- Import --------------------------------------------------------------------------------------

GOOD_CSV = (
    "full_name,email,passport_number,nationality,position,recruited_on\n"
    "Ana Souza,ana@example.org,FX1234567,Brazil,Research fellow,2026-03-02\n"
    "Ben Okafor,ben@example.org,A7654321,Nigeria,,\n"
)


def upload(content: bytes | str, name: str = "roster.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_importing_a_good_file_shows_a_summary(officer_client, kasa):
    RosterEntryFactory(programme=kasa, email="ben@example.org", full_name="B. Okafor")
    response = officer_client.post(f"{ROSTER}import/", {"file": upload(GOOD_CSV)}, follow=True)
    assert response.redirect_chain == [(ROSTER, 302)]
    assert messages_of(response) == ["Import finished: 1 added, 1 updated, 0 already up to date."]
    assert RosterEntry.objects.filter(programme=kasa).count() == 2


def test_importing_a_bad_file_lists_every_error_and_imports_nothing(officer_client):
    bad = GOOD_CSV + "Cara Diaz,not-an-email,C1234567,,,\nDan Ede,dan@example.org,D1,,,\n"
    response = officer_client.post(f"{ROSTER}import/", {"file": upload(bad)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported: the file has 2 problems" in html
    assert "line 4: email: is not a valid e-mail address" in html
    assert "line 5: passport_number:" in html
    assert RosterEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload("x" * (2 * 1024 * 1024 + 1)), "larger than 2 MB"),
        (
            upload(GOOD_CSV.replace("Souza", "Souzá").encode("cp949", errors="ignore") + b"\xff\xfe"),
            "not UTF-8",
        ),
        (upload(GOOD_CSV, name="roster.xlsx"), "ending in .csv"),
        (upload(b"full_name\x00"), "not a text file"),
    ],
)
def test_the_upload_is_checked_before_it_is_read_as_csv(officer_client, file, message):
    response = officer_client.post(f"{ROSTER}import/", {"file": file})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'id="error-summary"' in response.content.decode()
    assert RosterEntry.objects.count() == 0


def test_the_import_page_describes_the_columns(officer_client):
    html = officer_client.get(f"{ROSTER}import/").content.decode()
    assert "<caption" in html
    assert "<code>passport_number</code>" in html
    assert 'enctype="multipart/form-data"' in html


def test_pages_render_in_korean(officer_client, kasa):
    RosterEntryFactory(programme=kasa)
    response = officer_client.get(ROSTER, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    assert '<html lang="ko">' in response.content.decode()


def test_the_programme_list_names_the_ministry_in_the_reader_s_language(officer_client, kasa):
    """The seeded programmes get their ministries' Korean names from migration rubric/0004."""
    index = reverse("programmes:index")
    english = officer_client.get(index).content.decode()
    korean = officer_client.get(index, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "<td>Korea AeroSpace Administration</td>" in english
    assert "<td>우주항공청</td>" in korean
    assert "<td>Korea AeroSpace Administration</td>" not in korean
