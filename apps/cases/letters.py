"""The decision letter of an approved case: issuing it, its verification code, checking a code, and
the PDF (English and Korean) the applicant downloads (decision 0046).

The code is derived, never stored: an HMAC under the server's secret of the case reference and the
letter's random nonce, read as 16 characters of Crockford's base-32 (80 bits). A third party checks
it by reference and code (``letter_verify``), compared in constant time; the public page that asks
is throttled (apps.applicants.letters.views).
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.cases.models import REFERENCE_ALPHABET, Case, CaseEvent, CaseStatus, DecisionLetter, Track
from apps.cases.score_snapshot import case_profile
from apps.cases.transitions import record_event
from apps.core.dates import format_when
from apps.rubric.models import RubricVersion
from apps.rubric.selectors import scorer_for

CODE_SALT = "apps.cases.letters.verification-code"
CODE_LENGTH = 16  # 80 bits
CONTENT_FILE = Path(__file__).resolve().parent / "letter_content.json"
LANGUAGES = ("en", "ko")
KOREAN_FONT = "HYGothic-Medium"  # reportlab's built-in CID font: no font file to ship


# --- The verification code -----------------------------------------------------------------------


def letter_code(*, reference: str, nonce: str) -> str:
    """The letter's code as printed: "ABCD-EFGH-JKMN-PQRS"."""
    digest = salted_hmac(CODE_SALT, f"{reference}|{nonce}", algorithm="sha256").digest()
    number = int.from_bytes(digest[:10], "big")
    chars = []
    for _position in range(CODE_LENGTH):
        number, index = divmod(number, 32)
        chars.append(REFERENCE_ALPHABET[index])
    body = "".join(chars)
    return "-".join(body[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def code_of(letter: DecisionLetter) -> str:
    return letter_code(reference=letter.case.reference, nonce=letter.nonce)


# Read aloud or typed by hand: I and L are 1, O is 0 (Crockford); spaces and hyphens do not count.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def normalise_code(text: str) -> str:
    return re.sub(r"[\s\-–—]", "", text.upper()).translate(_READ_AS)


def normalise_reference(text: str) -> str:
    body = re.sub(r"[\s\-–—]", "", text.upper()).translate(_READ_AS)
    body = body.removeprefix("KTP")
    return f"KTP-{body[:4]}-{body[4:]}" if len(body) == 8 else text.strip().upper()


class Verdict:
    GENUINE = "genuine"
    SUPERSEDED = "superseded"
    WITHDRAWN = "withdrawn"
    NO_MATCH = "no_match"


@dataclass(frozen=True, slots=True)
class Verification:
    verdict: str
    letter: DecisionLetter | None = None  # only for a letter that matched


def letter_verify(*, reference: str, code: str) -> Verification:
    """Whether a letter with this reference and code exists, and whether it is still current.

    Unknown reference and wrong code read the same ("no letter matches"), and every candidate is
    compared in constant time (a dummy comparison when the reference has no letter at all).
    """
    wanted = normalise_code(code).encode()
    ref = normalise_reference(reference)
    letters = list(DecisionLetter.objects.filter(case__reference=ref).select_related("case"))
    found = None
    for letter in letters:
        expected = letter_code(reference=ref, nonce=letter.nonce).replace("-", "").encode()
        if hmac.compare_digest(expected, wanted):
            found = letter
    if not letters:
        hmac.compare_digest(letter_code(reference=ref, nonce="-").replace("-", "").encode(), wanted)
    if found is None or len(wanted) != CODE_LENGTH:
        return Verification(Verdict.NO_MATCH)
    if found.withdrawn_at is not None or found.case.status != CaseStatus.APPROVED:
        return Verification(Verdict.WITHDRAWN, found)
    if found.superseded_at is not None:
        return Verification(Verdict.SUPERSEDED, found)
    return Verification(Verdict.GENUINE, found)


# --- Issuing, superseding, withdrawing -----------------------------------------------------------


def _verified_total(case: Case) -> int:
    assert case.rubric_version is not None
    assert case.submitted_at is not None
    scorer = scorer_for(version_code=case.rubric_version.code, on=timezone.localdate(case.submitted_at))
    return scorer.score(case_profile(case, scorer)).total


def letter_issue(*, case: Case, by: User | None) -> DecisionLetter:
    """A new current letter for an approved case; a letter it had before is superseded (its code
    then verifies as "superseded"). Called by the approving move, in its transaction."""
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.status != CaseStatus.APPROVED or locked.decided_at is None:
            raise ValidationError(_("Only an approved application has a decision letter."))
        if locked.rubric_version is None:
            raise ValidationError(_("The case has no rules version, so it has no score to print."))
        now = timezone.now()
        superseded = DecisionLetter.objects.filter(
            case=locked, superseded_at__isnull=True, withdrawn_at__isnull=True
        ).update(superseded_at=now)
        letter = DecisionLetter.objects.create(
            case=locked,
            nonce=secrets.token_hex(16),
            track=locked.track,
            score_total=_verified_total(locked),
            rubric_version_code=locked.rubric_version.code,
            decided_at=locked.decided_at,
            issued_at=now,
            issued_by=by,
        )
        record_event(
            case=locked,
            kind=CaseEvent.Kind.LETTER_ISSUED,
            by=by,
            data={"letter": letter.pk, "supersedes": bool(superseded)},
        )
    return letter


def _require_supervisor(user: User) -> None:
    if not user.has_role(Role.SUPERVISOR):
        raise PermissionDenied(_("Only a supervisor can do this."))


def letter_reissue(*, case: Case, by: User) -> DecisionLetter:
    """A supervisor issues a new letter (a new code): the old one verifies as superseded."""
    _require_supervisor(by)
    return letter_issue(case=case, by=by)


def letter_withdraw(*, letter: DecisionLetter, by: User, reason: str) -> DecisionLetter:
    """A supervisor withdraws a current letter (it then verifies as withdrawn), with a reason."""
    _require_supervisor(by)
    if not reason.strip():
        raise ValidationError(_("Write why the letter is withdrawn."))
    with transaction.atomic():
        updated = DecisionLetter.objects.filter(pk=letter.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), withdrawn_reason=reason.strip()
        )
        if not updated:
            raise ValidationError(_("This letter has already been withdrawn."))
        record_event(
            case=letter.case,
            kind=CaseEvent.Kind.LETTER_WITHDRAWN,
            by=by,
            reason=reason.strip(),
            data={"letter": letter.pk},
        )
    letter.refresh_from_db()
    return letter


def current_letter(case: Case) -> DecisionLetter | None:
    if case.status != CaseStatus.APPROVED:
        return None
    return (
        DecisionLetter.objects.filter(case=case, superseded_at__isnull=True, withdrawn_at__isnull=True)
        .select_related("case")
        .first()
    )


# --- What the letter says besides the case: the programme's facts, as data ----------------------


@dataclass(frozen=True, slots=True)
class LetterContent:
    issuer: dict[str, str]
    next_steps: tuple[dict[str, str], ...]
    benefits: tuple[dict[str, str], ...]


def _texts(value: Any, path: str) -> dict[str, str]:
    if not isinstance(value, dict) or any(
        not isinstance(value.get(lang), str) or not value[lang].strip() for lang in LANGUAGES
    ):
        raise ValueError(f"{CONTENT_FILE.name}: {path} needs a text in each of {', '.join(LANGUAGES)}")
    return {lang: value[lang] for lang in LANGUAGES}


def read_letter_content(data: Any) -> LetterContent:
    """The letter's programme facts, refused (with the path) unless every text is in both languages."""
    if not isinstance(data, dict):
        raise ValueError(f"{CONTENT_FILE.name}: must be an object")
    lists = {}
    for key in ("next_steps", "benefits"):
        items = data.get(key)
        if not isinstance(items, list) or not items:
            raise ValueError(f"{CONTENT_FILE.name}: {key} must be a list of texts")
        lists[key] = tuple(_texts(item, f"{key}[{i}]") for i, item in enumerate(items))
    return LetterContent(_texts(data.get("issuer"), "issuer"), lists["next_steps"], lists["benefits"])


@cache
def letter_content() -> LetterContent:
    return read_letter_content(json.loads(CONTENT_FILE.read_text(encoding="utf-8")))


# --- The PDF -------------------------------------------------------------------------------------


def _fonts(language: str) -> tuple[str, str]:
    """(body, heading) fonts: Helvetica for English; for Korean, reportlab's built-in CID fonts,
    which need no font file (the reader's PDF viewer supplies the glyphs)."""
    if language != "ko":
        return "Helvetica", "Helvetica-Bold"
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    # HYGothic for body and headings: HYSMyeongJo's Latin letters and hyphens came out spaced
    # ("K- 테크", "F- 2- T") in the rendering checked (pdftoppm), HYGothic's did not.
    if KOREAN_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(KOREAN_FONT))
    return KOREAN_FONT, KOREAN_FONT


