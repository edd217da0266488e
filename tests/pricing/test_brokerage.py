"""Brokerage per side, sub-broker share and brokerage bills (api.md §6, §8; domain §3.4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.pricing.strategies import amounts, rates, state_codes
from tradehub.pricing.brokerage import (
    BROKERAGE_GST_RATE,
    BROKERAGE_SAC,
    CommissionKind,
    brokerage_bill,
    commission_amount,
    sub_broker_share,
)

D = Decimal
bales = st.integers(min_value=0, max_value=100_000)


@pytest.mark.parametrize(
    ("kind", "value", "contract_value", "bales", "amount"),
    [
        ("percentage", "1", "29640044.99", 1000, "296400.45"),  # 296400.4499 → .45
        ("percentage", "2.5", "100.10", 1, "2.50"),  # 2.5025 → 2.50
        ("percentage", "0.125", "1000.04", 1, "1.25"),  # 1.25005 → 1.25
        ("percentage", "3", "1000.50", 1, "30.02"),  # 30.015 → 30.02 (half up)
        ("per_bale", "50", "1.00", 1000, "50000.00"),
        ("per_bale", "75.25", "1.00", 3, "225.75"),
        ("flat", "5000", "1.00", 7, "5000.00"),
        ("percentage", "0", "1000.00", 1, "0.00"),
    ],
)
def test_known_commissions(
    kind: str, value: str, contract_value: str, bales: int, amount: str
) -> None:
    got = commission_amount(
        kind=kind, value=D(value), contract_value=D(contract_value), bales=bales
    )
    assert got == D(amount)


def test_rate_and_sac() -> None:
    assert BROKERAGE_SAC == "996111"
    assert D(18) == BROKERAGE_GST_RATE


def test_known_bill() -> None:
    bill = brokerage_bill(
        [D("296400.45"), D("50000.00")], supplier_state="27", recipient_state="27"
    )
    # taxable 346400.45; 9 % = 31176.0405 → 31176.04 each; 408752.53 → 408753
    assert (bill.taxable_value, bill.cgst, bill.sgst, bill.igst) == (
        D("346400.45"),
        D("31176.04"),
        D("31176.04"),
        D("0.00"),
    )
    assert (bill.round_off, bill.total_amount) == (D("0.47"), D("408753.00"))
    inter = brokerage_bill([D("346400.45")], supplier_state="27", recipient_state="24")
    assert inter.igst == D("62352.08")  # 62352.081


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        commission_amount(kind="percentage", value=D(101), contract_value=D(1), bales=1)
    with pytest.raises(ValueError):
        commission_amount(kind="per_bale", value=D("0.001"), contract_value=D(1), bales=1)
    with pytest.raises(ValueError):
        commission_amount(kind="per_candy", value=D(1), contract_value=D(1), bales=1)
    with pytest.raises(TypeError):
        commission_amount(kind="flat", value=100.0, contract_value=D(1), bales=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        sub_broker_share(D(100), share_percent=D("100.5"))
    with pytest.raises(TypeError):
        brokerage_bill([D(1), 2.5], supplier_state="27", recipient_state="27")  # type: ignore[list-item]


@given(
    kind=st.sampled_from(list(CommissionKind)),
    value=rates(),
    worth=amounts(),
    n=bales,
)
def test_commission_is_in_paise_and_bounded(
    kind: CommissionKind, value: Decimal, worth: Decimal, n: int
) -> None:
    value = value if kind is CommissionKind.PERCENTAGE else value.quantize(D("0.01"))
    amount = commission_amount(kind=kind, value=value, contract_value=worth, bales=n)
    assert amount >= 0 and amount == amount.quantize(D("0.01"))
    if kind is CommissionKind.PERCENTAGE:
        assert amount <= worth and abs(amount - worth * value / 100) <= D("0.005")
    elif kind is CommissionKind.PER_BALE:
        assert amount == value * n
    else:
        assert amount == value


@given(worth=amounts(), p=rates(), q=rates())
def test_percentage_is_monotonic_in_the_rate(worth: Decimal, p: Decimal, q: Decimal) -> None:
    low, high = sorted((p, q))
    a = commission_amount(kind="percentage", value=low, contract_value=worth, bales=1)
    b = commission_amount(kind="percentage", value=high, contract_value=worth, bales=1)
    assert a <= b


@given(amount=amounts(), share=rates())
def test_sub_broker_share_is_part_of_the_pre_gst_amount(amount: Decimal, share: Decimal) -> None:
    part = sub_broker_share(amount, share_percent=share)
    assert 0 <= part <= amount
    assert abs(part - amount * share / 100) <= D("0.005")
    assert sub_broker_share(amount, share_percent=D(100)) == amount
    assert sub_broker_share(amount, share_percent=D(0)) == 0


@given(items=st.lists(amounts(D(10_000_000)), max_size=20), a=state_codes, b=state_codes)
def test_bill_totals(items: list[Decimal], a: str, b: str) -> None:
    bill = brokerage_bill(items, supplier_state=a, recipient_state=b)
    assert bill.taxable_value == sum(items, D(0))
    assert bill.rate == 18 and bill.cgst == bill.sgst
    assert bill.gross + bill.round_off == bill.total_amount
    assert abs(bill.tax_total - bill.taxable_value * D("0.18")) <= D("0.01")
