"""The admin site behind the second factor (apps.accounts.admin_site): a password-only session is
sent to its second factor, the admin's own login page signs nobody in, and a fresh installation's
first superuser gets in through an enrolment link issued from the command line."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from apps.accounts.models import EnrolmentGrant, User
from apps.accounts.roles import Role
from tests.factories import UserFactory
from tests.ministry import PASSWORD, reviewer, set_up_totp, sign_in, site_admin, submitted_case, totp_code

pytestmark = pytest.mark.django_db

ADMIN_INDEX = "/admin/"
CASES = "/admin/cases/case/"


def path_of(url: str) -> str:
    return urlsplit(url).path


def next_of(url: str) -> str | None:
    return parse_qs(urlsplit(url).query).get("next", [None])[0]


def password_login(client: Client, email: str, next_url: str = "") -> str:
    data = {"login": email, "password": PASSWORD, **({"next": next_url} if next_url else {})}
    response = client.post(reverse("account_login"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response.url)


def landing(client: Client, url: str) -> tuple[str, int]:
    """Where following ``url``'s redirects ends (path and status); never a loop."""
    response = client.get(url, follow=True)
    assert len(response.redirect_chain) < 5, response.redirect_chain
    return response.request["PATH_INFO"], response.status_code


# --- A session without the second factor --------------------------------------------------------


def test_a_password_only_superuser_session_is_sent_to_confirm_a_code(client):
    admin = site_admin()
    TOTP.activate(admin, generate_totp_secret())
    sign_in(client, admin, two_factor=False)  # signed in before the authenticator existed

    response = client.get(CASES)
    assert response.status_code == 302
    assert path_of(response.url) == reverse("admin:login")
    response = client.get(response.url)
    assert path_of(response.url) == reverse("mfa_reauthenticate")
    assert next_of(response.url) == CASES
    assert landing(client, CASES) == (reverse("mfa_reauthenticate"), 200)


def test_a_superuser_without_an_authenticator_is_sent_to_set_one_up_and_told_whom_to_ask(client):
    admin = site_admin()
    sign_in(client, admin, two_factor=False)
    response = client.get(client.get(ADMIN_INDEX).url)
    assert path_of(response.url) == reverse("mfa_activate_totp")
    assert next_of(response.url) == ADMIN_INDEX
    page = client.get(response.url)
    assert page.status_code == 200  # an explanation, not an error
    text = page.content.decode()
    assert "Ask a site administrator for an enrolment link." in text
    assert f"manage.py issue_staff_enrolment {admin.email}" in text  # the way in on a fresh install
    assert "The admin site needs two-factor authentication." in text


@pytest.mark.parametrize(
    "url",
    [ADMIN_INDEX, CASES, "/admin/accounts/user/", "/admin/jsi18n/", "/admin/password_change/"],
)
def test_no_admin_page_opens_without_the_second_factor(client, url):
    sign_in(client, site_admin(), two_factor=False)
    response = client.get(url)
    assert response.status_code == 302
    assert path_of(response.url) == reverse("admin:login")


def test_the_admin_opens_after_a_totp_code_at_sign_in(client):
    admin = site_admin()
    secret = generate_totp_secret()
    TOTP.activate(admin, secret)
    submitted = submitted_case()

    response = client.get(CASES)  # signed out: the admin's login page sends to allauth's
    response = client.get(response.url)
    assert path_of(response.url) == reverse("account_login")
    assert next_of(response.url) == CASES

    stage = password_login(client, admin.email, next_url=CASES)
    assert path_of(stage) == reverse("mfa_authenticate")  # the password alone is not a sign-in
    assert client.get(CASES).status_code == 302
    response = client.post(stage, {"code": totp_code(secret)})
    assert response.url == CASES
    page = client.get(CASES)
    assert page.status_code == 200
    assert submitted.reference in page.content.decode()


def test_a_session_with_the_second_factor_is_sent_on_from_the_admin_login_page(client):
    sign_in(client, site_admin())
    response = client.get(f"{reverse('admin:login')}?next={CASES}")
    assert response.url == CASES
    assert client.get(CASES).status_code == 200
    # Only paths on this site: anything else goes to the admin's index.
    assert client.get(f"{reverse('admin:login')}?next=https://evil.example/").url == ADMIN_INDEX


# --- The admin's own login page -----------------------------------------------------------------


