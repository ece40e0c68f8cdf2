"""Ministry sign-in end to end through allauth's real views: two-factor set-up and login with a
TOTP code, sessions without a second factor stopped, rate limits in the Redis cache, and the
inactivity timeout with its keep-alive (time-machine on each edge)."""

from __future__ import annotations

import datetime as dt
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from apps.accounts.mfa import local_url, two_factor_satisfied
from apps.accounts.roles import Role
from tests.factories import UserFactory
from tests.ministry import claim_enrolment, reviewer, sign_in, submitted_case

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"  # UserFactory's
SEOUL = dt.timezone(dt.timedelta(hours=9))
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows now (allauth's own HOTP over 30-second steps)."""
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def path_of(url: str) -> str:
    return urlsplit(url).path


def next_of(url: str) -> str | None:
    return parse_qs(urlsplit(url).query).get("next", [None])[0]


def password_login(client: Client, email: str, next_url: str = "") -> str:
    data = {"login": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("account_login"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


def page_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def case_page():
    return reverse("ministry:case", args=[submitted_case().reference])


# --- Two-factor --------------------------------------------------------------------------------


def test_reviewer_without_an_authenticator_sets_one_up_and_reaches_the_page_they_wanted(client, case_page):
    person = reviewer()
    assert (
        password_login(client, person.email) == "/welcome/"
    )  # the landing page sends each role home (decision 50)

    response = client.get(case_page)  # signed in with a password only: stopped
    assert response.status_code == 302
    assert path_of(response.url) == reverse("mfa_activate_totp")
    assert next_of(response.url) == case_page
    set_up_url = response.url

    # A staff account sets up its authenticator only with an enrolment link someone else issued
    # (tests/accounts/test_enrolment_grants.py): first the page says whom to ask, then the
    # reviewer follows the link their supervisor had e-mailed.
    page = client.get(set_up_url)
    assert page.status_code == 200
    assert "Ask a site administrator for an enrolment link." in page.content.decode()
    claim_enrolment(client, person)

    # allauth asks for the password again before adding an authenticator (the login's does not
    # count as a recent confirmation); ``next`` rides along, encoded inside allauth's own ``next``.
    response = client.get(set_up_url)
    assert path_of(response.url) == reverse("account_reauthenticate")
    response = client.post(response.url, {"password": PASSWORD})
    assert path_of(response.url) == reverse("mfa_activate_totp")
    assert next_of(response.url) == case_page
    assert client.get(response.url).status_code == 200

    secret = client.session[SECRET_SESSION_KEY]  # what the page shows as text and as a QR code
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")  # shown once, then onwards
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()

    response = client.get(response.url)
    assert response.status_code == 200
    assert f'href="{case_page}"' in response.content.decode()
    assert two_factor_satisfied(response.wsgi_request, person)  # set-up counts as the second factor
    assert client.get(case_page).status_code == 200


def test_reviewer_with_an_authenticator_signs_in_with_password_then_code(client, case_page):
    person = reviewer()
    secret = generate_totp_secret()
    TOTP.activate(person, secret)

    stage_url = password_login(client, person.email, next_url=case_page)
    assert path_of(stage_url) == reverse("mfa_authenticate")  # allauth's second stage
    assert client.get(case_page).status_code == 404  # not signed in yet: nothing to see

    response = client.post(stage_url, {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()

    response = client.post(stage_url, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response.url == case_page
    assert client.get(case_page).status_code == 200


def test_a_session_signed_in_before_the_authenticator_existed_is_stopped(client, case_page):
    person = reviewer()
    password_login(client, person.email)
    secret = generate_totp_secret()
    TOTP.activate(person, secret)  # set up elsewhere, after this session signed in

    response = client.get(case_page)
    assert response.status_code == 302
    assert path_of(response.url) in {reverse("mfa_reauthenticate"), reverse("account_reauthenticate")}
    assert client.get(case_page, follow=True).redirect_chain[-1][1] == 302  # never let through

    # A code from the authenticator (allauth's code confirmation) lets the session in.
    response = client.post(f"{reverse('mfa_reauthenticate')}?next={case_page}", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response.url == case_page
    assert client.get(case_page).status_code == 200


def test_a_session_without_the_code_is_sent_to_confirm_with_a_code_not_a_password(client, case_page):
    person = reviewer()
    password_login(client, person.email)
    TOTP.activate(person, generate_totp_secret())
    response = client.get(f"{case_page}?tab=documents&x=1")
    assert path_of(response.url) == reverse("mfa_reauthenticate")
    assert next_of(response.url) == f"{case_page}?tab=documents&x=1"  # encoded, whole


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("/ministry/?q=김&track=qualitative", True),
        ("/ministry/cases/KTP-1234-5678/", True),
        ("https://evil.example/ministry/", False),
        ("//evil.example/", False),
        ("/\\evil.example/", False),
        ("javascript:alert(1)", False),
        ("ministry/", False),
        ("", False),
    ],
)
def test_only_paths_on_this_site_survive_as_next(url, kept):
    assert (local_url(url) == url) is kept


def test_an_outside_next_is_dropped_after_two_factor_set_up(client):
    person = reviewer()
    sign_in(client, person, two_factor=False)
    claim_enrolment(client, person)  # staff set up an authenticator only with an enrolment link
    client.get(f"{reverse('mfa_activate_totp')}?next=https://evil.example/")
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(person.pk)
    session.save()
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    page = client.get(response.url).content.decode()
    assert "evil.example" not in page


# --- Rate limits -------------------------------------------------------------------------------


def test_repeated_failed_logins_for_one_address_are_refused_with_a_readable_message(client):
    person = UserFactory(role=Role.REVIEWER)
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": person.email, "password": "wrong-password"}
        )
        assert response.status_code == 200
        assert "Too many" not in response.content.decode()
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.status_code == 200  # even the right password, until the window passes
    assert "Too many failed login attempts. Try again later." in response.content.decode()

    cache.clear()  # the counters live in the Redis cache: gone with it
    assert (
        client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD}).status_code
        == 302
    )


def test_failed_logins_from_one_address_are_limited_across_accounts(client):
    for n in range(10):
        client.post(
            reverse("account_login"), {"login": f"nobody{n}@example.org", "password": "wrong-password"}
        )
    person = UserFactory()
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()


def test_wrong_two_factor_codes_are_limited_too(client):
    person = reviewer()
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    stage_url = password_login(client, person.email)
    wrong = "123456" if totp_code(secret) != "123456" else "654321"
    for _ in range(5):
        assert "Incorrect code" in client.post(stage_url, {"code": wrong}).content.decode()
    response = client.post(stage_url, {"code": totp_code(secret)})
    assert "Too many failed login attempts" in response.content.decode()


# --- Inactivity --------------------------------------------------------------------------------


@pytest.fixture
def idle_settings(settings):
    settings.SESSION_IDLE_TIMEOUT = 1800
    settings.SESSION_IDLE_WARNING = 120
    settings.SESSION_IDLE_SCOPE = "staff"
    return settings


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def at(clock, seconds: float) -> None:
    clock.move_to(START + dt.timedelta(seconds=seconds))


def test_a_ministry_session_is_signed_out_after_30_minutes_without_activity(
    idle_settings, clock, client, case_page
):
    sign_in(client, reviewer())
    assert client.get(case_page).status_code == 200

    at(clock, 1799)  # just under: still in, and this request is activity
    assert client.get(case_page).status_code == 200

    at(clock, 1799 + 1799)
    assert client.get(case_page).status_code == 200

    at(clock, 1799 + 1799 + 1800)  # just over
    response = client.get(case_page)
    assert response.status_code == 302
    assert path_of(response.url) == reverse("account_login")
    assert next_of(response.url) == case_page
    assert page_messages(response) == ["You were signed out after 30 minutes without activity."]
    assert "_auth_user_id" not in client.session
    assert client.get(case_page).status_code == 404  # signed out: ministry pages are not there


def test_the_session_status_the_warning_script_polls_is_not_activity(idle_settings, clock, client, case_page):
    sign_in(client, reviewer())
    client.get(case_page)
    at(clock, 1000)
    status = client.get(reverse("session_status"), HTTP_ACCEPT="application/json").json()
    assert status == {"signed_in": True, "remaining": 800, "login_url": reverse("account_login")}
    at(clock, 1500)
    client.get(case_page, HTTP_X_SESSION_PASSIVE="1")  # an automatic refresh: not activity either
    at(clock, 1800)
    response = client.get(reverse("session_status"), HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json() == {"signed_in": False, "login_url": reverse("account_login")}


def test_stay_signed_in_is_activity(idle_settings, clock, client, case_page):
    sign_in(client, reviewer())
    client.get(case_page)
    at(clock, 1700)
    response = client.post(reverse("session_keep_alive"), HTTP_ACCEPT="application/json")
    assert response.json() == {"signed_in": True, "remaining": 1800, "login_url": reverse("account_login")}
    at(clock, 1700 + 1799)
    assert client.get(case_page).status_code == 200


def test_keep_alive_needs_a_post_with_the_csrf_token_and_a_signed_in_person(idle_settings, case_page):
    assert Client().post(reverse("session_keep_alive")).status_code == 401  # anonymous: JSON, no redirect
    client = Client(enforce_csrf_checks=True)
    sign_in(client, reviewer())
    page = client.get(case_page)
    assert client.get(reverse("session_keep_alive")).status_code == 405
    assert client.post(reverse("session_keep_alive")).status_code == 403  # no token
    token = page.context["csrf_token"]
    assert client.post(reverse("session_keep_alive"), HTTP_X_CSRFTOKEN=str(token)).status_code == 200


def test_htmx_and_script_requests_of_an_expired_session_are_told_where_to_go(
    idle_settings, clock, client, case_page
):
    sign_in(client, reviewer())
    client.get(case_page)
    at(clock, 1800)
    response = client.get(
        case_page, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"http://testserver{case_page}"
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('account_login')}?next={case_page.replace('/', '%2F')}"


def test_the_warning_dialog_is_on_the_pages_of_a_watched_session_only(idle_settings, client, case_page):
    sign_in(client, reviewer())
    home = client.get("/").content.decode()
    assert 'id="session-timeout"' not in home  # no ministry page opened yet: nothing to protect
    page = client.get(case_page).content.decode()
    assert 'role="alertdialog"' in page
    assert 'data-timeout="1800"' in page
    assert 'data-warning="120"' in page
    assert "js/session-timeout.js" in page
    assert 'id="session-timeout"' in client.get("/").content.decode()  # from then on, everywhere


def test_applicants_are_not_signed_out_for_inactivity_unless_the_scope_is_everyone(
    idle_settings, clock, client
):
    applicant = UserFactory(role=Role.APPLICANT)
    client.force_login(applicant)
    assert client.get("/").status_code == 200
    at(clock, 3 * 3600)
    response = client.get("/")
    assert response.status_code == 200
    assert response.wsgi_request.user == applicant
    assert 'id="session-timeout"' not in response.content.decode()

    idle_settings.SESSION_IDLE_SCOPE = "everyone"
    client.get("/")
    at(clock, 3 * 3600 + 1800)
    assert client.get("/").status_code == 302


def test_no_timeout_when_it_is_turned_off(settings, clock, client, case_page):
    settings.SESSION_IDLE_TIMEOUT = 0
    sign_in(client, reviewer())
    client.get(case_page)
    at(clock, 4 * 3600)
    assert client.get(case_page).status_code == 200


def test_a_lost_activity_record_signs_a_ministry_session_out_rather_than_extending_it(
    idle_settings, clock, client, case_page
):
    """Redis restarted, flushed or evicting: the last activity is gone. Failing open would give an
    unattended session a fresh 30 minutes each time; it is signed out instead."""
    sign_in(client, reviewer())
    assert client.get(case_page).status_code == 200
    at(clock, 60)
    cache.delete(f"accounts:idle:{client.session.session_key}")
    response = client.get(case_page)
    assert response.status_code == 302
    assert path_of(response.url) == reverse("account_login")
    assert page_messages(response) == ["For your security, you were signed out. Please sign in again."]
    assert "_auth_user_id" not in client.session


def test_a_new_session_key_is_not_taken_for_a_lost_record(idle_settings, clock, client, case_page):
    """A login cycles the session key and keeps the data: the new key has no record yet."""
    person = reviewer()
    sign_in(client, person)
    assert client.get(case_page).status_code == 200
    session = client.session
    session.cycle_key()  # as django.contrib.auth.login does
    session.save()
    client.cookies["sessionid"] = session.session_key
    at(clock, 60)
    assert client.get(case_page).status_code == 200
    at(clock, 60 + 1800)  # and the new key is watched in its turn
    assert client.get(case_page).status_code == 302
