"""Requests and answers of /states and /stations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tradehub.kit.pagination import sort_enum

StateCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str = Field(examples=["27"])
    name: str = Field(examples=["Maharashtra"])
    kind: Literal["state", "union_territory", "other_territory"]


class StationCreate(Strict):
    name: Name
    state_code: StateCode
    region: Name | None = Field(default=None, description="Free text: Saurashtra, Vidarbha…")


class StationUpdate(Strict):
    name: Name | None = None
    state_code: StateCode | None = None
    region: Name | None = None
    is_active: bool | None = None


class StationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    state_code: str
    region: str | None
    is_active: bool
    created_at: datetime
    updated_at: datetime
    version: int


StationSort = sort_enum("StationSort", ["name", "created_at"])
