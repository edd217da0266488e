"""Hypothesis strategies shared by the pricing tests: paise amounts, rates, state codes."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

MAX = Decimal("1000000000000")  # ₹1 lakh crore


def amounts(max_value: Decimal = MAX) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=max_value, places=2, allow_nan=False)


def rates(max_value: Decimal = Decimal(100)) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=0, max_value=max_value, places=4, allow_nan=False)


state_codes = st.integers(min_value=1, max_value=38).map(lambda n: f"{n:02d}")
gst_rates = st.sampled_from([Decimal(r) for r in ("0", "0.25", "3", "5", "12", "18", "28")])
