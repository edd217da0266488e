"""CCI value and EMD (domain.md §3.6)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.pricing.strategies import amounts
from tradehub.pricing.cci import (
    DEFAULT_TERMS,
    BuyerClass,
    CciTerms,
    EmdStatus,
    emd_days_late,
    emd_for_do,
    emd_grace_expiry,
    emd_interest,
    emd_late_interest,
    emd_per_bale,
    emd_position,
    emd_required,
    final_value,
    provisional_value,
)

D = Decimal
DAY = date(2026, 11, 2)
days = st.integers(min_value=0, max_value=3650)


def test_spec_example_values() -> None:
    value = provisional_value(1000, rate_per_candy=D(62000))
    assert value == D("29760000.00")  # ₹2,97,60,000
    emd = emd_required(value, buyer_class="kvic")
    assert emd == D("2976000.00")
    assert emd_per_bale(emd, bales=1000) == D("2976.00")
    assert emd_for_do(D("2976.00"), do_bales=200) == D("595200.00")


@pytest.mark.parametrize(
    ("buyer", "emd"),
    [(BuyerClass.KVIC, "100000.00"), ("private_mill", "125000.00"), ("trader", "175000.00")],
)
def test_emd_by_buyer_class(buyer: str, emd: str) -> None:
    assert emd_required(D(1_000_000), buyer_class=buyer) == D(emd)


def test_final_value_uses_weighed_quintals() -> None:
    # 17000 kg = 170 qtl × 0.2812 = 47.804 candy × 62000 = 2963848
    assert final_value(D(17000), rate_per_candy=D(62000)) == D("2963848.00")
    assert final_value(D("100.5"), rate_per_candy=D("100.01")) == D("28.26")  # 28.2629…


def test_grace_and_status() -> None:
    assert emd_grace_expiry(DAY) == date(2026, 11, 7)
    position = emd_position(required=D(100), paid=D(0), contract_date=DAY, full_on=None)
    assert (position.status, position.shortfall) == (EmdStatus.NOT_PAID, D(100))
    position = emd_position(required=D(100), paid=D(40), contract_date=DAY, full_on=None)
    assert (position.status, position.shortfall) == (EmdStatus.PARTIAL, D(60))
    on_time = emd_position(
        required=D(100), paid=D(100), contract_date=DAY, full_on=date(2026, 11, 7)
    )
    assert (on_time.status, on_time.days_late) == (EmdStatus.FULL, 0)
    late = emd_position(required=D(100), paid=D(130), contract_date=DAY, full_on=date(2026, 11, 10))
    assert (late.status, late.days_late, late.excess) == (EmdStatus.LATE_FULL, 3, D(30))
    with pytest.raises(ValueError):
        emd_position(required=D(100), paid=D(100), contract_date=DAY, full_on=None)


def test_interest() -> None:
    # 2976000 × 10 % × 3 / 365 = 2446.0273… ; ceil(2.1) = 3
    assert emd_late_interest(D(2976000), days_late=D("2.1")) == D("2446.03")
    assert emd_late_interest(D(2976000), days_late=3) == D("2446.03")
    # 2976000 × 5 % × 30 / 365 = 12230.136…
    assert emd_interest(D(2976000), days=30) == D("12230.14")
    assert emd_late_interest(D(2976000), days_late=0) == D(0)


def test_edited_terms() -> None:
    terms = CciTerms(emd_kvic_pct=D(12), candy_per_bale=D("0.5"), emd_days=0)
    assert provisional_value(10, rate_per_candy=D(1000), terms=terms) == D("5000.00")
    assert emd_required(D(1000), buyer_class="kvic", terms=terms) == D("120.00")
    assert emd_days_late(contract_date=DAY, paid_on=DAY + timedelta(days=1), terms=terms) == 1


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        emd_per_bale(D(100), bales=0)
    with pytest.raises(ValueError):
        emd_required(D(100), buyer_class="exporter")
    with pytest.raises(TypeError):
        provisional_value(10, rate_per_candy=62000.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        emd_late_interest(D(100), days_late=1.5)  # type: ignore[arg-type]


@given(value=amounts(), buyer=st.sampled_from(list(BuyerClass)))
def test_emd_is_the_class_share_of_the_value(value: Decimal, buyer: BuyerClass) -> None:
    emd = emd_required(value, buyer_class=buyer)
    assert 0 <= emd <= value
    assert abs(emd - value * DEFAULT_TERMS.emd_pct(buyer) / 100) <= D("0.005")


@given(required=amounts(D(10**9)), paid=amounts(D(10**9)), late=days)
def test_status_shortfall_and_excess(required: Decimal, paid: Decimal, late: int) -> None:
    full_on = emd_grace_expiry(DAY) + timedelta(days=late)
    p = emd_position(required=required, paid=paid, contract_date=DAY, full_on=full_on)
    assert p.required - p.shortfall + p.excess == p.paid
    assert min(p.shortfall, p.excess) == 0
    if paid >= required:
        assert p.status is (EmdStatus.LATE_FULL if late else EmdStatus.FULL)
        assert p.days_late == late
    else:
        assert p.status is (EmdStatus.NOT_PAID if paid == 0 else EmdStatus.PARTIAL)


@given(emd=amounts(D(10**9)), a=days, b=days)
def test_late_interest_is_monotonic_and_never_negative(emd: Decimal, a: int, b: int) -> None:
    low, high = sorted((a, b))
    x, y = emd_late_interest(emd, days_late=low), emd_late_interest(emd, days_late=high)
    assert 0 <= x <= y
    assert emd_interest(emd, days=low) <= x  # 5 % never beats 10 % over the same days


@given(emd=amounts(D(10**9)), n=st.integers(min_value=1, max_value=10_000))
def test_per_bale_emd_covers_the_emd(emd: Decimal, n: int) -> None:
    per_bale = emd_per_bale(emd, bales=n)
    assert abs(emd_for_do(per_bale, do_bales=n) - emd) <= D("0.005") * n
