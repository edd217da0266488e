"""The brokerage bill as a PDF (api.md §10 ``GET /brokerage-bills/{id}/pdf``, §8).

Pure: the caller passes the bill's lines and its ``GstAmounts`` (``pricing.brokerage_bill``);
the lines must add up to the taxable value, and the total is printed in figures and in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from tradehub.pricing.brokerage import BROKERAGE_SAC
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


@dataclass(frozen=True, slots=True, kw_only=True)
class BillLine:
    """One contract's brokerage on the bill."""

    contract_no: str
    contract_date: date
    bales: int
    amount: Decimal


@dataclass(frozen=True, slots=True, kw_only=True)
class BrokerageBillPrint:
    """A brokerage bill as printed: the broker (``organization``) bills ``partner``."""

    organization: Party
    bill_no: str
    bill_date: date
    partner: Party
    lines: Sequence[BillLine]
    gst: GstAmounts
    period_from: date | None = None
    period_to: date | None = None
    sac: str = BROKERAGE_SAC

    def __post_init__(self) -> None:
        billed = sum((line.amount for line in self.lines), start=Decimal("0.00"))
        if billed != self.gst.taxable_value:
            raise ValueError(
                f"the lines add up to {billed}, the taxable value is {self.gst.taxable_value}"
            )


def render_brokerage_bill(data: BrokerageBillPrint) -> bytes:
    """The bill's PDF (A4; the lines table continues on further pages with its header)."""
    s = Styles()
    facts = [("Bill No.", data.bill_no), ("Date", data.bill_date.strftime("%d-%m-%Y"))]
    if data.period_from and data.period_to:
        period = f"{data.period_from:%d-%m-%Y} to {data.period_to:%d-%m-%Y}"
        facts.append(("Period", period))
    facts.append(("SAC", f"{data.sac} (brokerage and commission services)"))
    story: list[Flowable] = [
        *letterhead(data.organization, "BROKERAGE BILL (TAX INVOICE)", s),
        key_values(facts, s),
        Table(
            [[party_cell("BILLED TO", data.partner, s), _supplier(data, s)]],
            colWidths=[WIDTH / 2] * 2,
            style=boxed(),
        ),
        Spacer(1, 6),
        _lines(data, s),
        Spacer(1, 6),
        _totals(data, s),
        Spacer(1, 18),
        KeepTogether(
            [
                text(f"For {data.organization.name}", s.bold_right),
                Spacer(1, 28),
                text("Authorised signatory", s.right),
            ]
        ),
    ]
    return build(
        story,
        title=f"Brokerage bill {data.bill_no}",
        author=data.organization.name,
        footer=f"Brokerage bill {data.bill_no} · {data.organization.name}",
        s=s,
    )


def _supplier(data: BrokerageBillPrint, s: Styles) -> list[Flowable]:
    supply = "Intra-state (CGST + SGST)" if data.gst.intra_state else "Inter-state (IGST)"
    return [
        text("PLACE OF SUPPLY", s.small),
        text(data.partner.state, s.bold),
        text(supply, s.body),
        text(f"Supplier GSTIN: {data.organization.gstin}", s.body),
    ]


def _lines(data: BrokerageBillPrint, s: Styles) -> Table:
    head = ["#", "Contract No.", "Contract date", "Bales", "Brokerage"]
    rows: list[list[Any]] = [[text(h, s.bold) for h in head]]
    for number, line in enumerate(data.lines, start=1):
        rows.append(
            [
                text(number, s.body),
                text(line.contract_no, s.body),
                text(line.contract_date.strftime("%d-%m-%Y"), s.body),
                text(indian_number(line.bales), s.right),
                text(inr(line.amount), s.right),
            ]
        )
    bales = sum(line.bales for line in data.lines)
    rows.append(
        [
            "",
            text("Total", s.bold),
            "",
            text(indian_number(bales), s.bold_right),
            text(inr(data.gst.taxable_value), s.bold_right),
        ]
    )
    widths = [WIDTH * f for f in (0.07, 0.33, 0.20, 0.15, 0.25)]
    return grid(rows, widths, shade_header=True)


def _totals(data: BrokerageBillPrint, s: Styles) -> Flowable:
    rows = gst_rows(data.gst, s, taxable_label="Taxable value")
    table = Table(rows, colWidths=[WIDTH * 0.75, WIDTH * 0.25], style=boxed())
    words = text(f"Amount in words: {amount_in_words(data.gst.total_amount)}", s.bold)
    return KeepTogether([table, Table([[words]], colWidths=[WIDTH], style=boxed())])
