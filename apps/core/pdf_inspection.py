"""Active content in an uploaded PDF, found without a PDF library (issue 13, decision 30).

A PDF can carry JavaScript (``/JavaScript``, ``/JS``: run by Acrobat, and by some viewers, when the
file or a page opens), actions that start programs (``/Launch``), attached files (``/EmbeddedFile``,
``/EmbeddedFiles``, ``/EF``, file-attachment annotations, ``/GoToE``), actions that fire on their
own (``/AA``, additional actions), embedded Flash or video (``/RichMedia...``) and XFA forms
(``/XFA``). None of that belongs in a degree certificate or a passport scan sent to reviewers, so
such a file is refused with a reason (``inspect_pdf``). ``/OpenAction`` on its own is allowed: most
producers use it to open the first page at a zoom; an ``/OpenAction`` that runs JavaScript or
launches something is caught by the action's own name.

How the file is read
    The bytes are split into tokens as a PDF reader splits them (comments, literal strings with
    their nesting and escapes, hex strings, dictionaries, names), so text that merely mentions
    ``/JavaScript`` inside a string does not count and a name cannot hide behind a parenthesis in
    a comment. A string, comment or hex string that holds an object header (``12 0 obj``) or a
    ``trailer`` is read as syntax as well: a reader that follows the cross-reference offsets parses
    whatever they point at, wherever it sits. Names are compared after ``#xx`` escapes are decoded (``/J#61vaScript`` is
    ``/JavaScript``). Stream data (images, fonts, page content) is skipped, because binary data
    would match short names such as ``/JS`` by chance, except

    - object streams (``/Type /ObjStm``, or any stream with ``/First``, which is what readers use
      to find the objects in it): their objects are compressed, so they are decoded (Flate,
      ASCIIHex, ASCII85, as chained in ``/Filter``) and read like the rest of the file. One that
      cannot be decoded (another filter, a predictor, damaged or encrypted data, more than
      ``OBJECT_STREAM_BUDGET`` bytes in all) makes the file "uncheckable", and it is refused with
      advice: ordinary PDFs use Flate object streams, which are decoded; an encrypted PDF with
      object streams (rare for a certificate; it cannot be previewed without its password either)
      is the case this refuses.
    - stream data that itself contains an object header (``12 0 obj``) or a ``trailer``: a reader
      that follows the cross-reference table parses objects wherever the offsets point, so objects
      hidden inside a fake stream are read as syntax too.

    A web page in the same file (a PDF/HTML polyglot) is refused too: HTML markup (``<html``,
    ``<script``, ...) in the first ``HTML_WINDOW`` bytes, where browsers look when they guess a
    type, or anywhere in the PDF syntax (where ``<`` would otherwise start a hex string).
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

JAVASCRIPT = "javascript"
LAUNCH = "launch"
EMBEDDED_FILE = "embedded_file"
AUTOMATIC_ACTION = "automatic_action"
RICH_MEDIA = "rich_media"
XFA = "xfa"
HTML = "html"
UNCHECKABLE = "uncheckable"

ACTIVE_NAMES: dict[bytes, str] = {
    b"JavaScript": JAVASCRIPT,
    b"JS": JAVASCRIPT,
    b"Launch": LAUNCH,
    b"EmbeddedFile": EMBEDDED_FILE,
    b"EmbeddedFiles": EMBEDDED_FILE,
    b"EF": EMBEDDED_FILE,
    b"FileAttachment": EMBEDDED_FILE,
    b"GoToE": EMBEDDED_FILE,
    b"AA": AUTOMATIC_ACTION,
    b"XFA": XFA,
}
RICH_MEDIA_PREFIX = b"RichMedia"

HTML_WINDOW = 2048
OBJECT_STREAM_BUDGET = 64 * 1024 * 1024  # decoded bytes of object streams, in all

_WHITESPACE = b"\x00\t\n\x0c\r "
_TOKEN = re.compile(
    rb"""
      (?P<space>[\x00\t\n\x0c\r ]+)
    | (?P<comment>%[^\r\n]*)
    | (?P<dict_open><<)
    | (?P<dict_close>>>)
    | (?P<hex><[^>]*>?)
    | (?P<name>/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)
    | (?P<string>\()
    | (?P<array_open>\[)
    | (?P<array_close>\])
    | (?P<regular>[^\x00\t\n\x0c\r ()<>\[\]{}/%]+)
    | (?P<other>[{}>)])
    """,
    re.VERBOSE,
)
_STRING_STOP = re.compile(rb"[()\\]")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_HTML_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|img|style|form)\b",
    re.IGNORECASE,
)
# Runs of tokens that need no attention, skipped in one regular-expression match (the common case):
# whitespace, brackets, regular tokens other than "stream", and names without "#" escapes that are
# not active. Everything else (strings, comments, hex strings, dictionary marks, "stream", escaped
# or active names) is taken one token at a time. Possessive quantifiers: no backtracking into a name.
_DELIMITERS = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
_ACTIVE = b"|".join(re.escape(name) for name in sorted(ACTIVE_NAMES, key=len, reverse=True))
_PLAIN = re.compile(
    rb"(?:[\x00\t\n\x0c\r \[\]{}]++"
    rb"|/(?!(?:" + _ACTIVE + rb")(?![^" + _DELIMITERS + rb"])|" + RICH_MEDIA_PREFIX + rb")"
    rb"[^" + _DELIMITERS + rb"#]*+(?!#)"
    rb"|(?!stream(?![^" + _DELIMITERS + rb"]))[^" + _DELIMITERS + rb"]++"
    rb")++"
)
# Tokens taken one at a time, in all (a stream counts as STREAM_STEPS): past this a file is too
# contrived to check, and is refused as uncheckable. Real PDFs of thousands of pages need a few
# hundred thousand; a 10 MB file built to be slow is cut off after about three seconds.
MAX_STEPS = 1_000_000
STREAM_STEPS = 5
_HIDDEN_OBJECT = re.compile(rb"\d+[\x00\t\n\x0c\r ]+\d+[\x00\t\n\x0c\r ]+obj\b|\btrailer\b")
_ENDSTREAM = b"endstream"


class Uncheckable(Exception):
    """An object stream that cannot be decoded (its objects could hide anything)."""


class _OutOfSteps(Exception):
    """More tokens than ``MAX_STEPS`` had to be taken one at a time."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    value: bytes
    start: int
    end: int


