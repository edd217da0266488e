"""/disputes: disputes on confirmed contracts, their lifecycle and threaded comments. A
dispute the caller may not see is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.dispute import comments_service, service
from tradehub.dispute.domain import Category, DisputeStatus
from tradehub.dispute.models import Dispute, DisputeComment
from tradehub.dispute.repository import dispute_filters
from tradehub.dispute.schemas import (
    CommentCreate,
    CommentRead,
    CommentSort,
    DisputeCreate,
    DisputeRead,
    DisputeSort,
    ReasonIn,
    ResolveIn,
)
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.idempotency import idempotent
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

router = api_router(tags=["disputes"])

_can_write = require("dispute:write")
CanRead = Annotated[Principal, Depends(require("dispute:read"))]
CanWrite = Annotated[Principal, Depends(_can_write)]
CanResolve = Annotated[Principal, Depends(require("dispute:resolve"))]
SORT = {
    "created_at": Dispute.created_at,
    "updated_at": Dispute.updated_at,
    "claimed_amount": Dispute.claimed_amount,
}
COMMENT_SORT = {"created_at": DisputeComment.created_at}
BASE = "/disputes"
ONE = "/disputes/{dispute_id}"
CHANGE = problem_responses(401, 403, 404, 409, 412, 422)


def _answer(dispute: Dispute, principal: Principal, response: Response) -> DisputeRead:
    set_etag(response, dispute.version)
    return service.dispute_read(dispute, principal)


@router.post(
    BASE,
    status_code=201,
    response_model=DisputeRead,
    # The permission first: the idempotency key belongs to the signed-in caller.
    dependencies=[Depends(_can_write), Depends(idempotent)],
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def raise_dispute(
    body: DisputeCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> DisputeRead:
    """``open`` on a confirmed contract (409 ``dispute.contract_not_confirmed`` otherwise),
    which becomes ``disputed``. Staff state ``raised_by_side``; a party's user raises for its
    own side. The other side is e-mailed. Accepts ``Idempotency-Key``."""
    dispute = await service.raise_dispute(session, principal, actor_of(principal, caller), body)
    return _answer(dispute, principal, response)


@router.get(BASE, response_model=Page[DisputeRead], responses=problem_responses(401, 403, 422))
async def list_disputes(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: DisputeSort = DisputeSort("-created_at"),  # type: ignore[valid-type]
    status: DisputeStatus | None = None,
    contract_id: uuid.UUID | None = None,
    category: Category | None = None,
    partner_id: uuid.UUID | None = None,
    organization_id: uuid.UUID | None = None,
) -> Page[DisputeRead]:
    """``partner_id`` matches either party of the contract."""
    statement = dispute_filters(
        service.visible_disputes(principal),
        status=status,
        contract_id=contract_id,
        category=category,
        partner_id=partner_id,
        organization_id=organization_id,
    )
    items, total = await paginate(session, statement, paging, order_by(sort, SORT, Dispute.id))
    return Page(
        items=[service.dispute_read(d, principal) for d in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(ONE, response_model=DisputeRead, responses=problem_responses(401, 403, 404))
async def get_dispute(
    dispute_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> DisputeRead:
    """With ``ETag: "<version>"``."""
    dispute = await service.get_dispute(session, principal, dispute_id)
    return _answer(dispute, principal, response)


@router.post(f"{ONE}/review", response_model=DisputeRead, responses=CHANGE)
async def review_dispute(
    dispute_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanResolve,
    caller: CallerDep,
    response: Response,
) -> DisputeRead:
    """open → under_review (the broker's staff)."""
    dispute = await service.get_dispute(session, principal, dispute_id)
    check_if_match(request, dispute.version)
    dispute = await service.review(session, principal, actor_of(principal, caller), dispute)
    return _answer(dispute, principal, response)


@router.post(f"{ONE}/resolve", response_model=DisputeRead, responses=CHANGE)
async def resolve_dispute(
    dispute_id: uuid.UUID,
    body: ResolveIn,
    request: Request,
    session: DbSession,
    principal: CanResolve,
    caller: CallerDep,
    response: Response,
) -> DisputeRead:
    """under_review → resolved with the resolution (the broker's staff); the contract is
    ``confirmed`` again when no other dispute of it is open; both parties are e-mailed."""
    dispute = await service.get_dispute(session, principal, dispute_id)
    check_if_match(request, dispute.version)
    dispute = await service.resolve(session, principal, actor_of(principal, caller), dispute, body)
    return _answer(dispute, principal, response)


@router.post(f"{ONE}/close", response_model=DisputeRead, responses=CHANGE)
async def close_dispute(
    dispute_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanResolve,
    caller: CallerDep,
    response: Response,
) -> DisputeRead:
    """resolved → closed (the broker's staff): final."""
    dispute = await service.get_dispute(session, principal, dispute_id)
    check_if_match(request, dispute.version)
    dispute = await service.close(session, principal, actor_of(principal, caller), dispute)
    return _answer(dispute, principal, response)


@router.post(f"{ONE}/reopen", response_model=DisputeRead, responses=CHANGE)
async def reopen_dispute(
    dispute_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanResolve,
    caller: CallerDep,
    response: Response,
) -> DisputeRead:
    """resolved → under_review (the broker's staff), its resolution set aside; the contract is
    ``disputed`` again (409 ``dispute.contract_not_confirmed`` if it is no longer confirmed)."""
    dispute = await service.get_dispute(session, principal, dispute_id)
    check_if_match(request, dispute.version)
    dispute = await service.reopen(
        session, principal, actor_of(principal, caller), dispute, reason=body.reason
    )
    return _answer(dispute, principal, response)


@router.post(f"{ONE}/withdraw", response_model=DisputeRead, responses=CHANGE)
async def withdraw_dispute(
    dispute_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> DisputeRead:
    """open or under_review → withdrawn, by the side that raised it (403
    ``dispute.not_raiser`` for anyone else)."""
    dispute = await service.get_dispute(session, principal, dispute_id)
    check_if_match(request, dispute.version)
    dispute = await service.withdraw(
        session, principal, actor_of(principal, caller), dispute, reason=body.reason
    )
    return _answer(dispute, principal, response)


@router.post(
    f"{ONE}/comments",
    status_code=201,
    response_model=CommentRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_comment(
    dispute_id: uuid.UUID,
    body: CommentCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
) -> CommentRead:
    """``internal`` notes are the broker's staff's (403 for a party's users); ``parent_id``
    replies to a comment of the same dispute. A closed or withdrawn dispute: 409."""
    dispute = await service.get_dispute(session, principal, dispute_id)
    comment = await comments_service.add_comment(
        session, principal, actor_of(principal, caller), dispute, body
    )
    return comments_service.comment_read(comment, dispute, principal)


@router.get(
    f"{ONE}/comments",
    response_model=Page[CommentRead],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_comments(
    dispute_id: uuid.UUID,
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: CommentSort = CommentSort("created_at"),  # type: ignore[valid-type]
) -> Page[CommentRead]:
    """Oldest first by default; a party's users see external comments only."""
    dispute = await service.get_dispute(session, principal, dispute_id)
    items, total = await comments_service.list_comments(
        session,
        principal,
        dispute,
        paging,
        order_by(sort, COMMENT_SORT, DisputeComment.id),
    )
    return Page(items=items, total=total, page=paging.page, limit=paging.limit)
