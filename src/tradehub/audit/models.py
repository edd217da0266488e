"""The audit log: append-only, hash-chained events, and the single row that orders the chain.

Both tables are marked ``seeded`` in ``info`` so that nothing empties them wholesale: the head
row comes from the migration, and the database refuses DELETE on events anyway (the test
harness's ``empty_all_tables`` skips such tables; events committed by live tests stay, as a
valid chain).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base
from tradehub.kit.types import UtcDateTime

CHAIN_HEAD_ID = 1
_KEEP = {"seeded": True, "append_only": True}


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity_type_entity_id_seq", "entity_type", "entity_id", "seq"),
        Index("ix_audit_events_actor_id_seq", "actor_id", "seq"),
        Index("ix_audit_events_action_seq", "action", "seq"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
        {"info": _KEEP},
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # No foreign keys: the log outlives the users and rows it names.
    actor_id: Mapped[uuid.UUID | None]
    actor_label: Mapped[str] = mapped_column(String(320))
    ip: Mapped[str | None] = mapped_column(String(45))
    request_id: Mapped[str | None] = mapped_column(String(128))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(Base):
    """One row: the last event's seq and hash. Locking it serialises appends to the chain."""

    __tablename__ = "audit_chain_head"
    __table_args__ = (CheckConstraint(f"id = {CHAIN_HEAD_ID}", name="single_row"), {"info": _KEEP})

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditArchive(Base):
    """One archived calendar month of the chain: where its copy lives, its checksum, and the
    hash of its last event. The copy sits outside the database, so it anchors the chain: a
    rewrite of old events, even with every hash recomputed, no longer matches the archive."""

    __tablename__ = "audit_archives"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    month: Mapped[str] = mapped_column(String(7), unique=True)  # "2026-10"
    first_seq: Mapped[int] = mapped_column(BigInteger)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    event_count: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
