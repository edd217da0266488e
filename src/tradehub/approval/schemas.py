"""Answers of /approval-requests."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from tradehub.approval.domain import ApprovalStatus
from tradehub.kit.pagination import sort_enum


class ApprovalRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    entity_type: str
    entity_id: uuid.UUID
    action: str
    status: ApprovalStatus
    summary: str
    maker_ids: list[uuid.UUID]
    requested_by_id: uuid.UUID | None
    decided_by_id: uuid.UUID | None
    decided_at: datetime | None
    reason: str | None
    created_at: datetime
    version: int


ApprovalSort = sort_enum("ApprovalSort", ["created_at", "decided_at"])
