"""One way to write dates and one greeting, in both languages (decision 50): the ``when`` filter
(Korea time, stated), the ``greeting`` tag, and the status e-mail that uses it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone, translation

from apps.accounts.roles import Role
from apps.applicants.models import ApplicantProfile
from apps.cases.services import case_start, case_withdraw
from apps.notifications import services
from tests.factories import FULL_ANSWERS, UserFactory

UTC = dt.UTC


def render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load ktp %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "7 December 2026, 14:05 KST"), ("ko", "2026년 12월 7일 14:05 (KST)")],
)
def test_a_date_time_reads_in_korea_time_and_says_so(language: str, expected: str) -> None:
    assert render("{{ at|when }}", language, at=dt.datetime(2026, 12, 7, 5, 5, tzinfo=UTC)) == expected


@pytest.mark.parametrize(
    ("language", "date_time", "day"),
    [
        ("en", "8 December 2026, 00:30 KST", "8 December 2026"),
        ("ko", "2026년 12월 8일 00:30 (KST)", "2026년 12월 8일"),
    ],
)
def test_a_moment_after_midnight_in_korea_is_on_the_korean_day(
    language: str, date_time: str, day: str
) -> None:
    """15:30 UTC on the 7th is 00:30 on the 8th in Korea: both the time and the day say the 8th."""
    at = dt.datetime(2026, 12, 7, 15, 30, tzinfo=UTC)
    assert render("{{ at|when }}", language, at=at) == date_time
    assert render('{{ at|when:"date" }}', language, at=at) == day


def test_the_same_moment_reads_the_same_whatever_the_active_time_zone() -> None:
    at = dt.datetime(2026, 12, 7, 23, 59, tzinfo=UTC)
    with timezone.override(ZoneInfo("America/New_York")):
        assert render("{{ at|when }}", "en", at=at) == "8 December 2026, 08:59 KST"


def test_a_calendar_day_is_not_moved_and_nothing_shows_for_nothing() -> None:
    assert render("{{ day|when }}", "en", day=dt.date(2026, 12, 31)) == "31 December 2026"
    assert render("{{ day|when }}", "ko", day=dt.date(2026, 12, 31)) == "2026년 12월 31일"
    assert render("[{{ missing|when }}]", "en") == "[]"
    assert render("[{{ none|when }}]", "en", none=None) == "[]"


def test_an_unknown_argument_is_a_template_error() -> None:
    with pytest.raises(TemplateSyntaxError):
        render('{{ at|when:"short" }}', "en", at=dt.datetime(2026, 12, 7, tzinfo=UTC))


def test_django_s_own_formats_agree_with_the_filter() -> None:
    """``|date:"DATETIME_FORMAT"`` (the admin, say) writes the same, since Django's zone is Seoul."""
    at = timezone.localtime(dt.datetime(2026, 12, 7, 5, 5, tzinfo=UTC))
    assert render('{{ at|date:"DATETIME_FORMAT" }}', "en", at=at) == render("{{ at|when }}", "en", at=at)
    assert render('{{ at|date:"DATETIME_FORMAT" }}', "ko", at=at) == render("{{ at|when }}", "ko", at=at)


@pytest.mark.parametrize(
    ("language", "name", "expected"),
    [
        ("en", "Priya Raman", "Dear Priya Raman,"),
        ("ko", "Priya Raman", "Priya Raman 님께,"),
        ("en", "", "Hello,"),
        ("ko", " ", "안녕하세요."),
    ],
)
def test_the_greeting(language: str, name: str, expected: str) -> None:
    assert render("{% greeting name %}", language, name=name) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "first_line"), [("en", "Dear Priya Raman,"), ("ko", "Priya Raman 님께,")]
)
def test_status_e_mails_greet_the_applicant_by_the_name_they_gave(language: str, first_line: str) -> None:
    """The name from the applicant's profile: nobody is asked for one at sign-up."""
    applicant = UserFactory(role=Role.APPLICANT, full_name="", preferred_language=language)
    ApplicantProfile.objects.create(user=applicant, full_name="Priya Raman")
    case = case_start(applicant=applicant, answers=FULL_ANSWERS, track="quantitative")
    event = case_withdraw(case=case, by=applicant, reason="Took another offer")
    services.notify_case_event(event.pk)
    (message,) = mail.outbox
    assert str(message.body).splitlines()[0] == first_line
