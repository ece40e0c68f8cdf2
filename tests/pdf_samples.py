"""Real, minimal PDF files written byte by byte, for the upload checks (issue 13).

``pdf`` writes numbered objects with a classic cross-reference table; ``pdf_with_object_stream``
puts some objects in a Flate-compressed object stream (``/Type /ObjStm``) found through a
cross-reference stream, as PDF 1.5 writers (Word, Acrobat, pdfTeX) do. Object 1 is the catalog,
2 the page tree, 3 a page with a line of text (4: its content, 5: its font).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping

CONTENT = b"BT /F1 24 Tf 30 70 Td (Degree certificate) Tj ET"
PAGE_OBJECTS: dict[int, bytes] = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>",
    4: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(CONTENT), CONTENT),
    5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
}
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def stream(dictionary: bytes, data: bytes) -> bytes:
    """A stream object's body: ``dictionary`` is the inside of ``<< >>`` without /Length."""
    return b"<< %s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def pdf(
    objects: Mapping[int, bytes] | None = None,
    *,
    catalog: bytes = CATALOG,
    header: bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    trailer_extra: bytes = b"",
    tail: bytes = b"",
) -> bytes:
    """A one-page PDF with ``catalog`` as object 1 and ``objects`` added (or replacing the page's)."""
    bodies = {1: catalog, **PAGE_OBJECTS, **(objects or {})}
    out = bytearray(header)
    offsets: dict[int, int] = {}
    for number in sorted(bodies):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, bodies[number])
    size = max(bodies) + 1
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (size, trailer_extra, table)
    return bytes(out + tail)


def object_stream_body(objects: Mapping[int, bytes]) -> tuple[bytes, int]:
    """The decoded data of an object stream holding ``objects`` and its /First."""
    numbers = sorted(objects)
    parts, offsets, position = [], [], 0
    for number in numbers:
        offsets.append(b"%d %d" % (number, position))
        parts.append(objects[number])
        position += len(objects[number]) + 1
    index = b" ".join(offsets) + b"\n"
    return index + b"\n".join(parts) + b"\n", len(index)


def pdf_with_object_stream(
    compressed: Mapping[int, bytes],
    plain: Mapping[int, bytes] | None = None,
    *,
    stream_dictionary: bytes = b"/Type /ObjStm",
    encode: bool = True,
    filter_name: bytes = b"/FlateDecode",
    stream_data: bytes | None = None,
) -> bytes:
    """A PDF 1.5 whose ``compressed`` objects sit in one object stream, with a cross-reference stream."""
    body, first = object_stream_body(compressed)
    data = stream_data if stream_data is not None else (zlib.compress(body) if encode else body)
    plain_objects = dict(plain or {})
    container = max([*compressed, *plain_objects]) + 1
    dictionary = b"%s /N %d /First %d" % (stream_dictionary, len(compressed), first)
    if filter_name:
        dictionary += b" /Filter " + filter_name
    plain_objects[container] = stream(dictionary, data)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    entries: dict[int, tuple[int, int, int]] = {0: (0, 0, 65535)}
    for number in sorted(plain_objects):
        entries[number] = (1, len(out), 0)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, plain_objects[number])
    for index, number in enumerate(sorted(compressed)):
        entries[number] = (2, container, index)
    xref_number = container + 1
    entries[xref_number] = (1, len(out), 0)
    size = xref_number + 1
    rows = b"".join(
        bytes([kind]) + field2.to_bytes(4, "big") + field3.to_bytes(2, "big")
        for kind, field2, field3 in (entries.get(n, (0, 0, 0)) for n in range(size))
    )
    xref_offset = len(out)
    out += b"%d 0 obj\n%s\nendobj\n" % (
        xref_number,
        stream(b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % size, rows),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def ordinary_object_stream_pdf() -> bytes:
    """What a PDF 1.5 writer makes of the one-page document: dictionaries compressed, content plain."""
    compressed = {1: CATALOG, 2: PAGE_OBJECTS[2], 3: PAGE_OBJECTS[3], 5: PAGE_OBJECTS[5]}
    return pdf_with_object_stream(compressed, {4: PAGE_OBJECTS[4]})
