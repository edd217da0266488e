"""Open, decide and cancel approval requests. Modules call these inside their own use cases
(partner onboarding, partner change requests, contract approval, …), so the rule that a maker
never checks their own work lives in one place."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.approval.domain import ApprovalStatus, is_maker
from tradehub.approval.errors import (
    ApprovalNotFound,
    ApprovalNotPending,
    ApprovalPending,
    SelfApproval,
)
from tradehub.approval.models import ApprovalRequest
from tradehub.kit.types import utcnow


async def pending_request(
    session: AsyncSession, *, entity_type: str, entity_id: uuid.UUID, action: str
) -> ApprovalRequest | None:
    return await session.scalar(
        select(ApprovalRequest).where(
            ApprovalRequest.entity_type == entity_type,
            ApprovalRequest.entity_id == entity_id,
            ApprovalRequest.action == action,
            ApprovalRequest.status == ApprovalStatus.PENDING,
        )
    )


async def open_request(
    session: AsyncSession,
    *,
    entity_type: str,
    entity_id: uuid.UUID,
    action: str,
    requested_by_id: uuid.UUID | None,
    maker_ids: list[str],
    summary: str = "",
) -> ApprovalRequest:
    """A new pending request; 409 when one is already pending for the same entity and action.
    Callers hold the entity's row lock, and a partial unique index backs this up."""
    if await pending_request(session, entity_type=entity_type, entity_id=entity_id, action=action):
        raise ApprovalPending("An approval request for this is already pending")
    request = ApprovalRequest(
        entity_type=entity_type,
        entity_id=entity_id,
        action=action,
        status=ApprovalStatus.PENDING,
        summary=summary[:300],
        maker_ids=maker_ids,
        requested_by_id=requested_by_id,
    )
    session.add(request)
    await session.flush()
    return request


def _require_pending(request: ApprovalRequest) -> None:
    if request.status != ApprovalStatus.PENDING:
        raise ApprovalNotPending(f"This approval request is already {request.status}")


async def decide(
    session: AsyncSession,
    request: ApprovalRequest,
    *,
    decided_by_id: uuid.UUID,
    approve: bool,
    reason: str | None = None,
) -> ApprovalRequest:
    """Approve or reject. A maker of the change may do neither: 403 ``approval.self_approval``
    (rejecting one's own work is a cancel, which the owning module offers separately)."""
    _require_pending(request)
    if is_maker(decided_by_id, request.maker_ids):
        raise SelfApproval("You made this change: another user must approve or reject it")
    request.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    request.decided_by_id = decided_by_id
    request.decided_at = utcnow()
    request.reason = reason
    await session.flush()
    return request


async def cancel(
    session: AsyncSession, request: ApprovalRequest, *, cancelled_by_id: uuid.UUID | None
) -> ApprovalRequest:
    _require_pending(request)
    request.status = ApprovalStatus.CANCELLED
    request.decided_by_id = cancelled_by_id
    request.decided_at = utcnow()
    await session.flush()
    return request


async def get_request(session: AsyncSession, request_id: uuid.UUID) -> ApprovalRequest:
    request = await session.get(ApprovalRequest, request_id)
    if request is None:
        raise ApprovalNotFound("No such approval request")
    return request


def list_statement(
    *,
    status: ApprovalStatus | None,
    entity_type: str | None,
    entity_id: uuid.UUID | None,
    action: str | None,
) -> Select[Any]:
    statement: Select[Any] = select(ApprovalRequest)
    if status is not None:
        statement = statement.where(ApprovalRequest.status == status)
    if entity_type is not None:
        statement = statement.where(ApprovalRequest.entity_type == entity_type)
    if entity_id is not None:
        statement = statement.where(ApprovalRequest.entity_id == entity_id)
    if action is not None:
        statement = statement.where(ApprovalRequest.action == action)
    return statement
