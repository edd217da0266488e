"""Number formats (pure): ``<SERIES>/<yy-yy>/<n:05d>``, ≤ 16 characters of A-Z 0-9 / -."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradehub.financial_year.domain import fy_code_for
from tradehub.numbering.domain import (
    MAX_LENGTH,
    InvalidSeries,
    MalformedNumber,
    NumberingError,
    SeriesExhausted,
    capacity,
    check_series,
    format_number,
    parse_number,
    short_year,
)

ALLOWED = re.compile(r"[A-Z0-9/-]{1,16}")
series_names = st.from_regex(r"[A-Z][A-Z0-9]{0,3}", fullmatch=True)
start_years = st.integers(min_value=1900, max_value=9998)


def fy(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def test_examples() -> None:
    assert format_number("BRK", "2026-27", 1) == "BRK/26-27/00001"
    assert format_number("SC", "2026-27", 42) == "SC/26-27/00042"
    assert format_number("SC", "1999-00", 7) == "SC/99-00/00007"
    assert short_year("2026-27") == "26-27"


@given(series_names, start_years, st.data())
def test_every_number_fits_and_round_trips(series: str, start: int, data: st.DataObject) -> None:
    sequence = data.draw(st.integers(min_value=1, max_value=capacity(series)))
    number = format_number(series, fy(start), sequence)
    assert len(number) <= MAX_LENGTH and ALLOWED.fullmatch(number)
    parsed = parse_number(number)
    assert (parsed.series, parsed.year, parsed.sequence) == (series, fy(start)[2:], sequence)


@given(series_names, start_years, st.integers(1, 99_999), st.integers(1, 99_999))
def test_within_five_digits_text_order_is_number_order(
    series: str, start: int, first: int, second: int
) -> None:
    a, b = format_number(series, fy(start), first), format_number(series, fy(start), second)
    assert (a < b) == (first < second) and len(a) == len(b)


@given(series_names)
def test_every_valid_series_reaches_99999(series: str) -> None:
    assert capacity(series) >= 99_999
    assert check_series(series) == series


@given(st.from_regex(r"[A-Z][A-Z0-9]{4,10}", fullmatch=True))
def test_a_series_that_would_overflow_is_refused(series: str) -> None:
    with pytest.raises(InvalidSeries, match="overflow"):
        format_number(series, "2026-27", 1)


@pytest.mark.parametrize("series", ["", "sc", "1SC", "S-C", "S/C", "SÇ", " SC"])
def test_bad_series_names(series: str) -> None:
    with pytest.raises(InvalidSeries):
        check_series(series)


@given(series_names)
def test_past_capacity_is_exhausted(series: str) -> None:
    with pytest.raises(SeriesExhausted):
        format_number(series, "2026-27", capacity(series) + 1)
    assert len(format_number(series, "2026-27", capacity(series))) == MAX_LENGTH


@pytest.mark.parametrize("sequence", [0, -1])
def test_sequences_start_at_one(sequence: int) -> None:
    with pytest.raises(NumberingError):
        format_number("SC", "2026-27", sequence)


@pytest.mark.parametrize("code", ["2026-28", "26-27", "2026/27", "1899-00", "x"])
def test_bad_years(code: str) -> None:
    with pytest.raises(ValueError):
        format_number("SC", code, 1)


@pytest.mark.parametrize(
    "number",
    [
        "SC/26-28/00001",
        "SC/26-27/0001",
        "SC/26-27/00000",
        "SC/26-27/000001",
        "sc/26-27/00001",
        "SCXYZ/26-27/00001",
        "SC-26-27-00001",
        "SC/26-27/00001/",
        "SC/26-27/1234567890",
        "",
    ],
)
def test_malformed_numbers(number: str) -> None:
    with pytest.raises(MalformedNumber):
        parse_number(number)


@given(st.text(max_size=20))
def test_parse_accepts_only_what_format_gives(text: str) -> None:
    try:
        parsed = parse_number(text)
    except MalformedNumber:
        return
    start = 2000 + int(parsed.year[:2])  # any century gives the same short year
    assert format_number(parsed.series, fy(start), parsed.sequence) == text


def test_the_series_turns_over_at_midnight_of_1_april_in_india() -> None:
    before = datetime(2027, 3, 31, 18, 29, tzinfo=UTC)  # 23:59 IST on 31 March
    after = datetime(2027, 3, 31, 19, 0, tzinfo=UTC)  # 00:30 IST on 1 April
    assert format_number("SC", fy_code_for(before), 1) == "SC/26-27/00001"
    assert format_number("SC", fy_code_for(after), 1) == "SC/27-28/00001"
