"""Quality-normalised price: the premium/discount table and its monotonicity."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.trade_desk.scoring_strategies import bands, decimals
from tradehub.trade_desk.premiums import (
    PREMIUM_TABLES,
    Direction,
    PremiumRule,
    PremiumTable,
    normalised_price,
    table_for,
)
from tradehub.trade_desk.scoring import Band

D = Decimal
COTTON = table_for("Cotton")
SPEC = {
    "staple_mm": Band(D(28), D(30)),
    "mic": Band(D("3.5"), D("4.5")),
    "strength_gpt": Band(D(28), None),
    "trash_pct": Band(None, D(3)),
    "moisture_pct": Band(None, D(8)),
}


def _normalised(parameters: dict[str, Decimal], **options: object) -> Decimal:
    arguments: dict[str, object] = {
        "price": D(50000),
        "price_unit": "candy",
        "parameters": parameters,
        "bands": SPEC,
        "table": COTTON,
        "to_unit": "candy",
    }
    arguments.update(options)
    result = normalised_price(**arguments)  # type: ignore[arg-type]
    assert result is not None
    return result


def test_the_cotton_table_is_there_and_readable_from_its_data() -> None:
    assert COTTON is not None
    assert PremiumTable.from_data(PREMIUM_TABLES["cotton"]) == COTTON
    assert set(COTTON.rules) >= {"staple_mm", "mic", "strength_gpt", "trash_pct", "moisture_pct"}
    assert table_for("wheat") is None


def test_inside_the_spec_the_price_is_unchanged() -> None:
    inside = {"staple_mm": D(29), "mic": D(4), "strength_gpt": D(30), "trash_pct": D(2)}
    assert _normalised(inside) == D("50000.00")
    assert _normalised({}) == D("50000.00")  # nothing reported: nothing adjusted


def test_premiums_and_discounts_per_step() -> None:
    assert _normalised({"staple_mm": D(31)}) == D("49500.00")  # 1 mm longer: worth ₹500 more
    assert _normalised({"staple_mm": D("27.5")}) == D("50400.00")  # 0.5 mm short: ₹400 less
    assert _normalised({"mic": D("4.7")}) == D("50600.00")  # 0.2 above: 2 × ₹300
    assert _normalised({"mic": D("3.3")}) == D("50600.00")  # either side costs
    assert _normalised({"trash_pct": D(4)}) == D("50800.00")  # 1 % over: 2 steps × ₹400
    assert _normalised({"moisture_pct": D(9)}) == D("50500.00")
    assert _normalised({"staple_mm": D(31), "mic": D("4.7")}) == D("50100.00")


def test_units_are_converted_both_for_the_price_and_the_table() -> None:
    # ₹14,060.74/quintal ≈ ₹50,000/candy; the ₹500/candy premium is ₹140.61/quintal.
    per_quintal = _normalised({"staple_mm": D(31)}, to_unit="quintal")
    assert per_quintal == D("13920.13")  # (50000 − 500) × 100 / 355.6 = 13920.1349…
    quoted_per_quintal = _normalised({}, price=D("14060.74"), price_unit="quintal", to_unit="candy")
    assert quoted_per_quintal == D("49999.99")  # 14060.74 × 3.556 = 49999.991…
    assert (
        normalised_price(
            price=None, price_unit="candy", parameters={}, bands=SPEC, table=COTTON, to_unit="candy"
        )
        is None
    )
    no_table = _normalised({"staple_mm": D(31)}, table=None)
    assert no_table == D("50000.00")


@given(
    band=bands(),
    direction=st.sampled_from(list(Direction)),
    step=decimals("0.1", "5", 1),
    premium=decimals("0", "1000", 2),
    discount=decimals("0", "1000", 2),
    a=decimals("-10", "50", 2),
    b=decimals("-10", "50", 2),
    price=decimals("1000", "90000", 2),
)
def test_better_quality_never_raises_the_normalised_price(
    band: Band,
    direction: Direction,
    step: Decimal,
    premium: Decimal,
    discount: Decimal,
    a: Decimal,
    b: Decimal,
    price: Decimal,
) -> None:
    rule = PremiumRule(
        direction=direction,
        step=step,
        premium=D(0) if direction is Direction.INSIDE_BEST else premium,
        discount=discount,
    )
    table = PremiumTable(rate_unit="candy", rules={"p": rule})

    def normalised(value: Decimal) -> Decimal:
        result = normalised_price(
            price=price,
            price_unit="candy",
            parameters={"p": value},
            bands={"p": band},
            table=table,
            to_unit="candy",
        )
        assert result is not None
        return result

    low, high = sorted([a, b])
    if direction is Direction.HIGHER_BETTER:
        better, worse = high, low
    elif direction is Direction.LOWER_BETTER:
        better, worse = low, high
    else:  # inside_best: closer to the band is better

        def distance(v: Decimal) -> Decimal:
            below = band.min - v if band.min is not None else D(0)
            above = v - band.max if band.max is not None else D(0)
            return max(below, above, D(0))

        better, worse = sorted([a, b], key=distance)
    assert normalised(better) <= normalised(worse)
    # And inside the band nothing changes.
    if band.min is not None:
        assert normalised(band.min) == price


@pytest.mark.parametrize(
    "rule",
    [
        {"direction": "higher_better", "step": "0", "premium": "1", "discount": "1"},
        {"direction": "higher_better", "step": "1", "premium": "-1", "discount": "1"},
        {"direction": "inside_best", "step": "1", "premium": "5", "discount": "1"},
    ],
)
def test_a_table_with_a_nonsense_rule_is_refused(rule: dict[str, str]) -> None:
    with pytest.raises(ValueError, match=r"step|never negative|no premium"):
        PremiumTable.from_data({"rate_unit": "candy", "rules": {"p": rule}})
