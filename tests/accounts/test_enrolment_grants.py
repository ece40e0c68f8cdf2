"""Staff two-factor enrolment grants (apps.accounts.enrolment): a staff account sets up its
authenticator only after following a single-use, expiring link someone else issued; applicants and
employers still set up theirs on their own."""

from __future__ import annotations

import datetime as dt
import re
import time
from urllib.parse import urlsplit

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP, generate_totp_secret
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from apps.accounts.enrolment import GRANT_SESSION_KEY, grant_issue, token_hash
from apps.accounts.mfa import two_factor_satisfied
from apps.accounts.models import EnrolmentGrant, User
from apps.accounts.roles import Role
from tests.factories import UserFactory
from tests.ministry import (
    claim_enrolment,
    enrolment_link,
    reviewer,
    set_up_totp,
    sign_in,
    site_admin,
    submitted_case,
    supervisor,
    totp_code,
)

pytestmark = pytest.mark.django_db

SEOUL = dt.timezone(dt.timedelta(hours=9))
START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=SEOUL)
ASK = "Ask a site administrator for an enrolment link."
NOT_VALID = "This enrolment link is not valid"


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def reauthenticated(client: Client, user: User) -> None:
    """As if the password had just been confirmed, so allauth's own check is not what stops a set-up."""
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


STAFF = {
    "reviewer": lambda: UserFactory(role=Role.REVIEWER),
    "supervisor": lambda: UserFactory(role=Role.SUPERVISOR),
    "site staff": lambda: UserFactory(is_staff=True),
    "superuser": lambda: UserFactory(is_staff=True, is_superuser=True),
}


# --- Without a grant -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", STAFF)
def test_staff_without_a_grant_see_whom_to_ask_and_cannot_add_an_authenticator(client, kind):
    person = STAFF[kind]()
    sign_in(client, person, two_factor=False)
    reauthenticated(client, person)

    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200  # a clear page, not an error
    text = page.content.decode()
    assert ASK in text
    assert "Two-factor set-up needs an enrolment link" in text
    assert 'name="code"' not in text  # no set-up form, no secret handed out

    session = client.session  # a secret planted as if an earlier set-up page had been shown
    session[SECRET_SESSION_KEY] = generate_totp_secret()
    session.save()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(session[SECRET_SESSION_KEY])})
    assert response.status_code == 403
    assert ASK in response.content.decode()
    assert not has_totp(person)


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.EMPLOYER, None])
def test_applicants_and_employers_still_set_up_two_factor_on_their_own(client, role):
    person = UserFactory(role=role)
    client.force_login(person)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 302  # allauth's password confirmation first, as before
    assert urlsplit(page.url).path == reverse("account_reauthenticate")
    assert set_up_totp(client) == reverse("mfa_view_recovery_codes")
    assert has_totp(person)
    assert not EnrolmentGrant.objects.exists()


# --- With a grant --------------------------------------------------------------------------------


def test_a_reviewer_enrols_through_the_link_and_reaches_the_ministry(client):
    person = reviewer()
    boss = supervisor()
    case_page = reverse("ministry:case", args=[submitted_case().reference])
    sign_in(client, person, two_factor=False)
    grant_issue(user=person, by=boss, via=EnrolmentGrant.Channel.ADMIN)

    (message,) = mail.outbox
    assert message.to == [person.email]
    assert "two-factor" in message.subject
    link = urlsplit(re.search(r"https?://\S+", str(message.body)).group()).path  # type: ignore[union-attr]
    page = client.get(link)
    assert page.status_code == 200
    assert person.email in page.content.decode()
    assert 'method="post"' in page.content.decode()
    assert EnrolmentGrant.objects.get().used_at is None  # opening the link uses nothing

    response = client.post(link)
    assert response.url == reverse("mfa_activate_totp")
    set_up_totp(client)
    assert has_totp(person)
    assert GRANT_SESSION_KEY not in client.session
    response = client.get(case_page)
    assert response.status_code == 200
    assert two_factor_satisfied(response.wsgi_request, person)


def test_the_link_works_once(client):
    person = reviewer()
    sign_in(client, person, two_factor=False)
    link = enrolment_link(person)
    assert client.post(link).status_code == 302
    again = client.post(link)
    assert again.status_code == 404
    assert NOT_VALID in again.content.decode()
    assert client.get(link).status_code == 404

    other_session = sign_in(Client(), person, two_factor=False)  # the same person elsewhere
    assert other_session.post(link).status_code == 404
    reauthenticated(other_session, person)
    assert ASK in other_session.get(reverse("mfa_activate_totp")).content.decode()


