"""/approval-requests: the checkers' queue. Decisions are taken through the owning resource
(``POST /partners/{id}/approve``, …), which knows what approving means."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Response

from tradehub.approval import service
from tradehub.approval.domain import ApprovalStatus
from tradehub.approval.models import ApprovalRequest
from tradehub.approval.schemas import ApprovalRequestRead, ApprovalSort
from tradehub.auth.dependencies import require
from tradehub.auth.principal import Principal
from tradehub.kit.concurrency import set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

router = api_router(tags=["approvals"])

CanRead = Annotated[Principal, Depends(require("approval:read"))]
SORT = {"created_at": ApprovalRequest.created_at, "decided_at": ApprovalRequest.decided_at}


@router.get(
    "/approval-requests",
    response_model=Page[ApprovalRequestRead],
    responses=problem_responses(401, 403),
)
async def list_approval_requests(
    session: DbSession,
    _: CanRead,
    paging: Paging,
    sort: ApprovalSort = ApprovalSort("-created_at"),  # type: ignore[valid-type]
    status: ApprovalStatus | None = None,
    entity_type: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: uuid.UUID | None = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
) -> Page[ApprovalRequestRead]:
    statement = service.list_statement(
        status=status, entity_type=entity_type, entity_id=entity_id, action=action
    )
    items, total = await paginate(
        session, statement, paging, order_by(sort, SORT, ApprovalRequest.id)
    )
    return Page(
        items=[ApprovalRequestRead.model_validate(item) for item in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    "/approval-requests/{request_id}",
    response_model=ApprovalRequestRead,
    responses=problem_responses(401, 403, 404),
)
async def get_approval_request(
    request_id: uuid.UUID, session: DbSession, _: CanRead, response: Response
) -> ApprovalRequestRead:
    request = await service.get_request(session, request_id)
    set_etag(response, request.version)
    return ApprovalRequestRead.model_validate(request)
