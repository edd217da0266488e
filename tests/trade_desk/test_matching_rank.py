"""The answer order of the matches (pure)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from tradehub.trade_desk.matching_service import rank

D = Decimal
IDS = [uuid.UUID(int=i) for i in range(1, 6)]
TOTALS = [90, 95, 90, 95, 90]
NORMALISED: list[Decimal | None] = [D("55000"), D("56000"), None, D("54000"), D("55000")]


def test_best_score_first_then_cheapest_at_the_spec_then_id() -> None:
    order = rank(TOTALS, NORMALISED, IDS, by_price=False, descending=True)
    assert order == [
        3,
        1,
        0,
        4,
        2,
    ]  # 95s by price; 90s by price, the same price by id; no price last


def test_worst_score_first() -> None:
    order = rank(TOTALS, NORMALISED, IDS, by_price=False, descending=False)
    assert order == [0, 4, 2, 3, 1]


def test_cheapest_first_then_best_score_and_no_price_last_both_ways() -> None:
    assert rank(TOTALS, NORMALISED, IDS, by_price=True, descending=False) == [3, 0, 4, 1, 2]
    assert rank(TOTALS, NORMALISED, IDS, by_price=True, descending=True) == [1, 0, 4, 3, 2]
