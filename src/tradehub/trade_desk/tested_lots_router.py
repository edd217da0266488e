"""/trade-desk/tested-lots: sellers' pre-tested stock (api.md §9). Unseen lots are 404."""

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
from tradehub.trade_desk import tested_lots_service as service
from tradehub.trade_desk.domain import LotStatus
from tradehub.trade_desk.models import TestedLot
from tradehub.trade_desk.repository import lot_filters
from tradehub.trade_desk.schemas import (
    TestedLotCreate,
    TestedLotRead,
    TestedLotSort,
    TestedLotUpdate,
)

router = api_router(tags=["trade desk"])

CanRead = Annotated[Principal, Depends(require("trade_desk:read"))]
CanWrite = Annotated[Principal, Depends(require("trade_desk:write"))]
SORT = {
    "created_at": TestedLot.created_at,
    "valid_until": TestedLot.valid_until,
    "test_date": TestedLot.test_date,
}
BASE = "/trade-desk/tested-lots"
ONE = "/trade-desk/tested-lots/{lot_id}"


def _answer(lot: TestedLot, principal: Principal, response: Response) -> TestedLotRead:
    set_etag(response, lot.version)
    return service.tested_lot_read(lot, principal)


@router.post(
    BASE, status_code=201, response_model=TestedLotRead, responses=problem_responses(401, 403, 422)
)
async def create_tested_lot(
    body: TestedLotCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> TestedLotRead:
    """A seller's tested lot (``active``) with its lab values within the commodity's bounds.
    Attach the test report with ``POST /documents`` (entity_type ``tested_lot``), then name it
    with ``PATCH``."""
    lot = await service.create_tested_lot(session, actor_of(principal, caller), principal, body)
    return _answer(lot, principal, response)


@router.get(BASE, response_model=Page[TestedLotRead], responses=problem_responses(401, 403, 422))
async def list_tested_lots(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: TestedLotSort = TestedLotSort("-created_at"),  # type: ignore[valid-type]
    status: LotStatus | None = None,
    seller_id: uuid.UUID | None = None,
    commodity_id: uuid.UUID | None = None,
    station_id: uuid.UUID | None = None,
) -> Page[TestedLotRead]:
    statement = lot_filters(
        service.visible_tested_lots(principal),
        status=status,
        seller_id=seller_id,
        commodity_id=commodity_id,
        station_id=station_id,
    )
    items, total = await paginate(session, statement, paging, order_by(sort, SORT, TestedLot.id))
    return Page(
        items=[service.tested_lot_read(lot, principal) for lot in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(ONE, response_model=TestedLotRead, responses=problem_responses(401, 403, 404))
async def get_tested_lot(
    lot_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> TestedLotRead:
    lot = await service.get_tested_lot(session, principal, lot_id)
    return _answer(lot, principal, response)


@router.patch(
    ONE, response_model=TestedLotRead, responses=problem_responses(401, 403, 404, 412, 422)
)
async def update_tested_lot(
    lot_id: uuid.UUID,
    body: TestedLotUpdate,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> TestedLotRead:
    """The test report document, the price or the validity (a renewed validity brings an
    expired lot back)."""
    lot = await service.get_tested_lot(session, principal, lot_id)
    check_if_match(request, lot.version)
    lot = await service.update_tested_lot(
        session, actor_of(principal, caller), principal, lot, body
    )
    return _answer(lot, principal, response)
