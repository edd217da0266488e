"""/payments: payments between parties, their allocations to invoices, and reversal
(api.md §7). A payment the caller may not see is a 404."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.idempotency import idempotent
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.payment import service
from tradehub.payment.domain import Method, PaymentStatus
from tradehub.payment.models import Payment
from tradehub.payment.repository import payment_filters
from tradehub.payment.schemas import PaymentCreate, PaymentRead, PaymentSort, ReverseIn

router = api_router(tags=["payments"])

_can_write = require("payment:write")
CanRead = Annotated[Principal, Depends(require("payment:read"))]
CanWrite = Annotated[Principal, Depends(_can_write)]
SORT = {
    "created_at": Payment.created_at,
    "payment_date": Payment.payment_date,
    "amount": Payment.amount,
}
BASE = "/payments"
ONE = "/payments/{payment_id}"


@router.post(
    BASE,
    status_code=201,
    response_model=PaymentRead,
    dependencies=[Depends(_can_write), Depends(idempotent)],
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def create_payment(
    body: PaymentCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> PaymentRead:
    """A payment from the buyer to the seller, allocated to that pair's invoices; what is not
    allocated stays on account (``unallocated_amount``). Accepts ``Idempotency-Key``."""
    payment = await service.create_payment(session, principal, actor_of(principal, caller), body)
    set_etag(response, payment.version)
    return await service.payment_read(session, payment)


@router.get(BASE, response_model=Page[PaymentRead], responses=problem_responses(401, 403, 422))
async def list_payments(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: PaymentSort = PaymentSort("-created_at"),  # type: ignore[valid-type]
    status: PaymentStatus | None = None,
    organization_id: uuid.UUID | None = None,
    payer_id: uuid.UUID | None = None,
    payee_id: uuid.UUID | None = None,
    party_id: Annotated[uuid.UUID | None, Query(description="payer or payee")] = None,
    invoice_id: Annotated[uuid.UUID | None, Query(description="allocated to it")] = None,
    method: Method | None = None,
    date_from: Annotated[date | None, Query(description="payment_date on or after")] = None,
    date_to: Annotated[date | None, Query(description="payment_date on or before")] = None,
) -> Page[PaymentRead]:
    statement = payment_filters(
        service.visible_payments(principal),
        status=status,
        organization_id=organization_id,
        payer_id=payer_id,
        payee_id=payee_id,
        party_id=party_id,
        invoice_id=invoice_id,
        method=method,
        date_from=date_from,
        date_to=date_to,
    )
    items, total = await paginate(session, statement, paging, order_by(sort, SORT, Payment.id))
    return Page(
        items=await service.payment_reads(session, items),
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(ONE, response_model=PaymentRead, responses=problem_responses(401, 403, 404))
async def get_payment(
    payment_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> PaymentRead:
    """With its allocations and ``ETag: "<version>"``."""
    payment = await service.get_payment(session, principal, payment_id)
    set_etag(response, payment.version)
    return await service.payment_read(session, payment)


@router.post(
    f"{ONE}/reverse",
    response_model=PaymentRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def reverse_payment(
    payment_id: uuid.UUID,
    body: ReverseIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> PaymentRead:
    """Undo the payment's allocations (nothing is deleted): the invoices' outstanding amounts
    and statuses come back; the payment becomes ``reversed``. Twice: 409
    ``payment.already_reversed``. Honours ``If-Match``."""
    payment = await service.get_payment(session, principal, payment_id)
    check_if_match(request, payment.version)
    payment = await service.reverse(
        session, principal, actor_of(principal, caller), payment, reason=body.reason
    )
    set_etag(response, payment.version)
    return await service.payment_read(session, payment)