def test_the_admin_login_page_has_no_password_form_and_signs_nobody_in(client):
    admin = site_admin()  # no authenticator: a password would be all it took before
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert path_of(response.url) == reverse("account_login")
    assert next_of(response.url) == ADMIN_INDEX

    response = client.post(
        f"{reverse('admin:login')}?next={CASES}", {"username": admin.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert path_of(response.url) == reverse("account_login")
    assert "_auth_user_id" not in client.session
    assert landing(client, CASES) == (reverse("account_login"), 200)


def test_a_password_login_through_allauth_does_not_open_the_admin_either(client):
    admin = site_admin()
    assert password_login(client, admin.email, next_url=CASES) == CASES  # no authenticator: signed in
    assert landing(client, CASES) == (reverse("mfa_activate_totp"), 200)  # yet stopped at set-up
    assert "Ask a site administrator" in client.get(reverse("mfa_activate_totp")).content.decode()


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER])
def test_someone_who_is_not_site_staff_is_refused_without_a_redirect_loop(client, role):
    person = UserFactory(role=role)
    sign_in(client, person)  # even with a second factor
    assert landing(client, ADMIN_INDEX) == (reverse("admin:login"), 403)


# --- A fresh installation ------------------------------------------------------------------------


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://\S+", str(message.body))
    assert found is not None, message.body
    return path_of(found.group())


def test_the_first_superuser_gets_in_through_an_enrolment_link_from_the_command_line(client):
    admin = User.objects.create_superuser("root@motie.go.kr", PASSWORD)  # as createsuperuser does

    # The first sign-in confirms the address (allauth's mandatory verification), then stops at the
    # set-up: no self-enrolment, even for a superuser.
    response = client.post(reverse("account_login"), {"login": admin.email, "password": PASSWORD})
    assert path_of(response.url) == reverse("account_email_verification_sent")
    (verification,) = mail.outbox
    client.post(link_in(verification))
    mail.outbox.clear()
    assert landing(client, ADMIN_INDEX) == (reverse("mfa_activate_totp"), 200)

    out = io.StringIO()
    call_command("issue_staff_enrolment", admin.email, stdout=out)
    assert "Enrolment link e-mailed to root@motie.go.kr" in out.getvalue()
    assert "http" not in out.getvalue()  # printed only when asked (--print-link)
    (message,) = mail.outbox
    assert message.to == [admin.email]
    link = link_in(message)

    assert client.get(link).status_code == 200
    assert client.post(link).url == reverse("mfa_activate_totp")
    set_up_totp(client)
    assert client.get(ADMIN_INDEX).status_code == 200

    grant = EnrolmentGrant.objects.get(user=admin)
    assert grant.issued_via == EnrolmentGrant.Channel.COMMAND
    assert grant.issued_by is None
    assert grant.issued_by_name.endswith("(manage.py)")
    assert grant.used_at is not None
    assert grant.enrolled_at is not None


def test_the_command_can_print_the_link_and_refuses_what_it_should():
    admin = User.objects.create_superuser("root@motie.go.kr", PASSWORD)
    out = io.StringIO()
    call_command("issue_staff_enrolment", admin.email, "--print-link", stdout=out)
    assert re.search(r"^https?://\S+/accounts/2fa/enrol/\S+/$", out.getvalue(), re.MULTILINE)

    applicant = UserFactory(role=Role.APPLICANT)
    staff_with_totp = reviewer()
    TOTP.activate(staff_with_totp, generate_totp_secret())
    for email, message in [
        ("nobody@motie.go.kr", "No account"),
        (applicant.email, "not a staff account"),
        (staff_with_totp.email, "already has an authenticator"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("issue_staff_enrolment", email, stdout=io.StringIO())


class BrokenMail:
    """An e-mail backend whose server is not there (a new installation's localhost:25)."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("[Errno 111] Connection refused")


@pytest.fixture
def broken_mail(settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_admin_two_factor.BrokenMail"


def test_print_link_works_when_e_mail_does_not(broken_mail):
    """The documented way in for the first administrator: the link is printed before the e-mail
    is tried, and the failed e-mail is reported, not a traceback."""
    admin = User.objects.create_superuser("root@motie.go.kr", PASSWORD)
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_staff_enrolment", admin.email, "--print-link", stdout=out, stderr=err)
    assert re.search(r"^https?://\S+/accounts/2fa/enrol/\S+/$", out.getvalue(), re.MULTILINE)
    assert "could not be e-mailed" in err.getvalue()
    assert EnrolmentGrant.objects.filter(user=admin, revoked_at__isnull=True).count() == 1


def test_a_failed_e_mail_issues_nothing_and_keeps_the_earlier_link(broken_mail, settings):
    person = reviewer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("issue_staff_enrolment", person.email, stdout=io.StringIO())
    earlier = EnrolmentGrant.objects.get(user=person)
    settings.EMAIL_BACKEND = "tests.accounts.test_admin_two_factor.BrokenMail"

    with pytest.raises(CommandError, match="nothing was issued"):
        call_command("issue_staff_enrolment", person.email, stdout=io.StringIO())
    boss = site_admin()
    client = sign_in(Client(), boss)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_enrolment_link", "_selected_action": [person.pk]},
        follow=True,
    )
    assert f"Could not e-mail {person.email}" in response.content.decode()
    assert list(EnrolmentGrant.objects.filter(user=person)) == [earlier]  # no new grant
    earlier.refresh_from_db()
    assert earlier.revoked_at is None  # the link they have still works
