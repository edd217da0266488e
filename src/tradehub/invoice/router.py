"""/invoices: goods invoices recorded against confirmed contracts (api.md §7). An invoice the
caller may not see is a 404."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.invoice import adjustments_service as adjustments
from tradehub.invoice import dealings, service
from tradehub.invoice.credit_notes_schemas import InvoiceDetail
from tradehub.invoice.domain import InvoiceStatus
from tradehub.invoice.models import Invoice
from tradehub.invoice.repository import invoice_filters
from tradehub.invoice.schemas import InvoiceCreate, InvoiceSort
from tradehub.kit.concurrency import set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.idempotency import idempotent
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

router = api_router(tags=["invoices"])
# Open invoices lock their parties' identity fields and are carried past a year's close.
dealings.register()

_can_write = require("invoice:write")
CanRead = Annotated[Principal, Depends(require("invoice:read"))]
CanWrite = Annotated[Principal, Depends(_can_write)]
SORT = {
    "created_at": Invoice.created_at,
    "invoice_date": Invoice.invoice_date,
    "total_amount": Invoice.total_amount,
}
BASE = "/invoices"


@router.post(
    BASE,
    status_code=201,
    response_model=InvoiceDetail,
    # The permission first: the idempotency key belongs to the signed-in caller.
    dependencies=[Depends(_can_write), Depends(idempotent)],
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def create_invoice(
    body: InvoiceCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> InvoiceDetail:
    """The seller's invoice on a confirmed contract, with its GST and round-off, ``unpaid``.
    Accepts ``Idempotency-Key``."""
    invoice = await service.create_invoice(session, principal, actor_of(principal, caller), body)
    set_etag(response, invoice.version)
    return await adjustments.invoice_detail(session, invoice)


@router.get(BASE, response_model=Page[InvoiceDetail], responses=problem_responses(401, 403, 422))
async def list_invoices(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: InvoiceSort = InvoiceSort("-created_at"),  # type: ignore[valid-type]
    status: InvoiceStatus | None = None,
    organization_id: uuid.UUID | None = None,
    contract_id: uuid.UUID | None = None,
    seller_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    party_id: Annotated[uuid.UUID | None, Query(description="seller or buyer")] = None,
    date_from: Annotated[date | None, Query(description="invoice_date on or after")] = None,
    date_to: Annotated[date | None, Query(description="invoice_date on or before")] = None,
    invoice_no: Annotated[str | None, Query(max_length=50)] = None,
) -> Page[InvoiceDetail]:
    statement = invoice_filters(
        service.visible_invoices(principal),
        status=status,
        organization_id=organization_id,
        contract_id=contract_id,
        seller_id=seller_id,
        buyer_id=buyer_id,
        party_id=party_id,
        date_from=date_from,
        date_to=date_to,
        invoice_no=invoice_no,
    )
    items, total = await paginate(session, statement, paging, order_by(sort, SORT, Invoice.id))
    return Page(
        items=await adjustments.invoice_details(session, items),
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    f"{BASE}/{{invoice_id}}",
    response_model=InvoiceDetail,
    responses=problem_responses(401, 403, 404),
)
async def get_invoice(
    invoice_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> InvoiceDetail:
    """With ``paid_amount``, ``credited_amount``, ``outstanding_amount`` (total − paid −
    credited), its ``credit_notes``, and ``ETag: "<version>"``."""
    invoice = await service.get_invoice(session, principal, invoice_id)
    set_etag(response, invoice.version)
    return await adjustments.invoice_detail(session, invoice)
