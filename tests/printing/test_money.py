from __future__ import annotations

from decimal import Decimal

import pytest

from tradehub.printing.money import group_indian, indian_number, inr


@pytest.mark.parametrize(
    ("digits", "grouped"),
    [
        ("0", "0"),
        ("999", "999"),
        ("1000", "1,000"),
        ("100000", "1,00,000"),
        ("1234567", "12,34,567"),
        ("123456789", "12,34,56,789"),
        ("1000000000", "1,00,00,00,000"),
    ],
)
def test_indian_grouping(digits: str, grouped: str) -> None:
    assert group_indian(digits) == grouped


def test_rupees_with_paise_and_sign() -> None:
    assert inr(Decimal("1234567.89")) == "₹12,34,567.89"
    assert inr(Decimal("0.5")) == "₹0.50"
    assert inr(5) == "₹5.00"
    assert inr(Decimal("-0.07")) == "-₹0.07"
    assert inr(Decimal("1234567.89"), symbol=False) == "12,34,567.89"
    assert indian_number(Decimal("170000"), 3) == "1,70,000.000"
    assert indian_number(1000) == "1,000"


def test_floats_and_nan_are_refused() -> None:
    with pytest.raises(TypeError):
        inr(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        inr(True)
    with pytest.raises(ValueError):
        inr(Decimal("NaN"))
