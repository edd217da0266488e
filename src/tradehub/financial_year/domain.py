"""Pure financial-year rules: the year runs 1 April to 31 March and is named ``2026-27``."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

INDIA = ZoneInfo("Asia/Kolkata")
_CODE = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def fy_code_for(on: date | datetime) -> str:
    """The code of the year holding ``on``; a timestamp is taken in Asia/Kolkata (an aware
    one is converted, a naive one is taken as UTC)."""
    if isinstance(on, datetime):
        aware = on if on.tzinfo is not None else on.replace(tzinfo=ZoneInfo("UTC"))
        on = aware.astimezone(INDIA).date()
    start_year = on.year if on.month >= 4 else on.year - 1
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def bounds(code: str) -> tuple[date, date]:
    """(1 April, 31 March) of a ``YYYY-YY`` code whose two years follow each other."""
    match = _CODE.fullmatch(code)
    if match is None:
        raise ValueError("A financial year code is YYYY-YY, e.g. 2026-27")
    start_year = int(match.group(1))
    if start_year < 1900:
        raise ValueError("A financial year starts in 1900 or later")
    if (start_year + 1) % 100 != int(match.group(2)):
        raise ValueError(
            f"The years must follow each other: {start_year}-{(start_year + 1) % 100:02d}"
        )
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


def contains(code: str, on: date) -> bool:
    start, end = bounds(code)
    return start <= on <= end
