from __future__ import annotations

import random

import pytest

from loket.demo.people import make_bsn
from loket.lib.identifiers import bsn_is_valid, kvk_is_valid, normalise_postcode


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("111222333", True),  # 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66
        ("123456782", True),
        ("123456789", False),
        ("000000000", False),
        ("12345678", False),
        ("1234567820", False),
        ("12345678a", False),
    ],
)
def test_bsn_eleven_test(value: str, valid: bool) -> None:
    assert bsn_is_valid(value) is valid


def test_generated_bsns_pass() -> None:
    rng = random.Random(1)
    assert all(bsn_is_valid(make_bsn(rng)) for _ in range(200))


def test_kvk_and_postcode() -> None:
    assert kvk_is_valid("12345678")
    assert not kvk_is_valid("1234567")
    assert normalise_postcode("1234ab") == "1234 AB"
    with pytest.raises(ValueError, match="postcode"):
        normalise_postcode("0123 AB")
