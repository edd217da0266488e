"""Documents to print, and reading a PDF back (pypdf)."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from tradehub.pricing.brokerage import brokerage_bill
from tradehub.pricing.gst import gst_split
from tradehub.printing import BillLine, BrokerageBillPrint, ContractPrint, Party

ORG = Party(
    name="Shree Ganesh Brokers & Co.",
    gstin="24AAACS1234A1Z5",
    state="Gujarat (24)",
    address="12 Cotton Market, Rajkot 360001",
)
SELLER = Party(
    name="Patel <Ginning> Mills", gstin="24AABCP1234B1Z1", state="Gujarat (24)", branch="Rajkot"
)
BUYER = Party(
    name="Mahalaxmi Spinners", gstin="27AABCM5678C1Z2", state="Maharashtra (27)", branch="Nagpur"
)
VALUE = Decimal("2975612.45")


def contract(*, buyer: Party = BUYER, quality_params: int = 3) -> ContractPrint:
    quality = {
        f"Param {i:03d}": {"min": Decimal(i), "max": Decimal(i) + Decimal("0.5")}
        for i in range(quality_params)
    }
    return ContractPrint(
        organization=ORG,
        contract_no="SC/26-27/00001",
        contract_date=date(2026, 4, 2),
        seller=SELLER,
        buyer=buyer,
        commodity="Cotton",
        variety="Shankar-6",
        bales=1000,
        weight_kg=Decimal("170000"),
        rate=Decimal("62000"),
        rate_unit="candy",
        contract_value=VALUE,
        quality=quality,
        delivery_terms="Ex-gin, within 15 days",
        payment_terms="Within 7 days of delivery",
        station="Rajkot",
        seller_commission=Decimal("29756.12"),
        buyer_commission=Decimal("5000.00"),
        gst=gst_split(
            VALUE, rate=Decimal("5"), supplier_state=SELLER.gstin, recipient_state=buyer.gstin
        ),
    )


def bill(*, partner: Party = SELLER, lines: int = 3) -> BrokerageBillPrint:
    items = [
        BillLine(
            contract_no=f"SC/26-27/{i:05d}",
            contract_date=date(2026, 4, 1 + i % 28),
            bales=100,
            amount=Decimal("123456.78"),
        )
        for i in range(1, lines + 1)
    ]
    gst = brokerage_bill(
        [i.amount for i in items], supplier_state="24", recipient_state=partner.gstin
    )
    return BrokerageBillPrint(
        organization=ORG,
        bill_no="BRK/26-27/00001",
        bill_date=date(2026, 5, 1),
        partner=partner,
        lines=items,
        gst=gst,
        period_from=date(2026, 4, 1),
        period_to=date(2026, 4, 30),
    )


def read(pdf: bytes) -> tuple[int, str]:
    """(pages, the text of every page with runs of white space made one space)."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def font_names(pdf: bytes) -> set[str]:
    """The base font names on every page, with whether each embeds its font file."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = descriptor is not None and "/FontFile2" in descriptor.get_object()
            names.add(f"{font['/BaseFont']}{'' if embedded else ' (not embedded)'}")
    return names
