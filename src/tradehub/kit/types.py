"""Column and value types: exact decimals stored as scaled integers, and UTC datetimes.

SQLite has no exact decimal type, so money and quantities are stored as integers of their
smallest unit (paise for money). A value with more decimals than its column allows is refused
rather than rounded: rounding is a business decision made where api.md says, never by storage.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class ScaledDecimal(TypeDecorator[Decimal]):
    """A Decimal with a fixed number of decimal places, stored as a BIGINT of its smallest unit."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, scale: int) -> None:
        super().__init__()
        self.scale = scale
        self._factor = Decimal(10) ** scale
        self._quantum = Decimal(1).scaleb(-scale)

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("floats are not accepted for exact decimal columns")
        try:
            decimal_value = Decimal(value)
        except (InvalidOperation, TypeError) as exc:
            raise ValueError(f"not a decimal: {value!r}") from exc
        if not decimal_value.is_finite():
            raise ValueError(f"not a finite decimal: {value!r}")
        scaled = decimal_value * self._factor
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / self._factor).quantize(self._quantum)


class Money(ScaledDecimal):
    """Rupees with paise: 2 decimal places."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(2)


class Quantity(ScaledDecimal):
    """Weights and other measured quantities: 3 decimal places (grams for kilograms)."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(3)


class Rate(ScaledDecimal):
    """Percentages and per-unit rates that need more than paise: 4 decimal places."""

    cache_ok = True

    def __init__(self) -> None:
        super().__init__(4)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on both databases (SQLite stores it naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; attach a timezone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
