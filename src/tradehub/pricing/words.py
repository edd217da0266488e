"""An amount of rupees in words with Indian numbering (thousand, lakh, crore).

Style (one rule, used for every amount; api.md §1 says money has exactly two decimals):
- ``Rupees <words> Only``; with paise ``Rupees <words> and <words> Paise Only``; paise only
  (less than one rupee) ``<words> Paise Only``; zero ``Rupees Zero Only``.
- Title Case, tens and units joined by a hyphen (``Twenty-Three``), no "and" inside a number.
- Groups: crore (10^7), lakh (10^5), thousand, hundred; more than 99 crore is the number of
  crores in words (``One Thousand Crore``), never "arab".
- "Rupees" and "Paise" are always plural (``Rupees One Only``, ``One Paise Only``).
"""

from __future__ import annotations

from decimal import Decimal

from tradehub.pricing._decimal import money

_ONES = [
    "Zero",
    "One",
    "Two",
    "Three",
    "Four",
    "Five",
    "Six",
    "Seven",
    "Eight",
    "Nine",
    "Ten",
    "Eleven",
    "Twelve",
    "Thirteen",
    "Fourteen",
    "Fifteen",
    "Sixteen",
    "Seventeen",
    "Eighteen",
    "Nineteen",
]
_TENS = ["_", "_", "Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"]
_GROUPS = ((10**7, "Crore"), (10**5, "Lakh"), (1000, "Thousand"), (100, "Hundred"))


def _below_hundred(number: int) -> str:
    if number < 20:
        return _ONES[number]
    tens, ones = divmod(number, 10)
    return _TENS[tens] if ones == 0 else f"{_TENS[tens]}-{_ONES[ones]}"


def number_in_words(number: int) -> str:
    """A whole number ≥ 0 in Indian-numbering words (``100000`` → ``One Lakh``)."""
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise ValueError("a whole number ≥ 0 is required")
    if number < 100:
        return _below_hundred(number)
    parts: list[str] = []
    rest = number
    for size, name in _GROUPS:
        head, rest = divmod(rest, size)
        if head:
            parts.append(f"{number_in_words(head)} {name}")
    if rest:
        parts.append(_below_hundred(rest))
    return " ".join(parts)


def amount_in_words(amount: Decimal) -> str:
    """``Decimal("123456.78")`` → ``Rupees One Lakh Twenty-Three Thousand Four Hundred
    Fifty-Six and Seventy-Eight Paise Only`` (the amount must be in paise, ≥ 0)."""
    paise_total = int(money(amount, "amount") * 100)
    rupees, paise = divmod(paise_total, 100)
    if paise == 0:
        return f"Rupees {number_in_words(rupees)} Only"
    if rupees == 0:
        return f"{number_in_words(paise)} Paise Only"
    return f"Rupees {number_in_words(rupees)} and {number_in_words(paise)} Paise Only"
