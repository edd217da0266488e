"""GST split by state codes and the rupee round-off (api.md §7–8, domain Decision 2)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.pricing.strategies import amounts, gst_rates, rates, state_codes
from tradehub.pricing.gst import gst_split, is_intra_state, round_to_rupee, state_code

D = Decimal


@pytest.mark.parametrize(
    ("taxable", "rate", "cgst", "igst", "round_off", "total"),
    [
        ("100000.00", "5", "2500.00", "5000.00", "0.00", "105000.00"),
        ("100.10", "5", "2.50", "5.01", "-0.10", "105.00"),  # odd paisa: halves round down
        ("100.30", "5", "2.51", "5.02", "-0.32", "105.00"),  # 2.5075 → 2.51 each
        ("29640044.99", "5", "741001.12", "1482002.25", "-0.23", "31122047.00"),
        ("10.00", "0", "0.00", "0.00", "0.00", "10.00"),
        ("0.00", "18", "0.00", "0.00", "0.00", "0.00"),
    ],
)
def test_known_splits(
    taxable: str, rate: str, cgst: str, igst: str, round_off: str, total: str
) -> None:
    intra = gst_split(D(taxable), rate=D(rate), supplier_state="27", recipient_state="27")
    assert (intra.cgst, intra.sgst, intra.igst) == (D(cgst), D(cgst), D(0))
    assert intra.total_amount == D(total) and intra.round_off == D(round_off)
    inter = gst_split(D(taxable), rate=D(rate), supplier_state="27", recipient_state="24")
    assert (inter.cgst, inter.sgst, inter.igst) == (D(0), D(0), D(igst))


def test_half_a_rupee_rounds_up() -> None:
    assert round_to_rupee(D("104.50")) == (D("105.00"), D("0.50"))
    assert round_to_rupee(D("104.49")) == (D("104.00"), D("-0.49"))


def test_state_codes_decide_never_names() -> None:
    assert is_intra_state("27AAPFU0939F1ZV", "27")
    assert not is_intra_state("27AAPFU0939F1ZV", "24AAPFU0939F1ZV")
    for bad in ("Maharashtra", "2", "", "X7"):
        with pytest.raises(ValueError):
            state_code(bad)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"taxable_value": D("100.005")},  # not in paise
        {"taxable_value": D("-1.00")},
        {"rate": D("100.01")},
        {"rate": D("-5")},
    ],
)
def test_bad_inputs(kwargs: dict[str, Decimal]) -> None:
    args = {"taxable_value": D("100"), "rate": D("5")} | kwargs
    with pytest.raises(ValueError):
        gst_split(
            args["taxable_value"], rate=args["rate"], supplier_state="27", recipient_state="27"
        )


@given(taxable=amounts(), rate=rates(), a=state_codes, b=state_codes)
def test_parts_add_up_exactly(taxable: Decimal, rate: Decimal, a: str, b: str) -> None:
    g = gst_split(taxable, rate=rate, supplier_state=a, recipient_state=b)
    assert g.taxable_value + g.cgst + g.sgst + g.igst + g.round_off == g.total_amount
    assert g.total_amount == g.total_amount.to_integral_value()
    assert -D("0.50") < g.round_off <= D("0.50")
    assert g.cgst == g.sgst
    assert (g.igst == 0) if a == b else (g.cgst == 0)
    for part in (g.cgst, g.igst, g.round_off, g.total_amount):
        assert part == part.quantize(D("0.01"))


@given(taxable=amounts(), rate=gst_rates)
def test_igst_and_the_two_halves_differ_by_at_most_a_paisa(taxable: Decimal, rate: Decimal) -> None:
    intra = gst_split(taxable, rate=rate, supplier_state="27", recipient_state="27")
    inter = gst_split(taxable, rate=rate, supplier_state="27", recipient_state="24")
    assert abs(inter.igst - (intra.cgst + intra.sgst)) <= D("0.01")
    assert abs(inter.igst - taxable * rate / 100) <= D("0.005")
    assert abs(intra.cgst - taxable * rate / 200) <= D("0.005")


@given(a=amounts(), b=amounts(), rate=gst_rates)
def test_tax_is_monotonic_in_the_taxable_value(a: Decimal, b: Decimal, rate: Decimal) -> None:
    low, high = sorted((a, b))
    for other in ("27", "24"):
        x = gst_split(low, rate=rate, supplier_state="27", recipient_state=other)
        y = gst_split(high, rate=rate, supplier_state="27", recipient_state=other)
        assert x.tax_total <= y.tax_total and x.total_amount <= y.total_amount


@given(st.floats(allow_nan=False, min_value=0, max_value=1e9))
def test_floats_are_refused(value: float) -> None:
    with pytest.raises(TypeError):
        gst_split(value, rate=D(5), supplier_state="27", recipient_state="27")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        gst_split(D(1), rate=value, supplier_state="27", recipient_state="27")  # type: ignore[arg-type]
