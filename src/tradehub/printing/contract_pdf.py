"""The sales contract as a PDF (api.md §10 ``GET /contracts/{id}/pdf``).

Pure: the caller (the contract service) passes everything printed in ``ContractPrint``;
nothing is looked up or recomputed here except the amount in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from tradehub.pricing.gst import GstAmounts
from tradehub.pricing.words import amount_in_words
from tradehub.printing.layout import (
    WIDTH,
    Party,
    Styles,
    boxed,
    build,
    grid,
    gst_rows,
    key_values,
    letterhead,
    party_cell,
    text,
)
from tradehub.printing.money import indian_number, inr

QualitySpecs = Mapping[str, Mapping[str, Decimal | str | None]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContractPrint:
    """A confirmed contract as printed. ``quality`` is api.md §6's ``{param: {"min", "max"}}``;
    ``gst`` (optional) is the GST on the contract value, shown with the total it makes."""

    organization: Party
    contract_no: str
    contract_date: date
    seller: Party
    buyer: Party
    commodity: str
    variety: str
    bales: int
    weight_kg: Decimal
    rate: Decimal
    rate_unit: str
    contract_value: Decimal
    quality: QualitySpecs = field(default_factory=dict)
    delivery_terms: str = ""
    payment_terms: str = ""
    station: str = ""
    seller_commission: Decimal | None = None
    buyer_commission: Decimal | None = None
    gst: GstAmounts | None = None

    def __post_init__(self) -> None:
        if self.gst is not None and self.gst.taxable_value != self.contract_value:
            raise ValueError("the GST is not on the contract value")

    @property
    def total(self) -> Decimal:
        return self.contract_value if self.gst is None else self.gst.total_amount


def render_contract(data: ContractPrint) -> bytes:
    """The contract's PDF (A4, as many pages as its quality table needs)."""
    s = Styles()
    story: list[Flowable] = [
        *letterhead(data.organization, "SALES CONTRACT", s),
        key_values(
            [
                ("Contract No.", data.contract_no),
                ("Date", data.contract_date.strftime("%d-%m-%Y")),
            ],
            s,
        ),
        Table(
            [[party_cell("SELLER", data.seller, s), party_cell("BUYER", data.buyer, s)]],
            colWidths=[WIDTH / 2] * 2,
            style=boxed(),
        ),
        Spacer(1, 6),
        _goods(data, s),
        Spacer(1, 6),
    ]
    if data.quality:
        story += [_quality(data.quality, s), Spacer(1, 6)]
    story.append(_terms(data, s))
    story += [Spacer(1, 6), _signatures(data, s)]
    return build(
        story,
        title=f"Sales contract {data.contract_no}",
        author=data.organization.name,
        footer=f"Sales contract {data.contract_no} · {data.organization.name}",
        s=s,
    )


def _goods(data: ContractPrint, s: Styles) -> Flowable:
    widths = [WIDTH * f for f in (0.30, 0.10, 0.17, 0.20, 0.23)]
    head = ["Commodity / variety", "Bales", "Weight (kg)", "Rate", "Amount"]
    rows: list[list[Any]] = [[text(h, s.bold) for h in head]]
    rows.append(
        [
            text(f"{data.commodity}\n{data.variety}", s.body),
            text(indian_number(data.bales), s.right),
            text(indian_number(data.weight_kg, 3), s.right),
            text(f"{inr(data.rate)} per {data.rate_unit}", s.right),
            text(inr(data.contract_value), s.right),
        ]
    )
    label = "Contract value (taxable value)" if data.gst else "Contract value"
    totals = (
        gst_rows(data.gst, s, taxable_label=label)
        if data.gst
        else [[text(label, s.bold_right), text(inr(data.contract_value), s.bold_right)]]
    )
    for label_cell, amount_cell in totals:
        rows.append([label_cell, "", "", "", amount_cell])
    spans = [("SPAN", (0, r), (3, r)) for r in range(2, len(rows))]
    words = text(f"Amount in words: {amount_in_words(data.total)}", s.bold)
    table = grid(rows, widths, shade_header=True, extra=spans)
    return KeepTogether([table, Table([[words]], colWidths=[WIDTH], style=boxed())])


def _quality(quality: QualitySpecs, s: Styles) -> Table:
    rows: list[list[Any]] = [[text(h, s.bold) for h in ("Quality parameter", "Min", "Max")]]
    for name, bounds in quality.items():
        low, high = bounds.get("min"), bounds.get("max")
        rows.append(
            [
                text(name, s.body),
                text("—" if low is None else low, s.right),
                text("—" if high is None else high, s.right),
            ]
        )
    return grid(rows, [WIDTH * 0.5, WIDTH * 0.25, WIDTH * 0.25], shade_header=True)


def _terms(data: ContractPrint, s: Styles) -> Table:
    def commission(amount: Decimal | None) -> str:
        return "—" if amount is None else inr(amount)

    return key_values(
        [
            ("Delivery terms", data.delivery_terms or "—"),
            ("Payment terms", data.payment_terms or "—"),
            ("Station", data.station or "—"),
            ("Brokerage (seller)", commission(data.seller_commission)),
            ("Brokerage (buyer)", commission(data.buyer_commission)),
        ],
        s,
        columns=1,
    )


def _signatures(data: ContractPrint, s: Styles) -> Flowable:
    names = [
        ("For the seller", data.seller.name),
        ("For the buyer", data.buyer.name),
        ("For the broker", data.organization.name),
    ]
    sign = "\n\n\n\nAuthorised signatory"
    cells = [[text(f"{label}\n{name}{sign}", s.body)] for label, name in names]
    return KeepTogether(Table([cells], colWidths=[WIDTH / 3] * 3, style=boxed()))