def test_the_grant_allows_one_authenticator(client):
    person = reviewer()
    sign_in(client, person, two_factor=False)
    claim_enrolment(client, person)
    set_up_totp(client)
    Authenticator.objects.filter(user=person).delete()  # lost the phone: someone deletes it...
    reauthenticated(client, person)
    assert ASK in client.get(reverse("mfa_activate_totp")).content.decode()  # ...and must issue a new link


def test_the_link_is_for_its_own_person_only():
    person, someone_else = reviewer(), reviewer()
    link = enrolment_link(person)

    intruder = sign_in(Client(), someone_else, two_factor=False)
    page = intruder.get(link)
    assert page.status_code == 404
    assert NOT_VALID in page.content.decode()
    assert person.email not in page.content.decode()  # nothing learnt about whose link it is
    assert intruder.post(link).status_code == 404
    assert GRANT_SESSION_KEY not in intruder.session
    reauthenticated(intruder, someone_else)
    assert ASK in intruder.get(reverse("mfa_activate_totp")).content.decode()
    assert EnrolmentGrant.objects.get().used_at is None

    anonymous = Client()
    response = anonymous.get(link)
    assert urlsplit(response.url).path == reverse("account_login")  # sign in first, then back here
    assert EnrolmentGrant.objects.get().used_at is None

    owner = sign_in(Client(), person, two_factor=False)
    assert owner.post(link).status_code == 302  # still valid for its owner


def test_the_link_expires(client, settings):
    settings.STAFF_ENROLMENT_GRANT_HOURS = 24
    person = reviewer()
    with time_machine.travel(START, tick=False) as clock:
        link = enrolment_link(person)
        clock.move_to(START + dt.timedelta(hours=24) - dt.timedelta(seconds=1))
        sign_in(client, person, two_factor=False)  # (a session lasts 8 hours: signed in now)
        assert client.get(link).status_code == 200  # just before
        clock.move_to(START + dt.timedelta(hours=24))
        assert client.get(link).status_code == 404
        assert client.post(link).status_code == 404
    assert EnrolmentGrant.objects.get().used_at is None


def test_a_followed_link_does_not_outlive_its_expiry(client):
    person = reviewer()
    with time_machine.travel(START, tick=False) as clock:
        link = enrolment_link(person)
        clock.move_to(START + dt.timedelta(hours=20))
        sign_in(client, person, two_factor=False)
        assert client.post(link).status_code == 302  # followed late, with the session still open...
        clock.move_to(START + dt.timedelta(hours=24, seconds=1))  # ...past the link's expiry
        reauthenticated(client, person)
        assert ASK in client.get(reverse("mfa_activate_totp")).content.decode()


def test_the_lifetime_is_a_setting(client, settings):
    settings.STAFF_ENROLMENT_GRANT_HOURS = 2
    person = reviewer()
    with time_machine.travel(START, tick=False):
        link = enrolment_link(person)
        assert EnrolmentGrant.objects.get().expires_at == START + dt.timedelta(hours=2)
    with time_machine.travel(START + dt.timedelta(hours=2, seconds=1), tick=False):
        sign_in(client, person, two_factor=False)
        assert client.post(link).status_code == 404
    (message,) = mail.outbox
    assert "expires in 2 hours" in str(message.body)


def test_a_new_link_replaces_the_earlier_one(client):
    person = reviewer()
    sign_in(client, person, two_factor=False)
    first = enrolment_link(person)
    claim_enrolment(client, person)  # a second grant, followed in this session
    assert client.post(first).status_code == 404
    first_grant, second_grant = EnrolmentGrant.objects.order_by("issued_at", "pk")
    assert first_grant.revoked_at is not None
    assert second_grant.revoked_at is None

    enrolment_link(person)  # a third, issued after the second was followed: that session loses it
    reauthenticated(client, person)
    assert ASK in client.get(reverse("mfa_activate_totp")).content.decode()


# --- Audit and issuing ---------------------------------------------------------------------------


