"""/contracts: sales contracts with maker-checker confirmation, amendments and versions
(api.md §6). A contract the caller may not see is a 404."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.contract import dealings, printing, service
from tradehub.contract.domain import ContractStatus
from tradehub.contract.models import Contract
from tradehub.contract.repository import contract_filters
from tradehub.contract.schemas import (
    AmendIn,
    ContractCreate,
    ContractRead,
    ContractSort,
    ContractUpdate,
    ContractVersionRead,
    ReasonIn,
)
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.idempotency import idempotent
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

router = api_router(tags=["contracts"])
# Open contracts lock their parties' identity fields and are carried past a year's close.
dealings.register()

_can_write = require("contract:write")
CanRead = Annotated[Principal, Depends(require("contract:read"))]
CanWrite = Annotated[Principal, Depends(_can_write)]
CanApprove = Annotated[Principal, Depends(require("contract:approve"))]
SORT = {
    "created_at": Contract.created_at,
    "contract_date": Contract.contract_date,
    "contract_no": Contract.contract_no,
    "contract_value": Contract.contract_value,
}
BASE = "/contracts"
ONE = "/contracts/{contract_id}"
CHANGE = problem_responses(401, 403, 404, 409, 412, 422)


async def _answer(
    session: DbSession, principal: Principal, contract: Contract, response: Response
) -> ContractRead:
    set_etag(response, contract.version)
    return await service.contract_read(session, principal, contract)


@router.post(
    BASE,
    status_code=201,
    response_model=ContractRead,
    # The permission first: the idempotency key belongs to the signed-in caller.
    dependencies=[Depends(_can_write), Depends(idempotent)],
    responses=problem_responses(401, 403, 409, 422),
)
async def create_contract(
    body: ContractCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> ContractRead:
    """A draft (``contract_no: null``) with its ``contract_value``. Accepts
    ``Idempotency-Key``."""
    contract = await service.create_contract(session, actor_of(principal, caller), body)
    return await _answer(session, principal, contract, response)


@router.get(BASE, response_model=Page[ContractRead], responses=problem_responses(401, 403, 422))
async def list_contracts(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: ContractSort = ContractSort("-created_at"),  # type: ignore[valid-type]
    status: ContractStatus | None = None,
    organization_id: uuid.UUID | None = None,
    seller_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    party_id: Annotated[uuid.UUID | None, Query(description="seller or buyer")] = None,
    commodity_id: uuid.UUID | None = None,
    date_from: Annotated[date | None, Query(description="contract_date on or after")] = None,
    date_to: Annotated[date | None, Query(description="contract_date on or before")] = None,
    contract_no: Annotated[str | None, Query(max_length=30)] = None,
) -> Page[ContractRead]:
    statement = contract_filters(
        service.visible_contracts(principal),
        status=status,
        organization_id=organization_id,
        seller_id=seller_id,
        buyer_id=buyer_id,
        party_id=party_id,
        commodity_id=commodity_id,
        date_from=date_from,
        date_to=date_to,
        contract_no=contract_no,
    )
    items, total = await paginate(session, statement, paging, order_by(sort, SORT, Contract.id))
    return Page(
        items=await service.contract_reads(session, principal, items),
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(ONE, response_model=ContractRead, responses=problem_responses(401, 403, 404))
async def get_contract(
    contract_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> ContractRead:
    """With ``commissions`` (recorded at confirmation; a partner's users see their own side's
    only) and ``ETag: "<version>"``."""
    contract = await service.get_contract(session, principal, contract_id)
    return await _answer(session, principal, contract, response)


@router.get(
    f"{ONE}/pdf",
    response_class=Response,
    responses={
        200: {"content": {"application/pdf": {}}, "description": "The printed contract"},
        **problem_responses(401, 403, 404),
    },
)
async def contract_pdf(contract_id: uuid.UUID, session: DbSession, principal: CanRead) -> Response:
    """The sales contract as a PDF: number, date, parties with GSTINs, goods, value and the
    caller's view of the brokerage. Rendered in a worker thread."""
    contract = await service.get_contract(session, principal, contract_id)
    content = await printing.contract_pdf(session, principal, contract)
    name = printing.pdf_file_name(contract)
    return Response(
        content,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.patch(ONE, response_model=ContractRead, responses=CHANGE)
async def update_contract(
    contract_id: uuid.UUID,
    body: ContractUpdate,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> ContractRead:
    """Only a draft or rejected contract is edited directly; a confirmed one is amended."""
    contract = await service.get_contract(session, principal, contract_id)
    check_if_match(request, contract.version)
    contract = await service.update_contract(session, actor_of(principal, caller), contract, body)
    return await _answer(session, principal, contract, response)


@router.post(f"{ONE}/submit", response_model=ContractRead, responses=CHANGE)
async def submit_contract(
    contract_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> ContractRead:
    """draft or rejected → pending_approval, opening an approval request."""
    contract = await service.get_contract(session, principal, contract_id)
    check_if_match(request, contract.version)
    contract = await service.submit(session, actor_of(principal, caller), contract)
    return await _answer(session, principal, contract, response)


@router.post(f"{ONE}/approve", response_model=ContractRead, responses=CHANGE)
async def approve_contract(
    contract_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanApprove,
    caller: CallerDep,
    response: Response,
) -> ContractRead:
    """pending_approval → confirmed with its ``contract_no`` and brokerage. Whoever created or
    submitted it may not approve it: 403 ``approval.self_approval``."""
    contract = await service.get_contract(session, principal, contract_id)
    check_if_match(request, contract.version)
    contract = await service.approve(session, actor_of(principal, caller), contract)
    return await _answer(session, principal, contract, response)


@router.post(f"{ONE}/reject", response_model=ContractRead, responses=CHANGE)
async def reject_contract(
    contract_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanApprove,
    caller: CallerDep,
    response: Response,
) -> ContractRead:
    """pending_approval → rejected with the reason; it may be edited and submitted again."""
    contract = await service.get_contract(session, principal, contract_id)
    check_if_match(request, contract.version)
    contract = await service.reject(
        session, actor_of(principal, caller), contract, reason=body.reason
    )
    return await _answer(session, principal, contract, response)


@router.post(f"{ONE}/amend", response_model=ContractRead, responses=CHANGE)
async def amend_contract(
    contract_id: uuid.UUID,
    body: AmendIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> ContractRead:
    """A confirmed contract's next version: same id, number and status; ``revision`` and
    ``version`` go up; the earlier versions stay at ``/versions``."""
    contract = await service.get_contract(session, principal, contract_id)
    check_if_match(request, contract.version)
    contract = await service.amend(
        session,
        actor_of(principal, caller),
        contract,
        changes=body.changes,
        reason=body.reason,
    )
    return await _answer(session, principal, contract, response)


@router.post(f"{ONE}/cancel", response_model=ContractRead, responses=CHANGE)
async def cancel_contract(
    contract_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> ContractRead:
    """draft, pending_approval or confirmed → cancelled."""
    contract = await service.get_contract(session, principal, contract_id)
    check_if_match(request, contract.version)
    contract = await service.cancel(
        session, actor_of(principal, caller), contract, reason=body.reason
    )
    return await _answer(session, principal, contract, response)


@router.get(
    f"{ONE}/versions",
    response_model=Page[ContractVersionRead],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_versions(
    contract_id: uuid.UUID, session: DbSession, principal: CanRead, paging: Paging
) -> Page[ContractVersionRead]:
    """Every confirmed version, oldest first (1 = as approved, then one per amendment)."""
    contract = await service.get_contract(session, principal, contract_id)
    items, total = await service.versions(session, principal, contract, paging)
    return Page(items=items, total=total, page=paging.page, limit=paging.limit)


@router.get(
    f"{ONE}/versions/{{revision}}",
    response_model=ContractVersionRead,
    responses=problem_responses(401, 403, 404),
)
async def get_version(
    contract_id: uuid.UUID,
    revision: Annotated[int, Path(ge=1)],
    session: DbSession,
    principal: CanRead,
) -> ContractVersionRead:
    contract = await service.get_contract(session, principal, contract_id)
    return await service.version(session, principal, contract, revision)
