"""One table of approval requests: who asked for what, who decided, and why."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Entity
from tradehub.kit.types import UtcDateTime


class ApprovalRequest(Entity):
    """A change waiting for a checker. ``maker_ids`` are the users who may not approve it
    (the creator and the submitter of a partner, the requester of a change)."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        Index("ix_approval_requests_status_created_at", "status", "created_at"),
        Index("ix_approval_requests_entity", "entity_type", "entity_id", "created_at"),
        # At most one pending request per entity and action: racing submits cannot both win.
        Index(
            "uq_approval_requests_pending",
            "entity_type",
            "entity_id",
            "action",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID]
    action: Mapped[str] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    summary: Mapped[str] = mapped_column(String(300), default="")
    maker_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
