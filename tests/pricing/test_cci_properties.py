"""Property tests for the §3.6 formulas that only had examples: value, per-candy rate, carrying
base, cash discount, LC/BG interest, lock-in, the DO block and the grace period."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.pricing.strategies import amounts, rates
from tradehub.masters.units import Unit, value_at_rate
from tradehub.pricing.cci import (
    DEFAULT_TERMS,
    CciTerms,
    emd_days_late,
    emd_for_do,
    emd_grace_expiry,
    emd_per_bale,
    emd_required,
    final_value,
    per_candy_rate,
    provisional_value,
)
from tradehub.pricing.cci_charges import (
    carrying_base,
    carrying_charge,
    carrying_report,
    cash_discount,
    do_payment_advice,
    lc_bg_interest,
    lock_in_amount,
)

D = Decimal
HALF_PAISA = D("0.005")
bales = st.integers(min_value=0, max_value=100_000)
candy_rates = amounts(D(200_000))
days = st.integers(min_value=0, max_value=3650)
buyers = st.sampled_from(["kvic", "private_mill", "trader"])


@given(n=bales, m=bales, rate=candy_rates)
def test_provisional_value_is_bales_times_0_48_candy(n: int, m: int, rate: Decimal) -> None:
    value = provisional_value(n, rate_per_candy=rate)
    assert abs(value - n * D("0.48") * rate) <= HALF_PAISA
    # adding bales never lowers the value, and values of parts add up within a paisa
    both = provisional_value(n + m, rate_per_candy=rate)
    assert both >= value
    assert abs(both - value - provisional_value(m, rate_per_candy=rate)) <= D("0.01")


@given(kg=amounts(D(10**7)), rate=candy_rates)
def test_final_value_is_weighed_quintals_times_0_2812(kg: Decimal, rate: Decimal) -> None:
    value = final_value(kg, rate_per_candy=rate)
    assert abs(value - kg / 100 * D("0.2812") * rate) <= HALF_PAISA
    assert value >= 0


@given(rate=rates(D(10**6)), unit=st.sampled_from(list(Unit)), quantity=amounts(D(10**5)))
def test_a_rate_per_candy_prices_the_same_goods_the_same(
    rate: Decimal, unit: Unit, quantity: Decimal
) -> None:
    """q kg at the rate per ``unit`` is worth q kg at the converted rate per candy."""
    per_candy = per_candy_rate(rate, rate_unit=unit)
    same = value_at_rate(quantity, Unit.KG, rate, unit)
    converted = value_at_rate(quantity, Unit.KG, per_candy, Unit.CANDY)
    assert abs(same - converted) <= D("1e-30") * max(same, D(1))
    assert per_candy_rate(rate, rate_unit=Unit.CANDY) == rate


@given(
    total=st.integers(min_value=1, max_value=10_000), share=st.integers(0, 100), rate=candy_rates
)
def test_carrying_base_is_the_unlifted_value_net_of_its_emd(
    total: int, share: int, rate: Decimal
) -> None:
    lifted = total * share // 100
    value = provisional_value(total, rate_per_candy=rate)
    per_bale = emd_per_bale(emd_required(value, buyer_class="kvic"), bales=total)
    base = carrying_base(
        contract_value=value,
        do_value=provisional_value(lifted, rate_per_candy=rate),
        emd_per_bale=per_bale,
        unlifted_bales=total - lifted,
    )
    unlifted = total - lifted
    assert base >= 0
    # per unlifted bale: its value less its EMD, within rounding of the three amounts
    assert abs(base - unlifted * (D("0.48") * rate - per_bale)) <= D("0.02") + HALF_PAISA


@given(paid=amounts(D(10**10)), a=days, b=days)
def test_cash_discount_and_lc_bg_grow_with_days(paid: Decimal, a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert 0 <= cash_discount(paid, days=low) <= cash_discount(paid, days=high)
    assert 0 <= lc_bg_interest(paid, days=low) <= lc_bg_interest(paid, days=high)
    # 5 % < 10 % < 11 % p.a. over the same days
    assert cash_discount(paid, days=high) <= lc_bg_interest(paid, days=high)
    assert lc_bg_interest(paid, days=high) <= lc_bg_interest(paid, days=high, penal=True)
    exact = paid * D("0.05") * high / 365
    assert abs(cash_discount(paid, days=high) - exact) <= HALF_PAISA


@given(n=bales, per_bale=amounts(D(1000)))
def test_lock_in_is_exact(n: int, per_bale: Decimal) -> None:
    assert lock_in_amount(n, per_bale=per_bale) == n * per_bale


@given(
    total=st.integers(min_value=1, max_value=5000),
    rate=candy_rates,
    buyer=buyers,
    paid_share=st.integers(min_value=0, max_value=150),
)
def test_the_do_is_blocked_exactly_while_the_emd_is_short(
    total: int, rate: Decimal, buyer: str, paid_share: int
) -> None:
    emd = emd_required(provisional_value(total, rate_per_candy=rate), buyer_class=buyer)
    paid = (emd * paid_share / 100).quantize(D("0.01"))
    advice = do_payment_advice(
        bales=total,
        do_bales=total,
        rate_per_candy=rate,
        buyer_class=buyer,
        emd_paid=paid,
        carrying_days=0,
    )
    assert advice.blocked is (paid < emd)
    assert advice.emd_shortfall == max(emd - paid, D(0))
    # the whole lot lifted: the EMD for the DO is the EMD, within a half paisa a bale
    assert abs(advice.emd_for_do - emd) <= HALF_PAISA * total
    assert emd_for_do(advice.emd_per_bale, do_bales=total) == advice.emd_for_do


@given(n=days, grace=st.integers(min_value=0, max_value=60))
def test_grace_expiry_and_days_late(n: int, grace: int) -> None:
    terms = CciTerms(emd_days=grace)
    start = date(2026, 4, 1)
    expiry = emd_grace_expiry(start, terms=terms)
    assert expiry - start == timedelta(days=grace)
    paid_on = start + timedelta(days=n)
    assert emd_days_late(contract_date=start, paid_on=paid_on, terms=terms) == max(0, n - grace)
    assert DEFAULT_TERMS.emd_days == 5


@given(base=amounts(D(10**9)), d=st.integers(0, 400), n=st.integers(0, 10_000))
def test_carrying_report_adds_up(base: Decimal, d: int, n: int) -> None:
    report = carrying_report(base, days=d, bales=n)
    assert report.carrying == carrying_charge(base, days=d)
    assert abs(report.gst - report.carrying * D("0.05")) <= HALF_PAISA
    assert report.total == report.carrying + report.gst
    if n == 0:
        assert report.per_bale == report.per_100_bales == 0
    else:
        assert abs(report.per_bale * n - report.carrying) <= HALF_PAISA * n
        assert abs(report.per_100_bales - report.per_bale * 100) <= D("0.5")


def test_carrying_report_of_the_spec_example() -> None:
    # 200 bales × (29,760 − 2,976) at 15 days: ₹33,480 + 5 % GST, ₹167.40 a bale
    report = carrying_report(D(5356800), days=15, bales=200)
    assert (report.carrying, report.gst, report.total) == (
        D("33480.00"),
        D("1674.00"),
        D("35154.00"),
    )
    assert (report.per_bale, report.per_100_bales) == (D("167.40"), D("16740.00"))
