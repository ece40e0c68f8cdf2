"""Authenticator codes computed here, and TOTP authenticators made through allauth's public model.

allauth has no public function for either (its TOTP class and HOTP helpers live in
``allauth.mfa.totp.internal``, decision 20), and both are small and standard:

- a code is RFC 6238's TOTP: RFC 4226's HOTP (HMAC-SHA1 of the 8-byte big-endian step counter,
  dynamically truncated to 31 bits, modulo 10**digits) over ``MFA_TOTP_PERIOD``-second steps with
  ``MFA_TOTP_DIGITS`` digits, the two allauth settings an authenticator app is told about;
- an authenticator is an ``allauth.mfa.models.Authenticator`` row of type TOTP whose
  ``data["secret"]`` is the base32 secret passed through the MFA adapter's ``encrypt`` (the
  adapter's documented hook), which is what allauth's set-up stores and its sign-in reads.

tests/accounts/test_totp.py checks the codes against the RFCs' test vectors and against what
allauth's own sign-in accepts, so a change on allauth's side fails there first.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time

from allauth.mfa import app_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt, encrypt

from apps.accounts.models import User


def hotp(secret: str, counter: int, *, digits: int = 6) -> str:
    """RFC 4226: the code for ``counter`` from a base32 ``secret`` (any case, padding optional)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def totp_code(secret: str, at: float | None = None) -> str:
    """RFC 6238: the code an authenticator app shows at ``at`` (now by default)."""
    now = time.time() if at is None else at
    return hotp(secret, int(now) // app_settings.TOTP_PERIOD, digits=app_settings.TOTP_DIGITS)


def seconds_left(at: float | None = None) -> int:
    """How long the code shown at ``at`` stays the current one."""
    now = time.time() if at is None else at
    return app_settings.TOTP_PERIOD - int(now) % app_settings.TOTP_PERIOD


def new_secret() -> str:
    """A fresh random secret, base32 (160 bits, as RFC 4226 recommends and allauth generates)."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def add_totp_authenticator(user: User, secret: str) -> Authenticator:
    """Give ``user`` a TOTP authenticator with ``secret``, stored as allauth's set-up stores it."""
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
    )


def totp_secret(authenticator: Authenticator) -> str:
    """The base32 secret of a TOTP ``authenticator``."""
    return decrypt(authenticator.data["secret"])
