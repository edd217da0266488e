"""CCI charges: carrying, late lifting, moisture, other charges, DO advice (domain.md §3.6)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.pricing.strategies import amounts
from tradehub.pricing.cci import CciTerms, emd_required, provisional_value
from tradehub.pricing.cci_charges import (
    MoistureKind,
    carrying_base,
    carrying_charge,
    cash_discount,
    do_payment_advice,
    late_lifting_charge,
    lc_bg_interest,
    lifting_days_late,
    lock_in_amount,
    moisture_adjustment,
)

D = Decimal
days = st.integers(min_value=0, max_value=1000)
values = amounts(D(10**10))
readings = st.decimals(min_value=0, max_value=30, places=2, allow_nan=False)


def test_do_payment_advice_spec_example() -> None:
    advice = do_payment_advice(
        bales=1000,
        do_bales=200,
        rate_per_candy=D(62000),
        buyer_class="kvic",
        emd_paid=D(2976000),
        carrying_days=15,
    )
    assert advice.contract_value == D("29760000.00")  # ₹2,97,60,000
    assert advice.emd_per_bale == D("2976.00")
    assert advice.after_emd == D("5654400.00")  # ₹56,54,400
    assert advice.carrying_per_bale == D("167.40")
    assert (advice.carrying, advice.carrying_gst) == (D("33480.00"), D("1674.00"))
    assert advice.total == D("5689554.00")  # ₹56,89,554
    assert not advice.blocked and advice.emd_shortfall == 0


def test_do_is_blocked_until_emd_is_full_but_still_shown() -> None:
    advice = do_payment_advice(
        bales=1000,
        do_bales=200,
        rate_per_candy=D(62000),
        buyer_class="kvic",
        emd_paid=D(1000000),
        carrying_days=15,
    )
    assert advice.blocked and advice.emd_shortfall == D("1976000.00")
    assert advice.total == D("5689554.00")
    with pytest.raises(ValueError):
        do_payment_advice(
            bales=10,
            do_bales=11,
            rate_per_candy=D(1),
            buyer_class="kvic",
            emd_paid=D(0),
            carrying_days=0,
        )


def test_late_lifting_tier_two_is_a_length() -> None:
    # Decision 7: for 75 days late the "code" reading (tier 2 = days 31–90) gives 50,375.
    assert late_lifting_charge(D(3100000), days_late=75) == D("50375.00")
    assert late_lifting_charge(D(3100000), days_late=30) == D("15500.00")  # 0.5 %
    assert late_lifting_charge(D(3100000), days_late=90) == D("62000.00")  # + 1.5 %
    assert late_lifting_charge(D(3100000), days_late=120) == D("93000.00")  # + 1 %
    assert lifting_days_late(days_elapsed=21) == 0
    assert lifting_days_late(days_elapsed=96) == 75


def test_carrying_tiers() -> None:
    assert carrying_charge(D(26784), days=15) == D("167.40")
    assert carrying_charge(D(100000), days=30) == D("1250.00")
    assert carrying_charge(D(100000), days=45) == D("1925.00")  # 1250 + 1.35 % × 15/30
    base = carrying_base(
        contract_value=D(29760000),
        do_value=D(5952000),
        emd_per_bale=D(2976),
        unlifted_bales=800,
    )
    assert base == D("21427200.00")  # 800 × (29,760 − 2,976)


def test_moisture_with_the_hundredth() -> None:
    # 10 samples averaging 10 %: 1 point over 9 % on 50 qtl at ₹17,400/qtl → ₹8,700 discount
    samples = [D(10)] * 10
    adj = moisture_adjustment(samples, net_weight_kg=D(5000), rate=D(17400))
    assert (adj.kind, adj.amount, adj.signed, adj.delta) == (
        MoistureKind.DISCOUNT,
        D("8700.00"),
        D("-8700.00"),
        D(1),
    )
    premium = moisture_adjustment([D("6.5"), D("6.5")], net_weight_kg=D(5000), rate=D(17400))
    assert (premium.kind, premium.amount) == (MoistureKind.PREMIUM, D("4350.00"))
    inside = moisture_adjustment([D(7), D(9)], net_weight_kg=D(5000), rate=D(17400))
    assert (inside.kind, inside.amount) == (MoistureKind.NONE, D(0))
    per_candy = moisture_adjustment(
        samples, net_weight_kg=D("355.6"), rate=D(62000), rate_unit="candy"
    )
    assert per_candy.amount == D("620.00")
    with pytest.raises(ValueError):
        moisture_adjustment([], net_weight_kg=D(1), rate=D(1))
    with pytest.raises(TypeError):
        moisture_adjustment([9.5], net_weight_kg=D(1), rate=D(1))  # type: ignore[list-item]


def test_other_charges() -> None:
    assert cash_discount(D(365000), days=10) == D("500.00")
    assert lc_bg_interest(D(365000), days=10) == D("1000.00")
    assert lc_bg_interest(D(365000), days=10, penal=True) == D("1100.00")
    assert lock_in_amount(100, per_bale=D(350)) == D("35000.00")


@given(value=values, a=days, b=days)
def test_late_lifting_is_monotonic_and_never_negative(value: Decimal, a: int, b: int) -> None:
    low, high = sorted((a, b))
    x = late_lifting_charge(value, days_late=lifting_days_late(days_elapsed=low))
    y = late_lifting_charge(value, days_late=lifting_days_late(days_elapsed=high))
    assert 0 <= x <= y
    if low <= 21:
        assert x == 0


@given(value=values, d=days)
def test_late_lifting_stays_between_the_lowest_and_highest_tier(value: Decimal, d: int) -> None:
    charge = late_lifting_charge(value, days_late=d)
    assert value * D("0.005") * d / 30 - D("0.005") <= charge
    assert charge <= value * D("0.01") * d / 30 + D("0.005")


@given(value=values, a=days, b=days)
def test_carrying_is_monotonic_and_tiered(value: Decimal, a: int, b: int) -> None:
    low, high = sorted((a, b))
    x, y = carrying_charge(value, days=low), carrying_charge(value, days=high)
    assert 0 <= x <= y
    if high <= 30:
        assert abs(y - value * D("0.0125") * high / 30) <= D("0.005")


@given(samples=st.lists(readings, min_size=1, max_size=10), kg=values, rate=amounts(D(10**6)))
def test_moisture_sign_follows_the_delta(
    samples: list[Decimal], kg: Decimal, rate: Decimal
) -> None:
    adj = moisture_adjustment(samples, net_weight_kg=kg, rate=rate)
    assert adj.amount >= 0
    if adj.average > 9:
        assert adj.kind is MoistureKind.DISCOUNT and adj.delta > 0 and adj.signed <= 0
    elif adj.average < 7:
        assert adj.kind is MoistureKind.PREMIUM and adj.delta < 0 and adj.signed >= 0
    else:
        assert adj.kind is MoistureKind.NONE and adj.amount == 0
    # the /100 of Decision 7: never more than the delta's share of the goods' value
    assert adj.amount <= abs(adj.delta) / 100 * kg / 100 * rate + D("0.005")


@given(
    bales=st.integers(min_value=1, max_value=5000),
    share=st.integers(min_value=0, max_value=100),
    rate=amounts(D(200000)),
    d=st.integers(min_value=0, max_value=120),
    buyer=st.sampled_from(["kvic", "private_mill", "trader"]),
)
def test_do_advice_adds_up(bales: int, share: int, rate: Decimal, d: int, buyer: str) -> None:
    do_bales = bales * share // 100
    assume(do_bales > 0)
    value = provisional_value(bales, rate_per_candy=rate)
    emd = emd_required(value, buyer_class=buyer)
    a = do_payment_advice(
        bales=bales,
        do_bales=do_bales,
        rate_per_candy=rate,
        buyer_class=buyer,
        emd_paid=emd,
        carrying_days=d,
    )
    assert a.total == a.do_value + a.do_gst - a.emd_for_do + a.carrying + a.carrying_gst
    assert a.carrying >= 0 and a.total >= 0 and not a.blocked
    assert abs(a.emd_for_do - emd * do_bales / bales) <= D("0.005") * do_bales
    later = do_payment_advice(
        bales=bales,
        do_bales=do_bales,
        rate_per_candy=rate,
        buyer_class=buyer,
        emd_paid=emd,
        carrying_days=d + 1,
    )
    assert later.total >= a.total


def test_edited_terms_change_the_tiers() -> None:
    terms = CciTerms(late_lifting_tier1_days=10, late_lifting_tier2_days=10, free_lifting_days=0)
    # 10 days at 0.5 %, 10 at 0.75 %, 10 at 1 % of 300000, each /30
    assert late_lifting_charge(D(300000), days_late=30, terms=terms) == D("2250.00")
    assert lifting_days_late(days_elapsed=5, terms=terms) == 5
