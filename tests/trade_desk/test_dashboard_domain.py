"""Pure dashboard rules (dashboard_domain.py): the integer value formula the query runs is the
contract value of api.md §6; periods in India days; half-up averages and rates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradehub.masters.units import Unit
from tradehub.pricing.contract_value import contract_value
from tradehub.trade_desk.dashboard_domain import (
    DEFAULT_DAYS,
    VALUE_RATIOS,
    InvalidPeriod,
    Period,
    average_seconds,
    average_tenths,
    india_today,
    offer_value_paise,
    paise_to_rupees,
    rate_percent,
    resolve_period,
    value_ratio,
)

units = st.sampled_from(list(Unit))
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1))


@given(
    bales=st.integers(min_value=0, max_value=200_000),
    price_paise=st.integers(min_value=0, max_value=10**9),
    unit=units,
)
def test_the_query_formula_is_the_contract_value(bales: int, price_paise: int, unit: Unit) -> None:
    rate = Decimal(price_paise) / 100
    expected = contract_value(bales, rate=rate, rate_unit=unit)
    assert paise_to_rupees(offer_value_paise(bales, price_paise, unit)) == expected


def test_value_ratios_are_170_kg_in_each_unit_in_lowest_terms() -> None:
    assert dict((u, (a, b)) for u, a, b in VALUE_RATIOS) == {
        "bales": (1, 1),
        "candy": (425, 889),  # 170 / 355.6
        "quintal": (17, 10),
        "kg": (170, 1),
        "tonne": (17, 100),
    }
    assert value_ratio("candy") == Fraction(1700, 3556)


def test_half_a_paisa_rounds_up() -> None:
    # 1 bale at 1 paisa per candy: 170/355.6 paise = 0.478 → 0; at 3 paise: 1.434 → 1
    assert offer_value_paise(1, 1, Unit.CANDY) == 0
    assert offer_value_paise(1, 3, Unit.CANDY) == 1
    # 1 bale at 5 paise per quintal: 8.5 paise → 9 (half-up, not to even)
    assert offer_value_paise(1, 5, Unit.QUINTAL) == 9


@given(today=days)
def test_the_default_period_is_the_last_30_days(today: date) -> None:
    period = resolve_period(None, None, today=today)
    assert period.last == today
    assert (period.last - period.first).days == DEFAULT_DAYS - 1


@given(first=days, last=days, today=days)
def test_a_period_is_kept_when_ordered_and_refused_otherwise(
    first: date, last: date, today: date
) -> None:
    if first > last:
        with pytest.raises(InvalidPeriod):
            resolve_period(first, last, today=today)
    else:
        assert resolve_period(first, last, today=today) == Period(first, last)


@given(last=days)
def test_to_alone_starts_29_days_before_it(last: date) -> None:
    assert resolve_period(None, last, today=date(2000, 1, 1)).first == last - timedelta(days=29)


@given(first=days, today=days)
def test_from_alone_ends_today(first: date, today: date) -> None:
    if first > today:
        with pytest.raises(InvalidPeriod):
            resolve_period(first, None, today=today)
    else:
        assert resolve_period(first, None, today=today) == Period(first, today)


@given(first=days, length=st.integers(min_value=0, max_value=400))
def test_utc_bounds_cover_whole_india_days(first: date, length: int) -> None:
    period = Period(first, first + timedelta(days=length))
    start, end = period.utc_bounds()
    assert end - start == timedelta(days=length + 1)
    assert (start.hour, start.minute) == (18, 30)  # midnight in India, the day before
    assert india_today(start) == period.first
    assert india_today(end - timedelta(microseconds=1)) == period.last
    assert india_today(end) == period.last + timedelta(days=1)


def test_india_today_turns_at_1830_utc() -> None:
    assert india_today(datetime(2026, 3, 31, 18, 29, 59, tzinfo=UTC)) == date(2026, 3, 31)
    assert india_today(datetime(2026, 3, 31, 18, 30, tzinfo=UTC)) == date(2026, 4, 1)


@given(values=st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=50))
def test_average_score_is_half_up_to_a_tenth(values: list[int]) -> None:
    exact = Fraction(sum(values), len(values))
    got = average_tenths(sum(values), len(values))
    assert got is not None and got == got.quantize(Decimal("0.1"))
    assert abs(Fraction(got) - exact) <= Fraction(1, 20)
    # half-up: an exact half tenth goes up
    if (exact * 20).denominator == 1 and (exact * 20) % 2 == 1:
        assert Fraction(got) == exact + Fraction(1, 20)


def test_averages_and_rates_without_data_are_none() -> None:
    assert average_tenths(0, 0) is None
    assert average_tenths(None, 3) is None
    assert average_seconds(0, 0) is None
    assert rate_percent(0, 0) is None
    assert average_tenths(309, 4) == Decimal("77.3")  # 77.25
    assert rate_percent(1, 3) == Decimal("33.3")
    assert rate_percent(2, 3) == Decimal("66.7")


@given(waits=st.lists(st.integers(min_value=0, max_value=10**10), min_size=1, max_size=30))
def test_average_wait_is_whole_seconds_half_up(waits: list[int]) -> None:
    exact = Fraction(sum(waits), len(waits) * 1000)
    got = average_seconds(sum(waits), len(waits))
    assert got is not None and abs(got - exact) <= Fraction(1, 2)
    if (exact * 2).denominator == 1 and exact.denominator != 1:
        assert got == exact + Fraction(1, 2)
    assert average_seconds(Decimal(sum(waits)), len(waits)) == got