def test_a_grant_records_who_issued_it_and_when_it_was_used_and_stores_no_token(client):
    person, boss = reviewer(), supervisor(email="boss@motie.go.kr")
    with time_machine.travel(START, tick=False) as clock:
        issued = grant_issue(user=person, by=boss, via=EnrolmentGrant.Channel.ADMIN)
        token = urlsplit(issued.link).path.rstrip("/").rsplit("/", 1)[-1]
        grant = EnrolmentGrant.objects.get()
        assert (grant.user, grant.issued_by, grant.issued_by_name, grant.issued_via) == (
            person,
            boss,
            "boss@motie.go.kr",
            "admin",
        )
        assert grant.issued_at == START
        assert grant.token_hash == token_hash(token)
        assert token not in {str(value) for value in EnrolmentGrant.objects.values().get().values()}

        clock.move_to(START + dt.timedelta(minutes=5))
        sign_in(client, person, two_factor=False)
        client.post(urlsplit(issued.link).path)
        clock.move_to(START + dt.timedelta(minutes=7))
        set_up_totp(client)

    grant.refresh_from_db()
    assert grant.used_at == START + dt.timedelta(minutes=5)
    assert grant.enrolled_at == START + dt.timedelta(minutes=7)
    assert grant.revoked_at is None


def test_issuing_is_refused_for_oneself_and_for_whom_it_makes_no_sense():
    boss = supervisor()
    with_totp = reviewer()
    TOTP.activate(with_totp, generate_totp_secret())
    inactive = reviewer(is_active=False)
    for user, by, message in [
        (boss, boss, "must be issued by someone else"),
        (UserFactory(role=Role.APPLICANT), boss, "not a staff account"),
        (UserFactory(role=Role.EMPLOYER), boss, "not a staff account"),
        (with_totp, boss, "already has an authenticator"),
        (inactive, boss, "not an active account"),
    ]:
        with pytest.raises(ValidationError, match=message):
            grant_issue(user=user, by=by, via=EnrolmentGrant.Channel.ADMIN)
    assert not EnrolmentGrant.objects.exists()
    assert not mail.outbox


def test_an_administrator_issues_links_from_the_users_admin(client):
    admin = site_admin(email="admin@motie.go.kr")
    sign_in(client, admin)
    new_reviewer, applicant = reviewer(), UserFactory(role=Role.APPLICANT)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_enrolment_link", "_selected_action": [new_reviewer.pk, applicant.pk, admin.pk]},
        follow=True,
    )
    text = response.content.decode()
    assert "Enrolment link sent to 1 person." in text
    assert "not a staff account" in text
    assert "already has an authenticator" in text  # the administrator themselves (sign_in set one up)
    grant = EnrolmentGrant.objects.get()
    assert (grant.user, grant.issued_by, grant.issued_via) == (new_reviewer, admin, "admin")
    assert [message.to for message in mail.outbox] == [[new_reviewer.email]]

    listing = client.get(reverse("admin:accounts_enrolmentgrant_changelist"))
    assert listing.status_code == 200
    assert new_reviewer.email in listing.content.decode()
    assert client.get(reverse("admin:accounts_enrolmentgrant_add")).status_code == 403  # an audit


def test_an_administrator_cannot_issue_their_own_link(client):
    admin = site_admin()
    sign_in(client, admin)
    Authenticator.objects.filter(user=admin).delete()  # even after losing their authenticator
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_enrolment_link", "_selected_action": [admin.pk]},
        follow=True,
    )
    assert "An enrolment link must be issued by someone else." in response.content.decode()
    assert not EnrolmentGrant.objects.exists()


# --- The address the link goes to ----------------------------------------------------------------


@pytest.mark.parametrize("kind", STAFF)
def test_staff_cannot_change_the_address_their_enrolment_link_goes_to(client, kind):
    from allauth.account.models import EmailAddress

    person = STAFF[kind]()
    sign_in(client, person, two_factor=False)  # a password is all an intruder would have
    page = client.get(reverse("account_email"))
    assert page.status_code == 200
    assert "Ask a site administrator to change it." in page.content.decode()
    response = client.post(reverse("account_email"), {"action_add": "", "email": "intruder@example.net"})
    assert response.status_code == 403
    assert not EmailAddress.objects.filter(email="intruder@example.net").exists()


def test_applicants_still_manage_their_addresses(client):
    from allauth.account.models import EmailAddress

    person = UserFactory(role=Role.APPLICANT)
    client.force_login(person)
    assert 'name="action_add"' in client.get(reverse("account_email")).content.decode()
    response = client.post(reverse("account_email"), {"action_add": "", "email": "second@example.net"})
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=person, email="second@example.net").exists()


def test_the_page_for_staff_without_a_grant_is_in_korean_for_korean_readers(client):
    person = UserFactory(role=Role.REVIEWER)
    sign_in(client, person, two_factor=False)
    reauthenticated(client, person)
    text = client.get(reverse("mfa_activate_totp"), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    assert "2단계 인증을 설정하려면 등록 링크가 필요합니다" in text
    assert "Two-factor set-up needs an enrolment link" not in text
