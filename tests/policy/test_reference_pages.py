"""The reference lists' pages: browse and search, the template, upload -> preview -> apply, the
history, and bad files that import nothing (issue 10, part 5)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.core.dates import format_when
from apps.policy.reference.services import REFERENCE_UPLOAD_TTL
from apps.rubric.models import EngineeringSchool, ReferenceListChange, ReferenceUpload
from apps.rubric.reference_import import import_reference
from tests.ministry import policy_administrator, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> User:
    return policy_administrator(full_name="Han Policy")


@pytest.fixture
def signed_in(client: Client, admin: User) -> Client:
    return sign_in(client, admin)


def upload(client: Client, kind: str, content: bytes, *, name: str = "list.csv", replace: bool = False):
    data: dict[str, Any] = {"file": SimpleUploadedFile(name, content, content_type="text/csv")}
    if replace:
        data["replace"] = "on"
    return client.post(reverse("policy_reference:upload", args=[kind]), data)


def test_the_index_lists_the_five_lists_with_their_sizes(signed_in: Client) -> None:
    page = signed_in.get(reverse("policy_reference:index")).content.decode()
    for kind in ("schools", "fortune500", "gni", "fields", "programmes"):
        assert reverse("policy_reference:browse", args=[kind]) in page
    assert "Strategic fields" in page


def test_a_list_is_searched_in_english_and_korean_and_paginated(signed_in: Client) -> None:
    EngineeringSchool.objects.bulk_create(
        EngineeringSchool(name=f"School {n:03}", rank=n, name_ko=f"학교 {n:03}") for n in range(1, 61)
    )
    EngineeringSchool.objects.create(name="Seoul National University", name_ko="서울대학교", rank=29)
    url = reverse("policy_reference:browse", args=["schools"])
    first = signed_in.get(url).content.decode()
    assert "61 rows." in first
    assert 'rel="next"' in first
    second = signed_in.get(url, {"page": 2}).content.decode()
    assert "School 026" in second
    assert "School 001" not in second
    korean = signed_in.get(url, {"q": "서울대"}).content.decode()
    assert "Seoul National University" in korean
    assert "School 001" not in korean
    assert "1 row matches" in korean
    assert "Seoul National University" in signed_in.get(url, {"q": "seoul national"}).content.decode()
    none = signed_in.get(url, {"q": "Nowhere"}).content.decode()
    assert "No row matches “Nowhere”" in none


def test_an_empty_list_says_how_to_fill_it(signed_in: Client) -> None:
    EngineeringSchool.objects.all().delete()
    page = signed_in.get(reverse("policy_reference:browse", args=["schools"])).content.decode()
    assert "This list is empty" in page


def test_an_unknown_list_is_404(signed_in: Client) -> None:
    assert signed_in.get(reverse("policy_reference:browse", args=["planets"])).status_code == 404


def test_the_template_downloads_as_utf8_csv_with_the_list_s_columns(signed_in: Client) -> None:
    response = signed_in.get(reverse("policy_reference:template", args=["programmes"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="programmes-template.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffcode,name,name_ko,ministry,ministry_ko,is_active\r\n")
    assert "우주항공청" in text


def test_upload_preview_apply_and_history(signed_in: Client, admin: User) -> None:
    EngineeringSchool.objects.create(name="Beta Tech", rank=20)
    EngineeringSchool.objects.create(name="Gamma Tech", rank=30)
    content = "name,rank,name_ko\nBeta Tech,25,베타공대\nGamma Tech,30,\nDelta Tech,40,델타공대\n".encode()
    response = upload(signed_in, "schools", content, name="official-2026.csv")
    assert response.status_code == 302
    stored = ReferenceUpload.objects.get()
    assert response["Location"] == reverse("policy_reference:preview", args=["schools", stored.pk])
    assert EngineeringSchool.objects.get(name="Beta Tech").rank == 20  # nothing applied yet

    preview = signed_in.get(response["Location"]).content.decode()
    assert "1 row added" in preview
    assert "1 row changed" in preview
    assert "1 row unchanged" in preview
    assert "<del>20</del>" in preview
    assert "<ins>25</ins>" in preview
    assert "Delta Tech" in preview

    page = signed_in.get(response["Location"])
    applied = signed_in.post(
        response["Location"], {"sha256": stored.sha256, "fingerprint": page.context["fingerprint"]}
    )
    assert applied["Location"] == reverse("policy_reference:history", args=["schools"])
    assert EngineeringSchool.objects.get(name="Beta Tech").rank == 25
    assert not ReferenceUpload.objects.exists()
    change = ReferenceListChange.objects.get()
    assert (change.applied_by, change.file_name, change.sha256) == (admin, "official-2026.csv", stored.sha256)

    history = signed_in.get(applied["Location"]).content.decode()
    assert "official-2026.csv" in history
    # Dates in the one format (decision 50): the day it counts from, and when it was applied.
    assert format_when(change.in_force_from) in history
    assert format_when(change.applied_at) in history
    assert change.in_force_from.isoformat() not in history
    assert "Han Policy" in history
    assert stored.sha256 in history
    assert "1 added, 1 changed, 0 removed, 1 unchanged" in history
    assert "베타공대" in history
    # The same confirmation again finds nothing to apply.
    assert signed_in.post(response["Location"], {"sha256": stored.sha256}).status_code == 404


def test_dates_in_the_preview_and_the_history_read_in_the_one_format(signed_in: Client) -> None:
    """A per-capita GNI figure's publication day, before and after, as every page writes dates."""
    response = upload(signed_in, "gni", b"year,amount_krw,published_on\n2024,52000000,2025-04-01\n")
    preview = signed_in.get(response["Location"])
    text = preview.content.decode()
    assert format_when(dt.date(2025, 3, 5)) in text  # before
    assert format_when(dt.date(2025, 4, 1)) in text  # after
    assert "2025-04-01" not in text
    stored = ReferenceUpload.objects.get()
    applied = signed_in.post(
        response["Location"], {"sha256": stored.sha256, "fingerprint": preview.context["fingerprint"]}
    )
    history = signed_in.get(applied["Location"]).content.decode()
    assert format_when(dt.date(2025, 3, 5)) in history
    assert format_when(dt.date(2025, 4, 1)) in history
    assert "2025-03-05" not in history
    assert "2025-04-01" not in history