class Name(bytes):
    """A PDF name, its ``#xx`` escapes decoded."""


@dataclass(frozen=True, slots=True)
class Ref:
    number: int


def decode_name(raw: bytes) -> Name:
    return Name(_NAME_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw))


def active_kind(name: bytes) -> str | None:
    """What a (decoded) name makes the file, if it names active content."""
    if name.startswith(RICH_MEDIA_PREFIX):
        return RICH_MEDIA
    return ACTIVE_NAMES.get(name)


def _string_end(data: bytes, position: int, steps: list[int] | None = None) -> int:
    """The end of a literal string whose ``(`` ends at ``position`` (nesting and escapes as readers do).
    ``steps`` (a one-item budget) is decreased per parenthesis or escape."""
    depth = 1
    while depth:
        if steps is not None:
            steps[0] -= 1
            if steps[0] < 0:
                raise _OutOfSteps
        stop = _STRING_STOP.search(data, position)
        if stop is None:
            return len(data)
        character = data[stop.start()]
        if character == 0x5C:  # a backslash escapes the next byte
            position = stop.start() + 2
            continue
        depth += 1 if character == 0x28 else -1
        position = stop.start() + 1
    return position


def tokens(data: bytes, start: int = 0, end: int | None = None) -> Iterator[Token]:
    """The PDF tokens of ``data[start:end]``, whitespace left out."""
    stop = len(data) if end is None else end
    position = start
    while position < stop:
        match = _TOKEN.match(data, position, stop)
        if match is None:  # not reachable: every byte starts some token
            position += 1
            continue
        kind = match.lastgroup or "other"
        token_end = match.end()
        if kind == "string":
            token_end = min(_string_end(data, token_end), stop)
        if kind != "space":
            yield Token(kind, data[match.start() : token_end], match.start(), token_end)
        position = token_end


# --- Stream dictionaries ---------------------------------------------------------------------------


MAX_DICTIONARY_BYTES = 64 * 1024  # a stream's dictionary; real ones are a few hundred bytes
MAX_DICTIONARY_DEPTH = 32


