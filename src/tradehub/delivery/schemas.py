"""Requests and answers of /delivery-orders."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from tradehub.delivery.domain import DeliveryStatus
from tradehub.kit.pagination import sort_enum

Bales = Annotated[int, Field(strict=True, gt=0, le=10_000_000)]
Vehicle = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        to_upper=True,
        min_length=1,
        max_length=20,
        pattern=r"^[A-Za-z0-9 -]+$",
    ),
]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DeliveryOrderCreate(Strict):
    contract_id: uuid.UUID
    bales: Bales
    lifting_from: date
    lifting_to: date
    station_id: uuid.UUID | None = Field(
        default=None, description="Where the bales are lifted; the contract's station if omitted"
    )
    vehicle: Vehicle | None = Field(default=None, description="Lorry number, e.g. GJ03AB1234")
    notes: Notes = ""
    do_date: date | None = Field(
        default=None,
        description="The DO's date (its number's financial year); today (India) if omitted",
    )

    @model_validator(mode="after")
    def _window(self) -> DeliveryOrderCreate:
        if self.lifting_from > self.lifting_to:
            raise ValueError("lifting_from must not be after lifting_to")
        return self


class DispatchIn(Strict):
    vehicle: Vehicle | None = Field(
        default=None, description="Required unless the DO already names its vehicle"
    )


class CancelIn(Strict):
    reason: Reason


class DeliveryOrderRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    do_no: str
    do_date: date
    organization_id: uuid.UUID
    financial_year: str
    contract_id: uuid.UUID
    status: DeliveryStatus
    bales: int
    lifting_from: date
    lifting_to: date
    station_id: uuid.UUID
    vehicle: str | None
    notes: str
    status_reason: str | None
    dispatched_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


DeliveryOrderSort = sort_enum("DeliveryOrderSort", ["created_at", "do_no", "lifting_from"])
