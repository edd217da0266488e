"""Contract value and invoice taxable value from a quantity and a rate per unit.

Sources: api.md §6 (``contract_value`` = bales × 170 kg converted to the rate unit × rate, for
``candy`` bales × 170 / 355.6 × rate, rounded to paise) and §7 (``taxable_value`` =
net_weight_kg / kg per rate unit × contract rate, rounded to paise); domain.md §6 (units).
Conversions are ``tradehub.masters.units`` (exact, 50 digits); the only rounding is the last step.
"""

from __future__ import annotations

from decimal import Decimal

from tradehub.masters.units import Unit, value_at_rate
from tradehub.pricing._decimal import count, non_negative, to_paise


def contract_value(bales: int, *, rate: Decimal, rate_unit: Unit | str) -> Decimal:
    """``bales`` at ``rate`` per ``rate_unit``, rounded half-up to paise (api.md §6)."""
    quantity = count(bales, "bales")
    price = non_negative(rate, "rate")
    return to_paise(value_at_rate(quantity, Unit.BALES, price, rate_unit))


def weight_value(net_weight_kg: Decimal, *, rate: Decimal, rate_unit: Unit | str) -> Decimal:
    """``net_weight_kg`` at ``rate`` per ``rate_unit``, rounded half-up to paise: an invoice's
    ``taxable_value`` (api.md §7); per ``bales`` it is kg / 170 × rate."""
    weight = non_negative(net_weight_kg, "net_weight_kg")
    price = non_negative(rate, "rate")
    return to_paise(value_at_rate(weight, Unit.KG, price, rate_unit))
