"""What the audit API answers, and the list's sort fields."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tradehub.kit.pagination import sort_enum

AuditEventSort = sort_enum("AuditEventSort", ["seq", "occurred_at"])


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    seq: int = Field(description="Position in the hash chain: 1, 2, 3… without gaps")
    occurred_at: datetime
    actor_id: uuid.UUID | None = Field(description="The user; null for the system or anonymous")
    actor_label: str = Field(examples=["asha@example.com", "system", "anonymous"])
    ip: str | None
    request_id: str | None
    entity_type: str = Field(examples=["partner", "contract", "user"])
    entity_id: str | None
    action: str = Field(examples=["create", "update", "approve", "login_failed"])
    changes: dict[str, dict[str, Any]] = Field(
        description='Changed fields: {"field": {"old": …, "new": …}}; secrets show "[redacted]"',
        examples=[{"status": {"old": "draft", "new": "pending_approval"}}],
    )
    reason: str | None
    prev_hash: str = Field(description="sha256 hex of the previous event (64 zeros for the first)")
    hash: str = Field(description="sha256 hex over prev_hash and this event's fields")
