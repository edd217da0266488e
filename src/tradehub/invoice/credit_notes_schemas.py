"""Requests and answers of invoice cancellation and credit notes."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from tradehub.invoice.credit_notes_domain import CreditNoteStatus
from tradehub.invoice.schemas import InvoiceNo, InvoiceRead
from tradehub.kit.decimals import MoneyIn, MoneyOut, RateOut
from tradehub.kit.pagination import sort_enum

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class CreditNoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    credit_note_no: InvoiceNo = Field(description="The seller's own credit note number")
    date: dt.date = Field(description="On or after the invoice's date, in an open year")
    reason: Reason
    taxable_value: MoneyIn = Field(
        description="More than 0; GST is added as on the invoice", examples=["10000.00"]
    )

    @field_validator("taxable_value")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("taxable_value must be more than 0")
        return value


class CreditNoteRead(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    financial_year: str
    invoice_id: uuid.UUID
    invoice_no: str
    credit_note_no: str
    date: dt.date
    status: CreditNoteStatus
    reason: str
    seller_id: uuid.UUID
    seller_branch_id: uuid.UUID
    buyer_id: uuid.UUID
    buyer_branch_id: uuid.UUID
    taxable_value: MoneyOut
    gst_rate: RateOut
    cgst: MoneyOut
    sgst: MoneyOut
    igst: MoneyOut
    round_off: MoneyOut
    total_amount: MoneyOut
    status_reason: str | None = Field(description="Why it was cancelled")
    cancelled_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class InvoiceDetail(InvoiceRead):
    """One invoice with its credit notes (issued and cancelled), oldest first."""

    credit_notes: list[CreditNoteRead]


CreditNoteSort = sort_enum("CreditNoteSort", ["created_at", "date", "total_amount"])
