"""Quality-normalised price: an offer's price restated as if its quality were the buyer's
specification, using a per-commodity premium/discount table. Pure.

For each parameter the requirement asks for, the offer's deviation from the band (0 inside,
signed distance to the nearest bound outside; see ``scoring.deviation``) is priced:

- ``higher_better`` (staple, strength, Rd): above the band earns ``premium`` per ``step``, below
  it costs ``discount`` per ``step``;
- ``lower_better`` (trash, moisture, +b): below the band earns the premium, above costs the
  discount;
- ``inside_best`` (micronaire): either side costs the discount; there is no premium.

``worth`` is the sum (₹ per the table's rate unit, positive when the lot is worth more than the
spec) and ``normalised = price − worth``, both per the requirement's price unit, rounded half-up
to paise. A lower normalised price is a better buy; as premiums and discounts are never negative
and the deviation is monotone in the value, better quality never raises the normalised price.
A parameter the offer does not report, or the requirement does not ask for, or the table does not
list, adjusts nothing (the match score already gives a missing value 0).

Where the table lives: module data here, keyed by the commodity's ``name_key`` and written as
plain JSON-like dicts of strings, so the masters can later hold the same shape (a nullable
``premium`` JSON column on ``quality_parameters`` holding one rule, and the commodity's
``rate_unit``) without changing this code: ``PremiumTable.from_data`` reads either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

from tradehub.trade_desk.scoring import Band, deviation, exact_price

PAISE: Final = Decimal("0.01")


class Direction(StrEnum):
    HIGHER_BETTER = "higher_better"
    LOWER_BETTER = "lower_better"
    INSIDE_BEST = "inside_best"


@dataclass(frozen=True)
class PremiumRule:
    direction: Direction
    step: Decimal  # parameter units the amounts are quoted per (e.g. 0.1 micronaire)
    premium: Decimal  # ₹ per rate unit per step better than the band
    discount: Decimal  # ₹ per rate unit per step worse than the band

    def __post_init__(self) -> None:
        if self.step <= 0:
            raise ValueError("a premium step must be positive")
        if self.premium < 0 or self.discount < 0:
            raise ValueError("premiums and discounts are amounts, never negative")
        if self.direction is Direction.INSIDE_BEST and self.premium != 0:
            raise ValueError("an inside_best parameter earns no premium")

    def worth(self, value: Decimal, band: Band) -> Fraction:
        """What ``value`` adds to (positive) or takes from (negative) the spec's price."""
        off = Fraction(deviation(value, band)) / Fraction(self.step)
        if off == 0:
            return Fraction(0)
        if self.direction is Direction.INSIDE_BEST:
            return -abs(off) * Fraction(self.discount)
        better = off > 0 if self.direction is Direction.HIGHER_BETTER else off < 0
        rate = self.premium if better else self.discount
        return (abs(off) if better else -abs(off)) * Fraction(rate)


@dataclass(frozen=True)
class PremiumTable:
    rate_unit: str  # the unit the amounts are per (the commodity's rate unit)
    rules: Mapping[str, PremiumRule]

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> PremiumTable:
        """``{"rate_unit": "candy", "rules": {name: {"direction", "step", "premium",
        "discount"}}}`` with decimals as strings (the shape a JSON column would hold)."""
        return cls(
            rate_unit=str(data["rate_unit"]),
            rules={
                name: PremiumRule(
                    direction=Direction(rule["direction"]),
                    step=Decimal(str(rule["step"])),
                    premium=Decimal(str(rule.get("premium", "0"))),
                    discount=Decimal(str(rule["discount"])),
                )
                for name, rule in data["rules"].items()
            },
        )

    def worth(self, parameters: Mapping[str, Decimal], bands: Mapping[str, Band]) -> Fraction:
        """The quality adjustment, ₹ per ``rate_unit``: Σ over the asked, reported, listed."""
        total = Fraction(0)
        for name, band in bands.items():
            rule, value = self.rules.get(name), parameters.get(name)
            if rule is not None and value is not None:
                total += rule.worth(value, band)
        return total


# Cotton lint, ₹ per candy (domain.md §4.2, §6). Indicative trade differentials: a mm of staple
# is worth more than a g/tex of strength; discounts exceed premiums (a buyer pays less for a
# shortfall than extra for a surplus); moisture above the band costs about 1 % of a candy a point.
PREMIUM_TABLES: Final[Mapping[str, Mapping[str, Any]]] = MappingProxyType(
    {
        "cotton": {
            "rate_unit": "candy",
            "rules": {
                "staple_mm": {"direction": "higher_better", "step": "1", "premium": "500",
                              "discount": "800"},
                "mic": {"direction": "inside_best", "step": "0.1", "premium": "0",
                        "discount": "300"},
                "strength_gpt": {"direction": "higher_better", "step": "1", "premium": "150",
                                 "discount": "250"},
                "trash_pct": {"direction": "lower_better", "step": "0.5", "premium": "100",
                              "discount": "400"},
                "moisture_pct": {"direction": "lower_better", "step": "1", "premium": "0",
                                 "discount": "500"},
                "rd": {"direction": "higher_better", "step": "1", "premium": "100",
                       "discount": "150"},
                "plus_b": {"direction": "lower_better", "step": "1", "premium": "100",
                           "discount": "200"},
            },
        },
    }
)  # fmt: skip

_TABLES: Final = {key: PremiumTable.from_data(data) for key, data in PREMIUM_TABLES.items()}


def table_for(commodity_key: str) -> PremiumTable | None:
    """The premium table of a commodity (by ``name_key``), or None: prices stay as quoted."""
    return _TABLES.get(commodity_key.casefold())


def to_paise(value: Fraction) -> Decimal:
    """Half-up to paise, exactly (done on integers)."""
    cents = value * 100
    whole, remainder = divmod(cents.numerator, cents.denominator)
    rounded = whole + (1 if 2 * remainder >= cents.denominator else 0)
    return (Decimal(rounded) / 100).quantize(PAISE, rounding=ROUND_HALF_UP)


def normalised_price(
    *,
    price: Decimal | None,
    price_unit: str,
    parameters: Mapping[str, Decimal],
    bands: Mapping[str, Band],
    table: PremiumTable | None,
    to_unit: str,
) -> Decimal | None:
    """``price`` (per ``price_unit``) restated per ``to_unit`` at the buyer's specification.

    None when there is no price. Without a table the price is only converted.
    """
    if price is None:
        return None
    value = exact_price(price, price_unit, to_unit)
    if table is not None:
        value -= exact_price(table.worth(parameters, bands), table.rate_unit, to_unit)
    return to_paise(value)