def _parse_value(items: list[Token], index: int, depth: int) -> tuple[object, int]:
    if depth > MAX_DICTIONARY_DEPTH:
        raise Uncheckable("nested too deep")
    token = items[index]
    if token.kind == "dict_open":
        return _parse_dict(items, index + 1, depth + 1)
    if token.kind == "array_open":
        values: list[object] = []
        index += 1
        while index < len(items) and items[index].kind != "array_close":
            value, index = _parse_value(items, index, depth + 1)
            values.append(value)
        return values, index + 1
    if token.kind == "name":
        return decode_name(token.value[1:]), index + 1
    if (
        token.kind == "regular"
        and token.value.isdigit()
        and index + 2 < len(items)
        and items[index + 1].value.isdigit()
        and items[index + 2].value == b"R"
    ):
        return Ref(int(token.value)), index + 3
    return token.value, index + 1


def _parse_dict(items: list[Token], index: int, depth: int) -> tuple[dict[bytes, object], int]:
    result: dict[bytes, object] = {}
    while index < len(items) and items[index].kind != "dict_close":
        key = items[index]
        if key.kind != "name":
            index += 1
            continue
        if index + 1 >= len(items) or items[index + 1].kind == "dict_close":
            index += 1
            break
        value, index = _parse_value(items, index + 1, depth)
        result[decode_name(key.value[1:])] = value
    return result, index + 1


def parse_dictionary(data: bytes, start: int, end: int) -> dict[bytes, object]:
    """The dictionary at ``data[start:end]`` (keys decoded); ``Uncheckable`` if absurdly large or deep."""
    if end - start > MAX_DICTIONARY_BYTES:
        raise Uncheckable("dictionary too large")
    items = list(tokens(data, start, end))
    if not items or items[0].kind != "dict_open":
        return {}
    return _parse_dict(items, 1, 0)[0]


# --- Decoding object streams -----------------------------------------------------------------------


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _inflate(raw: bytes, limit: int) -> bytes:
    for window in (zlib.MAX_WBITS, -zlib.MAX_WBITS):  # with a zlib header, or raw deflate
        inflater = zlib.decompressobj(window)
        try:
            decoded = inflater.decompress(raw, limit)
        except zlib.error:
            continue
        if inflater.unconsumed_tail:
            raise Uncheckable("too large")
        return decoded
    raise Uncheckable("damaged or encrypted Flate data")


def _hex(raw: bytes) -> bytes:
    digits = bytes(b for b in raw.split(b">", 1)[0] if b not in _WHITESPACE)
    try:
        return binascii.unhexlify(digits + b"0" * (len(digits) % 2))
    except (binascii.Error, ValueError) as error:
        raise Uncheckable("bad ASCIIHex data") from error


def _ascii85(raw: bytes) -> bytes:
    text = bytes(b for b in raw if b not in _WHITESPACE)
    text = text.removeprefix(b"<~").split(b"~>", 1)[0]
    try:
        return base64.a85decode(text)
    except ValueError as error:
        raise Uncheckable("bad ASCII85 data") from error


def decode_stream(raw: bytes, dictionary: dict[bytes, object], limit: int) -> bytes:
    """The decoded bytes of an object stream, or ``Uncheckable``."""
    filters = _as_list(dictionary.get(b"Filter"))
    parameters = _as_list(dictionary.get(b"DecodeParms"))
    data = raw
    for position, name in enumerate(filters):
        parameter = parameters[position] if position < len(parameters) else None
        if isinstance(parameter, dict) and parameter.get(b"Predictor") not in (None, b"1"):
            raise Uncheckable("predictor")
        if name in (b"FlateDecode", b"Fl"):
            data = _inflate(data, limit)
        elif name in (b"ASCIIHexDecode", b"AHx"):
            data = _hex(data)
        elif name in (b"ASCII85Decode", b"A85"):
            data = _ascii85(data)
        else:
            raise Uncheckable(f"filter {name!r}")
        if len(data) > limit:
            raise Uncheckable("too large")
    return data


# --- The scan --------------------------------------------------------------------------------------


MAX_NESTING = 4  # object streams inside decoded object streams: readers allow none


