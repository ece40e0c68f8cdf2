"""Evidence on the documents step: upload with a receipt, refusals with the reason and nothing
stored, replace, remove (with confirmation), and the download's headers."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from apps.accounts.roles import Role
from apps.cases.models import CaseDocument, CaseEvent
from apps.cases.services import case_start
from tests.factories import (
    ELF_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    UserFactory,
    pdf_upload,
    png_upload,
)

pytestmark = pytest.mark.django_db
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


@pytest.fixture
def client_a(client, applicant_with_profile):
    client.force_login(applicant_with_profile)
    return client


@pytest.fixture
def draft(applicant_with_profile):
    return case_start(applicant=applicant_with_profile, track="quantitative")


def upload_url(case, kind):
    return f"/apply/{case.reference}/documents/{kind}/upload/"


def test_the_checklist_lists_the_tracks_documents_as_missing(client_a, draft):
    html = client_a.get(f"/apply/{draft.reference}/documents/").content.decode()
    for kind in ("passport", "cv", "degree_certificate", "employment_certificate", "salary_evidence"):
        assert f'id="doc-{kind}"' in html
        assert f'for="file-{kind}"' in html  # every file input has a label
    assert html.count(">Missing<") == 5
    assert "at most 10.0\xa0MB" in html


@time_machine.travel(dt.datetime(2026, 11, 2, 9, 30, tzinfo=SEOUL), tick=False)
def test_a_good_file_is_stored_and_its_receipt_shown(client_a, draft):
    response = client_a.post(
        upload_url(draft, "passport"), {"file": pdf_upload("My passport.pdf")}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/apply/{draft.reference}/documents/#doc-passport"
    document = CaseDocument.objects.get(case=draft)
    assert (document.kind, document.content_type, document.size) == (
        "passport",
        "application/pdf",
        len(PDF_BYTES),
    )
    assert default_storage.exists(document.file.name)
    html = response.content.decode()
    assert "“My passport.pdf” (" in html  # the message
    receipt = html[html.index('class="ap-receipt"') :]
    assert "My passport.pdf" in receipt
    assert f"PDF, {len(PDF_BYTES)}\xa0bytes" in receipt
    assert '<time datetime="2026-11-02T09:30:00+09:00">' in receipt
    assert draft.events.filter(kind=CaseEvent.Kind.DOCUMENT_ADDED).count() == 1


@pytest.mark.parametrize(
    ("name", "body", "reason"),
    [
        ("scan.pdf", PNG_BYTES, "is named as a PDF file but its content is PNG"),
        ("setup.pdf", ELF_BYTES, "is not a PDF, JPEG or PNG file"),
        ("tool.exe", ELF_BYTES, "is not a PDF, JPEG or PNG file"),
    ],
)
def test_a_file_whose_content_is_not_allowed_is_refused_with_the_reason(client_a, draft, name, body, reason):
    upload = SimpleUploadedFile(name, body, content_type="application/pdf")  # the client's claim
    response = client_a.post(upload_url(draft, "cv"), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert reason in html
    assert "The file was not accepted. Nothing was stored." in html
    assert 'href="#file-cv"' in html
    assert 'aria-describedby="file-cv-error upload-rules"' in html
    assert not CaseDocument.objects.exists()
    assert not default_storage.exists(f"cases/{draft.pk}")
    assert not draft.events.filter(kind=CaseEvent.Kind.DOCUMENT_ADDED).exists()


@override_settings(UPLOAD_MAX_BYTES=1024)
def test_an_oversized_file_is_refused_and_nothing_is_stored(client_a, draft):
    response = client_a.post(upload_url(draft, "cv"), {"file": pdf_upload("thesis.pdf", size=4096)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "files may be at most 1.0\xa0KB" in html
    assert not CaseDocument.objects.exists()
    assert not default_storage.exists(f"cases/{draft.pk}")
    assert not default_storage.exists(f"cases/{draft.pk}")


def test_no_file_chosen_is_explained(client_a, draft):
    response = client_a.post(upload_url(draft, "cv"), {})
    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()


def test_an_unknown_kind_is_not_found(client_a, draft):
    assert client_a.post(upload_url(draft, "diploma_of_wizardry"), {"file": pdf_upload()}).status_code == 404


def test_replace_keeps_one_file_of_the_kind(client_a, draft):
    client_a.post(upload_url(draft, "cv"), {"file": pdf_upload("old-cv.pdf")})
    old = CaseDocument.objects.get()
    response = client_a.post(upload_url(draft, "cv"), {"file": png_upload("new-cv.png"), "replace": old.pk})
    assert response.status_code == 302
    new = CaseDocument.objects.get()
    assert (new.original_name, new.content_type) == ("new-cv.png", "image/png")
    assert new.pk != old.pk
    kinds = list(draft.events.values_list("kind", flat=True))
    assert kinds.count("document_added") == 2
    assert kinds.count("document_removed") == 1


def test_a_refused_replacement_keeps_the_old_file(client_a, draft):
    client_a.post(upload_url(draft, "cv"), {"file": pdf_upload("cv.pdf")})
    old = CaseDocument.objects.get()
    bad = SimpleUploadedFile("cv2.pdf", ELF_BYTES)
    assert client_a.post(upload_url(draft, "cv"), {"file": bad, "replace": old.pk}).status_code == 400
    assert list(CaseDocument.objects.values_list("pk", flat=True)) == [old.pk]


def test_remove_asks_first_then_removes(client_a, draft):
    client_a.post(upload_url(draft, "cv"), {"file": pdf_upload("cv.pdf")})
    document = CaseDocument.objects.get()
    url = f"/apply/{draft.reference}/documents/{document.pk}/remove/"
    page = client_a.get(url)
    assert page.status_code == 200
    assert "Remove this document?" in page.content.decode()
    assert CaseDocument.objects.exists()  # a GET never removes
    response = client_a.post(url, follow=True)
    assert "“cv.pdf” was removed." in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_the_owner_downloads_an_attachment_with_the_detected_type(client_a, draft):
    upload = SimpleUploadedFile('pass"port<script>.png', PNG_BYTES, content_type="application/pdf")
    client_a.post(upload_url(draft, "passport"), {"file": upload})
    document = CaseDocument.objects.get()
    response = client_a.get(f"/apply/{draft.reference}/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert '"passportscript.png"' in disposition  # a safe name: no quotes or angle brackets
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_a_document_of_another_case_is_not_found_under_my_reference(client_a, draft):
    other_owner = UserFactory(role=Role.APPLICANT)
    other_case = case_start(applicant=other_owner, track="quantitative")
    from apps.cases.services import document_add

    theirs = document_add(case=other_case, by=other_owner, kind="cv", upload=pdf_upload())
    for path in ("download", "remove"):
        assert client_a.get(f"/apply/{draft.reference}/documents/{theirs.pk}/{path}/").status_code == 404
    assert (
        client_a.post(upload_url(draft, "cv"), {"file": pdf_upload(), "replace": theirs.pk}).status_code
        == 404
    )
    assert CaseDocument.objects.filter(pk=theirs.pk).exists()
