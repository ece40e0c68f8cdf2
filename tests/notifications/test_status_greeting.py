"""Status e-mails greet the applicant by name (the application's, else the account's), never by
their e-mail address, and say when the change happened, in Korea time (issue 12)."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail

from apps.accounts.roles import Role
from apps.cases.services import case_start, case_withdraw
from apps.notifications import services
from tests.factories import FULL_ANSWERS, UserFactory

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 10, 15, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Seoul"))


def status_mail(applicant, *, applicant_name=""):
    case = case_start(applicant=applicant, answers=FULL_ANSWERS, track="quantitative")
    if applicant_name:
        type(case).objects.filter(pk=case.pk).update(applicant_name=applicant_name)
        case.refresh_from_db()
    with time_machine.travel(AT, tick=False):
        event = case_withdraw(case=case, by=applicant)
    services.notify_case_event(event.pk)
    return mail.outbox[-1].body


def test_the_name_on_the_application_comes_first():
    applicant = UserFactory(role=Role.APPLICANT, full_name="Account Name")
    assert status_mail(applicant, applicant_name="Ada Lovelace").startswith("Dear Ada Lovelace,")


def test_else_the_accounts_name():
    applicant = UserFactory(role=Role.APPLICANT, full_name="Grace Hopper")
    body = status_mail(applicant)
    assert body.startswith("Dear Grace Hopper,")
    assert "When: 10 November 2026, 15:30 KST" in body


def test_never_the_e_mail_address():
    applicant = UserFactory(role=Role.APPLICANT, full_name="", email="someone@example.org")
    body = status_mail(applicant, applicant_name="someone@example.org")
    assert body.startswith("Hello,")
    assert "Dear someone@example.org" not in body


def test_in_korean_too():
    applicant = UserFactory(role=Role.APPLICANT, full_name="김민지", preferred_language="ko")
    body = status_mail(applicant)
    assert "김민지" in body.splitlines()[0]
    assert "2026년 11월 10일 15:30 (KST)" in body
