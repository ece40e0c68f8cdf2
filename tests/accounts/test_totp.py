"""Authenticator codes computed with the standard library (apps.accounts.totp) are the codes of the
RFCs and the codes allauth's own sign-in accepts (decision 20)."""

from __future__ import annotations

import base64

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.urls import reverse

from apps.accounts.totp import add_totp_authenticator, hotp, new_secret, seconds_left, totp_code, totp_secret
from tests.ministry import PASSWORD, reviewer

# RFC 4226 appendix D and RFC 6238 appendix B (SHA-1): the ASCII secret "12345678901234567890".
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode("ascii")
RFC_4226_CODES = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]
RFC_6238_CODES = {
    59: "94287082",
    1111111109: "07081804",
    1111111111: "14050471",
    1234567890: "89005924",
    2000000000: "69279037",
    20000000000: "65353130",
}


@pytest.mark.parametrize("counter", range(10))
def test_hotp_gives_the_codes_of_rfc_4226(counter):
    assert hotp(RFC_SECRET, counter) == RFC_4226_CODES[counter]


@pytest.mark.parametrize(("at", "code"), RFC_6238_CODES.items())
def test_totp_over_30_second_steps_gives_the_codes_of_rfc_6238(at, code):
    assert hotp(RFC_SECRET, at // 30, digits=8) == code


def test_totp_code_uses_allauths_period_and_digits(settings):
    assert totp_code(RFC_SECRET, at=59) == "287082"  # step 1, six digits (the defaults)
    assert seconds_left(at=59) == 1
    settings.MFA_TOTP_DIGITS = 8
    assert totp_code(RFC_SECRET, at=59) == "94287082"


def test_a_secret_is_base32_of_160_bits_and_lower_case_or_unpadded_secrets_read_the_same():
    secret = new_secret()
    assert len(base64.b32decode(secret)) == 20
    assert new_secret() != secret
    assert hotp(RFC_SECRET.lower(), 3) == hotp(RFC_SECRET.rstrip("="), 3) == RFC_4226_CODES[3]
    assert hotp("JBSWY3DPEHPK3PX", 0) == hotp("JBSWY3DPEHPK3PX=", 0)  # 15 characters, padded here


@pytest.mark.django_db
def test_an_authenticator_made_here_signs_in_through_allauth_with_a_code_computed_here(client):
    person = reviewer()
    secret = new_secret()
    authenticator = add_totp_authenticator(person, secret)
    assert authenticator.type == Authenticator.Type.TOTP
    assert decrypt(authenticator.data["secret"]) == totp_secret(authenticator) == secret

    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response.url.startswith(reverse("mfa_authenticate"))
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert not response.url.startswith(reverse("mfa_authenticate"))
    assert client.session["_auth_user_id"] == str(person.pk)
