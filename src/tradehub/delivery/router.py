"""/delivery-orders: DOs against contracts, scheduled → dispatched → delivered | cancelled,
and each DO's CCI payment advice. A DO the caller may not see is a 404."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.delivery import cci_figures, service
from tradehub.delivery.cci_schemas import PaymentAdviceRead
from tradehub.delivery.domain import DeliveryStatus
from tradehub.delivery.models import DeliveryOrder
from tradehub.delivery.repository import delivery_filters
from tradehub.delivery.schemas import (
    CancelIn,
    DeliveryOrderCreate,
    DeliveryOrderRead,
    DeliveryOrderSort,
    DispatchIn,
)
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.idempotency import idempotent
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

router = api_router(tags=["delivery orders"])

_can_write = require("delivery:write")
CanRead = Annotated[Principal, Depends(require("delivery:read"))]
CanWrite = Annotated[Principal, Depends(_can_write)]
SORT = {
    "created_at": DeliveryOrder.created_at,
    "do_no": DeliveryOrder.do_no,
    "lifting_from": DeliveryOrder.lifting_from,
}
BASE = "/delivery-orders"
ONE = "/delivery-orders/{delivery_order_id}"
CHANGE = problem_responses(401, 403, 404, 409, 412, 422)


def _answer(order: DeliveryOrder, response: Response) -> DeliveryOrderRead:
    set_etag(response, order.version)
    return service.delivery_order_read(order)


@router.post(
    BASE,
    status_code=201,
    response_model=DeliveryOrderRead,
    dependencies=[Depends(_can_write), Depends(idempotent)],
    responses=problem_responses(401, 403, 404, 422),
)
async def create_delivery_order(
    body: DeliveryOrderCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> DeliveryOrderRead:
    """A ``scheduled`` DO numbered ``DO/26-27/00001``. 422 ``delivery_order.exceeds_contract``
    past the contract's bales, ``delivery_order.emd_short`` while a CCI contract's EMD is
    short, ``delivery_order.contract_not_confirmed``. Accepts ``Idempotency-Key``."""
    order = await service.create(session, principal, actor_of(principal, caller), body)
    return _answer(order, response)


@router.get(BASE, response_model=Page[DeliveryOrderRead], responses=problem_responses(401, 403))
async def list_delivery_orders(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: DeliveryOrderSort = DeliveryOrderSort("-created_at"),  # type: ignore[valid-type]
    contract_id: uuid.UUID | None = None,
    status: DeliveryStatus | None = None,
) -> Page[DeliveryOrderRead]:
    statement = delivery_filters(
        service.visible_delivery_orders(principal), contract_id=contract_id, status=status
    )
    items, total = await paginate(
        session, statement, paging, order_by(sort, SORT, DeliveryOrder.id)
    )
    return Page(
        items=[service.delivery_order_read(o) for o in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(ONE, response_model=DeliveryOrderRead, responses=problem_responses(401, 403, 404))
async def get_delivery_order(
    delivery_order_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> DeliveryOrderRead:
    """With ``ETag: "<version>"``."""
    return _answer(
        await service.get_delivery_order(session, principal, delivery_order_id), response
    )


@router.post(f"{ONE}/dispatch", response_model=DeliveryOrderRead, responses=CHANGE)
async def dispatch_delivery_order(
    delivery_order_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
    body: DispatchIn | None = None,
) -> DeliveryOrderRead:
    """scheduled → dispatched; ``vehicle`` is needed unless the DO names one (422
    ``delivery_order.vehicle_required``). Honours ``If-Match``."""
    order = await service.get_delivery_order(session, principal, delivery_order_id)
    check_if_match(request, order.version)
    vehicle = body.vehicle if body is not None else None
    order = await service.dispatch(session, actor_of(principal, caller), order, vehicle=vehicle)
    return _answer(order, response)


@router.post(f"{ONE}/deliver", response_model=DeliveryOrderRead, responses=CHANGE)
async def deliver_delivery_order(
    delivery_order_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> DeliveryOrderRead:
    """dispatched → delivered (final). Honours ``If-Match``."""
    order = await service.get_delivery_order(session, principal, delivery_order_id)
    check_if_match(request, order.version)
    order = await service.deliver(session, actor_of(principal, caller), order)
    return _answer(order, response)


@router.post(f"{ONE}/cancel", response_model=DeliveryOrderRead, responses=CHANGE)
async def cancel_delivery_order(
    delivery_order_id: uuid.UUID,
    body: CancelIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> DeliveryOrderRead:
    """scheduled or dispatched → cancelled (final); its bales return to the contract.
    Honours ``If-Match``."""
    order = await service.get_delivery_order(session, principal, delivery_order_id)
    check_if_match(request, order.version)
    order = await service.cancel(session, actor_of(principal, caller), order, reason=body.reason)
    return _answer(order, response)


@router.get(
    f"{ONE}/payment-advice",
    response_model=PaymentAdviceRead,
    responses=problem_responses(401, 403, 404, 409),
)
async def delivery_order_payment_advice(
    delivery_order_id: uuid.UUID,
    session: DbSession,
    principal: CanRead,
    payment_date: Annotated[
        date | None, Query(description="Default: the DO's lifting_from")
    ] = None,
) -> PaymentAdviceRead:
    """What the buyer pays for this DO of a CCI contract (domain.md §3.6): DO value + GST −
    EMD for the DO + carrying with GST. 409 ``cci.not_cci_contract`` otherwise."""
    order = await service.get_delivery_order(session, principal, delivery_order_id)
    contract = await service.contract_of(session, order)
    return await cci_figures.payment_advice(
        session,
        contract,
        do_bales=order.bales,
        payment_date=payment_date or order.lifting_from,
        order=order,
    )
