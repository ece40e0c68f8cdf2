"""Passport numbers: normalised, checked and turned into a keyed hash. Nothing else keeps them.

A roster match needs only equality, so the clear number is never stored: an HMAC-SHA256 keyed with
``settings.PASSPORT_HASH_KEY`` cannot be reversed by trying every passport number without the key
(a plain SHA-256 could: the space of passport numbers is small). Changing the key makes every stored
hash useless, so the key is rotated only together with a re-import of the rosters.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.views.decorators.debug import sensitive_variables

# After normalising: 6 to 12 ASCII letters or digits (ICAO 9303 allows up to 9; some states use more).
PASSPORT_PATTERN = re.compile(r"[A-Z0-9]{6,12}")
# People type passport numbers with spaces or hyphens for readability: "M 123-4567" is "M1234567".
_SEPARATORS = re.compile(r"[\s\-]+")
HINT_MASK = "•••••"
HINT_LENGTH = 3


class InvalidPassportNumber(ValueError):
    """The value is not a passport number. The message never repeats the value."""


@sensitive_variables("raw")
def normalise_passport_number(raw: str) -> str:
    # NFKC first: Korean input methods can produce full-width letters and digits ("Ｍ１２３").
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw)).upper()


@sensitive_variables("raw", "number")
def clean_passport_number(raw: str) -> str:
    """Return the normalised number, or raise ``InvalidPassportNumber``."""
    number = normalise_passport_number(raw)
    if not PASSPORT_PATTERN.fullmatch(number):
        raise InvalidPassportNumber("must be 6 to 12 letters or digits")
    return number


@sensitive_variables("raw")
def passport_hash(raw: str) -> str:
    """The keyed hash (hex) of the normalised number: equal numbers give equal hashes."""
    if not settings.PASSPORT_HASH_KEY:  # an empty key would make the hash guessable
        raise ImproperlyConfigured("PASSPORT_HASH_KEY must be set.")
    key = settings.PASSPORT_HASH_KEY.encode()
    return hmac.new(key, normalise_passport_number(raw).encode(), hashlib.sha256).hexdigest()


@sensitive_variables("raw")
def passport_hint(raw: str) -> str:
    """'•••••123': enough for an officer to tell entries apart, too little to identify a passport."""
    return HINT_MASK + normalise_passport_number(raw)[-HINT_LENGTH:]
