"""Sign up, verify the e-mail address, log in: allauth wired to the custom e-mail user."""

import re

import pytest
from django.core import mail

from apps.accounts.models import User

pytestmark = pytest.mark.django_db


def test_signup_requires_email_verification_before_login(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.org",
            "password1": "a-strong-pass-phrase",
            "password2": "a-strong-pass-phrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new.person@example.org").exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[K-Tech Pass]")

    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "new.person@example.org", "password": "a-strong-pass-phrase"}
    )
    assert response.status_code == 302
    assert "confirm-email" in response.url  # not let in until the address is verified

    confirm_path = re.search(r"/accounts/confirm-email/[^\s]+/", mail.outbox[-1].body).group(0)
    client.post(confirm_path)
    response = client.post(
        "/accounts/login/",
        {"login": "new.person@example.org", "password": "a-strong-pass-phrase"},
        follow=True,
    )
    assert response.context["user"].is_authenticated


def test_signup_errors_are_shown_next_to_the_fields_and_keep_the_email(client):
    response = client.post(
        "/accounts/signup/", {"email": "someone@example.org", "password1": "short", "password2": "different"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="someone@example.org"' in html
    assert "invalid-feedback" in html or "is-invalid" in html  # crispy renders errors by the field


def test_login_page_renders_in_korean(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    assert '<html lang="ko">' in response.content.decode()
