"""Audit use cases: record an event in the caller's transaction, list them, verify the chain.

Every module calls ``record`` from its services, in the same transaction as the change it
describes (architecture rule 8): if the change rolls back, so does its event.

    before = snapshot(partner)
    partner.status = "pending_approval"
    await audit.record(
        session, actor=actor, action="submit", entity_type="partner", entity_id=partner.id,
        changes=diff(before, snapshot(partner)),
    )
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit import repository
from tradehub.audit.domain import (
    SYSTEM_ACTOR,
    AuditActor,
    ChainVerifier,
    VerifyResult,
    chain_hash,
    check_name,
    diff,
    normalise_changes,
)
from tradehub.audit.models import AuditEvent
from tradehub.kit.errors import NotFound
from tradehub.kit.pagination import PageParams, paginate
from tradehub.kit.types import utcnow

__all__ = [
    "AuditActor",
    "AuditEvent",
    "diff",
    "get_event",
    "head",
    "list_events",
    "record",
    "snapshot",
    "verify",
]

# Bookkeeping columns that change on every update and say nothing the event does not.
UNAUDITED_COLUMNS = frozenset({"created_at", "updated_at", "version"})
VERIFY_BATCH_SIZE = 5000
ENTITY_ID_MAX = 100
_VERIFY_NAMES = [column.name for column in repository.VERIFY_COLUMNS]


def snapshot(entity: Any, *, exclude: Collection[str] = UNAUDITED_COLUMNS) -> dict[str, Any]:
    """The mapped column values of an ORM object, for ``diff(before, after)``."""
    mapper = inspect(entity).mapper
    return {
        attr.key: getattr(entity, attr.key)
        for attr in mapper.column_attrs
        if attr.key not in exclude
    }


async def record(
    session: AsyncSession,
    *,
    actor: AuditActor | None,
    action: str,
    entity_type: str,
    entity_id: str | uuid.UUID | None,
    changes: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction (never commits).

    ``changes`` is ``{field: {"old": …, "new": …}}`` (use ``diff``); sensitive fields are
    redacted whatever the caller passes. The chain head stays locked until the caller's
    transaction ends, so record late in a use case and keep the transaction short.
    """
    actor = actor or SYSTEM_ACTOR
    fields: dict[str, Any] = {
        "id": uuid.uuid4(),
        "actor_id": actor.user_id,
        "actor_label": actor.label[:320],
        "ip": actor.ip[:45] if actor.ip else None,
        "request_id": actor.request_id[:128] if actor.request_id else None,
        "entity_type": check_name("entity_type", entity_type),
        "entity_id": _entity_id(entity_id),
        "action": check_name("action", action),
        "changes": normalise_changes(changes),
        "reason": reason,
    }
    last_seq, last_hash = await repository.lock_head(session)
    fields["seq"] = last_seq + 1
    fields["occurred_at"] = utcnow()  # taken under the lock: time order follows chain order
    fields["prev_hash"] = last_hash
    fields["hash"] = chain_hash(last_hash, fields)
    await repository.append(session, fields)
    return AuditEvent(**fields)


def _entity_id(entity_id: str | uuid.UUID | None) -> str | None:
    if entity_id is None:
        return None
    text = str(entity_id)
    if not 1 <= len(text) <= ENTITY_ID_MAX:
        raise ValueError(f"audit entity_id must be 1-{ENTITY_ID_MAX} characters")
    return text


async def head(session: AsyncSession) -> tuple[int, str]:
    """The chain head: the last event's seq (the number of events) and hash."""
    return await repository.read_head(session)


async def verify(
    session: AsyncSession,
    *,
    batch_size: int = VERIFY_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> VerifyResult:
    """Walk the whole chain in ``seq`` order, a batch at a time; report the first broken link.

    ``progress`` is called with the number of events checked in each batch. While others
    append, run it in one snapshot (REPEATABLE READ on PostgreSQL, as the CLI does), or an
    event committed during the walk shows up as a chain end that does not match the head.
    """
    head_seq, head_hash = await repository.read_head(session)
    verifier = ChainVerifier()
    after = 0
    while True:
        rows = await repository.events_after(session, after, batch_size)
        if not rows:
            break
        for row in rows:
            if verifier.feed(dict(zip(_VERIFY_NAMES, row, strict=True))) is not None:
                return verifier.finish(head_seq, head_hash)
        after = rows[-1].seq
        if progress is not None:
            progress(len(rows))
        if len(rows) < batch_size:
            break
    return verifier.finish(head_seq, head_hash)


async def list_events(
    session: AsyncSession,
    params: PageParams,
    ordering: list[Any],
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_id: uuid.UUID | None = None,
    action: str | None = None,
    occurred_from: datetime | None = None,
    occurred_to: datetime | None = None,
) -> tuple[list[AuditEvent], int]:
    statement = repository.list_statement(
        entity_type=entity_type,
        entity_id=entity_id,
        actor_id=actor_id,
        action=action,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )
    return await paginate(session, statement, params, ordering)


async def get_event(session: AsyncSession, event_id: uuid.UUID) -> AuditEvent:
    event = await repository.get(session, event_id)
    if event is None:
        raise NotFound("No such audit event", code="audit_event.not_found")
    return event
