"""Requests and answers of /disputes."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from tradehub.contract.domain import Side
from tradehub.dispute.domain import Category, DisputeStatus, ResolutionKind, Visibility
from tradehub.kit.decimals import MoneyIn, MoneyOut
from tradehub.kit.pagination import sort_enum

Subject = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f]+$"
    ),
]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=10000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _positive(value: Decimal | None, name: str) -> Decimal | None:
    if value is not None and value <= 0:
        raise ValueError(f"{name} must be more than 0")
    return value


class DisputeCreate(Strict):
    contract_id: uuid.UUID
    category: Category
    subject: Subject
    description: LongText
    claimed_amount: MoneyIn | None = Field(
        default=None, description="What the raiser claims, more than 0", examples=["25000.00"]
    )
    raised_by_side: Side | None = Field(
        default=None,
        description="Required from the broker's staff; a party's user raises for its own side",
    )

    @field_validator("claimed_amount")
    @classmethod
    def _claim(cls, value: Decimal | None) -> Decimal | None:
        return _positive(value, "claimed_amount")


class ResolveIn(Strict):
    resolution: LongText
    resolution_kind: ResolutionKind
    settled_amount: MoneyIn | None = Field(default=None, examples=["12500.00"])


class ReasonIn(Strict):
    reason: Reason


class CommentCreate(Strict):
    body: LongText
    visibility: Visibility = Field(description="internal: the broker's staff only")
    parent_id: uuid.UUID | None = Field(default=None, description="The comment this replies to")


class DisputeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organization_id: uuid.UUID
    financial_year: str
    contract_id: uuid.UUID
    contract_no: str | None
    seller_id: uuid.UUID
    buyer_id: uuid.UUID
    category: Category
    subject: str
    description: str
    claimed_amount: MoneyOut | None
    status: DisputeStatus
    raised_by_side: Side
    raised_by_partner_id: uuid.UUID
    raised_on_portal: bool
    raised_by_id: uuid.UUID | None
    status_reason: str | None
    reviewed_by_id: uuid.UUID | None
    reviewed_at: datetime | None
    resolution: str | None
    resolution_kind: ResolutionKind | None
    settled_amount: MoneyOut | None
    resolved_by_id: uuid.UUID | None
    resolved_at: datetime | None
    closed_by_id: uuid.UUID | None
    closed_at: datetime | None
    withdrawn_by_id: uuid.UUID | None
    withdrawn_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class CommentRead(BaseModel):
    id: uuid.UUID
    dispute_id: uuid.UUID
    parent_id: uuid.UUID | None
    visibility: Visibility
    body: str
    author_side: str = Field(description="broker, seller or buyer")
    author_id: uuid.UUID | None = Field(
        description="Shown to the broker's staff, and to a party for its own users' comments"
    )
    created_at: datetime


DisputeSort = sort_enum("DisputeSort", ["created_at", "updated_at", "claimed_amount"])
CommentSort = sort_enum("CommentSort", ["created_at"])
