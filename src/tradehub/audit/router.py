"""``GET /audit-events`` and ``GET /audit-events/{id}``: read-only, by design and in the database.

No route changes or deletes an event (PUT, PATCH and DELETE answer 405); the database refuses
UPDATE and DELETE on the table as well.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Query

from tradehub.audit import service
from tradehub.audit.models import AuditEvent
from tradehub.audit.schemas import AuditEventRead, AuditEventSort
from tradehub.auth.dependencies import require
from tradehub.auth.principal import Principal
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

router = api_router(prefix="/audit-events", tags=["audit"])
CanReadAudit = Annotated[Principal, Depends(require("audit:read"))]

SORT_COLUMNS = {"seq": AuditEvent.seq, "occurred_at": AuditEvent.occurred_at}


def _utc(value: datetime | None) -> datetime | None:
    """A timestamp without an offset is read as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@router.get(
    "",
    response_model=Page[AuditEventRead],
    summary="List audit events",
    responses=problem_responses(401, 403),
)
async def list_audit_events(
    _: CanReadAudit,
    session: DbSession,
    paging: Paging,
    entity_type: Annotated[str | None, Query(max_length=50, examples=["partner"])] = None,
    entity_id: Annotated[str | None, Query(max_length=100)] = None,
    actor_id: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=50, examples=["approve"])] = None,
    occurred_from: Annotated[
        datetime | None, Query(alias="from", description="occurred_at ≥ this (RFC 3339)")
    ] = None,
    occurred_to: Annotated[
        datetime | None, Query(alias="to", description="occurred_at < this (RFC 3339)")
    ] = None,
    sort: AuditEventSort = AuditEventSort("-seq"),  # type: ignore[valid-type]
) -> Page[AuditEventRead]:
    """Who did what, when and from where, with changed fields' old and new values."""
    items, total = await service.list_events(
        session,
        paging,
        order_by(sort, SORT_COLUMNS, AuditEvent.seq),
        entity_type=entity_type,
        entity_id=entity_id,
        actor_id=actor_id,
        action=action,
        occurred_from=_utc(occurred_from),
        occurred_to=_utc(occurred_to),
    )
    return Page(
        items=[AuditEventRead.model_validate(event) for event in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    "/{event_id}",
    response_model=AuditEventRead,
    summary="Get one audit event",
    responses=problem_responses(401, 403, 404),
)
async def get_audit_event(
    event_id: uuid.UUID, _: CanReadAudit, session: DbSession
) -> AuditEventRead:
    return AuditEventRead.model_validate(await service.get_event(session, event_id))
