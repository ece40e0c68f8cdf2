"""Checking an uploaded file before it is stored.

The client's file name and content type are claims; the content is the fact. A file is accepted
when its content (python-magic over the first bytes) is an allowed type, its name does not claim a
different type, and its size is within the limit. Everything else is refused with a reason a
person can act on, and nothing is stored.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

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
    extension = ALLOWED_TYPES[detected][0]
    return CheckedUpload(
        content_type=detected,
        extension=extension,
        size=size,
        sha256=sha256_of(upload),
        original_name=name,
        download_name=safe_download_name(name, extension),
    )


def sniff(upload: UploadedFile) -> str:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    return str(magic.from_buffer(head, mime=True))


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
