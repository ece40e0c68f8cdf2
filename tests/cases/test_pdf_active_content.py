"""PDFs with active content, and PDF/HTML polyglots, are refused at upload with a reason (issue 13).

Every sample is a real PDF written byte by byte (tests/pdf_samples.py): an /OpenAction that runs
JavaScript, a /Launch action, an attached file, automatic actions, embedded media, an XFA form, the
same hidden behind escaped names, in a compressed object stream, in a fake stream or a comment, and
web pages wearing a PDF header. Ordinary PDFs (the test suite's own, one with object streams, one
with an /OpenAction that only sets the zoom) still pass.
"""

from __future__ import annotations

import base64
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.cases.models import CaseDocument
from apps.core.pdf_inspection import inspect_pdf
from apps.core.uploads import check_upload
from tests.factories import ONE_PAGE_PDF_BYTES, PDF_BYTES
from tests.pdf_samples import (
    CATALOG,
    PAGE_OBJECTS,
    object_stream_body,
    ordinary_object_stream_pdf,
    pdf,
    pdf_with_object_stream,
    stream,
)

JS_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"
OPEN_JS = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>"


def refusal(body: bytes, name: str = "degree.pdf") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile(name, body, content_type="application/pdf"))
    return caught.value


# --- Ordinary PDFs pass --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        PDF_BYTES,
        ONE_PAGE_PDF_BYTES,
        pdf(),
        ordinary_object_stream_pdf(),
        # /OpenAction only opening the first page to fit: what most writers put there.
        pdf(catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"),
        # Words in strings are text, not actions: a title and a link that mention them.
        pdf(
            {6: b"<< /Title (About /JavaScript and /Launch, /AA /EF) >>"},
            trailer_extra=b"/Info 6 0 R ",
        ),
        pdf(
            {
                3: PAGE_OBJECTS[3][:-2] + b" /Annots [6 0 R] >>",
                6: b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10]"
                b" /A << /S /URI /URI (https://example.org/JS/AA/EF) >> >>",
            }
        ),
        # Binary stream data that happens to hold the bytes of short names: an image, skipped.
        pdf({6: stream(b"/Type /XObject /Subtype /Image", b"\x00\xff/JS \x00/AA>>/EF[\x89")}),
        # A comment is not an object, and "%" inside a string is not a comment.
        pdf(header=b"%PDF-1.7\n% made by a scanner /JS\n"),
    ],
    ids=[
        "factory-minimal",
        "factory-one-page",
        "one-page",
        "object-streams",
        "open-action-zoom",
        "words-in-title",
        "words-in-link",
        "binary-stream",
        "comment",
    ],
)
def test_ordinary_pdfs_are_accepted(body):
    assert inspect_pdf(body) is None
    assert check_upload(SimpleUploadedFile("degree.pdf", body)).content_type == "application/pdf"


# --- Active content is refused, with a reason a person understands --------------------------------


@pytest.mark.parametrize(
    ("body", "code", "reason"),
    [
        (pdf({6: JS_ACTION}, catalog=OPEN_JS), "pdf_javascript", "contains JavaScript"),
        (
            pdf({6: b"<< /S /JavaScript /JS 7 0 R >>", 7: stream(b"", b"app.alert(1)")}, catalog=OPEN_JS),
            "pdf_javascript",
            "contains JavaScript",
        ),
        (
            pdf({6: b"<< /S /Launch /F (C:\\\\Windows\\\\System32\\\\calc.exe) >>"}, catalog=OPEN_JS),
            "pdf_launch",
            "contains an action that starts another program",
        ),
        (
            pdf(
                {
                    6: b"<< /EmbeddedFiles << /Names [(invoice.exe) 7 0 R] >> >>",
                    7: b"<< /Type /Filespec /F (invoice.exe) /EF << /F 8 0 R >> >>",
                    8: stream(b"/Type /EmbeddedFile", b"MZ\x90\x00"),
                },
                catalog=b"<< /Type /Catalog /Pages 2 0 R /Names 6 0 R >>",
            ),
            "pdf_embedded_file",
            "contains other files attached inside it",
        ),
        (
            pdf({3: PAGE_OBJECTS[3][:-2] + b" /AA << /O << /S /URI /URI (https://evil.example/) >> >> >>"}),
            "pdf_automatic_action",
            "contains actions that run by themselves",
        ),
        (
            pdf(
                {
                    3: PAGE_OBJECTS[3][:-2] + b" /Annots [6 0 R] >>",
                    6: b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 100 100] >>",
                }
            ),
            "pdf_rich_media",
            "contains embedded media (Flash or video)",
        ),
        (
            pdf(
                {6: b"<< /Fields [] /XFA 7 0 R >>", 7: stream(b"", b"<xdp:xdp></xdp:xdp>")},
                catalog=b"<< /Type /Catalog /Pages 2 0 R /AcroForm 6 0 R >>",
            ),
            "pdf_xfa",
            "contains an interactive XFA form",
        ),
    ],
    ids=[
        "open-action-javascript",
        "javascript-in-a-stream",
        "launch",
        "embedded-file",
        "aa",
        "rich-media",
        "xfa",
    ],
)
def test_active_content_is_refused_with_the_reason(body, code, reason):
    error = refusal(body)
    assert error.code == code
    message = error.messages[0]
    assert message.startswith("“degree.pdf” " + reason)
    assert "Print it to a new PDF (“Save as PDF”) or scan the paper document" in message


