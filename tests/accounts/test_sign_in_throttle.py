"""Account lockout is no longer a weapon (issue 13): wrong passwords are throttled by account and
source together, the account's own ceiling slows guessing without locking the owner out, and the
holder is e-mailed once per window when failures repeat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from allauth.account.signals import password_reset
from django.conf import settings
from django.core import mail
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.notifications import security, tasks
from apps.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # UserFactory's
ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"
REFUSED = "Too many failed login attempts. Try again later."


@pytest.fixture
def owner() -> User:
    return UserFactory(role=Role.REVIEWER, email="reviewer@example.go.kr")


@pytest.fixture(autouse=True)
def _alerts_delivered_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    """The alert's delivery task runs at once, as a worker would. A sign-in request has no
    transaction of its own, so its after-commit hook runs at once; here the test's transaction is
    open, so the hook is called directly."""
    monkeypatch.setattr(security, "safe_on_commit", lambda hook, what: hook())
    monkeypatch.setattr(security, "enqueue", lambda name, pk: tasks.deliver(pk))


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(dt.datetime(2026, 11, 18, 10, 0, tzinfo=dt.UTC), tick=False) as traveller:
        yield traveller


def sign_in(email: str, password: str, address: str) -> tuple[int, str]:
    response = Client(REMOTE_ADDR=address).post(
        reverse("account_login"), {"login": email, "password": password}
    )
    return response.status_code, response.content.decode()


def fail(email: str, address: str, times: int) -> list[bool]:
    """Wrong passwords; whether each was refused without being checked."""
    return [REFUSED in sign_in(email, "wrong-password", address)[1] for _ in range(times)]


def alerts_to(user: User) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if message.to == [user.email]]


def test_an_attacker_failing_20_times_does_not_stop_the_owner_signing_in_from_elsewhere(clock, owner):
    refused = fail(owner.email, ATTACKER, 20)
    assert refused == [False] * 5 + [True] * 15  # the attacker's address is throttled after five
    status, page = sign_in(owner.email, PASSWORD, ATTACKER)
    assert (status, REFUSED in page) == (200, True)  # even the right password, from there
    status, _page = sign_in(owner.email, PASSWORD, OWNER)
    assert status == 302  # the owner, from their own address, signs in


def test_the_owner_gets_one_e_mail_per_window_however_many_failures(clock, owner):
    fail(owner.email, ATTACKER, 20)
    fail(owner.email, "192.0.2.44", 10)  # a second address in the same hour
    (alert,) = alerts_to(owner)
    assert alert.subject == "Failed sign-in attempts on your K-Tech Pass account"
    assert "reviewer@example.go.kr 5 times since 18 November 2026, 19:00 KST" in alert.body
    assert ATTACKER in alert.body
    assert "/accounts/password/reset/" in alert.body
    assert Notification.objects.filter(recipient=owner, sent_at__isnull=False).count() == 1

    clock.shift(dt.timedelta(hours=1, minutes=1))  # the next window
    fail(owner.email, "192.0.2.45", 5)
    assert len(alerts_to(owner)) == 2


def test_a_few_mistakes_send_nothing(clock, owner):
    fail(owner.email, OWNER, settings.LOGIN_FAILURE_ALERT_AFTER - 1)
    assert sign_in(owner.email, PASSWORD, OWNER)[0] == 302
    assert mail.outbox == []


def test_an_unknown_address_is_throttled_alike_and_mails_nobody(clock):
    assert fail("nobody@example.org", ATTACKER, 7) == [False] * 5 + [True] * 2
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_the_alert_is_in_the_holders_language(clock):
    korean = UserFactory(preferred_language="ko")
    fail(korean.email, ATTACKER, 5)
    (alert,) = alerts_to(korean)
    assert "로그인" in alert.subject


@override_settings(
    ACCOUNT_RATE_LIMITS={
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed_account": "6/h/key",
        "login_failed_strained": "1/15m/key",
    }
)
def test_over_the_accounts_ceiling_each_address_slows_to_one_try_but_the_owner_still_gets_in(clock, owner):
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):  # many addresses, two guesses each
        assert fail(owner.email, address, 2) == [False, False]
    # The ceiling (6 in the hour) is reached: an address that has failed waits a quarter of an hour,
    assert fail(owner.email, "203.0.113.1", 1) == [True]
    # a new address gets one try, then waits too,
    assert fail(owner.email, "203.0.113.4", 2) == [False, True]
    # and the owner's first try from their own address goes through.
    assert sign_in(owner.email, PASSWORD, OWNER)[0] == 302
    clock.shift(dt.timedelta(minutes=16))
    assert fail(owner.email, "203.0.113.1", 2) == [False, True]


def test_a_password_reset_lifts_the_throttle_for_the_address_it_came_from(clock, owner):
    fail(owner.email, OWNER, 5)
    assert REFUSED in sign_in(owner.email, PASSWORD, OWNER)[1]
    request = RequestFactory().post("/accounts/password/reset/key/done/", REMOTE_ADDR=OWNER)
    password_reset.send(sender=User, request=request, user=owner)
    assert sign_in(owner.email, PASSWORD, OWNER)[0] == 302


def test_an_ipv6_network_counts_as_one_source(clock, owner):
    assert fail(owner.email, "2001:db8:1:2::1", 3) == [False] * 3
    assert fail(owner.email, "2001:db8:1:2::ffff", 3) == [False, False, True]  # same /64
    assert sign_in(owner.email, PASSWORD, "2001:db8:9:9::1")[0] == 302


def test_the_alert_is_recorded_before_it_is_sent_so_the_sweep_can_resend_it(clock, owner, monkeypatch):
    monkeypatch.setattr(security, "enqueue", lambda name, pk: False)  # the broker did not take it
    fail(owner.email, ATTACKER, 5)
    assert alerts_to(owner) == []
    row = Notification.objects.get(recipient=owner)
    assert row.sent_at is None
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=False):
        assert tasks.sweep.apply().get()["resent"] == 1
    assert len(alerts_to(owner)) == 1
