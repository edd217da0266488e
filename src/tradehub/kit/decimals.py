"""Decimal fields of request bodies: plain decimal notation only, a bounded scale, never float.

api.md §1: decimals travel as JSON strings; clients may send numbers or strings. A string must
match ``-?digits[.digits]`` (no exponent, NaN, Infinity, blanks or empty string) with at most
``places`` decimals; a JSON number is taken by its shortest repr and must satisfy the same.
Answers render rates and percentages without trailing zeros (``"2.5"``) and money with exactly
two decimals (``"55500.00"``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema


def _pattern(places: int, signed: bool) -> str:
    sign = "-?" if signed else ""
    fraction = rf"(\.[0-9]{{1,{places}}})?" if places else ""
    return rf"^{sign}[0-9]{{1,15}}{fraction}$"


def _parser(places: int, signed: bool) -> Callable[[Any], Decimal]:
    pattern = re.compile(_pattern(places, signed))

    def parse(value: Any) -> Decimal:
        if isinstance(value, bool):
            raise ValueError("a decimal is a string or a number")
        if isinstance(value, int):
            text = str(value)
        elif isinstance(value, float):
            text = repr(value)
            if text.endswith(".0"):
                text = text[:-2]
        elif isinstance(value, Decimal):
            text = format(value, "f") if value.is_finite() else "NaN"
        elif isinstance(value, str):
            text = value
        else:
            raise ValueError("a decimal is a string or a number")
        if not pattern.match(text):
            raise ValueError(
                f"a decimal in plain notation with at most {places} decimal places"
                + ("" if signed else ", not negative")
            )
        return Decimal(text)

    return parse


def _normalised(value: Decimal) -> str:
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _two_places(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _schema(places: int, signed: bool) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "pattern": _pattern(places, signed), "examples": ["2.5"]}
    )


# Request decimals (not negative) with at most 4, 2 or 3 decimal places.
RateIn = Annotated[Decimal, BeforeValidator(_parser(4, False)), _schema(4, False)]
MoneyIn = Annotated[Decimal, BeforeValidator(_parser(2, False)), _schema(2, False)]
QuantityIn = Annotated[Decimal, BeforeValidator(_parser(3, False)), _schema(3, False)]
# Answers: rates normalised ("5", "2.5"), money with exactly two decimals ("55500.00").
RateOut = Annotated[
    Decimal,
    PlainSerializer(_normalised, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "examples": ["2.5"]}),
]
MoneyOut = Annotated[
    Decimal,
    PlainSerializer(_two_places, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "examples": ["55500.00"]}),
]
