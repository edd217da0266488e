"""Requests and answers of /partners and their branches."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from tradehub.kit.pagination import sort_enum
from tradehub.partner.domain import KycBucket, PartnerKind, PartnerStatus

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
StateCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
# Format and checksum are checked by the service, which names the field and the reason.
Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BranchIn(Strict):
    name: Name
    gstin: Identifier | None = Field(
        default=None, description="The branch's GSTIN: the partner's PAN in this branch's state"
    )
    state_code: StateCode = Field(examples=["24"])
    is_head_office: bool = False
    address: Address | None = None


class BranchUpdate(Strict):
    name: Name | None = None
    gstin: Identifier | None = None
    state_code: StateCode | None = None
    is_head_office: bool | None = Field(
        default=None, description="true moves the head office here; it cannot be unset directly"
    )
    address: Address | None = None


class PartnerCreate(Strict):
    legal_name: Name
    trade_name: Name | None = None
    kind: PartnerKind
    pan: Identifier = Field(examples=["AAPFU0939F"])
    gstin: Identifier | None = Field(
        default=None, examples=["24AAPFU0939F1ZO"], description="Required for buyer, seller, trader"
    )
    email: EmailStr
    mobile: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    address: Address | None = None
    branches: list[BranchIn] = Field(
        default_factory=list,
        max_length=100,
        description="Exactly one head office when given; without branches a partner with a "
        "GSTIN gets a head office in the GSTIN's state",
    )


class PartnerUpdate(Strict):
    """Direct edits, for a draft or rejected partner; an approved one changes by change request."""

    legal_name: Name | None = None
    trade_name: Name | None = None
    kind: PartnerKind | None = None
    pan: Identifier | None = None
    gstin: Identifier | None = None
    email: EmailStr | None = None
    mobile: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None
    address: Address | None = None


class ReasonIn(Strict):
    reason: Reason


class OptionalReasonIn(Strict):
    reason: Reason | None = None


class BranchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    partner_id: uuid.UUID
    name: str
    gstin: str | None
    state_code: str
    is_head_office: bool
    address: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class PartnerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code: str
    legal_name: str
    trade_name: str | None
    kind: PartnerKind
    status: PartnerStatus
    pan: str
    gstin: str | None
    email: str
    mobile: str | None
    address: str | None
    branches: list[BranchRead]
    revision: int = Field(description="The approved version in force; 0 before approval")
    status_reason: str | None
    kyc_verified_on: date | None
    kyc_due_date: date | None
    kyc_bucket: KycBucket
    created_by_id: uuid.UUID | None
    submitted_by_id: uuid.UUID | None
    approved_by_id: uuid.UUID | None
    approved_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class PortalUserCreate(Strict):
    email: EmailStr
    name: Name
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    mobile: Annotated[str, Field(max_length=20)] | None = None
    branch_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=100,
        description="Limit the user to these branches of the partner; empty means all",
    )
    must_change_password: bool = False


PartnerSort = sort_enum("PartnerSort", ["legal_name", "code", "created_at", "kyc_due_date"])
