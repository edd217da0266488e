"""/trade-desk/requirements: buyers' requirements (api.md §9). Unseen ones are 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.trade_desk import requirements_service as service
from tradehub.trade_desk.domain import RequirementStatus
from tradehub.trade_desk.models import Requirement
from tradehub.trade_desk.repository import requirement_filters
from tradehub.trade_desk.schemas import (
    ReasonIn,
    RequirementCreate,
    RequirementRead,
    RequirementSort,
)

router = api_router(tags=["trade desk"])

CanRead = Annotated[Principal, Depends(require("trade_desk:read"))]
CanWrite = Annotated[Principal, Depends(require("trade_desk:write"))]
SORT = {
    "created_at": Requirement.created_at,
    "valid_until": Requirement.valid_until,
    "bales": Requirement.bales,
    "best_match_score": Requirement.best_match_score,
}
BASE = "/trade-desk/requirements"
ONE = "/trade-desk/requirements/{requirement_id}"


def _answer(requirement: Requirement, principal: Principal, response: Response) -> RequirementRead:
    set_etag(response, requirement.version)
    return service.requirement_read(requirement, principal)


@router.post(
    BASE,
    status_code=201,
    response_model=RequirementRead,
    responses=problem_responses(401, 403, 422),
)
async def create_requirement(
    body: RequirementCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> RequirementRead:
    """A buyer's requirement, ``status: "open"``. Parameter ranges lie within the commodity's
    quality parameter bounds (422 naming the field); ``payment_days`` is required for credit."""
    requirement = await service.create_requirement(
        session, actor_of(principal, caller), principal, body
    )
    return _answer(requirement, principal, response)


@router.get(BASE, response_model=Page[RequirementRead], responses=problem_responses(401, 403, 422))
async def list_requirements(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: RequirementSort = RequirementSort("-created_at"),  # type: ignore[valid-type]
    status: RequirementStatus | None = None,
    organization_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    commodity_id: uuid.UUID | None = None,
    station_id: uuid.UUID | None = None,
) -> Page[RequirementRead]:
    statement = requirement_filters(
        service.visible_requirements(principal),
        status=status,
        organization_id=organization_id,
        buyer_id=buyer_id,
        commodity_id=commodity_id,
        station_id=station_id,
    )
    items, total = await paginate(session, statement, paging, order_by(sort, SORT, Requirement.id))
    return Page(
        items=[service.requirement_read(r, principal) for r in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(ONE, response_model=RequirementRead, responses=problem_responses(401, 403, 404))
async def get_requirement(
    requirement_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> RequirementRead:
    requirement = await service.get_requirement(session, principal, requirement_id)
    return _answer(requirement, principal, response)


@router.post(
    f"{ONE}/cancel",
    response_model=RequirementRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def cancel_requirement(
    requirement_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> RequirementRead:
    """An active requirement → ``cancelled`` by its buyer or staff; its open offers are
    rejected."""
    requirement = await service.get_requirement(session, principal, requirement_id)
    check_if_match(request, requirement.version)
    requirement = await service.cancel_requirement(
        session, actor_of(principal, caller), principal, requirement, reason=body.reason
    )
    return _answer(requirement, principal, response)
