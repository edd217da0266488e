"""Both documents read back with pypdf: number, parties, amounts, GST split, ₹ and words."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from tests.printing.factories import BUYER, ORG, SELLER, bill, contract, font_names, read
from tradehub.pricing.words import amount_in_words
from tradehub.printing import render_brokerage_bill, render_contract
from tradehub.printing.money import inr


def test_contract_shows_number_parties_amounts_and_igst_between_states() -> None:
    data = contract()
    assert data.gst is not None and not data.gst.intra_state
    pages, text = read(render_contract(data))
    assert pages == 1
    for part in (
        "SALES CONTRACT", "SC/26-27/00001", "02-04-2026", ORG.name, ORG.gstin,
        SELLER.name, SELLER.gstin, BUYER.name, BUYER.gstin, "Maharashtra (27)",
        "1,000", "1,70,000.000", "₹62,000.00 per candy", "₹29,75,612.45",
        "IGST @ 5% ₹1,48,780.62", "Round off -₹0.07", "Total ₹31,24,393.00",
        "Brokerage (seller) ₹29,756.12", "Brokerage (buyer) ₹5,000.00", "Param 002 2 2.5",
        "Ex-gin, within 15 days", "Rajkot",
        f"Amount in words: {amount_in_words(Decimal('3124393.00'))}",
    ):  # fmt: skip
        assert part in text, part
    assert "CGST" not in text and "SGST" not in text
    assert "Patel <Ginning> Mills" in text and "Brokers & Co." in text  # escaped, not markup


def test_contract_in_one_state_splits_cgst_and_sgst() -> None:
    same_state = replace(BUYER, gstin="24AABCM5678C1Z2", state="Gujarat (24)")
    _, text = read(render_contract(contract(buyer=same_state)))
    assert "CGST @ 2.5% ₹74,390.31" in text and "SGST @ 2.5% ₹74,390.31" in text
    assert "IGST" not in text


def test_contract_without_gst_prints_the_value_in_words() -> None:
    _, text = read(render_contract(replace(contract(), gst=None)))
    assert "Contract value ₹29,75,612.45" in text
    assert amount_in_words(Decimal("2975612.45")) in text
    assert "GST" not in text.replace("GSTIN", "")


def test_contract_gst_must_be_on_its_value() -> None:
    with pytest.raises(ValueError, match="contract value"):
        replace(contract(), contract_value=Decimal("1.00"))


def test_long_contract_runs_over_pages_with_its_table_header() -> None:
    pdf = render_contract(contract(quality_params=150))
    pages, text = read(pdf)
    assert pages >= 3
    assert "Param 000" in text and "Param 149 149 149.5" in text
    assert text.count("Quality parameter Min Max") >= 2  # the header repeats on each page
    assert f"Page {pages}" in text


def test_bill_within_a_state_shows_cgst_and_sgst() -> None:
    data = bill()
    pages, text = read(render_brokerage_bill(data))
    assert pages == 1
    for part in (
        "BROKERAGE BILL", "BRK/26-27/00001", "01-05-2026", "996111", ORG.name, ORG.gstin,
        SELLER.name, SELLER.gstin, "Gujarat (24)", "SC/26-27/00001 02-04-2026 100 ₹1,23,456.78",
        "SC/26-27/00003", "Total 300 ₹3,70,370.34", "Taxable value ₹3,70,370.34",
        "CGST @ 9% ₹33,333.33", "SGST @ 9% ₹33,333.33", "Total ₹4,37,037.00",
        "Amount in words: Rupees Four Lakh Thirty-Seven Thousand Thirty-Seven Only",
    ):  # fmt: skip
        assert part in text, part
    assert "IGST" not in text


def test_bill_to_another_state_shows_igst() -> None:
    data = bill(partner=BUYER)
    _, text = read(render_brokerage_bill(data))
    assert "IGST @ 18% ₹66,666.66" in text and "CGST" not in text
    assert BUYER.gstin in text and "Inter-state (IGST)" in text
    assert f"Total {inr(data.gst.total_amount)}" in text
    assert amount_in_words(data.gst.total_amount) in text


def test_bill_lines_must_add_up_to_the_taxable_value() -> None:
    data = bill()
    with pytest.raises(ValueError, match="add up"):
        replace(data, lines=data.lines[:-1])


def test_bill_with_many_lines_continues_on_more_pages() -> None:
    pages, text = read(render_brokerage_bill(bill(lines=120)))
    assert pages >= 3
    assert "SC/26-27/00120" in text and "Total 12,000" in text


@pytest.mark.parametrize("render", ["contract", "bill"])
def test_only_the_bundled_font_is_used_and_it_is_embedded(render: str) -> None:
    pdf = render_contract(contract()) if render == "contract" else render_brokerage_bill(bill())
    names = font_names(pdf)
    assert {n.split("+", 1)[1] for n in names} == {"DejaVuSans", "DejaVuSans-Bold"}, names
    assert all("not embedded" not in n for n in names), names


def test_same_data_same_bytes() -> None:
    assert render_contract(contract()) == render_contract(contract())
    assert render_brokerage_bill(bill()) == render_brokerage_bill(bill())
