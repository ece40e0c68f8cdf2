"""Checking an uploaded file before it is stored.

The client's file name and content type are claims; the content is the fact. A file is accepted
when its content (the signature in its first bytes, see ``sniff``) is an allowed type, its name does
not claim a different type, and its size is within the limit. Everything else is refused with a
reason a person can act on, and nothing is stored.

The sniffer is pure Python (no libmagic, decision 12): it recognises exactly the types accepted,
and names a few common others only so that a refusal can say what the file is. A PDF is also read
through for active content (JavaScript, launch actions, attached files, automatic actions, embedded
media, XFA forms) and for a web page hidden in it, and refused with the reason when it has any
(``apps.core.pdf_inspection``, decision 30).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import pdf_inspection

# Detected content type -> (the extension we store it under, a name people know it by)
ALLOWED_TYPES: dict[str, tuple[str, str]] = {
    "application/pdf": (".pdf", "PDF"),
    "image/jpeg": (".jpg", "JPEG"),
    "image/png": (".png", "PNG"),
}
EXTENSION_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
SNIFF_BYTES = 8192
# Readers accept a PDF header anywhere in the first kilobyte; the sniffer only at the start.
PDF_HEADER_WINDOW = 1024

# What a refused PDF holds, as the refusal names it (apps.core.pdf_inspection's kinds).
PDF_ACTIVE_CONTENT = {
    pdf_inspection.JAVASCRIPT: gettext_lazy("JavaScript (a program that runs when the file is opened)"),
    pdf_inspection.LAUNCH: gettext_lazy("an action that starts another program"),
    pdf_inspection.EMBEDDED_FILE: gettext_lazy("other files attached inside it"),
    pdf_inspection.AUTOMATIC_ACTION: gettext_lazy(
        "actions that run by themselves (when a page is shown or a field is used)"
    ),
    pdf_inspection.RICH_MEDIA: gettext_lazy("embedded media (Flash or video)"),
    pdf_inspection.XFA: gettext_lazy("an interactive XFA form"),
}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Types that are refused, named so the reason says what the file is (first bytes -> content type).
KNOWN_REFUSED: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "application/x-executable"),
    (b"MZ", "application/x-dosexec"),
    (b"PK\x03\x04", "application/zip"),  # also .docx, .xlsx, .hwpx
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),  # .doc, .xls, .hwp
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"{\\rtf", "text/rtf"),
    (b"\x1f\x8b", "application/gzip"),
)


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    content_type: str  # what the content is, not what the client said
    extension: str
    size: int
    sha256: str
    original_name: str  # cleaned for display; never used as a storage path
    download_name: str  # safe for a Content-Disposition header


def check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> CheckedUpload:
    limit = max_bytes if max_bytes is not None else settings.UPLOAD_MAX_BYTES
    name = display_name(upload.name or "")
    size = upload.size or 0
    if size == 0:
        raise ValidationError(
            _("“%(name)s” is empty. Choose the file again."), code="empty", params={"name": name}
        )
    if size > limit:
        raise ValidationError(
            _(
                "“%(name)s” is %(size)s; files may be at most %(limit)s. Scan at a lower resolution or split it."
            ),
            code="too_big",
            params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    detected = sniff(upload)
    if detected not in ALLOWED_TYPES and _pdf_header_after_something_else(upload):
        raise ValidationError(
            _(
                "“%(name)s” starts with something else before the PDF (a web page, for example). "
                "Open it, print it to a new PDF (“Save as PDF”) and upload that file."
            ),
            code="pdf_polyglot",
            params={"name": name},
        )
    if detected not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, JPEG or PNG file (its content is %(detected)s). Upload a PDF or a photo."
            ),
            code="type_not_allowed",
            params={"name": name, "detected": detected},
        )
    claimed = EXTENSION_TYPES.get(PurePath(name).suffix.lower())
    if claimed is not None and claimed != detected:
        raise ValidationError(
            _(
                "“%(name)s” is named as a %(claimed)s file but its content is %(actual)s. Upload the real file."
            ),
            code="type_mismatch",
            params={"name": name, "claimed": ALLOWED_TYPES[claimed][1], "actual": ALLOWED_TYPES[detected][1]},
        )
    if detected == "application/pdf":
        check_pdf_content(upload, name=name)
    extension = ALLOWED_TYPES[detected][0]
    return CheckedUpload(
        content_type=detected,
        extension=extension,
        size=size,
        sha256=sha256_of(upload),
        original_name=name,
        download_name=safe_download_name(name, extension),
    )


def check_pdf_content(upload: UploadedFile, *, name: str) -> None:
    """Refuse a PDF with active content or a web page in it, saying what it has and what to do."""
    found = pdf_inspection.inspect_pdf(read_all(upload))
    if found is None:
        return
    if found == pdf_inspection.HTML:
        message = _(
            "“%(name)s” is also a web page (it contains HTML), which a document may not be. "
            "Open it, print it to a new PDF (“Save as PDF”) and upload that file."
        )
    elif found == pdf_inspection.UNCHECKABLE:
        message = _(
            "“%(name)s” has compressed or password-protected parts that cannot be checked for "
            "active content. Remove the password, or print it to a new PDF (“Save as PDF”), and "
            "upload that file."
        )
    else:
        message = _(
            "“%(name)s” contains %(what)s, which documents sent for review may not have. Print it "
            "to a new PDF (“Save as PDF”) or scan the paper document, and upload that file."
        )
    raise ValidationError(
        message,
        code=f"pdf_{found}",
        params={"name": name, "what": str(PDF_ACTIVE_CONTENT.get(found, ""))},
    )


def read_all(upload: UploadedFile) -> bytes:
    """The whole file (already within the size limit), rewound."""
    upload.seek(0)
    data = b"".join(upload.chunks())
    upload.seek(0)
    return data


def _pdf_header_after_something_else(upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(PDF_HEADER_WINDOW)
    upload.seek(0)
    return re.search(rb"%PDF-\d", head) is not None


def sniff(upload: UploadedFile) -> str:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return sniff_bytes(head)


def sniff_bytes(head: bytes) -> str:
    """The content type of a file from its first bytes: one of ALLOWED_TYPES when the signature is
    there, otherwise a name for what it looks like (never a type the client claimed)."""
    # PDF: "%PDF-1.x" at the start; readers (and libmagic) also accept a byte-order mark or a line
    # break before it.
    if re.match(rb"(?:\xef\xbb\xbf)?[\r\n\t ]{0,4}%PDF-\d", head):
        return "application/pdf"
    # JPEG: start-of-image marker followed by the next marker's 0xFF.
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    # PNG: the eight-byte signature, then the IHDR chunk that must come first.
    if head.startswith(PNG_SIGNATURE) and head[12:16] == b"IHDR":
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"mif1", b"msf1"}:
        return "image/heic"
    for signature, content_type in KNOWN_REFUSED:
        if head.startswith(signature):
            return content_type
    if not head:
        return "application/x-empty"
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            cut_short = len(head) >= SNIFF_BYTES and error.start >= len(head) - 3
            if not cut_short:  # not just a character cut at the end of the sample
                return "application/octet-stream"
        return "text/plain"
    return "application/octet-stream"


def sha256_of(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def display_name(name: str) -> str:
    """The base name only, without control characters, at most 200 characters."""
    base = PurePath(name.replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f\x7f]", "", base)[:200] or "file"


def safe_download_name(name: str, extension: str) -> str:
    stem = get_valid_filename(PurePath(name).stem) or "document"
    return f"{stem[:100]}{extension}"


class SizeLimitUploadHandler(FileUploadHandler):
    """First in the upload chain: keeps nothing of a file beyond ``UPLOAD_MAX_BYTES``.

    Once a file passes the limit, its further bytes are dropped (the handlers after this one stop
    receiving them) and the form gets an empty stand-in that reports the real size, so
    ``check_upload`` refuses it with the usual message and no oversized file sits in memory or in a
    temporary file. The body is still read from the socket; a proxy's body limit stops that earlier.
    """

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.too_big = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.too_big or start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            self.too_big = True
            return None
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.too_big:
            return None  # the next handler builds the file as usual
        content_type = self.content_type or "application/octet-stream"
        stand_in = SimpleUploadedFile(self.file_name or "file", b"", content_type=content_type)
        stand_in.size = file_size
        return stand_in
