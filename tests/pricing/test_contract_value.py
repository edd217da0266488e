"""Contract value and invoice taxable value (api.md §6–7), through masters.units."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.pricing.strategies import rates
from tradehub.masters.units import Unit
from tradehub.pricing.contract_value import contract_value, weight_value

D = Decimal
bales = st.integers(min_value=0, max_value=1_000_000)
units = st.sampled_from(list(Unit))
prices = rates(D(10_000_000)).filter(lambda r: r == r.quantize(D("0.01")))


@pytest.mark.parametrize(
    ("bales", "rate", "unit", "value"),
    [
        (100, "355.6", "candy", "17000.00"),  # 100 × 170 / 355.6 × 355.6
        (1000, "62000", "candy", "29640044.99"),  # 170000 / 355.6 × 62000 = 29640044.994…
        (1, "1", "candy", "0.48"),  # 0.47806…
        (100, "7000", "quintal", "1190000.00"),  # 17000 kg = 170 qtl
        (10, "150.25", "kg", "255425.00"),
        (3, "50000", "bales", "150000.00"),
        (2, "60000", "tonne", "20400.00"),
        (0, "62000", "candy", "0.00"),
    ],
)
def test_contract_values(bales: int, rate: str, unit: str, value: str) -> None:
    assert contract_value(bales, rate=D(rate), rate_unit=unit) == D(value)


@pytest.mark.parametrize(
    ("kg", "rate", "unit", "value"),
    [
        ("17000", "355.6", "candy", "17000.00"),
        ("34100.5", "62000", "candy", "5945531.50"),  # 34100.5 / 355.6 × 62000 = 5945531.496…
        ("1700", "50000", "bales", "500000.00"),
        ("1234.5", "7000", "quintal", "86415.00"),
    ],
)
def test_invoice_taxable_values(kg: str, rate: str, unit: str, value: str) -> None:
    assert weight_value(D(kg), rate=D(rate), rate_unit=unit) == D(value)


@given(n=bales, rate=prices, unit=units)
def test_bales_and_their_weight_agree(n: int, rate: Decimal, unit: Unit) -> None:
    assert contract_value(n, rate=rate, rate_unit=unit) == weight_value(
        D(n * 170), rate=rate, rate_unit=unit
    )


@given(a=bales, b=bales, r=prices, s=prices, unit=units)
def test_monotonic_in_quantity_and_rate(a: int, b: int, r: Decimal, s: Decimal, unit: Unit) -> None:
    (n, m), (low, high) = sorted((a, b)), sorted((r, s))
    assert contract_value(n, rate=low, rate_unit=unit) <= contract_value(
        m, rate=low, rate_unit=unit
    )
    assert contract_value(n, rate=low, rate_unit=unit) <= contract_value(
        n, rate=high, rate_unit=unit
    )


@given(n=bales, rate=prices, unit=units)
def test_within_half_a_paisa_of_the_exact_value(n: int, rate: Decimal, unit: Unit) -> None:
    exact = D(n) * 170 * rate
    value = contract_value(n, rate=rate, rate_unit=unit)
    kg = {"bales": D(170), "candy": D("355.6"), "quintal": D(100), "kg": D(1), "tonne": D(1000)}[
        unit
    ]
    assert value == value.quantize(D("0.01"))
    assert abs(value * kg - exact) <= D("0.005") * kg


def test_bad_inputs() -> None:
    with pytest.raises(TypeError):
        contract_value(1.0, rate=D(1), rate_unit="candy")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        contract_value(1, rate=62000.0, rate_unit="candy")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        weight_value(170.5, rate=D(1), rate_unit="candy")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        contract_value(-1, rate=D(1), rate_unit="candy")
    with pytest.raises(ValueError):
        contract_value(1, rate=D(1), rate_unit="bushel")
    with pytest.raises(ValueError):
        weight_value(D("NaN"), rate=D(1), rate_unit="candy")
