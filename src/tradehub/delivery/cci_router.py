"""CCI routes: partners' CCI profiles, EMD deposits of a CCI contract, and the figures of
domain.md §3.6 computed for a contract (read-only). A contract whose seller is not the CCI
answers 409 ``cci.not_cci_contract``; one the caller may not see, 404."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.contract import service as contracts
from tradehub.delivery import cci_figures, cci_service, repository
from tradehub.delivery.cci_schemas import (
    CarryingRead,
    CciProfileIn,
    CciProfileRead,
    EmdDepositIn,
    EmdDepositRead,
    EmdRead,
    LateLiftingRead,
    MoistureIn,
    MoistureRead,
    PaymentAdviceRead,
)
from tradehub.delivery.models import EmdDeposit
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.idempotency import idempotent
from tradehub.kit.pagination import Page, Paging, order_by, paginate, sort_enum
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.partner import service as partners

router = api_router(tags=["CCI terms"])

_can_record_emd = require("payment:write")
ContractReader = Annotated[Principal, Depends(require("contract:read"))]
PartnerReader = Annotated[Principal, Depends(require("partner:read"))]
MasterWriter = Annotated[Principal, Depends(require("master:write"))]
EmdRecorder = Annotated[Principal, Depends(_can_record_emd)]
PROFILE = "/partners/{partner_id}/cci-profile"
DEPOSITS = "/contracts/{contract_id}/emd-deposits"
CCI = "/contracts/{contract_id}/cci"
FIGURE = problem_responses(401, 403, 404, 409)
DepositSort = sort_enum("DepositSort", ["date"])
LiftingDate = Annotated[date, Query(description="The day the bales are (to be) lifted")]


# --- profiles --------------------------------------------------------------------------------


@router.get(PROFILE, response_model=CciProfileRead, responses=problem_responses(401, 403, 404))
async def get_cci_profile(
    partner_id: uuid.UUID, session: DbSession, principal: PartnerReader, response: Response
) -> CciProfileRead:
    """Whether the partner is the CCI, and its EMD buyer class (``version`` 0: never set)."""
    partner = await partners.get_partner(session, principal, partner_id)
    read = await cci_service.profile_read(session, partner)
    set_etag(response, read.version)
    return read


@router.put(
    PROFILE, response_model=CciProfileRead, responses=problem_responses(401, 403, 404, 412, 422)
)
async def put_cci_profile(
    partner_id: uuid.UUID,
    body: CciProfileIn,
    request: Request,
    session: DbSession,
    principal: MasterWriter,
    caller: CallerDep,
    response: Response,
) -> CciProfileRead:
    """Mark the partner as the CCI (a seller or trader) and/or set its EMD buyer class (a
    buyer or trader; 422 ``cci_profile.not_a_seller`` / ``not_a_buyer``). Honours
    ``If-Match`` (``"0"`` before the first save)."""
    partner = await partners.get_partner(session, principal, partner_id)
    check_if_match(request, await cci_service.profile_version(session, partner))
    read = await cci_service.set_profile(session, actor_of(principal, caller), partner, body)
    set_etag(response, read.version)
    return read


# --- EMD deposits ----------------------------------------------------------------------------


@router.post(
    DEPOSITS,
    status_code=201,
    response_model=EmdDepositRead,
    dependencies=[Depends(_can_record_emd), Depends(idempotent)],
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def record_emd_deposit(
    contract_id: uuid.UUID,
    body: EmdDepositIn,
    session: DbSession,
    principal: EmdRecorder,
    caller: CallerDep,
) -> EmdDepositRead:
    """EMD received for a confirmed CCI contract (``date`` from the contract date to today).
    Accepts ``Idempotency-Key``."""
    deposit = await cci_service.record_deposit(
        session, principal, actor_of(principal, caller), contract_id, body
    )
    return cci_service.deposit_read(deposit)


@router.get(DEPOSITS, response_model=Page[EmdDepositRead], responses=FIGURE)
async def list_emd_deposits(
    contract_id: uuid.UUID,
    session: DbSession,
    principal: ContractReader,
    paging: Paging,
    sort: DepositSort = DepositSort("date"),  # type: ignore[valid-type]
) -> Page[EmdDepositRead]:
    contract = await contracts.get_contract(session, principal, contract_id)
    await cci_service.basis(session, contract)
    items, total = await paginate(
        session,
        repository.deposits_statement(contract.id),
        paging,
        order_by(sort, {"date": EmdDeposit.received_on}, EmdDeposit.id),
    )
    return Page(
        items=[cci_service.deposit_read(d) for d in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


# --- figures ---------------------------------------------------------------------------------


@router.get(f"{CCI}/emd", response_model=EmdRead, responses=FIGURE)
async def cci_emd(
    contract_id: uuid.UUID,
    session: DbSession,
    principal: ContractReader,
    as_of: Annotated[date | None, Query(description="Default: today (India)")] = None,
) -> EmdRead:
    """EMD required by the buyer's class, received, short, status, late interest as of a day."""
    contract = await contracts.get_contract(session, principal, contract_id)
    return await cci_figures.emd_read(
        session, contract, as_of=as_of or cci_service.today_in_india()
    )


@router.get(f"{CCI}/carrying-charges", response_model=CarryingRead, responses=FIGURE)
async def cci_carrying_charges(
    contract_id: uuid.UUID, session: DbSession, principal: ContractReader, lifting_date: LiftingDate
) -> CarryingRead:
    """Carrying on the unlifted bales up to ``lifting_date``, with GST, per bale and per 100."""
    contract = await contracts.get_contract(session, principal, contract_id)
    return await cci_figures.carrying_read(session, contract, lifting_date=lifting_date)


@router.get(f"{CCI}/late-lifting", response_model=LateLiftingRead, responses=FIGURE)
async def cci_late_lifting(
    contract_id: uuid.UUID, session: DbSession, principal: ContractReader, lifting_date: LiftingDate
) -> LateLiftingRead:
    """Late-lifting charge on the unlifted bales lifted on ``lifting_date``."""
    contract = await contracts.get_contract(session, principal, contract_id)
    return await cci_figures.late_lifting_read(session, contract, lifting_date=lifting_date)


@router.post(f"{CCI}/moisture-adjustment", response_model=MoistureRead, responses=FIGURE)
async def cci_moisture_adjustment(
    contract_id: uuid.UUID, body: MoistureIn, session: DbSession, principal: ContractReader
) -> MoistureRead:
    """Discount above the moisture band, premium below it: |Δ %| / 100 × the goods' value
    (domain.md Decision 7). Computes only; nothing is stored."""
    contract = await contracts.get_contract(session, principal, contract_id)
    return await cci_figures.moisture_read(session, contract, body)


@router.get(f"{CCI}/payment-advice", response_model=PaymentAdviceRead, responses=FIGURE)
async def cci_payment_advice(
    contract_id: uuid.UUID,
    session: DbSession,
    principal: ContractReader,
    bales: Annotated[int, Query(gt=0, le=10_000_000, description="Bales of the proposed DO")],
    payment_date: Annotated[date | None, Query(description="Default: today (India)")] = None,
) -> PaymentAdviceRead:
    """The payment advice of a proposed DO of ``bales``, paid on ``payment_date``."""
    contract = await contracts.get_contract(session, principal, contract_id)
    return await cci_figures.payment_advice(
        session,
        contract,
        do_bales=bales,
        payment_date=payment_date or cci_service.today_in_india(),
    )
