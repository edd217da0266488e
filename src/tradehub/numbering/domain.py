"""Pure numbering rules: ``<SERIES>/<yy-yy>/<sequence>``, e.g. ``BRK/26-27/00001``.

A number is at most 16 characters of ``A-Z 0-9 / -``. The series is 1-4 of ``A-Z 0-9``
starting with a letter (``SC``, ``BRK``), so every series can reach sequence 99999 at the
five-digit width; beyond that the sequence grows one digit at a time while the number still
fits in 16 characters, and a sequence that would not fit is ``SeriesExhausted``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from tradehub.financial_year.domain import bounds

MAX_LENGTH: Final = 16
SEQUENCE_WIDTH: Final = 5
ALLOWED: Final = re.compile(r"[A-Z0-9/-]{1,16}")
_SERIES: Final = re.compile(r"[A-Z][A-Z0-9]*")
_NUMBER: Final = re.compile(r"([A-Z][A-Z0-9]*)/([0-9]{2}-[0-9]{2})/([0-9]{5,})")
# "/yy-yy/" between the series and the sequence.
_YEAR_PART: Final = len("/26-27/")


class NumberingError(ValueError):
    """A series, year or number that breaks the format."""


class InvalidSeries(NumberingError):
    pass


class SeriesExhausted(NumberingError):
    pass


class MalformedNumber(NumberingError):
    pass


@dataclass(frozen=True)
class ParsedNumber:
    series: str
    year: str  # the short form, "26-27"
    sequence: int


def short_year(financial_year: str) -> str:
    """``2026-27`` → ``26-27`` (ValueError for anything that is not a financial-year code)."""
    bounds(financial_year)
    return financial_year[2:]


def capacity(series: str) -> int:
    """The largest sequence whose number fits in 16 characters."""
    return int(10 ** (MAX_LENGTH - len(series) - _YEAR_PART)) - 1


def check_series(series: str) -> str:
    if _SERIES.fullmatch(series) is None:
        raise InvalidSeries(f"A series is A-Z and 0-9, starting with a letter: {series!r}")
    if capacity(series) < 10**SEQUENCE_WIDTH - 1:
        raise InvalidSeries(
            f"Series {series!r} would overflow {MAX_LENGTH} characters; use at most "
            f"{MAX_LENGTH - _YEAR_PART - SEQUENCE_WIDTH}"
        )
    return series


def format_number(series: str, financial_year: str, sequence: int) -> str:
    """``format_number("BRK", "2026-27", 1)`` → ``"BRK/26-27/00001"``."""
    check_series(series)
    year = short_year(financial_year)
    if sequence < 1:
        raise NumberingError("A sequence starts at 1")
    if sequence > capacity(series):
        raise SeriesExhausted(
            f"Series {series} of {financial_year} is full at {capacity(series)} numbers"
        )
    number = f"{series}/{year}/{sequence:0{SEQUENCE_WIDTH}d}"
    if len(number) > MAX_LENGTH or ALLOWED.fullmatch(number) is None:  # pragma: no cover
        raise AssertionError(f"format produced {number!r}")
    return number


def parse_number(number: str) -> ParsedNumber:
    """The inverse of ``format_number``; MalformedNumber for anything it could not produce."""
    match = _NUMBER.fullmatch(number) if len(number) <= MAX_LENGTH else None
    if match is None:
        raise MalformedNumber(f"Not a document number: {number!r}")
    series, year, digits = match.groups()
    start, end = (int(part) for part in year.split("-"))
    canonical = len(digits) == SEQUENCE_WIDTH or not digits.startswith("0")
    if (start + 1) % 100 != end or int(digits) < 1 or not canonical:
        raise MalformedNumber(f"Not a document number: {number!r}")
    try:
        check_series(series)
    except InvalidSeries as error:
        raise MalformedNumber(f"Not a document number: {number!r}") from error
    return ParsedNumber(series=series, year=year, sequence=int(digits))
