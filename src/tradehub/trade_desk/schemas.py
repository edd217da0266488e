"""Requests and answers of /trade-desk requirements, offers, rounds and tested lots (api.md §9)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from tradehub.kit.decimals import MoneyIn, MoneyOut, RateIn
from tradehub.kit.pagination import sort_enum
from tradehub.masters.units import Unit
from tradehub.trade_desk.domain import (
    LotStatus,
    OfferStatus,
    PaymentTerms,
    RequirementStatus,
    Side,
)

Text100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Message = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Bales = Annotated[int, Field(strict=True, gt=0, le=10_000_000)]
Days = Annotated[int, Field(strict=True, ge=0, le=3650)]
ParameterName = Annotated[str, StringConstraints(min_length=1, max_length=50)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Band(Strict):
    min: RateIn | None = None
    max: RateIn | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class Terms(Strict):
    payment_terms: PaymentTerms | None = None
    payment_days: Days | None = Field(
        default=None, description="Required (above 0) for credit, otherwise 0 or null"
    )
    delivery_days: Days | None = None


# --- requirements ----------------------------------------------------------------------------


class RequirementCreate(Terms):
    organization_id: uuid.UUID | None = Field(
        default=None, description="May be left out when there is exactly one organization"
    )
    buyer_id: uuid.UUID | None = Field(
        default=None, description="A partner user's own partner when left out"
    )
    commodity_id: uuid.UUID
    variety: Text100 | None = Field(default=None, description="By name or alias; null: any")
    bales: Bales
    parameters: dict[ParameterName, Band] = Field(default_factory=dict, max_length=50)
    station_id: uuid.UUID | None = None
    target_price: MoneyIn | None = None
    price_unit: Unit | None = Field(
        default=None, description="The commodity's rate unit if left out"
    )
    certificates: list[Text100] = Field(default_factory=list, max_length=10)
    valid_until: AwareDatetime | None = Field(default=None, description="In 7 days if left out")
    notes: Message | None = None


class ReasonIn(Strict):
    reason: Message


class RequirementRead(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID
    buyer_id: uuid.UUID
    commodity_id: uuid.UUID
    variety: str | None
    bales: int
    parameters: dict[str, Any]
    station_id: uuid.UUID | None
    target_price: MoneyOut | None
    price_unit: str
    payment_terms: str | None
    payment_days: int | None
    delivery_days: int | None
    certificates: list[str]
    valid_until: datetime
    status: RequirementStatus
    offers_count: int
    best_match_score: int | None
    contracted_bales: int
    notes: str | None
    status_reason: str | None
    created_by_id: uuid.UUID | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


# --- offers ----------------------------------------------------------------------------------


class OfferCreate(Terms):
    requirement_id: uuid.UUID | None = Field(default=None, description="null: an open offer")
    seller_id: uuid.UUID | None = Field(
        default=None, description="A partner user's own partner when left out"
    )
    commodity_id: uuid.UUID | None = Field(
        default=None, description="The requirement's when left out"
    )
    tested_lot_id: uuid.UUID | None = Field(
        default=None,
        description="The seller's tested lot offered; fills variety, station and "
        "parameters when they are left out",
    )
    variety: Text100 | None = None
    bales: Bales
    parameters: dict[ParameterName, RateIn] | None = Field(default=None, max_length=50)
    price: MoneyIn
    price_unit: Unit | None = None
    station_id: uuid.UUID | None = None
    valid_until: AwareDatetime | None = Field(default=None, description="In 72 hours if left out")
    notes: Message | None = None

    @model_validator(mode="after")
    def _positive_price(self) -> OfferCreate:
        if self.price <= 0:
            raise ValueError("price must be more than 0")
        return self


class SideIn(Strict):
    side: Side | None = Field(
        default=None, description="Required for staff; a partner user's own side when left out"
    )


class CounterIn(SideIn):
    price: MoneyIn
    bales: Bales | None = Field(default=None, description="The latest proposal's when left out")
    message: Message | None = None
    valid_until: AwareDatetime | None = Field(
        default=None, description="Extends (or shortens) the offer's validity"
    )

    @model_validator(mode="after")
    def _positive_price(self) -> CounterIn:
        if self.price <= 0:
            raise ValueError("price must be more than 0")
        return self


class AcceptIn(SideIn):
    bales: Bales | None = Field(
        default=None, description="Fewer than proposed: partial acceptance; default all"
    )
    seller_branch_id: uuid.UUID | None = Field(default=None, description="Default: head office")
    buyer_branch_id: uuid.UUID | None = Field(default=None, description="Default: head office")
    delivery_terms: Text100 | None = Field(
        default=None, description="A delivery term's id or name for the contract (see README)"
    )
    payment_terms: Text100 | None = Field(
        default=None, description="A payment term's id or name for the contract (see README)"
    )


class RejectIn(SideIn):
    reason: Message


class WithdrawIn(Strict):
    reason: Message | None = None


class OfferRead(BaseModel):
    id: uuid.UUID
    organization_id: uuid.UUID | None
    requirement_id: uuid.UUID | None
    seller_id: uuid.UUID
    tested_lot_id: uuid.UUID | None
    commodity_id: uuid.UUID
    variety: str
    bales: int
    parameters: dict[str, Any]
    price: MoneyOut
    price_unit: str
    station_id: uuid.UUID
    payment_terms: str | None
    payment_days: int | None
    delivery_days: int | None
    valid_until: datetime
    status: OfferStatus
    match_score: int | None = Field(description="0–100 against its requirement; null if open")
    score_breakdown: dict[str, Any] | None
    last_side: Side = Field(description="Who made the latest proposal")
    last_price: MoneyOut
    last_bales: int
    rounds_count: int
    awaiting: Side | None = Field(description="Whose turn it is; null once decided")
    accepted_bales: int | None
    contract_id: uuid.UUID | None
    decided_side: Side | None
    decided_at: datetime | None
    status_reason: str | None
    notes: str | None
    created_by_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    version: int


class RoundRead(BaseModel):
    round_no: int
    side: Side
    price: MoneyOut
    bales: int
    valid_until: datetime | None
    message: str | None
    created_by_id: uuid.UUID | None
    created_at: datetime


# --- tested lots -----------------------------------------------------------------------------


class TestedLotCreate(Strict):
    seller_id: uuid.UUID | None = Field(
        default=None, description="A partner user's own partner when left out"
    )
    commodity_id: uuid.UUID
    variety: Text100
    station_id: uuid.UUID
    bales: Bales
    parameters: dict[ParameterName, RateIn] = Field(min_length=1, max_length=50)
    price: MoneyIn | None = None
    price_unit: Unit | None = None
    lab: Text200
    test_date: date
    valid_until: AwareDatetime | None = Field(default=None, description="In 30 days if left out")


class TestedLotUpdate(Strict):
    test_report_document_id: uuid.UUID | None = Field(
        default=None, description="A document attached to this lot (entity_type tested_lot)"
    )
    price: MoneyIn | None = None
    valid_until: AwareDatetime | None = None


class TestedLotRead(BaseModel):
    id: uuid.UUID
    seller_id: uuid.UUID
    commodity_id: uuid.UUID
    variety: str
    station_id: uuid.UUID
    bales: int
    available_bales: int
    parameters: dict[str, Any]
    price: MoneyOut | None
    price_unit: str | None
    lab: str
    test_date: date
    test_report_document_id: uuid.UUID | None
    valid_until: datetime
    status: LotStatus
    created_by_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime
    version: int


RequirementSort = sort_enum(
    "RequirementSort", ["created_at", "valid_until", "bales", "best_match_score"]
)
OfferSort = sort_enum("OfferSort", ["created_at", "valid_until", "price", "match_score"])
TestedLotSort = sort_enum("TestedLotSort", ["created_at", "valid_until", "test_date"])
