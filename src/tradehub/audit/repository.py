"""Audit queries: the locked chain head, appends, filtered lists and the verification walk."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Select, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import GENESIS_HASH, HASHED_FIELDS
from tradehub.audit.models import CHAIN_HEAD_ID, AuditChainHead, AuditEvent
from tradehub.kit.db import insert_or_ignore

_head = cast(Table, AuditChainHead.__table__)
_events = cast(Table, AuditEvent.__table__)
VERIFY_COLUMNS = [_events.c[name] for name in (*HASHED_FIELDS, "prev_hash", "hash")]


async def lock_head(session: AsyncSession) -> tuple[int, str]:
    """The chain head, locked until the caller's transaction ends (``FOR UPDATE``).

    On SQLite the write transaction (``BEGIN IMMEDIATE``) already excludes other writers. The
    row comes from the migration; should it be missing it is created first, race-free.
    """
    statement = (
        select(_head.c.last_seq, _head.c.last_hash)
        .where(_head.c.id == CHAIN_HEAD_ID)
        .with_for_update()
    )
    row = (await session.execute(statement)).first()
    if row is None:
        await insert_or_ignore(
            session,
            _head,
            {"id": CHAIN_HEAD_ID, "last_seq": 0, "last_hash": GENESIS_HASH},
            conflict_columns=["id"],
        )
        row = (await session.execute(statement)).one()
    return int(row.last_seq), str(row.last_hash)


async def read_head(session: AsyncSession) -> tuple[int, str]:
    row = (
        await session.execute(
            select(_head.c.last_seq, _head.c.last_hash).where(_head.c.id == CHAIN_HEAD_ID)
        )
    ).first()
    return (0, GENESIS_HASH) if row is None else (int(row.last_seq), str(row.last_hash))


async def append(session: AsyncSession, values: dict[str, Any]) -> None:
    """Insert the event and move the head to it (the head must be locked by the caller)."""
    await session.execute(insert(_events).values(**values))
    await session.execute(
        update(_head)
        .where(_head.c.id == CHAIN_HEAD_ID)
        .values(last_seq=values["seq"], last_hash=values["hash"])
    )


async def events_after(session: AsyncSession, seq: int, limit: int) -> Sequence[Row[Any]]:
    """The next ``limit`` events after ``seq`` (keyset paging: memory stays bounded)."""
    statement = (
        select(*VERIFY_COLUMNS).where(_events.c.seq > seq).order_by(_events.c.seq).limit(limit)
    )
    return (await session.execute(statement)).all()


def list_statement(
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_id: uuid.UUID | None = None,
    action: str | None = None,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
) -> Select[AuditEvent]:
    statement = select(AuditEvent)
    if entity_type is not None:
        statement = statement.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        statement = statement.where(AuditEvent.entity_id == entity_id)
    if actor_id is not None:
        statement = statement.where(AuditEvent.actor_id == actor_id)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    if occurred_from is not None:
        statement = statement.where(AuditEvent.occurred_at >= occurred_from)
    if occurred_to is not None:
        statement = statement.where(AuditEvent.occurred_at < occurred_to)
    return statement


async def get(session: AsyncSession, event_id: uuid.UUID) -> AuditEvent | None:
    return await session.get(AuditEvent, event_id)