@dataclass
class _Scan:
    budget: int = OBJECT_STREAM_BUDGET
    steps: list[int] = field(default_factory=lambda: [MAX_STEPS])

    def syntax(self, data: bytes, level: int = 0) -> str | None:
        """Read ``data`` as PDF syntax: the first active content found, if any."""
        if level > MAX_NESTING:
            return UNCHECKABLE
        try:
            return self._syntax(data, level)
        except _OutOfSteps:
            return UNCHECKABLE

    def _syntax(self, data: bytes, level: int) -> str | None:
        opened: list[int] = []  # where each dictionary still open starts
        last_dictionary: tuple[int, int] | None = (
            None  # the one closed last (a stream's comes right before it)
        )
        position, stop = 0, len(data)
        steps = self.steps
        while position < stop:
            plain = _PLAIN.match(data, position)
            if plain is not None:
                position = plain.end()
                if position >= stop:
                    break
            steps[0] -= 1
            if steps[0] < 0:
                raise _OutOfSteps
            match = _TOKEN.match(data, position)
            if match is None:  # not reachable: every byte starts some token
                position += 1
                continue
            kind, token_end = match.lastgroup, match.end()
            if kind == "string":
                token_end = _string_end(data, token_end, steps)
            if kind in ("string", "comment", "hex") and _HIDDEN_OBJECT.search(data, match.start(), token_end):
                # An object inside a string or a comment: a reader that follows the cross-reference
                # offsets parses it, so it is read as syntax too (from the next byte on).
                position = match.start() + 1
                continue
            if kind == "name":
                found = active_kind(decode_name(match.group()[1:]))
                if found:
                    return found
            elif kind == "hex" and _HTML_MARKUP.match(match.group()):
                return HTML
            elif kind == "dict_open":
                opened.append(match.start())
            elif kind == "dict_close" and opened:
                last_dictionary = (opened.pop(), token_end)
            elif kind == "regular" and match.group() == b"stream":
                # A stream's dictionary ends just before the keyword (whitespace between at most).
                steps[0] -= STREAM_STEPS
                own = last_dictionary and not data[last_dictionary[1] : match.start()].strip(_WHITESPACE)
                found, token_end = self.stream(data, token_end, last_dictionary if own else None, level)
                if found:
                    return found
            position = token_end
        return None

    def stream(
        self, data: bytes, keyword_end: int, dictionary_span: tuple[int, int] | None, level: int
    ) -> tuple[str | None, int]:
        """What a stream's data holds, and where to carry on reading the syntax."""
        start = keyword_end
        if data[start : start + 2] == b"\r\n":
            start += 2
        elif data[start : start + 1] in (b"\n", b"\r"):
            start += 1
        try:
            dictionary = parse_dictionary(data, *dictionary_span) if dictionary_span else {}
        except Uncheckable:
            return UNCHECKABLE, len(data)
        end = _data_end(data, start, dictionary.get(b"Length"))
        after = data.find(_ENDSTREAM, end)
        resume = len(data) if after < 0 else after + len(_ENDSTREAM)
        raw = data[start:end]
        if dictionary.get(b"Type") == b"ObjStm" or b"First" in dictionary:
            try:
                decoded = decode_stream(raw, dictionary, self.budget)
            except Uncheckable:
                return UNCHECKABLE, resume
            self.budget -= len(decoded)
            return self.syntax(decoded, level + 1), resume
        if _HIDDEN_OBJECT.search(raw):
            # Objects inside "stream data": a reader that follows the cross-reference offsets parses
            # them, so they are read as syntax (from the start of the data, not skipped).
            return None, start
        return None, resume


def _data_end(data: bytes, start: int, length: object) -> int:
    """Where a stream's data ends: at ``/Length`` when ``endstream`` follows it, else at ``endstream``."""
    if isinstance(length, bytes) and length.isdigit():
        end = start + int(length)
        if data[end : end + 2 + len(_ENDSTREAM)].lstrip(b"\r\n").startswith(_ENDSTREAM):
            return end
    found = data.find(_ENDSTREAM, start)
    return len(data) if found < 0 else found


def inspect_pdf(data: bytes) -> str | None:
    """Why this PDF is refused (one of the kinds above), or None when nothing active was found."""
    if _HTML_MARKUP.search(data, 0, HTML_WINDOW):
        return HTML
    return _Scan().syntax(data)
