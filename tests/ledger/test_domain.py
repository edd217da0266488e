"""Pure ledger rules: ageing buckets (the report's date bounds agree with ages in days), the
running balance, and the date a contra entry is booked on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradehub.ledger.domain import (
    Movement,
    ageing_bounds,
    bucket_of,
    running_balances,
    today_in_india,
    undo_date,
)

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
money = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False)


def _bucket_by_bounds(as_of: date, document_date: date) -> str:
    """How the report's SQL assigns a bucket: comparisons with the bounds' dates."""
    bounds = ageing_bounds(as_of)
    if document_date >= bounds.within_30:
        return "0_30"
    if document_date >= bounds.within_60:
        return "31_60"
    if document_date >= bounds.within_90:
        return "61_90"
    return "over_90"


@given(as_of=dates, age=st.integers(min_value=0, max_value=2000))
def test_bounds_and_ages_put_a_document_in_the_same_bucket(as_of: date, age: int) -> None:
    document_date = as_of - timedelta(days=age)
    expected = (
        "0_30" if age <= 30 else "31_60" if age <= 60 else "61_90" if age <= 90 else "over_90"
    )
    assert bucket_of(as_of, document_date) == _bucket_by_bounds(as_of, document_date) == expected


def test_edges_of_the_buckets() -> None:
    as_of = date(2027, 3, 31)
    ages = {30: "0_30", 31: "31_60", 60: "31_60", 61: "61_90", 90: "61_90", 91: "over_90"}
    for age, bucket in ages.items():
        assert bucket_of(as_of, as_of - timedelta(days=age)) == bucket
    with pytest.raises(ValueError):
        bucket_of(as_of, as_of + timedelta(days=1))


@given(
    opening=money,
    movements=st.lists(st.tuples(money, money), max_size=30),
)
def test_running_balance_ends_at_opening_plus_debits_minus_credits(
    opening: Decimal, movements: list[tuple[Decimal, Decimal]]
) -> None:
    balances = list(running_balances(opening, (Movement(d, c) for d, c in movements)))
    assert len(balances) == len(movements)
    previous = opening
    for balance, (debit, credit) in zip(balances, movements, strict=True):
        assert balance == previous + debit - credit
        previous = balance
    assert previous == opening + sum((d for d, _ in movements), Decimal(0)) - sum(
        (c for _, c in movements), Decimal(0)
    )


@given(
    original=dates,
    instant=st.datetimes(
        min_value=datetime(2000, 1, 2), max_value=datetime(2100, 12, 30), timezones=st.just(UTC)
    ),
)
def test_a_contra_entry_is_never_dated_before_what_it_undoes(
    original: date, instant: datetime
) -> None:
    booked = undo_date(original, instant)
    assert booked >= original
    assert booked in (original, today_in_india(instant))


def test_the_day_in_india_turns_at_18_30_utc() -> None:
    assert today_in_india(datetime(2027, 1, 31, 18, 29, tzinfo=UTC)) == date(2027, 1, 31)
    assert today_in_india(datetime(2027, 1, 31, 18, 30, tzinfo=UTC)) == date(2027, 2, 1)
    assert undo_date(date(2027, 1, 15), datetime(2027, 1, 31, 20, tzinfo=UTC)) == date(2027, 2, 1)
    assert undo_date(date(2027, 3, 1), datetime(2027, 1, 31, 20, tzinfo=UTC)) == date(2027, 3, 1)
