"""Requests and answers of /invoices (api.md §7)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    computed_field,
    field_validator,
)

from tradehub.invoice.domain import InvoiceStatus
from tradehub.kit.decimals import MoneyOut, QuantityIn, RateOut
from tradehub.kit.pagination import sort_enum

InvoiceNo = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=50, pattern=r"^[^\x00-\x1f]+$"
    ),
]


class InvoiceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contract_id: uuid.UUID
    invoice_no: InvoiceNo = Field(description="The seller's own number")
    invoice_date: date
    bales: Annotated[int, Field(strict=True, gt=0, le=10_000_000)]
    net_weight_kg: QuantityIn = Field(description="More than 0", examples=["17000"])

    @field_validator("net_weight_kg")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("net_weight_kg must be more than 0")
        return value


class InvoiceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organization_id: uuid.UUID
    financial_year: str
    contract_id: uuid.UUID
    invoice_no: str
    invoice_date: date
    status: InvoiceStatus
    seller_id: uuid.UUID
    seller_branch_id: uuid.UUID
    buyer_id: uuid.UUID
    buyer_branch_id: uuid.UUID
    commodity_id: uuid.UUID
    bales: int
    net_weight_kg: RateOut
    rate: RateOut
    rate_unit: str
    taxable_value: MoneyOut
    gst_rate: RateOut
    cgst: MoneyOut
    sgst: MoneyOut
    igst: MoneyOut
    round_off: MoneyOut
    total_amount: MoneyOut
    paid_amount: MoneyOut
    credited_amount: MoneyOut = Field(description="The total of its issued credit notes")
    status_reason: str | None = Field(description="Why it was cancelled")
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def outstanding_amount(self) -> MoneyOut:
        """total − paid − credited; nothing on a cancelled invoice."""
        if self.status is InvoiceStatus.CANCELLED:
            return Decimal("0.00")
        return self.total_amount - self.paid_amount - self.credited_amount


InvoiceSort = sort_enum("InvoiceSort", ["created_at", "invoice_date", "total_amount"])
