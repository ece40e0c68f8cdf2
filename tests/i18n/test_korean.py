"""The site in Korean: the catalogue is complete and compiled, and the pages, the engine's explanations
and the validation messages come out in Korean.

The catalogue checks read ``locale/ko/LC_MESSAGES/django.po`` with a small parser (no polib) and the
compiled ``django.mo`` with the standard library's ``gettext``, so they need no gettext tools.
"""

from __future__ import annotations

import gettext
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
PO_PATH = LOCALE_DIR / "ko" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

HANGUL = re.compile(r"[\uac00-\ud7a3]")
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sdr]|%[sd]|\{[A-Za-z_]*\}|</?[a-z]+[^>]*>|&[a-z]+;")

FULL_QUERY = (
    "degree_level=doctorate&institution_rank=26&experience_years=10&fortune_global_500_years=3"
    "&offered_salary_krw=150000000&field=ai&publications_and_patents=10&led_project_years=3"
    "&sponsor_is_sme=on&core_technology_role=5&hard_to_fill=on&transfer_plan=5"
)
API_URL = "/api/v1/self-assessment"


# --- A minimal PO reader -----------------------------------------------------------------------


class PoEntry:
    def __init__(self) -> None:
        self.flags: list[str] = []
        self.msgctxt: str | None = None
        self.msgid: str | None = None
        self.msgid_plural: str | None = None
        self.msgstr: dict[int, str] = {}  # 0 for a singular entry's msgstr
        self.obsolete = False

    @property
    def label(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt else str(self.msgid)


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"'), text
    assert text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], text[1:-1])


def parse_po(path: Path) -> list[PoEntry]:
    entries: list[PoEntry] = []
    entry = PoEntry()
    field: tuple[str, int] | None = None

    def finish() -> None:
        nonlocal entry, field
        if entry.msgid is not None:
            entries.append(entry)
        entry, field = PoEntry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            continue
        if line.startswith("#"):
            if entry.msgid is not None:
                finish()
            if line.startswith("#,"):
                entry.flags += [flag.strip() for flag in line[2:].split(",")]
            continue
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword in ("msgctxt", "msgid") and entry.msgid is not None:
                finish()  # a new entry without a blank line before it
            if keyword == "msgctxt":
                entry.msgctxt, field = value, ("msgctxt", 0)
            elif keyword == "msgid":
                entry.msgid, field = value, ("msgid", 0)
            elif keyword == "msgid_plural":
                entry.msgid_plural, field = value, ("msgid_plural", 0)
            else:
                n = int(index or 0)
                entry.msgstr[n], field = value, ("msgstr", n)
            continue
        assert line.startswith('"'), f"unexpected line in {path.name}: {raw!r}"
        assert field is not None, f"a continuation line without a keyword in {path.name}: {raw!r}"
        value = _unquote(line)
        if field[0] == "msgstr":
            entry.msgstr[field[1]] += value
        else:
            setattr(entry, field[0], (getattr(entry, field[0]) or "") + value)
    finish()
    return [e for e in entries if not e.obsolete]


@pytest.fixture(scope="module")
def po_entries() -> list[PoEntry]:
    assert PO_PATH.exists(), f"{PO_PATH} is missing: run makemessages -l ko"
    return parse_po(PO_PATH)


def _messages(entries: list[PoEntry]) -> list[PoEntry]:
    return [e for e in entries if e.msgid]  # without the header


# --- (a) The catalogue -------------------------------------------------------------------------


def test_locale_paths_point_at_the_catalogue() -> None:
    assert LOCALE_DIR in [Path(p) for p in settings.LOCALE_PATHS]
    assert "ko" in dict(settings.LANGUAGES)


def test_header_is_korean_with_one_plural_form(po_entries: list[PoEntry]) -> None:
    header = po_entries[0]
    assert header.msgid == ""
    assert "fuzzy" not in header.flags
    text = header.msgstr[0]
    assert "Language: ko\n" in text
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=1; plural=0;" in text


