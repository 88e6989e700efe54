"""Checks for Dutch identifiers. Model-free, so forms, the API and the loader share them."""

from __future__ import annotations

import re

_BSN = re.compile(r"^\d{9}$")
_KVK = re.compile(r"^\d{8}$")
_POSTCODE = re.compile(r"^[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}$")


def bsn_is_valid(value: str) -> bool:
    """The BSN "elfproef": 9 digits, sum(d_i * w_i) with weights 9..2 and -1 divisible by 11.

    Source: Besluit BSN / Logius "Burgerservicenummer" specification; 000000000 is never issued.
    """
    if not _BSN.match(value) or value == "000000000":
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(digit) * weight for digit, weight in zip(value, weights, strict=True))
    return total % 11 == 0


def kvk_is_valid(value: str) -> bool:
    """A KvK number has 8 digits (Handelsregisterwet 2007; no check digit since 2016)."""
    return bool(_KVK.match(value)) and value != "00000000"


def normalise_postcode(value: str) -> str:
    """``1234ab`` / ``1234 AB`` -> ``1234 AB``; raises ValueError for anything else."""
    compact = value.replace(" ", "").upper()
    if not _POSTCODE.match(compact):
        raise ValueError(f"{value!r} is not a Dutch postcode")
    return f"{compact[:4]} {compact[4:]}"


def normalise_phone(value: str) -> str:
    """A Dutch or international phone number in E.164 form (``+31612345678``).

    Numbers without a country code are read as Dutch. Raises ValueError when the number cannot
    exist (the numbering plan of the ITU-T E.164 recommendation, via ``phonenumbers``).
    """
    import phonenumbers

    try:
        parsed = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValueError(value)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """``+31612345678`` -> ``06 12345678`` for Dutch numbers, international format otherwise."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(value, "NL")
    except phonenumbers.NumberParseException:
        return value
    if parsed.country_code == 31:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
