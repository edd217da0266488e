"""Money, quantities and UTC datetimes survive the database exactly, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.probe import Probe
from tradehub.kit.types import Money, ScaledDecimal, UtcDateTime

LARGEST_TESTED_AMOUNT = Decimal("99999999999.99")


async def _reload(db: AsyncSession, probe: Probe) -> Probe:
    db.add(probe)
    await db.flush()
    db.expunge_all()
    loaded = await db.scalar(select(Probe).where(Probe.id == probe.id))
    assert loaded is not None
    return loaded


async def test_money_round_trip_of_the_largest_amount_is_exact(db: AsyncSession) -> None:
    loaded = await _reload(db, Probe(name="big", amount=LARGEST_TESTED_AMOUNT))
    assert loaded.amount == LARGEST_TESTED_AMOUNT
    assert str(loaded.amount) == "99999999999.99"


async def test_money_is_stored_as_integer_paise(db: AsyncSession) -> None:
    probe = await _reload(db, Probe(name="paise", amount=Decimal("12.34")))
    stored = await db.scalar(text("SELECT amount FROM test_probes WHERE name = 'paise'"))
    assert stored == 1234
    assert probe.amount == Decimal("12.34")


async def test_negative_money_and_quantities_round_trip(db: AsyncSession) -> None:
    loaded = await _reload(
        db, Probe(name="neg", amount=Decimal("-0.01"), weight=Decimal("170.125"))
    )
    assert loaded.amount == Decimal("-0.01")
    assert loaded.weight == Decimal("170.125")


@pytest.mark.parametrize("bad", [Decimal("1.001"), "NaN", "Infinity", "abc"])
def test_money_refuses_values_it_cannot_store_exactly(bad: object) -> None:
    with pytest.raises(ValueError, match=r"decimal|places"):
        Money().process_bind_param(bad, dialect=None)  # type: ignore[arg-type]


def test_money_refuses_floats() -> None:
    with pytest.raises(TypeError):
        Money().process_bind_param(0.1, dialect=None)  # type: ignore[arg-type]


@given(
    st.decimals(
        min_value=Decimal("-99999999999.99"),
        max_value=LARGEST_TESTED_AMOUNT,
        places=2,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_scaled_decimal_bind_and_result_are_inverse(amount: Decimal) -> None:
    column = ScaledDecimal(2)
    stored = column.process_bind_param(amount, dialect=None)  # type: ignore[arg-type]
    assert isinstance(stored, int)
    assert column.process_result_value(stored, dialect=None) == amount  # type: ignore[arg-type]


async def test_datetimes_come_back_aware_in_utc(db: AsyncSession) -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    moment = datetime(2026, 11, 28, 12, 0, 0, 123456, tzinfo=ist)
    probe = Probe(name="time", amount=Decimal("1"))
    probe.created_at = moment
    loaded = await _reload(db, probe)
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at == moment
    assert loaded.created_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        UtcDateTime().process_bind_param(datetime(2026, 1, 1), dialect=None)  # type: ignore[arg-type]


def test_utc_constant_is_used() -> None:
    assert UTC.utcoffset(None) == timedelta(0)
