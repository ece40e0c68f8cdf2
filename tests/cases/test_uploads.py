"""A file is accepted for what its content is, within the size limit; anything else is refused with a reason."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.uploads import check_upload, display_name
from tests.factories import ELF_BYTES, JPEG_BYTES, PDF_BYTES, PNG_BYTES


@pytest.mark.parametrize(
    ("name", "body", "content_type", "extension"),
    [
        ("degree.pdf", PDF_BYTES, "application/pdf", ".pdf"),
        ("passport.png", PNG_BYTES, "image/png", ".png"),
        ("passport.JPG", JPEG_BYTES, "image/jpeg", ".jpg"),
        ("scan-without-extension", PDF_BYTES, "application/pdf", ".pdf"),
    ],
)
def test_accepted_types_are_decided_by_content(name, body, content_type, extension):
    checked = check_upload(SimpleUploadedFile(name, body, content_type="application/octet-stream"))
    assert (checked.content_type, checked.extension, checked.size) == (content_type, extension, len(body))
    assert len(checked.sha256) == 64


def test_a_pdf_that_is_really_a_png_is_refused_with_a_reason():
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("contract.pdf", PNG_BYTES, content_type="application/pdf"))
    assert caught.value.code == "type_mismatch"
    assert "named as a PDF file but its content is PNG" in caught.value.messages[0]


def test_an_executable_is_refused_whatever_it_is_called():
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("cv.pdf", ELF_BYTES, content_type="application/pdf"))
    assert caught.value.code == "type_not_allowed"
    assert "not a PDF, JPEG or PNG file" in caught.value.messages[0]


def test_an_oversize_file_is_refused_naming_both_sizes(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    body = PDF_BYTES + b"0" * 1024
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("big.pdf", body))
    assert caught.value.code == "too_big"
    assert "1.0\xa0KB" in caught.value.messages[0]


def test_a_file_exactly_at_the_limit_is_accepted(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    body = PDF_BYTES + b"0" * (1024 - len(PDF_BYTES))
    assert check_upload(SimpleUploadedFile("edge.pdf", body)).size == 1024


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("empty.pdf", b""))
    assert caught.value.code == "empty"


def test_client_paths_and_control_characters_never_reach_names():
    assert display_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert display_name("C:\\Users\\me\\cv.pdf") == "cv.pdf"
    assert display_name("bad\x00name\n.pdf") == "badname.pdf"
    checked = check_upload(SimpleUploadedFile('"; rm -rf.pdf', PDF_BYTES))
    assert checked.download_name == "_rm_-rf.pdf"  # no quotes or semicolons reach the header


def _parse_multipart(body: bytes, boundary: str):
    import io

    from django.http.multipartparser import MultiPartParser
    from django.test.client import RequestFactory

    from apps.core.uploads import SizeLimitUploadHandler

    request = RequestFactory().post("/", data=b"", content_type=f"multipart/form-data; boundary={boundary}")
    handlers = [SizeLimitUploadHandler(request)]
    from django.core.files.uploadhandler import MemoryFileUploadHandler

    handlers.append(MemoryFileUploadHandler(request))
    meta = {"CONTENT_TYPE": f"multipart/form-data; boundary={boundary}", "CONTENT_LENGTH": str(len(body))}
    return MultiPartParser(meta, io.BytesIO(body), handlers).parse()[1]


def _multipart(name: str, content: bytes, boundary: str = "BOUNDARY") -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )


def test_an_oversize_upload_is_not_kept_but_still_refused_with_its_real_size(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    body = PDF_BYTES + b"0" * 200_000
    upload = _parse_multipart(_multipart("huge.pdf", body), "BOUNDARY")["file"]
    assert upload.size == len(body)
    assert upload.read() == b""  # nothing past the limit was held
    with pytest.raises(ValidationError) as caught:
        check_upload(upload)
    assert caught.value.code == "too_big"


def test_a_file_within_the_limit_passes_through_the_handler_whole(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    upload = _parse_multipart(_multipart("small.pdf", PDF_BYTES), "BOUNDARY")["file"]
    assert upload.read() == PDF_BYTES
    assert check_upload(upload).content_type == "application/pdf"


# --- The pure-Python sniffer (no libmagic) ---------------------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PDF_BYTES, "application/pdf"),
        (b"\xef\xbb\xbf%PDF-1.7\n", "application/pdf"),  # a byte-order mark before the header
        (b"\r\n%PDF-1.5\n", "application/pdf"),  # a line break before it
        (JPEG_BYTES, "image/jpeg"),
        (PNG_BYTES, "image/png"),
        (ELF_BYTES, "application/x-executable"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "application/x-dosexec"),
        (b"PK\x03\x04\x14\x00\x06\x00", "application/zip"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", "image/heic"),
        ("이력서: 김민준\n".encode(), "text/plain"),
        (b"Dear officer, %PDF-1.4 is attached", "text/plain"),  # the header must come first
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 8 + b"JUNK", "application/octet-stream"),  # no IHDR
        (b"%PDF-", "text/plain"),  # no version: not a PDF header
        (b"\xff\xd8", "application/octet-stream"),  # a cut-off JPEG marker
        (b"\x00\x01\x02\x03", "application/octet-stream"),
        (b"", "application/x-empty"),
    ],
)
def test_the_sniffer_names_content_by_its_signature(head, expected):
    from apps.core.uploads import sniff_bytes

    assert sniff_bytes(head) == expected


def test_only_the_first_bytes_are_read_and_the_file_is_rewound():
    from apps.core.uploads import SNIFF_BYTES, sniff

    upload = SimpleUploadedFile("long.pdf", PDF_BYTES + b"\x00" * (SNIFF_BYTES * 3))
    assert sniff(upload) == "application/pdf"
    assert upload.tell() == 0


def test_a_word_document_named_pdf_is_refused_saying_what_it_is():
    docx = b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("degree.pdf", docx, content_type="application/pdf"))
    assert caught.value.code == "type_not_allowed"
    assert "its content is application/zip" in caught.value.messages[0]


def test_the_project_starts_without_python_magic_or_libmagic():
    """`manage.py check` (every app, URLconf and view imported) with the `magic` module made
    unimportable and libmagic unfindable, as on a machine without Debian's libmagic1."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys, ctypes.util, runpy\n"
        "sys.modules['magic'] = None\n"  # `import magic` raises ImportError
        "_find = ctypes.util.find_library\n"
        "ctypes.util.find_library = lambda name: None if 'magic' in name else _find(name)\n"
        "sys.argv = ['manage.py', 'check']\n"
        "runpy.run_path('manage.py', run_name='__main__')\n"
    )
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_text_cut_mid_character_at_the_end_of_the_sample_is_still_text():
    from apps.core.uploads import SNIFF_BYTES, sniff_bytes

    text = ("가" * SNIFF_BYTES).encode()[:SNIFF_BYTES]  # 3-byte characters: the sample ends mid-way
    assert sniff_bytes(text) == "text/plain"
    assert sniff_bytes(text[:99] + b"\xff" + text[100:]) == "application/octet-stream"  # broken mid-way
