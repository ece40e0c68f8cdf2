"""Korean business registration numbers (사업자등록번호): ten digits, XXX-XX-XXXXX, with a check digit."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def normalise_brn(value: str) -> str:
    """Digits only: '123-45-67891' and '1234567891' are the same number."""
    return re.sub(r"[\s-]", "", value or "")


def brn_check_digit(first_nine: str) -> int:
    digits = [int(c) for c in first_nine]
    total = sum(d * w for d, w in zip(digits, WEIGHTS, strict=True))
    total += (digits[8] * 5) // 10  # the ninth digit's weighted tens carry into the sum
    return (10 - total % 10) % 10


def format_brn(digits: str) -> str:
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def validate_brn(value: str) -> None:
    digits = normalise_brn(value)
    if not re.fullmatch(r"\d{10}", digits):
        raise ValidationError(
            _("Enter the 10-digit business registration number in the form 123-45-67890."), code="format"
        )
    if brn_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            _(
                "%(number)s is not a valid business registration number: its last digit does not match. "
                "Check the number on your registration certificate."
            ),
            code="check_digit",
            params={"number": format_brn(digits)},
        )
