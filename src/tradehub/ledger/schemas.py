"""Answers of the party ledger and the outstanding report (api.md §8)."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from tradehub.kit.decimals import MoneyOut
from tradehub.ledger.domain import EntryType, Kind


class LedgerEntryRead(BaseModel):
    date: dt.date
    document_type: EntryType
    document_id: uuid.UUID = Field(description="The bill, invoice or payment")
    document_no: str | None = Field(
        description="Bill or invoice number; a receipt's (or its reversal's) payment reference"
    )
    debit: MoneyOut
    credit: MoneyOut
    balance: MoneyOut = Field(description="Running balance after this entry: debits − credits")


class LedgerRead(BaseModel):
    partner_id: uuid.UUID
    kind: Kind
    date_from: dt.date | None = Field(serialization_alias="from")
    date_to: dt.date | None = Field(serialization_alias="to")
    opening_balance: MoneyOut = Field(description="Balance of everything dated before `from`")
    entries: list[LedgerEntryRead]
    closing_balance: MoneyOut


class OutstandingItem(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    partner_id: uuid.UUID
    partner_name: str
    outstanding: MoneyOut
    days_0_30: MoneyOut = Field(alias="0_30")
    days_31_60: MoneyOut = Field(alias="31_60")
    days_61_90: MoneyOut = Field(alias="61_90")
    over_90: MoneyOut


class OutstandingRead(BaseModel):
    as_of: dt.date
    kind: Kind
    items: list[OutstandingItem]