@pytest.mark.parametrize(
    "action",
    [
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",  # hex-escaped names
        b"<< /S /#4A#61#76#61#53#63#72#69#70#74 /JS (x) >>",  # every character escaped
        b"<</S/JavaScript/JS<6170702e616c657274283129>>>",  # no spaces, the code as a hex string
    ],
)
def test_escaped_or_squeezed_names_are_still_found(action):
    assert refusal(pdf({6: action}, catalog=OPEN_JS)).code == "pdf_javascript"


# --- Compressed object streams -------------------------------------------------------------------


def test_javascript_in_a_compressed_object_stream_is_found():
    compressed = {1: OPEN_JS, 2: PAGE_OBJECTS[2], 3: PAGE_OBJECTS[3], 5: PAGE_OBJECTS[5], 6: JS_ACTION}
    body = pdf_with_object_stream(compressed, {4: PAGE_OBJECTS[4]})
    assert b"JavaScript" not in body  # invisible without decompressing
    assert refusal(body).code == "pdf_javascript"


def test_an_object_stream_with_escaped_keys_or_no_type_is_still_decoded():
    compressed = {1: OPEN_JS, 2: PAGE_OBJECTS[2], 3: PAGE_OBJECTS[3], 5: PAGE_OBJECTS[5], 6: JS_ACTION}
    escaped = pdf_with_object_stream(compressed, {4: PAGE_OBJECTS[4]}, stream_dictionary=b"/Ty#70e /Obj#53tm")
    assert inspect_pdf(escaped) == "javascript"
    untyped = pdf_with_object_stream(compressed, {4: PAGE_OBJECTS[4]}, stream_dictionary=b"")
    assert inspect_pdf(untyped) == "javascript"  # /First is what readers need: that is enough


def test_chained_text_filters_are_decoded():
    body, _first = object_stream_body({1: OPEN_JS, 6: JS_ACTION})
    encoded = base64.a85encode(zlib.compress(body), adobe=True)
    sample = pdf_with_object_stream(
        {1: OPEN_JS, 6: JS_ACTION},
        dict(PAGE_OBJECTS),
        filter_name=b"[/ASCII85Decode /FlateDecode]",
        stream_data=encoded,
    )
    assert inspect_pdf(sample) == "javascript"


@pytest.mark.parametrize(
    ("filter_name", "data"),
    [
        (b"/LZWDecode", b"\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01"),  # a filter not decoded here
        (b"/FlateDecode", bytes(range(256)) * 4),  # encrypted or damaged data
        (b"/FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>", zlib.compress(b"12345678")),
    ],
    ids=["lzw", "undecodable", "predictor"],
)
def test_an_object_stream_that_cannot_be_read_is_refused_with_advice(filter_name, data):
    body = pdf_with_object_stream(
        {6: JS_ACTION}, {**PAGE_OBJECTS, 1: CATALOG}, filter_name=filter_name, stream_data=data
    )
    error = refusal(body)
    assert error.code == "pdf_uncheckable"
    assert "cannot be checked for active content. Remove the password" in error.messages[0]


