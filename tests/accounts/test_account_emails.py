"""Account e-mails name the service and its address from settings, never the request's host, and
greet the person by name when the account has one (decision 50)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@override_settings(SITE_URL="https://ktechpass.example")
def test_the_verification_e_mail_names_the_service_not_the_host(client: Client) -> None:
    client.post(
        "/accounts/signup/",
        {
            "email": "new.person@example.org",
            "password1": "a-strong-pass-phrase",
            "password2": "a-strong-pass-phrase",
        },
        HTTP_HOST="127.0.0.1:8000",
    )
    (message,) = mail.outbox
    body = str(message.body)
    assert "Hello from" not in body
    assert "127.0.0.1:8000!" not in body
    assert body.startswith("Hello,\n")  # no name is asked at sign-up
    assert "an account on K-Tech Pass" in body
    assert "K-Tech Pass, Ministry of Trade, Industry and Energy\nhttps://ktechpass.example" in body
    assert message.subject == "[K-Tech Pass] Confirm your e-mail address"


def test_the_password_reset_e_mail_greets_by_name_in_the_person_s_language(client: Client) -> None:
    person = UserFactory(full_name="Priya Raman")
    with translation.override("ko"):
        client.post("/accounts/password/reset/", {"email": person.email}, HTTP_ACCEPT_LANGUAGE="ko")
    (message,) = mail.outbox
    body = str(message.body)
    assert body.startswith("Priya Raman 님께,\n")
    assert "Hello from" not in body
    assert "/accounts/password/reset/key/" in body
