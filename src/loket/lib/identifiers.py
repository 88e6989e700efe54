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
