"""Requests and answers of /financial-years."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tradehub.kit.pagination import sort_enum


class FinancialYearCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organization_id: uuid.UUID
    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] = Field(
        examples=["2026-27"], description="YYYY-YY, consecutive years; runs 1 April to 31 March"
    )


class FinancialYearRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organization_id: uuid.UUID
    code: str
    start_date: date
    end_date: date
    is_active: bool
    is_closed: bool
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class FinancialYearClosed(FinancialYearRead):
    carry_forward: dict[str, int] = Field(
        description="Open items per kind left by the year, 0 included: "
        "contracts_with_uninvoiced_bales, contracts_pending_approval, invoices_unpaid, …"
    )


FinancialYearSort = sort_enum("FinancialYearSort", ["start_date", "code", "created_at"])
