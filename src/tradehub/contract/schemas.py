"""Requests and answers of /contracts (api.md §6)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from tradehub.contract.domain import ContractStatus, Side
from tradehub.kit.decimals import MoneyOut, RateIn, RateOut
from tradehub.kit.pagination import sort_enum
from tradehub.masters.units import Unit

Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Bales = Annotated[int, Field(strict=True, gt=0, le=10_000_000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QualityBounds(Strict):
    min: RateIn | None = None
    max: RateIn | None = None

    @model_validator(mode="after")
    def _ordered(self) -> QualityBounds:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class ContractFields(Strict):
    """Every field of a contract as a client gives it; also validates merged PATCH/amend."""

    organization_id: uuid.UUID
    contract_date: date
    seller_id: uuid.UUID
    seller_branch_id: uuid.UUID
    buyer_id: uuid.UUID
    buyer_branch_id: uuid.UUID
    commodity_id: uuid.UUID
    variety: Text100 = Field(description="A variety of the commodity, by name or alias")
    bales: Bales
    rate: RateIn = Field(description="Per rate_unit, more than 0", examples=["55500"])
    rate_unit: Unit
    quality: dict[str, QualityBounds] = Field(default_factory=dict, max_length=50)
    delivery_terms: Text100 = Field(description="A delivery term's id or name")
    payment_terms: Text100 = Field(description="A payment term's id or name")
    station_id: uuid.UUID
    seller_commission_structure_id: uuid.UUID | None = None
    buyer_commission_structure_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _positive_rate(self) -> ContractFields:
        if self.rate <= 0:
            raise ValueError("rate must be more than 0")
        return self


class ContractCreate(ContractFields):
    pass


class ContractUpdate(Strict):
    """Direct edits of a draft or rejected contract: any field, the others stay."""

    organization_id: uuid.UUID | None = None
    contract_date: date | None = None
    seller_id: uuid.UUID | None = None
    seller_branch_id: uuid.UUID | None = None
    buyer_id: uuid.UUID | None = None
    buyer_branch_id: uuid.UUID | None = None
    commodity_id: uuid.UUID | None = None
    variety: Text100 | None = None
    bales: Bales | None = None
    rate: RateIn | None = None
    rate_unit: Unit | None = None
    quality: dict[str, QualityBounds] | None = None
    delivery_terms: Text100 | None = None
    payment_terms: Text100 | None = None
    station_id: uuid.UUID | None = None
    seller_commission_structure_id: uuid.UUID | None = None
    buyer_commission_structure_id: uuid.UUID | None = None


class AmendIn(Strict):
    changes: dict[str, Any] = Field(min_length=1, max_length=20)
    reason: Reason


class ReasonIn(Strict):
    reason: Reason


class CommissionRead(BaseModel):
    party_id: uuid.UUID
    side: Side
    amount: MoneyOut


class BoundsRead(BaseModel):
    min: RateOut | None = None
    max: RateOut | None = None


class ContractRead(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    financial_year: str
    contract_no: str | None
    status: ContractStatus
    contract_date: date
    seller_id: uuid.UUID
    seller_branch_id: uuid.UUID
    buyer_id: uuid.UUID
    buyer_branch_id: uuid.UUID
    commodity_id: uuid.UUID
    variety: str
    bales: int
    rate: RateOut
    rate_unit: str
    quality: dict[str, BoundsRead]
    delivery_terms: str = Field(description="The delivery term's name")
    delivery_term_id: uuid.UUID
    payment_terms: str = Field(description="The payment term's name")
    payment_term_id: uuid.UUID
    station_id: uuid.UUID
    seller_commission_structure_id: uuid.UUID | None
    buyer_commission_structure_id: uuid.UUID | None
    contract_value: MoneyOut
    commissions: list[CommissionRead]
    revision: int = Field(description="Confirmed version in force: 1 at approval, +1 per amend")
    status_reason: str | None
    created_by_id: uuid.UUID | None
    submitted_by_id: uuid.UUID | None
    approved_by_id: uuid.UUID | None
    approved_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class ContractVersionRead(BaseModel):
    revision: int
    reason: str | None
    changed_by_id: uuid.UUID | None
    created_at: datetime
    contract: dict[str, Any] = Field(description="The contract as it was at this revision")


ContractSort = sort_enum(
    "ContractSort", ["created_at", "contract_date", "contract_no", "contract_value"]
)
