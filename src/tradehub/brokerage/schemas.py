"""Requests and answers of /brokerage-bills (api.md §8)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from tradehub.brokerage.domain import BillStatus
from tradehub.kit.decimals import MoneyOut, RateIn, RateOut
from tradehub.kit.pagination import sort_enum

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BillCreate(Strict):
    organization_id: uuid.UUID
    partner_id: uuid.UUID = Field(description="The partner billed (the commissions' party)")
    period_from: date = Field(description="contract_date on or after")
    period_to: date = Field(description="contract_date on or before")
    bill_date: date
    sub_broker_id: uuid.UUID | None = Field(
        default=None, description="A partner of kind broker sharing this brokerage"
    )
    sub_broker_share_percent: RateIn | None = Field(
        default=None, description="0–100, of the taxable (pre-GST) value"
    )

    @model_validator(mode="after")
    def _consistent(self) -> BillCreate:
        if self.period_from > self.period_to:
            raise ValueError("period_from must not be after period_to")
        if (self.sub_broker_id is None) != (self.sub_broker_share_percent is None):
            raise ValueError("give sub_broker_id and sub_broker_share_percent together")
        share = self.sub_broker_share_percent
        if share is not None and share > 100:
            raise ValueError("sub_broker_share_percent is at most 100")
        return self


class ReasonIn(Strict):
    reason: Reason


class BillLineRead(BaseModel):
    contract_id: uuid.UUID
    contract_no: str
    contract_date: date
    side: str
    bales: int
    amount: MoneyOut


class BillRead(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    partner_id: uuid.UUID
    financial_year: str
    bill_no: str
    bill_date: date
    period_from: date
    period_to: date
    status: BillStatus
    sac: str
    gst_rate: RateOut
    supplier_state_code: str
    recipient_state_code: str
    taxable_value: MoneyOut
    cgst: MoneyOut
    sgst: MoneyOut
    igst: MoneyOut
    round_off: MoneyOut
    total_amount: MoneyOut
    paid_amount: MoneyOut
    outstanding_amount: MoneyOut
    lines: list[BillLineRead]
    sub_broker_id: uuid.UUID | None = Field(description="Staff only")
    sub_broker_share_percent: RateOut | None = Field(description="Staff only")
    sub_broker_share: MoneyOut | None = Field(description="Staff only; of the taxable value")
    status_reason: str | None
    created_by_id: uuid.UUID | None
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


BillSort = sort_enum("BillSort", ["created_at", "bill_date", "total_amount", "bill_no"])
