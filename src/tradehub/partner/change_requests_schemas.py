"""Requests and answers of partner change requests and partner versions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, EmailStr, Field, StringConstraints, field_validator
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from tradehub.kit.pagination import sort_enum
from tradehub.partner.domain import ChangeRequestStatus, Risk, Urgency
from tradehub.partner.schemas import (
    Address,
    BranchIn,
    Identifier,
    Name,
    Reason,
    StateCode,
    Strict,
)

Mobile = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
Justification = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class PartnerChanges(Strict):
    """The proposed values; a field left out is unchanged, ``null`` clears an optional one."""

    legal_name: Name | None = None
    trade_name: Name | None = None
    gstin: Identifier | None = Field(
        default=None, description="Carries the partner's PAN; null only for service partners"
    )
    email: EmailStr | None = None
    mobile: Mobile | None = None
    address: Address | None = None
    # Accepted only to refuse them by name (422 ``change_request.not_changeable``).
    pan: SkipJsonSchema[Any] = None
    kind: SkipJsonSchema[Any] = None

    @field_validator("pan", "kind", mode="before")
    @classmethod
    def _identity_is_fixed(cls, _value: Any) -> Any:
        raise PydanticCustomError(
            "change_request.not_changeable",
            "The PAN and kind are who the partner is and cannot change; onboard a new partner",
        )


class BranchEdit(Strict):
    """Changes to one existing branch; fields left out are unchanged."""

    id: uuid.UUID
    name: Name | None = None
    gstin: Identifier | None = None
    state_code: StateCode | None = None
    is_head_office: bool | None = Field(
        default=None, description="true moves the head office here; it cannot be unset directly"
    )
    address: Address | None = None


class BranchChangesIn(Strict):
    add: list[BranchIn] = Field(default_factory=list, max_length=50)
    update: list[BranchEdit] = Field(default_factory=list, max_length=100)


class ChangeRequestCreate(Strict):
    changes: PartnerChanges = Field(default_factory=PartnerChanges)
    branches: BranchChangesIn = Field(default_factory=BranchChangesIn)
    reason: Reason
    justification: Justification | None = None
    urgency: Urgency = Urgency.LOW


class FieldChange(BaseModel):
    old: Any
    new: Any


class BranchValues(BaseModel):
    id: uuid.UUID | None = Field(default=None, description="None for a branch not yet created")
    name: str
    gstin: str | None
    state_code: str
    is_head_office: bool
    address: str | None


class BranchDiff(BaseModel):
    id: uuid.UUID
    name: str
    changes: dict[str, FieldChange]


class ProposedBranchChanges(BaseModel):
    added: list[BranchValues]
    changed: list[BranchDiff]


class Impact(BaseModel):
    open_contracts: int
    open_dealings: dict[str, int] = Field(description="Open items by kind when it was raised")
    locked_fields: list[str] = Field(
        description="Locked fields it touches: approved only while nothing is open"
    )
    risk: Risk


class ChangeRequestRead(BaseModel):
    id: uuid.UUID
    partner_id: uuid.UUID
    status: ChangeRequestStatus
    changes: dict[str, FieldChange]
    branch_changes: ProposedBranchChanges
    reason: str
    justification: str | None
    urgency: Urgency
    base_revision: int = Field(description="The partner revision the changes were made against")
    impact: Impact
    approval_request_id: uuid.UUID | None
    requested_by_id: uuid.UUID | None
    decided_by_id: uuid.UUID | None
    decided_at: datetime | None
    decision_reason: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class CancelIn(Strict):
    reason: Reason | None = None


class PartnerVersionRead(BaseModel):
    id: uuid.UUID
    partner_id: uuid.UUID
    revision: int
    snapshot: dict[str, Any] = Field(description="The partner's versioned fields and branches")
    valid_from: datetime
    valid_to: datetime | None
    changed_by_id: uuid.UUID | None
    reason: str | None
    change_request_id: uuid.UUID | None
    created_at: datetime


class VersionRef(BaseModel):
    revision: int
    valid_from: datetime
    valid_to: datetime | None


class BranchesCompared(BaseModel):
    added: list[BranchValues]
    removed: list[BranchValues]
    changed: list[BranchDiff]


class VersionComparison(BaseModel):
    partner_id: uuid.UUID
    from_version: VersionRef
    to_version: VersionRef
    fields: dict[str, FieldChange]
    branches: BranchesCompared


ChangeRequestSort = sort_enum("ChangeRequestSort", ["created_at", "decided_at"])
VersionSort = sort_enum("VersionSort", ["revision"])
