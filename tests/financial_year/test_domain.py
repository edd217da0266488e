"""Pure financial-year rules (property tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradehub.financial_year.domain import bounds, contains, fy_code_for

dates = st.dates(min_value=date(1901, 1, 1), max_value=date(9998, 12, 31))


def test_examples() -> None:
    assert fy_code_for(date(2026, 4, 1)) == "2026-27"
    assert fy_code_for(date(2027, 3, 31)) == "2026-27"
    assert fy_code_for(date(2027, 4, 1)) == "2027-28"
    assert fy_code_for(date(2099, 12, 31)) == "2099-00"
    assert bounds("2026-27") == (date(2026, 4, 1), date(2027, 3, 31))
    assert bounds("2099-00") == (date(2099, 4, 1), date(2100, 3, 31))


def test_timestamps_change_year_at_midnight_in_india() -> None:
    # 31 March 2027 18:30 UTC is 1 April 2027 00:00 in Asia/Kolkata
    assert fy_code_for(datetime(2027, 3, 31, 18, 29, tzinfo=UTC)) == "2026-27"
    assert fy_code_for(datetime(2027, 3, 31, 18, 30, tzinfo=UTC)) == "2027-28"
    assert fy_code_for(datetime(2027, 3, 31, 18, 30)) == "2027-28"  # naive is UTC


@given(dates)
def test_the_code_of_a_date_is_the_year_that_holds_it(on: date) -> None:
    code = fy_code_for(on)
    start, end = bounds(code)
    assert start <= on <= end
    assert contains(code, on)
    assert (start.month, start.day, end.month, end.day) == (4, 1, 3, 31)
    assert end.year == start.year + 1


@given(dates)
def test_consecutive_days_share_a_year_except_across_1_april(on: date) -> None:
    following = on + timedelta(days=1)
    same = fy_code_for(on) == fy_code_for(following)
    assert same == ((following.month, following.day) != (4, 1))


@given(st.integers(1900, 9998))
def test_bounds_round_trip(start_year: int) -> None:
    code = f"{start_year}-{(start_year + 1) % 100:02d}"
    start, end = bounds(code)
    assert fy_code_for(start) == fy_code_for(end) == code
    assert fy_code_for(start - timedelta(days=1)) != code


@given(st.integers(1900, 9998), st.integers(0, 99))
def test_non_consecutive_codes_are_refused(start_year: int, suffix: int) -> None:
    code = f"{start_year}-{suffix:02d}"
    if suffix == (start_year + 1) % 100:
        bounds(code)
    else:
        with pytest.raises(ValueError, match="follow each other"):
            bounds(code)


@pytest.mark.parametrize(
    "code", ["2026-2027", "26-27", "2026/27", "2026-7", "", "abcd-ef", "1899-00"]
)
def test_malformed_codes_are_refused(code: str) -> None:
    with pytest.raises(ValueError):
        bounds(code)
