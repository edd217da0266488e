"""Invoice cancellation and credit notes: ``POST /invoices/{id}/cancel``,
``POST|GET /invoices/{id}/credit-notes``, ``GET /credit-notes``, ``GET /credit-notes/{id}`` and
``POST /credit-notes/{id}/cancel``. What the caller may not see is a 404, as for invoices."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response
from sqlalchemy import Select

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.invoice import adjustments_service as service
from tradehub.invoice import service as invoices
from tradehub.invoice.credit_notes_domain import CreditNoteStatus
from tradehub.invoice.credit_notes_models import CreditNote
from tradehub.invoice.credit_notes_repository import credit_note_filters
from tradehub.invoice.credit_notes_schemas import (
    CreditNoteCreate,
    CreditNoteRead,
    CreditNoteSort,
    InvoiceDetail,
    ReasonIn,
)
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, PageParams, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

router = api_router(tags=["invoices"])

CanRead = Annotated[Principal, Depends(require("invoice:read"))]
CanWrite = Annotated[Principal, Depends(require("invoice:write"))]
SORT = {
    "created_at": CreditNote.created_at,
    "date": CreditNote.credit_note_date,
    "total_amount": CreditNote.total_amount,
}
ONE_INVOICE = "/invoices/{invoice_id}"
NOTES = "/credit-notes"
ONE_NOTE = "/credit-notes/{credit_note_id}"
CHANGE = problem_responses(401, 403, 404, 409, 412, 422)


@router.post(f"{ONE_INVOICE}/cancel", response_model=InvoiceDetail, responses=CHANGE)
async def cancel_invoice(
    invoice_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> InvoiceDetail:
    """→ ``cancelled`` when nothing is allocated to it (409 ``invoice.has_payments``) and no
    credit note is live (409 ``invoice.has_credit_notes``); its bales go back to the contract
    and the seller may issue its number again. Honours ``If-Match``."""
    invoice = await invoices.get_invoice(session, principal, invoice_id)
    check_if_match(request, invoice.version)
    invoice = await service.cancel_invoice(
        session, principal, actor_of(principal, caller), invoice, reason=body.reason
    )
    set_etag(response, invoice.version)
    return await service.invoice_detail(session, invoice)


@router.post(
    f"{ONE_INVOICE}/credit-notes",
    status_code=201,
    response_model=CreditNoteRead,
    responses=CHANGE,
)
async def issue_credit_note(
    invoice_id: uuid.UUID,
    body: CreditNoteCreate,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> CreditNoteRead:
    """The seller's credit note: GST split as on the invoice, total rounded to the rupee, at
    most the invoice's outstanding (409 ``credit_note.exceeds_outstanding``); the invoice's
    ``credited_amount`` and status follow. ``If-Match`` is the invoice's ETag."""
    invoice = await invoices.get_invoice(session, principal, invoice_id)
    check_if_match(request, invoice.version)
    note = await service.issue_credit_note(
        session, principal, actor_of(principal, caller), invoice, body
    )
    set_etag(response, note.version)
    return service.credit_note_read(note)


@router.get(
    f"{ONE_INVOICE}/credit-notes",
    response_model=Page[CreditNoteRead],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_invoice_credit_notes(
    invoice_id: uuid.UUID,
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: CreditNoteSort = CreditNoteSort("created_at"),  # type: ignore[valid-type]
) -> Page[CreditNoteRead]:
    """The invoice's credit notes (oldest first by default)."""
    invoice = await invoices.get_invoice(session, principal, invoice_id)
    statement = credit_note_filters(service.visible_credit_notes(principal), invoice_id=invoice.id)
    return await _page(session, statement, paging, sort)


@router.get(NOTES, response_model=Page[CreditNoteRead], responses=problem_responses(401, 403, 422))
async def list_credit_notes(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: CreditNoteSort = CreditNoteSort("-created_at"),  # type: ignore[valid-type]
    invoice_id: uuid.UUID | None = None,
    status: CreditNoteStatus | None = None,
    organization_id: uuid.UUID | None = None,
    seller_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    party_id: Annotated[uuid.UUID | None, Query(description="seller or buyer")] = None,
    date_from: Annotated[date | None, Query(description="date on or after")] = None,
    date_to: Annotated[date | None, Query(description="date on or before")] = None,
    credit_note_no: Annotated[str | None, Query(max_length=50)] = None,
) -> Page[CreditNoteRead]:
    statement = credit_note_filters(
        service.visible_credit_notes(principal),
        invoice_id=invoice_id,
        status=status,
        organization_id=organization_id,
        seller_id=seller_id,
        buyer_id=buyer_id,
        party_id=party_id,
        date_from=date_from,
        date_to=date_to,
        credit_note_no=credit_note_no,
    )
    return await _page(session, statement, paging, sort)


@router.get(ONE_NOTE, response_model=CreditNoteRead, responses=problem_responses(401, 403, 404))
async def get_credit_note(
    credit_note_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> CreditNoteRead:
    note = await service.get_credit_note(session, principal, credit_note_id)
    set_etag(response, note.version)
    return service.credit_note_read(note)


@router.post(f"{ONE_NOTE}/cancel", response_model=CreditNoteRead, responses=CHANGE)
async def cancel_credit_note(
    credit_note_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> CreditNoteRead:
    """issued → cancelled: its total is owed on the invoice again; its number is free."""
    note = await service.get_credit_note(session, principal, credit_note_id)
    check_if_match(request, note.version)
    note = await service.cancel_credit_note(
        session, actor_of(principal, caller), note, reason=body.reason
    )
    set_etag(response, note.version)
    return service.credit_note_read(note)


async def _page(
    session: DbSession, statement: Select[Any], paging: PageParams, sort: StrEnum
) -> Page[CreditNoteRead]:
    items, total = await paginate(session, statement, paging, order_by(sort, SORT, CreditNote.id))
    return Page(
        items=[service.credit_note_read(n) for n in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )
