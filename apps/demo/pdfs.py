"""Small, valid one-page PDFs for the demo's documents, written at load time.

Each is an A4 page with a title and a few lines of text in Helvetica (a standard font, nothing
embedded), a classic cross-reference table and no active content: a browser's viewer shows it, and it
passes the same upload checks as any applicant's file (apps.core.uploads.check_upload).
"""

from __future__ import annotations

from collections.abc import Sequence

A4 = (595, 842)  # points
DEMO_NOTICE = "Demo document: invented for the K-Tech Pass demonstration. Not a real record."


def _text(value: str) -> bytes:
    """A PDF string literal's inside: Latin-1 (WinAnsi), with the three special characters escaped."""
    raw = value.encode("latin-1", "replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _content(title: str, lines: Sequence[str]) -> bytes:
    width, height = A4
    parts = [b"BT /F1 20 Tf 56 %d Td (%s) Tj ET" % (height - 90, _text(title))]
    y = height - 130
    for line in lines:
        parts.append(b"BT /F1 12 Tf 56 %d Td (%s) Tj ET" % (y, _text(line)))
        y -= 20
    parts.append(b"BT /F1 9 Tf 56 60 Td (%s) Tj ET" % _text(DEMO_NOTICE))
    parts.append(b"0.6 G 56 %d m %d %d l S" % (height - 104, width - 56, height - 104))
    return b"\n".join(parts)


def one_page_pdf(title: str, lines: Sequence[str] = ()) -> bytes:
    """A one-page A4 PDF with ``title`` and ``lines`` on it."""
    content = _content(title, lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>" % A4,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title (%s) /Producer (K-Tech Pass demo) >>" % _text(title),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return bytes(out)
