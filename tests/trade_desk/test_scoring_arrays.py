"""``score_many`` (numpy) gives the same results as the exact reference ``score_one``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.trade_desk.scoring_strategies import demand, demands, supplies, supply, templates
from tradehub.trade_desk.scoring import (
    Band,
    Demand,
    Supply,
    Template,
    price_in_demand_unit,
    score_one,
)
from tradehub.trade_desk.scoring_arrays import SupplyArrays, lowest_price, score_many

D = Decimal
# Components are shown to 0.01 (half-up); the float ones must land within that rounding.
COMPONENT_SLACK = 0.005 + 1e-9


def _lowest_in_demand_unit(d: Demand, candidates: list[Supply]) -> Decimal | None:
    prices = [price_in_demand_unit(d, s) for s in candidates]
    positive = [p for p in prices if p is not None and p > 0]
    return min(positive) if positive else None


@given(
    d=demands(),
    candidates=st.lists(supplies(), min_size=1, max_size=12),
    template=templates(),
)
def test_score_many_equals_score_one(
    d: Demand, candidates: list[Supply], template: Template
) -> None:
    arrays = SupplyArrays.build(candidates)
    many = score_many(d, arrays, template)
    lowest = _lowest_in_demand_unit(d, candidates)
    for i, s in enumerate(candidates):
        one = score_one(d, s, template, lowest_price=lowest)
        assert many.total[i] == one.total, (i, one, many)
        assert abs(many.parameters[i] - float(one.parameters)) <= COMPONENT_SLACK
        assert abs(many.price[i] - float(one.price)) <= COMPONENT_SLACK
        assert many.location[i] == float(one.location)
        assert many.payment[i] == float(one.payment)


def test_score_many_examples_cover_every_component() -> None:
    d = demand(
        parameters={"staple_mm": Band(D(28), D(30)), "mic": Band(None, D("4.5"))},
        target_price=D(48000),
        region="Vidarbha",
        state_code="27",
        payment_terms="credit",
        payment_days=30,
        delivery_days=15,
    )
    candidates = [
        supply(
            parameters={"staple_mm": D(29), "mic": D(4)},
            price=D(48000),
            region="Vidarbha",
            state_code="27",
            payment_terms="credit",
            payment_days=30,
            delivery_days=10,
        ),
        supply(parameters={"staple_mm": D(27)}, price=D(13498), price_unit="quintal"),
        supply(parameters={}, price=None, state_code="27", seller_is_trader=True),
    ]
    many = score_many(d, SupplyArrays.build(candidates), Template())
    ones = [score_one(d, s, Template()) for s in candidates]
    assert many.total.tolist() == [one.total for one in ones]
    assert many.total[0] == 99  # 45 + 35 + 0.10·85 + 10 = 98.5 → 99
    assert many.location.tolist() == [85.0, 0.0, 70.0]
    assert many.payment.tolist() == [100.0, 0.0, 0.0]


def test_without_a_target_the_lowest_candidate_sets_the_price_score() -> None:
    candidates = [supply(price=D(50000)), supply(price=D(40000)), supply(price=None)]
    arrays = SupplyArrays.build(candidates)
    many = score_many(demand(), arrays, Template())
    assert many.price.tolist() == pytest.approx([80.0, 100.0, 0.0])
    assert lowest_price(demand(), arrays) == 40000.0
    assert lowest_price(demand(price_unit="quintal"), arrays) == pytest.approx(40000 / 3.556)
    no_prices = SupplyArrays.build([supply(price=None), supply(price=D(0))])
    assert lowest_price(demand(), no_prices) is None
    assert score_many(demand(), no_prices, Template()).price.tolist() == [0.0, 0.0]
    # A lowest price from a wider candidate set than these arrays.
    wider = score_many(demand(), arrays, Template(), lowest=20000.0)
    assert wider.price.tolist() == pytest.approx([40.0, 50.0, 0.0])


def test_a_parameter_no_supply_has_scores_0_for_all() -> None:
    d = demand(parameters={"rd": Band(D(70), D(80))})
    arrays = SupplyArrays.build([supply(), supply(parameters={"mic": D(4)})])
    template = Template(
        parameters_weight=D(1), price_weight=D(0), location_weight=D(0), payment_weight=D(0)
    )
    assert score_many(d, arrays, template).total.tolist() == [0, 0]