def _max_points(code: str) -> int | None:
    version = RubricVersion.objects.filter(code=code).first()
    return version.parsed_config().max_total if version else None


def _page(letter: DecisionLetter, language: str, verify_url: str) -> list[Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import ListFlowable, ListItem, Paragraph, Spacer, Table, TableStyle

    body_font, heading_font = _fonts(language)
    body = ParagraphStyle("body", fontName=body_font, fontSize=10.5, leading=15)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=12, textColor=colors.HexColor("#333333"))
    title = ParagraphStyle("title", parent=body, fontName=heading_font, fontSize=18, leading=24, spaceAfter=4)
    heading = ParagraphStyle(
        "heading", parent=body, fontName=heading_font, fontSize=12.5, leading=17, spaceBefore=10, spaceAfter=4
    )
    content = letter_content()
    case = letter.case
    maximum = _max_points(letter.rubric_version_code)
    score = (
        _("%(total)s of %(max)s points (rules version %(version)s)")
        % {"total": letter.score_total, "max": maximum, "version": letter.rubric_version_code}
        if maximum
        else _("%(total)s points (rules version %(version)s)")
        % {"total": letter.score_total, "version": letter.rubric_version_code}
    )
    code = code_of(letter)
    rows = [
        (_("Case reference"), case.reference, "Courier-Bold"),
        (_("Applicant"), case.applicant_name or case.applicant.full_name or case.applicant.email, body_font),
        (_("Track"), str(Track(letter.track).label) if letter.track else "—", body_font),
        (_("Score"), score, body_font),
        (_("Decision date"), format_when(letter.decided_at, date_only=True), body_font),
        (_("Verification code"), code, "Courier-Bold"),
    ]
    table = Table(
        [
            [
                Paragraph(escape(label), ParagraphStyle("label", parent=body, fontName=heading_font)),
                Paragraph(escape(value), ParagraphStyle("value", parent=body, fontName=font)),
            ]
            for label, value, font in rows
        ],
        colWidths=[48 * mm, 112 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#EEF2F7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )

    def bullets(items: tuple[dict[str, str], ...], kind: str) -> Any:
        return ListFlowable(
            [ListItem(Paragraph(escape(item[language]), body), leftIndent=14) for item in items],
            bulletType=kind,
            bulletFontName=body_font,
            bulletFontSize=10,
            leftIndent=14,
        )

    return [
        Paragraph(escape(_("K-Tech Pass decision letter")), title),
        Paragraph(escape(content.issuer[language]), small),
        Spacer(1, 8 * mm),
        Paragraph(
            escape(
                _("The application %(reference)s has been approved under the K-Tech Pass programme.")
                % {"reference": case.reference}
            ),
            body,
        ),
        Spacer(1, 5 * mm),
        table,
        Spacer(1, 4 * mm),
        Paragraph(
            escape(
                _(
                    "Anyone can check that this letter is genuine and current at %(url)s with the case reference and the verification code."
                )
                % {"url": verify_url}
            ),
            small,
        ),
        Paragraph(escape(_("Next steps")), heading),
        bullets(content.next_steps, "1"),
        Paragraph(escape(_("What the F-2-T “Top-tier” visa gives you")), heading),
        bullets(content.benefits, "bullet"),
        Spacer(1, 8 * mm),
        Paragraph(escape(_("Issued %(when)s.") % {"when": format_when(letter.issued_at)}), small),
    ]


def render_letter_pdf(letter: DecisionLetter, *, verify_url: str) -> bytes:
    """The letter as a PDF: the English page, then the Korean page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=f"K-Tech Pass decision letter {letter.case.reference}",
        author="Ministry of Trade, Industry and Energy",
        lang="en",
    )
    story: list[Any] = []
    for language in LANGUAGES:
        with translation.override(language):
            story.extend(_page(letter, language, verify_url))
        story.append(PageBreak())
    document.build(story[:-1])
    return buffer.getvalue()


def letter_file_name(letter: DecisionLetter) -> str:
    return f"k-tech-pass-decision-{letter.case.reference}.pdf"


__all__ = [
    "Verdict",
    "Verification",
    "code_of",
    "current_letter",
    "letter_code",
    "letter_issue",
    "letter_reissue",
    "letter_verify",
    "letter_withdraw",
    "render_letter_pdf",
]
