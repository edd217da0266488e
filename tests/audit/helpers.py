"""Test helpers for the audit log: a fast bulk chain, and tampering the way an intruder with
DDL rights would (drop the append-only triggers inside the test's rolled-back transaction)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit import repository
from tradehub.audit.domain import chain_hash, normalise_changes
from tradehub.audit.models import CHAIN_HEAD_ID, AuditChainHead, AuditEvent
from tradehub.kit.types import utcnow


async def append_bulk(session: AsyncSession, count: int, *, entity_id: str = "bulk") -> None:
    """``count`` valid events in a few statements (``record`` takes three per event)."""
    last_seq, prev = await repository.lock_head(session)
    rows: list[dict[str, Any]] = []
    for seq in range(last_seq + 1, last_seq + count + 1):
        fields: dict[str, Any] = {
            "id": uuid.uuid4(),
            "seq": seq,
            "occurred_at": utcnow(),
            "actor_id": None,
            "actor_label": "system",
            "ip": "127.0.0.1",
            "request_id": f"bulk-{seq}",
            "entity_type": "probe",
            "entity_id": entity_id,
            "action": "update",
            "changes": normalise_changes({"n": {"old": seq - 1, "new": seq}}),
            "reason": None,
            "prev_hash": prev,
        }
        fields["hash"] = prev = chain_hash(prev, fields)
        rows.append(fields)
    for start in range(0, len(rows), 1000):
        await session.execute(insert(AuditEvent), rows[start : start + 1000])
    await session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == CHAIN_HEAD_ID)
        .values(last_seq=rows[-1]["seq"], last_hash=rows[-1]["hash"])
    )


async def drop_append_only_guard(session: AsyncSession) -> None:
    """DDL inside the caller's transaction: rolled back with it, so the guard returns."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
    else:
        await session.execute(text("DROP TRIGGER audit_events_no_update"))
        await session.execute(text("DROP TRIGGER audit_events_no_delete"))
