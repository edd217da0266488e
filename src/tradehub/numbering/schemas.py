"""Answers of /numbering."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from tradehub.kit.pagination import sort_enum


class NumberSeriesRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    organization_id: uuid.UUID
    financial_year: str = Field(examples=["2026-27"])
    series: str = Field(examples=["BRK"])
    last_number: int = Field(description="the last sequence given; 0 when none yet")
    last_issued: str | None = Field(
        examples=["BRK/26-27/00042"], description="the last number given, formatted"
    )
    updated_at: datetime


class CancelledNumberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organization_id: uuid.UUID
    financial_year: str
    series: str
    sequence: int
    number: str = Field(examples=["SC/26-27/00007"])
    document_type: str = Field(examples=["contract"])
    document_id: uuid.UUID
    reason: str
    cancelled_at: datetime
    cancelled_by_id: uuid.UUID | None
    cancelled_by_label: str


SeriesSort = sort_enum("SeriesSort", ["financial_year", "series", "updated_at"])
CancelledSort = sort_enum("CancelledSort", ["cancelled_at", "sequence"])
