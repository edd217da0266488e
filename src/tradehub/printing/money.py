"""Amounts and quantities in Indian digit grouping: ``₹12,34,567.89``, ``1,70,000.000``.

The last three digits of the whole part form one group, the rest go in pairs (thousand,
lakh, crore). Decimals are exact: the value is rounded half-up to ``places`` only for display.
Words come from ``tradehub.pricing.words.amount_in_words``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

RUPEE = "\u20b9"


def group_indian(digits: str) -> str:
    """``"1234567"`` → ``"12,34,567"`` (a string of digits, no sign)."""
    if not digits.isdigit():
        raise ValueError(f"not a string of digits: {digits!r}")
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    pairs: list[str] = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *pairs, tail])


def indian_number(value: Decimal | int, places: int = 0) -> str:
    """``Decimal("170000.5"), 3`` → ``"1,70,000.500"``; ints and Decimals only (no float)."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"a Decimal or int is required, not {type(value).__name__}")
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if places < 0:
        raise ValueError("places must be ≥ 0")
    shown = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if shown < 0 else ""
    whole, _, fraction = f"{abs(shown):f}".partition(".")
    grouped = group_indian(whole)
    return f"{sign}{grouped}.{fraction}" if places else f"{sign}{grouped}"


def inr(amount: Decimal | int, *, symbol: bool = True) -> str:
    """``Decimal("1234567.89")`` → ``"₹12,34,567.89"`` (``-₹…`` below zero)."""
    text = indian_number(amount, 2)
    if not symbol:
        return text
    return f"-{RUPEE}{text[1:]}" if text.startswith("-") else f"{RUPEE}{text}"
