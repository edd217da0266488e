"""Requests and answers of /payments (api.md §7)."""

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
    field_validator,
    model_validator,
)

from tradehub.kit.decimals import MoneyIn, MoneyOut
from tradehub.kit.pagination import sort_enum
from tradehub.payment.domain import Method, PaymentStatus

Reference = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AllocationIn(Strict):
    """Exactly one target: ``invoice_id`` (goods) or ``brokerage_bill_id`` (api.md §8)."""

    invoice_id: uuid.UUID | None = None
    brokerage_bill_id: uuid.UUID | None = None
    amount: MoneyIn

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("an allocation is more than 0")
        return value

    @model_validator(mode="after")
    def _one_target(self) -> AllocationIn:
        if (self.invoice_id is None) == (self.brokerage_bill_id is None):
            raise ValueError("give exactly one of invoice_id and brokerage_bill_id")
        return self


class PaymentCreate(Strict):
    payer_id: uuid.UUID
    payee_id: uuid.UUID
    payment_date: date
    amount: MoneyIn = Field(description="More than 0; the gross amount settled")
    method: Method
    reference: Reference | None = Field(
        default=None, description="UTR / UPI reference: required for neft, rtgs, imps and upi"
    )
    tds_amount: MoneyIn = Field(default=Decimal("0.00"), description="Tax deducted at source")
    organization_id: uuid.UUID | None = Field(
        default=None,
        description="The broker's organization; taken from the invoices when allocated, "
        "required for a payment wholly on account",
    )
    allocations: list[AllocationIn] = Field(default_factory=list, max_length=200)

    @field_validator("amount")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if value <= 0:
            raise ValueError("amount must be more than 0")
        return value


class ReverseIn(Strict):
    reason: Reason


class AllocationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    invoice_id: uuid.UUID | None
    brokerage_bill_id: uuid.UUID | None
    amount: MoneyOut
    reversed_at: datetime | None


class PaymentRead(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    financial_year: str
    payer_id: uuid.UUID
    payee_id: uuid.UUID
    payment_date: date
    amount: MoneyOut
    tds_amount: MoneyOut
    net_amount: MoneyOut = Field(description="amount − tds_amount: what changed hands")
    method: Method
    reference: str | None
    status: PaymentStatus
    allocated_amount: MoneyOut = Field(description="Sum of the active allocations")
    unallocated_amount: MoneyOut = Field(description="On account: amount − allocated_amount")
    allocations: list[AllocationRead]
    reversal_reason: str | None
    reversed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


PaymentSort = sort_enum("PaymentSort", ["created_at", "payment_date", "amount"])