def test_a_decompression_bomb_is_refused_not_inflated_without_end():
    bomb = zlib.compress(b"0" * (70 * 1024 * 1024), 9)  # 70 MB of zeros in about 70 KB
    body = pdf_with_object_stream({6: b"<< >>"}, {**PAGE_OBJECTS, 1: CATALOG}, stream_data=bomb)
    assert len(body) < 200_000
    assert inspect_pdf(body) == "uncheckable"


# --- Objects hidden where a scanner would not look -------------------------------------------------


def test_objects_hidden_in_a_fake_stream_are_read():
    """The cross-reference table points into what looks like stream data: readers go there."""
    hidden = b"6 0 obj\n" + JS_ACTION + b"\nendobj\n"
    body = pdf({7: b"<< /Length 999 >>\nstream\n" + hidden + b"endstream"}, catalog=OPEN_JS)
    assert refusal(body).code == "pdf_javascript"


def test_objects_hidden_in_a_comment_or_a_string_are_read():
    comment = b"%PDF-1.4\n% 6 0 obj " + JS_ACTION + b" endobj\n"
    assert inspect_pdf(pdf(catalog=OPEN_JS, header=comment)) == "javascript"
    string = pdf(
        {7: b"(6 0 obj " + JS_ACTION.replace(b"(", b"[").replace(b")", b"]") + b" endobj)"}, catalog=OPEN_JS
    )
    assert inspect_pdf(string) == "javascript"


def test_hostile_structure_does_not_crash_the_check():
    nested = b"<< /Type /ObjStm /First 4 /A " + b"[" * 100_000 + b" >>\nstream\nxx\nendstream"
    assert inspect_pdf(pdf({6: nested})) == "uncheckable"
    assert inspect_pdf(b"%PDF-1.4\n" + b"[" * 200_000 + b"(" * 1000 + b"<<" * 50_000) is None
    assert inspect_pdf(b"%PDF-1.4\n1 0 obj << /Length 5 >> stream") is None  # cut short


def test_the_work_is_bounded_for_a_file_built_to_be_slow():
    """Tokens that need attention one by one are counted: a contrived file is refused as uncheckable
    (in about a second here), while a large ordinary one (20,000 objects) is read to the end."""
    assert inspect_pdf(b"%PDF-1.4\n" + b"<<>>" * 600_000) == "uncheckable"
    many = dict.fromkeys(
        range(6, 20006), b"<< /Type /Annot /Subtype /Link /Rect [0 0 1 1] /Border [0 0 0] >>"
    )
    assert inspect_pdf(pdf(many)) is None


# --- PDF/HTML polyglots ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        pdf(header=b"%PDF-1.4\n%<html><body><script>alert(document.domain)</script>\n"),
        pdf(header=b"%PDF-1.4\n%<!DOCTYPE html>\n"),
        pdf({6: b"(" + b"x" * 3000 + b") <SCRIPT src=x>"}),  # past the first bytes, in the syntax
        pdf(tail=b"\n" + b" " * 4096 + b"<html><body><script>alert(1)</script></body></html>\n"),
    ],
    ids=["html-in-the-first-bytes", "doctype", "markup-in-the-syntax", "page-after-the-end"],
)
def test_a_pdf_that_is_also_a_web_page_is_refused(body):
    error = refusal(body)
    assert error.code == "pdf_html"
    assert "is also a web page (it contains HTML)" in error.messages[0]


def test_a_web_page_with_a_pdf_inside_is_refused_saying_so():
    body = b"<html><body><script>alert(1)</script>\n" + pdf()
    error = refusal(body, "cv.pdf")
    assert error.code == "pdf_polyglot"
    assert error.messages[0].startswith("“cv.pdf” starts with something else before the PDF")


# --- Through the upload page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_applicants_upload_page_refuses_a_pdf_with_javascript_and_stores_nothing(client):
    from apps.accounts.roles import Role
    from apps.cases.services import case_start
    from tests.factories import ApplicantProfileFactory, UserFactory

    applicant = UserFactory(role=Role.APPLICANT)
    ApplicantProfileFactory(user=applicant)
    draft = case_start(applicant=applicant, track="quantitative")
    client.force_login(applicant)
    upload = SimpleUploadedFile("passport.pdf", pdf({6: JS_ACTION}, catalog=OPEN_JS))
    response = client.post(f"/apply/{draft.reference}/documents/passport/upload/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "“passport.pdf” contains JavaScript (a program that runs when the file is opened)" in html
    assert not CaseDocument.objects.exists()
