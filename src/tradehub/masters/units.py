"""Units of quantity and their fixed factors (api.md §4, domain.md §6). Pure, exact ``Decimal``.

A bale is 170 kg, a candy 355.6 kg, a quintal 100 kg, a tonne 1000 kg. Conversions keep full
precision (the ``decimal`` context of this module has 50 significant digits); rounding is
the caller's business, done where api.md names it.
"""

from __future__ import annotations

from decimal import Context, Decimal
from enum import StrEnum


class Unit(StrEnum):
    BALES = "bales"
    CANDY = "candy"
    QUINTAL = "quintal"
    KG = "kg"
    TONNE = "tonne"


KG_PER_UNIT: dict[Unit, Decimal] = {
    Unit.BALES: Decimal("170"),
    Unit.CANDY: Decimal("355.6"),
    Unit.QUINTAL: Decimal("100"),
    Unit.KG: Decimal("1"),
    Unit.TONNE: Decimal("1000"),
}

# Enough digits that no conversion in this trade loses anything that matters before rounding.
PRECISION = Context(prec=50)


def _unit(unit: Unit | str) -> Unit:
    return unit if isinstance(unit, Unit) else Unit(unit)


def _exact(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"quantities are Decimal or int, never {type(value).__name__}")
    decimal = Decimal(value)
    if not decimal.is_finite():
        raise ValueError(f"not a finite quantity: {value!r}")
    return decimal


def kg_per(unit: Unit | str) -> Decimal:
    """Kilograms in one ``unit``."""
    return KG_PER_UNIT[_unit(unit)]


def to_kg(quantity: Decimal | int, unit: Unit | str) -> Decimal:
    return PRECISION.multiply(_exact(quantity), kg_per(unit))


def from_kg(kg: Decimal | int, unit: Unit | str) -> Decimal:
    return PRECISION.divide(_exact(kg), kg_per(unit))


def convert(quantity: Decimal | int, from_unit: Unit | str, to_unit: Unit | str) -> Decimal:
    """``quantity`` of ``from_unit`` expressed in ``to_unit`` (one division, full precision)."""
    source, target = _unit(from_unit), _unit(to_unit)
    if source is target:
        return _exact(quantity)
    return PRECISION.divide(to_kg(quantity, source), kg_per(target))


def rate_units_in(quantity: Decimal | int, unit: Unit | str, rate_unit: Unit | str) -> Decimal:
    """How many rate units ``quantity`` of ``unit`` holds: the multiplier of a per-unit rate.

    For a contract (api.md §6) ``rate_units_in(bales, "bales", rate_unit) × rate`` is the value
    before rounding: for ``candy`` that is bales × 170 / 355.6.
    """
    return convert(quantity, unit, rate_unit)


def value_at_rate(
    quantity: Decimal | int, unit: Unit | str, rate: Decimal, rate_unit: Unit | str
) -> Decimal:
    """Quantity × rate per ``rate_unit``, unrounded (round to paise where api.md says)."""
    return PRECISION.multiply(rate_units_in(quantity, unit, rate_unit), _exact(rate))
