"""Pure rules of the trade desk dashboard: the period asked for, what an accepted offer is
worth, and how averages and rates are rounded. No I/O.

**Value of an accepted offer** (the ``contract_value`` of api.md §6, so the dashboard agrees
with the draft contract the acceptance made): accepted bales × 170 kg converted to the price
unit × the latest proposal's price, rounded half-up to paise once per offer; totals are sums of
those rounded values. In integers of paise, with ``a/b`` = 170 kg ÷ kg per price unit in lowest
terms (candy 425/889, quintal 17/10, kg 170/1, tonne 17/100, bales 1/1) and ``P`` the price
in paise: ``value = (2·bales·P·a + b) div (2·b)`` — half-up rounding of ``bales·P·a/b``,
exact in SQL integer arithmetic on both databases (``VALUE_RATIOS`` feeds the query).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Final

from tradehub.masters.units import KG_PER_UNIT, Unit

# Calendar days are India's (IST has no daylight saving: a fixed +05:30).
INDIA: Final = timezone(timedelta(hours=5, minutes=30), "IST")
DEFAULT_DAYS: Final = 30
TOP_COMMODITIES: Final = 5
TOP_SELLERS: Final = 10

_TENTH = Decimal("0.1")
_PAISE = Decimal("0.01")


class InvalidPeriod(ValueError):
    """``from`` is after ``to`` (once the defaults are filled in)."""


@dataclass(frozen=True)
class Period:
    """Calendar days in India, both ends included."""

    first: date
    last: date

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in UTC: from the first day's midnight in India to the day after the
        last day's."""
        start = datetime.combine(self.first, time(), INDIA).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(), INDIA).astimezone(UTC)
        return start, end


def india_today(now: datetime) -> date:
    return now.astimezone(INDIA).date()


def resolve_period(first: date | None, last: date | None, *, today: date) -> Period:
    """``last`` defaults to today, ``first`` to ``DEFAULT_DAYS`` days ending on ``last``."""
    last = today if last is None else last
    first = last - timedelta(days=DEFAULT_DAYS - 1) if first is None else first
    if first > last:
        raise InvalidPeriod(f"from ({first}) is after to ({last})")
    return Period(first, last)


def value_ratio(unit: Unit | str) -> Fraction:
    """Price units in one bale: 170 kg ÷ kg per ``unit`` (exact)."""
    unit = Unit(unit)
    return Fraction(KG_PER_UNIT[Unit.BALES]) / Fraction(KG_PER_UNIT[unit])


# (unit, a, b): a bale holds a/b of the unit, in lowest terms.
VALUE_RATIOS: Final[tuple[tuple[str, int, int], ...]] = tuple(
    (str(unit), value_ratio(unit).numerator, value_ratio(unit).denominator) for unit in Unit
)


def offer_value_paise(bales: int, price_paise: int, unit: Unit | str) -> int:
    """The integer formula the query computes: half-up of bales × price × a / b, in paise."""
    ratio = value_ratio(unit)
    a, b = ratio.numerator, ratio.denominator
    return (2 * bales * price_paise * a + b) // (2 * b)


def paise_to_rupees(paise: int | Decimal) -> Decimal:
    return (Decimal(int(paise)) / 100).quantize(_PAISE)


def average_tenths(total: int | Decimal | None, count: int) -> Decimal | None:
    """``total / count`` rounded half-up to one decimal; None when nothing was counted."""
    if not count or total is None:
        return None
    return (Decimal(int(total)) / count).quantize(_TENTH, rounding=ROUND_HALF_UP)


def average_seconds(total_ms: int | Decimal | None, count: int) -> int | None:
    """Mean of millisecond durations, in whole seconds rounded half-up; None when none."""
    if not count or total_ms is None:
        return None
    return int((Decimal(int(total_ms)) / count / 1000).quantize(Decimal(1), ROUND_HALF_UP))


def rate_percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent, one decimal half-up; None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(100 * part) / whole).quantize(_TENTH, rounding=ROUND_HALF_UP)
