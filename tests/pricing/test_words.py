"""Amount in words, Indian numbering (lakh, crore)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradehub.pricing.words import amount_in_words, number_in_words

D = Decimal


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("0", "Rupees Zero Only"),
        ("0.00", "Rupees Zero Only"),
        ("1", "Rupees One Only"),
        ("0.01", "One Paise Only"),
        ("0.5", "Fifty Paise Only"),
        ("0.99", "Ninety-Nine Paise Only"),
        ("1.01", "Rupees One and One Paise Only"),
        ("15", "Rupees Fifteen Only"),
        ("20", "Rupees Twenty Only"),
        ("101", "Rupees One Hundred One Only"),
        ("1000", "Rupees One Thousand Only"),
        ("100000", "Rupees One Lakh Only"),
        ("105000.00", "Rupees One Lakh Five Thousand Only"),
        (
            "123456.78",
            "Rupees One Lakh Twenty-Three Thousand Four Hundred Fifty-Six"
            " and Seventy-Eight Paise Only",
        ),
        ("10000000", "Rupees One Crore Only"),
        ("10000001", "Rupees One Crore One Only"),
        (
            "29760000",
            "Rupees Two Crore Ninety-Seven Lakh Sixty Thousand Only",
        ),
        ("5689554.00", "Rupees Fifty-Six Lakh Eighty-Nine Thousand Five Hundred Fifty-Four Only"),
        ("1000000000", "Rupees One Hundred Crore Only"),
        (
            "99999999999.99",
            "Rupees Nine Thousand Nine Hundred Ninety-Nine Crore Ninety-Nine Lakh Ninety-Nine"
            " Thousand Nine Hundred Ninety-Nine and Ninety-Nine Paise Only",
        ),
    ],
)
def test_table(amount: str, words: str) -> None:
    assert amount_in_words(D(amount)) == words


@pytest.mark.parametrize("bad", [D("-1"), D("0.001"), D("NaN"), D("Infinity")])
def test_bad_amounts(bad: Decimal) -> None:
    with pytest.raises(ValueError):
        amount_in_words(bad)


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        amount_in_words(1.5)  # type: ignore[arg-type]


_VALUES = {
    "Zero": 0, "One": 1, "Two": 2, "Three": 3, "Four": 4, "Five": 5, "Six": 6, "Seven": 7,
    "Eight": 8, "Nine": 9, "Ten": 10, "Eleven": 11, "Twelve": 12, "Thirteen": 13,
    "Fourteen": 14, "Fifteen": 15, "Sixteen": 16, "Seventeen": 17, "Eighteen": 18,
    "Nineteen": 19, "Twenty": 20, "Thirty": 30, "Forty": 40, "Fifty": 50, "Sixty": 60,
    "Seventy": 70, "Eighty": 80, "Ninety": 90,
}  # fmt: skip
_SCALES = {"Hundred": 100, "Thousand": 1000, "Lakh": 10**5, "Crore": 10**7}


def _parse(words: str) -> int:
    """Read Indian-numbering words back (the inverse used by the round-trip property)."""
    total, current = 0, 0
    for word in words.replace("-", " ").split():
        if word in _VALUES:
            current += _VALUES[word]
        elif word == "Crore":
            total = (total + current) * 10**7
            current = 0
        else:
            total += current * _SCALES[word] if word != "Hundred" else 0
            current = current * 100 if word == "Hundred" else 0
    return total + current


@given(st.integers(min_value=0, max_value=10**15))
def test_round_trip(number: int) -> None:
    words = number_in_words(number)
    assert _parse(words) == number
    assert "  " not in words and words == words.strip()


@given(st.integers(min_value=0, max_value=10**13 - 1))
def test_amount_shape(paise: int) -> None:
    words = amount_in_words(D(paise) / 100)
    assert words.endswith(" Only")
    assert ("Paise" in words) == (paise % 100 != 0)
    assert words.startswith("Rupees") == (paise >= 100 or paise == 0)
