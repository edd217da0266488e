"""Units and conversions (pure): exact known values and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradehub.masters.units import (
    KG_PER_UNIT,
    Unit,
    convert,
    from_kg,
    kg_per,
    rate_units_in,
    to_kg,
    value_at_rate,
)

units = st.sampled_from(list(Unit))
quantities = st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False)


def test_known_values() -> None:
    assert to_kg(1, Unit.CANDY) == Decimal("355.6")
    assert to_kg(2, "bales") == Decimal("340")
    assert convert(2, "bales", "quintal") == Decimal("3.4")
    assert convert(Decimal("1"), "tonne", "quintal") == Decimal("10")
    assert from_kg(Decimal("1000"), "tonne") == Decimal("1")
    assert kg_per("kg") == 1
    assert {unit.value for unit in KG_PER_UNIT} == {"bales", "candy", "quintal", "kg", "tonne"}


def test_contract_value_in_candy_follows_the_api_formula() -> None:
    # api.md §6: bales × 170 / 355.6 × rate
    bales, rate = 100, Decimal("55500")
    expected = Decimal(bales) * 170 / Decimal("355.6") * rate  # default 28-digit context
    assert abs(value_at_rate(bales, "bales", rate, "candy") - expected) < Decimal("1e-20")
    assert value_at_rate(bales, "bales", rate, "candy").quantize(Decimal("0.01")) == Decimal(
        "2653262.09"
    )
    assert rate_units_in(10, "bales", "quintal") == Decimal("17")


def test_floats_and_non_finite_values_are_refused() -> None:
    with pytest.raises(TypeError):
        to_kg(1.5, "kg")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        to_kg(Decimal("NaN"), "kg")
    with pytest.raises(ValueError):
        convert(1, "kg", "pound")


@given(quantities, units)
def test_to_kg_and_back_is_exact(quantity: Decimal, unit: Unit) -> None:
    assert from_kg(to_kg(quantity, unit), unit) == quantity


@given(quantities, units, units)
def test_round_trip_between_units_is_exact_to_the_context(
    quantity: Decimal, source: Unit, target: Unit
) -> None:
    there = convert(quantity, source, target)
    back = convert(there, target, source)
    assert abs(back - quantity) <= Decimal("1e-40") * max(quantity, Decimal(1))
    assert to_kg(quantity, source) - to_kg(there, target) <= Decimal("1e-40") * max(
        to_kg(quantity, source), Decimal(1)
    )


@given(quantities, quantities, units, units)
def test_conversion_is_monotonic(a: Decimal, b: Decimal, source: Unit, target: Unit) -> None:
    low, high = sorted([a, b])
    assert convert(low, source, target) <= convert(high, source, target)


@given(quantities, units)
def test_a_heavier_unit_holds_fewer_of_itself(quantity: Decimal, unit: Unit) -> None:
    assert convert(quantity, unit, Unit.KG) >= convert(quantity, unit, Unit.TONNE)