def test_every_message_is_translated_and_none_is_fuzzy(po_entries: list[PoEntry]) -> None:
    messages = _messages(po_entries)
    assert len(messages) > 500  # the whole site, not a stub
    untranslated = [e.label for e in messages if not e.msgstr or not all(e.msgstr.values())]
    fuzzy = [e.label for e in messages if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []
    plural_forms = [e.label for e in messages if e.msgid_plural is not None and sorted(e.msgstr) != [0]]
    assert plural_forms == []  # Korean has one plural form: msgstr[0] only


def test_translations_keep_every_placeholder(po_entries: list[PoEntry]) -> None:
    """Named placeholders may move; none may be lost, renamed or invented (nor %% dropped)."""
    problems = []
    for entry in _messages(po_entries):
        source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
        expected = sorted(set(PLACEHOLDER.findall(source)))
        for translation in entry.msgstr.values():
            if sorted(set(PLACEHOLDER.findall(translation))) != expected:
                problems.append(entry.label)
            if "python-format" in entry.flags and translation.count("%%") != source.count("%%"):
                problems.append(entry.label)
    assert problems == []


def test_translations_are_korean(po_entries: list[PoEntry]) -> None:
    """Everything with words in it reads in Korean (names and codes such as "API" may stay)."""
    kept_as_is = {"K-Tech Pass", "API", "%(start)s to %(end)s"}  # names, and "A ~ B"

    def has_words(msgid: str) -> bool:
        return bool(re.search(r"[A-Za-z]{2,}", PLACEHOLDER.sub("", msgid)))

    english = [
        e.label
        for e in _messages(po_entries)
        if has_words(e.msgid)
        and e.msgid not in kept_as_is
        and not any(HANGUL.search(s) for s in e.msgstr.values())
    ]
    assert english == []


def test_compiled_catalogue_matches_the_po(po_entries: list[PoEntry]) -> None:
    """django.mo holds exactly the .po's translations: recompile after every edit (make messages)."""
    assert MO_PATH.exists(), f"{MO_PATH} is missing: run compilemessages -l ko"
    with MO_PATH.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog: dict[Any, str] = compiled._catalog  # type: ignore[attr-defined]
    expected: dict[Any, str] = {}
    for entry in _messages(po_entries):  # the header is checked through info() below
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is not None:
            for n, text in entry.msgstr.items():
                expected[(key, n)] = text
        else:
            expected[key] = entry.msgstr[0]
    stale = {k: (v, catalog.get(k)) for k, v in expected.items() if catalog.get(k) != v}
    extra = sorted(str(k) for k in catalog if k and k not in expected)
    assert stale == {}, "django.mo is out of date: run compilemessages -l ko"
    assert extra == [], "django.mo has entries the .po no longer has: run compilemessages -l ko"
    assert compiled.info().get("language") == "ko"
    assert compiled.info().get("plural-forms") == "nplurals=1; plural=0;"


# --- (b) Pages in Korean -----------------------------------------------------------------------


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes and accessible attributes, no scripts or styles."""

    ATTRIBUTES = ("aria-label", "aria-valuetext", "title", "placeholder", "alt")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in self.ATTRIBUTES and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def get_korean(client: Any, url: str) -> tuple[str, str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200, url
    html = response.content.decode()
    assert '<html lang="ko">' in html
    return html, visible_text(html)


def assert_absent(text: str, phrases: list[str]) -> None:
    present = [phrase for phrase in phrases if phrase in text]
    assert present == [], f"English left on a Korean page: {present}"


@pytest.mark.django_db
def test_home_page_in_korean(client: Any) -> None:
    _, text = get_korean(client, "/")
    for phrase in (
        "K-Tech Pass: 한국 첨단산업에서 경력을 쌓으십시오",
        "세 가지 자격 경로",
        "정량 트랙",
        "정성 트랙",
        "정부 사업 트랙",
        "자격 확인하기",
        "F-2-T “최우수 인재” 비자의 혜택",
        "최장 10년간 소득세 50% 감면",  # "%%" in the catalogue, one "%" on the page
        "본문 바로가기",
    ):
        assert phrase in text, phrase
    assert_absent(
        text,
        [
            "build your career in Korea",
            "Three ways to qualify",
            "Quantitative track",
            "Check your eligibility",
            "How the self-assessment works",
            "Skip to main content",
            "income-tax reduction",
        ],
    )


@pytest.mark.django_db
def test_self_assessment_result_in_korean(client: Any) -> None:
    _, text = get_korean(client, f"/self-assessment/?{FULL_QUERY}")
    for phrase in (
        "K-Tech Pass 자격 확인",
        "진단 결과",
        "자격을 충족하는 것으로 보이는 트랙:",
        "정량 트랙",
        "정성 트랙",
        "자격 충족",
        "배점표 점수",
        "합격 기준 점수 70점에 도달합니다.",
        "A. 정량 평가",
        "B. 정성 평가",
        "C. 중소기업 가점",
        "추정치",
        "검증 전(확인 필요)",
        "필요 서류",
        # the engine's explanations, placeholders in Korean order
        "26위 기관의 박사 학위(상위 100위): 25점 중 25점.",
        "관련 경력 10년(10년 이상): 12점.",
        "평가 기준표 합계 110점(중소기업 가점 포함)으로 합격 기준 점수 70점에 도달합니다.",
        "인공지능",  # the strategic field list
    ):
        assert phrase in text, phrase
    assert_absent(
        text,
        [
            "Your result",
            "Score on the points rubric",
            "subject to verification",
            "Documents you will need",
            "You appear to qualify",
            "Degree pedigree",
            "An offered salary of",
            "Eligible",
            "points",
        ],
    )


@pytest.mark.django_db
def test_language_cookie_gives_korean(client: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    response = client.get("/self-assessment/", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert '<html lang="ko">' in html
    assert "K-Tech Pass 자격 확인" in visible_text(html)


@pytest.mark.django_db
def test_login_page_in_korean(client: Any) -> None:
    _, text = get_korean(client, "/accounts/login/")
    for phrase in (
        "로그인",
        "비밀번호",
        "회원가입",
        "본문 바로가기",
        "자가 진단은 추정치이며 결정이 아닙니다.",
    ):
        assert phrase in text, phrase
    assert_absent(
        text,
        [
            "Skip to main content",
            "Sign up",
            "Forgot your password?",
            "Password",
            "is an estimate, not a decision",
        ],
    )


@pytest.mark.django_db
def test_self_assessment_form_errors_in_korean(client: Any) -> None:
    _, text = get_korean(
        client, "/self-assessment/?institution_rank=0&experience_years=-3&publications_and_patents=many"
    )
    assert "다음 답변을 확인하십시오:" in text
    assert "순위는 1부터 시작합니다." in text
    assert "정수를 입력하십시오(예: 12)." in text
    assert_absent(text, ["Please check these answers", "A rank starts at 1.", "Enter a whole number"])


# --- (c) and (d) The API in Korean -------------------------------------------------------------


def _api_exists() -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(API_URL)
    except Resolver404:
        return False
    return True


@pytest.fixture
def api_client(client: Any) -> Any:
    if not _api_exists():
        pytest.skip(f"{API_URL} is not in this tree")
    try:  # a fresh rate-limit count and no scorers compiled by another test
        from apps.applicants.api.serializers import clear_scorer_cache
        from apps.applicants.api.views import SelfAssessmentThrottle
    except ImportError:
        pass
    else:
        throttle = SelfAssessmentThrottle()
        cache.delete(throttle.cache_format % {"scope": throttle.scope, "ident": "127.0.0.1"})
        clear_scorer_cache()
    return client


def post_korean(client: Any, body: dict[str, Any]) -> Any:
    return client.post(
        API_URL, data=json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="ko"
    )


@pytest.mark.django_db
def test_api_explains_in_korean(api_client: Any) -> None:
    response = post_korean(
        api_client,
        {
            "degree_level": "doctorate",
            "institution_rank": 26,
            "experience_years": 3,
            "offered_salary_krw": 124_887_499,
            "field": "ai",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    criteria = {c["code"]: c for c in body["criteria"]}
    for criterion in criteria.values():
        assert HANGUL.search(criterion["title"]), criterion
        assert HANGUL.search(criterion["explanation"]), criterion
        if criterion["next_step"]:
            assert HANGUL.search(criterion["next_step"]), criterion
    assert criteria["A3"]["title"] == "연봉"
    # The amount moved in front of the verb; the points came through the plural "%(count)s점".
    assert criteria["A3"]["next_step"] == "제안 연봉이 124,887,500원 이상이면 4점이 추가됩니다."
    assert criteria["A3"]["explanation"].startswith("제안 연봉 124,887,499원, 2024년 1인당 국민총소득(GNI)")
    tracks = body["tracks"]
    assert tracks["quantitative"]["title"] == "정량 트랙"
    assert tracks["qualitative"]["title"] == "정성 트랙"
    for track in tracks.values():
        assert track["reasons"], track
        assert all(HANGUL.search(reason) for reason in track["reasons"]), track
    assert tracks["quantitative"]["reasons"][0] == "자격 충족: 아래 조건 중 하나 이상을 충족합니다."


@pytest.mark.django_db
def test_api_validation_messages_in_korean(api_client: Any) -> None:
    response = post_korean(
        api_client,
        {
            "degree_level": "phd",
            "experience_years": -1,
            "offered_salary_krw": 1,
            "field": "ai",
            "colour": "red",
        },
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["degree_level"] == [
        '"phd"은(는) 허용된 답변이 아닙니다. none, bachelor, master, doctorate 중 하나를 입력하십시오.'
    ]
    assert errors["experience_years"] == ["음수일 수 없습니다."]
    assert errors["colour"] == ["알 수 없는 답변입니다. API 문서에서 철자를 확인하십시오."]
    assert HANGUL.search(errors["title"])  # the problem document's own words too
    assert HANGUL.search(errors["detail"])
    for name, messages in errors.items():
        if name not in {"type", "title", "status", "detail"}:
            assert all(HANGUL.search(message) for message in messages), errors


def test_korean_date_times_use_a_24_hour_clock_in_korea_time() -> None:
    """No meridiem to misplace ("11:15 오후", issue 13): one format per language (decision 50)."""
    import datetime as dt

    from django.utils import formats, translation

    with translation.override("ko"):
        text = formats.date_format(dt.datetime(2026, 12, 7, 23, 15), "DATETIME_FORMAT")
    assert text == "2026년 12월 7일 23:15 (KST)"
