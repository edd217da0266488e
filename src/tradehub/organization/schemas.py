"""Requests and answers of /organizations and /branches."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tradehub.kit.pagination import sort_enum

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$"
    ),
]
StateCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
# Format and checksum are checked by the service (a 422 naming the field, with the reason).
Gstin = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Pan = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrganizationCreate(Strict):
    name: Name
    code: Code = Field(examples=["RNRL"])
    gstin: Gstin = Field(examples=["27AAPFU0939F1ZV"])
    pan: Pan = Field(examples=["AAPFU0939F"])
    state_code: StateCode = Field(examples=["27"])
    address: Address


class OrganizationUpdate(Strict):
    """GSTIN, PAN and state are checked together after the change."""

    name: Name | None = None
    code: Code | None = None
    gstin: Gstin | None = None
    pan: Pan | None = None
    state_code: StateCode | None = None
    address: Address | None = None


class OrganizationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    code: str
    gstin: str
    pan: str
    state_code: str
    address: str
    created_at: datetime
    updated_at: datetime
    version: int


OrganizationSort = sort_enum("OrganizationSort", ["name", "code", "created_at"])


class BranchCreate(Strict):
    name: Name
    code: Code
    state_code: StateCode
    gstin: Gstin | None = Field(
        default=None, description="The branch's own GSTIN: the organization's PAN, this state"
    )


class BranchUpdate(Strict):
    name: Name | None = None
    code: Code | None = None
    state_code: StateCode | None = None
    gstin: Gstin | None = None


class BranchRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    code: str
    state_code: str
    gstin: str | None
    created_at: datetime
    updated_at: datetime
    version: int


BranchSort = sort_enum("BranchSort", ["name", "code", "created_at"])
