"""/brokerage-bills: bills for the brokerage due from a partner on its confirmed contracts
(api.md §8, §10). A bill the caller may not see is a 404."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.brokerage import printing, service
from tradehub.brokerage.domain import BillStatus
from tradehub.brokerage.models import BrokerageBill
from tradehub.brokerage.repository import bill_filters
from tradehub.brokerage.schemas import BillCreate, BillRead, BillSort, ReasonIn
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

router = api_router(tags=["brokerage bills"])

CanRead = Annotated[Principal, Depends(require("brokerage:read"))]
CanWrite = Annotated[Principal, Depends(require("brokerage:write"))]
SORT = {
    "created_at": BrokerageBill.created_at,
    "bill_date": BrokerageBill.bill_date,
    "total_amount": BrokerageBill.total_amount,
    "bill_no": BrokerageBill.bill_no,
}
BASE = "/brokerage-bills"
ONE = "/brokerage-bills/{bill_id}"


async def _answer(
    session: DbSession, principal: Principal, bill: BrokerageBill, response: Response
) -> BillRead:
    set_etag(response, bill.version)
    return await service.bill_read(session, principal, bill)


@router.post(
    BASE, status_code=201, response_model=BillRead, responses=problem_responses(401, 403, 422)
)
async def create_bill(
    body: BillCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> BillRead:
    """Bills every unbilled commission of ``partner_id`` on the organization's confirmed
    contracts dated from ``period_from`` to ``period_to`` (both included): ``bill_no``
    ``BRK/26-27/00001`` (financial year of ``bill_date``, gapless), GST 18 % under SAC 996111
    split by the organization's state code against the partner's head-office branch's.
    Nothing due: 422 ``brokerage.nothing_to_bill``."""
    bill = await service.create_bill(session, actor_of(principal, caller), body)
    return await _answer(session, principal, bill, response)


@router.get(BASE, response_model=Page[BillRead], responses=problem_responses(401, 403, 422))
async def list_bills(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: BillSort = BillSort("-created_at"),  # type: ignore[valid-type]
    organization_id: uuid.UUID | None = None,
    partner_id: uuid.UUID | None = None,
    status: BillStatus | None = None,
    date_from: Annotated[date | None, Query(description="bill_date on or after")] = None,
    date_to: Annotated[date | None, Query(description="bill_date on or before")] = None,
    bill_no: Annotated[str | None, Query(max_length=30)] = None,
) -> Page[BillRead]:
    statement = bill_filters(
        service.visible_bills(principal),
        organization_id=organization_id,
        partner_id=partner_id,
        status=status,
        date_from=date_from,
        date_to=date_to,
        bill_no=bill_no,
    )
    items, total = await paginate(
        session, statement, paging, order_by(sort, SORT, BrokerageBill.id)
    )
    return Page(
        items=await service.bill_reads(session, principal, items),
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(ONE, response_model=BillRead, responses=problem_responses(401, 403, 404))
async def get_bill(
    bill_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> BillRead:
    """With its ``lines`` and ``ETag: "<version>"``."""
    bill = await service.get_bill(session, principal, bill_id)
    return await _answer(session, principal, bill, response)


@router.get(
    f"{ONE}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The printed bill"},
        **problem_responses(401, 403, 404),
    },
)
async def bill_pdf(bill_id: uuid.UUID, session: DbSession, principal: CanRead) -> Response:
    """The bill as a PDF: number, parties with GSTINs, lines, taxable value, GST split, total
    in figures and words. Rendered in a worker thread."""
    bill = await service.get_bill(session, principal, bill_id)
    content = await printing.bill_pdf(session, bill, await service.bill_lines(session, bill))
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{printing.pdf_file_name(bill)}"',
            "Cache-Control": "no-store",
        },
    )


@router.post(
    f"{ONE}/cancel",
    response_model=BillRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def cancel_bill(
    bill_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> BillRead:
    """unpaid → cancelled: its commissions may be billed again; the number is entered in the
    cancelled-numbers register. A bill with receipts against it: 409."""
    bill = await service.get_bill(session, principal, bill_id)
    check_if_match(request, bill.version)
    bill = await service.cancel_bill(session, actor_of(principal, caller), bill, reason=body.reason)
    return await _answer(session, principal, bill, response)