def test_a_confirmation_that_does_not_match_the_preview_applies_nothing(signed_in: Client) -> None:
    EngineeringSchool.objects.create(name="Beta Tech", rank=20)
    response = upload(signed_in, "schools", b"name,rank\nBeta Tech,25\n")
    stored = ReferenceUpload.objects.get()
    fingerprint = signed_in.get(response["Location"]).context["fingerprint"]
    for tampered in (
        {"sha256": "0" * 64, "fingerprint": fingerprint},
        {"sha256": stored.sha256, "fingerprint": "x"},
    ):
        after = signed_in.post(response["Location"], tampered, follow=True)
        assert "nothing was applied" in after.content.decode()
    # Someone else changes the list after the preview: the old preview cannot be applied.
    import_reference(kind_name="schools", text="name,rank\nBeta Tech,22\n")
    after = signed_in.post(
        response["Location"], {"sha256": stored.sha256, "fingerprint": fingerprint}, follow=True
    )
    assert "nothing was applied" in after.content.decode()
    assert EngineeringSchool.objects.get(name="Beta Tech").rank == 22
    assert ReferenceListChange.objects.count() == 1  # the other import only


def test_an_upload_is_only_its_uploader_s_and_expires(signed_in: Client, client: Client) -> None:
    response = upload(signed_in, "schools", b"name,rank\nBeta Tech,25\n")
    stored = ReferenceUpload.objects.get()
    other = Client()
    sign_in(other, policy_administrator())
    assert other.get(response["Location"]).status_code == 404
    assert (
        signed_in.get(reverse("policy_reference:preview", args=["fortune500", stored.pk])).status_code == 404
    )
    assert (
        signed_in.get(reverse("policy_reference:preview", args=["schools", uuid.uuid4()])).status_code == 404
    )
    with time_machine.travel(timezone.now() + REFERENCE_UPLOAD_TTL + dt.timedelta(minutes=1)):
        assert signed_in.get(response["Location"]).status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [
        (b"school,position\nKAIST,1\n", "list.csv", "line 1: missing column(s): name, rank"),
        (b"", "list.csv", "empty"),
        ("name,rank\n서울대학교,29\n".encode("cp949"), "list.csv", "Korean Windows encoding"),
        (
            b"name,rank\nKAIST,26\nKAIST,27\n",
            "list.csv",
            "line 3: name &#x27;KAIST&#x27; already given on line 2",
        ),
        (b"name,rank\nKAIST,twenty\n", "list.csv", "line 2: rank: &#x27;twenty&#x27; is not a whole number"),
        (b"name,rank\n=1+1,5\n", "list.csv", "looks like a spreadsheet formula"),
        (b"name,rank\nKAIST,26\n", "list.xlsx", "Choose a file ending in .csv."),
    ],
)
def test_a_bad_file_is_refused_with_the_line_and_nothing_is_kept(
    signed_in: Client, content: bytes, name: str, expected: str
) -> None:
    schools = EngineeringSchool.objects.count()
    response = upload(signed_in, "schools", content, name=name)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not ReferenceUpload.objects.exists()
    assert EngineeringSchool.objects.count() == schools


def test_a_bom_file_saved_by_excel_is_accepted(signed_in: Client) -> None:
    response = upload(signed_in, "schools", "\ufeffname,rank,name_ko\nKAIST,26,한국과학기술원\n".encode())
    assert response.status_code == 302


def test_the_pages_are_in_korean_too(signed_in: Client) -> None:
    signed_in.cookies["ktp_language"] = "ko"
    page = signed_in.get(reverse("policy_reference:index"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "참조 목록" in page
