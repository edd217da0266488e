"""The pruned top-k of ``scoring_index`` is exactly the top-k of scoring every supply."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.trade_desk.scoring_strategies import (
    PRICE_UNITS,
    demand,
    demands,
    supplies,
    supply,
    templates,
)
from tradehub.trade_desk.scoring import Band, Demand, Supply, Template
from tradehub.trade_desk.scoring_arrays import SupplyArrays, round_half_up, totals_many
from tradehub.trade_desk.scoring_index import SupplyIndex, top_k, top_k_many

D = Decimal


def _brute_force(
    asked: Demand, arrays: SupplyArrays, template: Template, k: int
) -> tuple[list[int], list[int]]:
    totals = round_half_up(totals_many(asked, arrays, template))
    order = np.lexsort((np.arange(arrays.size), -totals))[:k]
    return order.tolist(), totals[order].tolist()


# The index needs a price unit on every supply.
priced = supplies().map(lambda s: s if s.price_unit else replace(s, price_unit="candy"))


@given(
    asked=demands(),
    candidates=st.lists(priced, min_size=1, max_size=40),
    template=templates(),
    k=st.integers(1, 8),
)
def test_top_k_is_the_top_k_of_scoring_everything(
    asked: Demand, candidates: list[Supply], template: Template, k: int
) -> None:
    arrays = SupplyArrays.build(candidates)
    best = top_k(asked, SupplyIndex.build(arrays), template, k)
    assert (best.positions.tolist(), best.totals.tolist()) == _brute_force(
        asked, arrays, template, k
    )


def test_top_k_on_a_larger_market_prunes_and_stays_exact() -> None:
    rng = np.random.default_rng(7)
    candidates = [
        supply(
            parameters={"staple_mm": D(str(round(float(rng.normal(29, 1)), 1)))},
            price=D(int(rng.normal(55000, 2500))),
            price_unit=str(rng.choice(PRICE_UNITS[:2])),
            state_code=str(rng.choice(["24", "27"])),
            payment_terms=str(rng.choice(["advance", "credit"])),
            payment_days=30,
        )
        for _ in range(3000)
    ]
    arrays = SupplyArrays.build(candidates)
    index = SupplyIndex.build(arrays)
    asked = [
        demand(
            parameters={"staple_mm": Band(D("28.5"), D("29.5"))},
            target_price=target,
            state_code=state,
            payment_terms="credit",
            payment_days=30,
        )
        for target in (D(52000), D(58000), None)
        for state in ("24", "27")
    ]
    # Small batches and a small pair limit: several groups and rounds per batch.
    found = top_k_many(asked, index, Template(), 10, batch_size=4, pair_limit=500)
    for one, best in zip(asked, found, strict=True):
        expected = _brute_force(one, arrays, Template(), 10)
        assert (best.positions.tolist(), best.totals.tolist()) == expected
        assert best.scored < len(candidates) / 2  # the bound pruned most of the market


@given(
    asked=st.lists(demands(), min_size=1, max_size=6),
    candidates=st.lists(priced, min_size=1, max_size=30),
    template=templates(),
    k=st.integers(1, 5),
)
def test_a_batch_of_demands_gets_each_its_own_top_k(
    asked: list[Demand], candidates: list[Supply], template: Template, k: int
) -> None:
    arrays = SupplyArrays.build(candidates)
    found = top_k_many(asked, SupplyIndex.build(arrays), template, k, batch_size=4, pair_limit=7)
    for one, best in zip(asked, found, strict=True):
        assert (best.positions.tolist(), best.totals.tolist()) == _brute_force(
            one, arrays, template, k
        )


def test_supplies_without_a_price_unit_cannot_be_indexed() -> None:
    with pytest.raises(ValueError, match="price unit"):
        SupplyIndex.build(SupplyArrays.build([supply(price_unit=None)]))
