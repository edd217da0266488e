"""Shared checks and rounding for the pricing rules (api.md §1: Decimal, ROUND_HALF_UP to paise).

Every input is checked here: floats (and bools, strings, NaN, infinities) are refused, so a
binary fraction can never enter a money computation.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext

from tradehub.masters.units import PRECISION

PAISE = Decimal("0.01")
RUPEE = Decimal("1")
HUNDRED = Decimal("100")
ZERO = Decimal("0.00")
DAYS_PER_MONTH = Decimal("30")  # domain.md §3.6: "A month is 30 days"
DAYS_PER_YEAR = Decimal("365")  # domain.md §3.6: "annual rates use /365"


def exact_context() -> AbstractContextManager[object]:
    """The 50-digit context of ``masters.units``: no intermediate step loses a digit."""
    return localcontext(PRECISION)


def exact(value: object, name: str) -> Decimal:
    """``value`` as a finite ``Decimal``; only ``Decimal`` and ``int`` are accepted."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be Decimal or int, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"{name} must be finite, got {value!r}")
    return number


def non_negative(value: object, name: str) -> Decimal:
    number = exact(value, name)
    if number < 0:
        raise ValueError(f"{name} must not be negative, got {number}")
    return number


def money(value: object, name: str) -> Decimal:
    """A non-negative amount already in paise (at most two decimals): a rounded amount."""
    number = non_negative(value, name)
    if number != number.quantize(PAISE):
        raise ValueError(f"{name} must be in paise (two decimals at most), got {number}")
    return number.quantize(PAISE)


def percent(value: object, name: str) -> Decimal:
    """A percentage between 0 and 100 (``Decimal("5")`` is 5 %)."""
    number = non_negative(value, name)
    if number > HUNDRED:
        raise ValueError(f"{name} must not exceed 100, got {number}")
    return number


def count(value: object, name: str) -> int:
    """A non-negative whole count (bales, days)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def to_paise(value: Decimal) -> Decimal:
    """Round half-up to paise (api.md §1)."""
    with exact_context():
        return value.quantize(PAISE, rounding=ROUND_HALF_UP)


def to_rupee(value: Decimal) -> Decimal:
    """Round half-up to the rupee, kept with two decimals (api.md §7 ``total_amount``)."""
    with exact_context():
        return value.quantize(RUPEE, rounding=ROUND_HALF_UP).quantize(PAISE)


def ceil_days(value: object, name: str) -> Decimal:
    """Whole days, rounded up (domain.md §3.6 ``ceil(days late)``)."""
    return non_negative(value, name).to_integral_value(rounding=ROUND_CEILING)
