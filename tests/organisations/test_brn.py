"""Business registration numbers: ten digits, XXX-XX-XXXXX, with a check digit; hyphens optional."""

import pytest
from django.core.exceptions import ValidationError

from apps.employers.forms import OrganisationRegisterForm
from apps.organisations.brn import normalise_brn, validate_brn

REAL_NUMBERS = ["124-81-00998", "220-81-62517", "1248100998", "2208162517", "124 81 00998"]


@pytest.mark.parametrize("number", REAL_NUMBERS)
def test_real_world_numbers_pass_with_or_without_hyphens(number):
    validate_brn(number)
    assert normalise_brn(number) in {"1248100998", "2208162517"}


def test_a_wrong_check_digit_gets_a_clear_message():
    with pytest.raises(ValidationError) as caught:
        validate_brn("124-81-00997")
    assert caught.value.code == "check_digit"
    message = caught.value.messages[0]
    assert "124-81-00997 is not a valid business registration number" in message
    assert "last digit does not match" in message


@pytest.mark.parametrize("number", ["124-81-0099", "124-81-009981", "12A-81-00998", "", "124/81/00998"])
def test_wrong_length_or_format_says_what_to_enter(number):
    with pytest.raises(ValidationError) as caught:
        validate_brn(number)
    assert caught.value.code == "format"
    assert (
        "Enter the 10-digit business registration number in the form 123-45-67890." in caught.value.messages
    )


def form(number):
    return OrganisationRegisterForm(
        {
            "name": "Hanbit Semi",
            "business_registration_number": number,
            "sector": "Chips",
            "size_class": "sme",
        }
    )


def test_the_form_normalises_to_digits():
    registered = form("124-81-00998")
    assert registered.is_valid(), registered.errors
    assert registered.cleaned_data["business_registration_number"] == "1248100998"


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("124-81-00997", "last digit does not match"),
        ("12481009", "Enter the 10-digit business registration number"),
    ],
)
def test_the_form_shows_the_reason_next_to_the_field(number, expected):
    refused = form(number)
    assert not refused.is_valid()
    assert expected in refused.errors["business_registration_number"][0]
