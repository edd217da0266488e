"""/trade-desk/offers: sellers' offers and their negotiation (api.md §9). Unseen ones are 404;
a party acts only for its own side (403); an expired offer is 410, a decided one 409."""

from __future__ import annotations

import uuid
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
from tradehub.trade_desk import negotiation_service as negotiation
from tradehub.trade_desk import offers_service as service
from tradehub.trade_desk.domain import OfferStatus
from tradehub.trade_desk.models import Offer, OfferRound
from tradehub.trade_desk.repository import offer_filters, rounds_statement
from tradehub.trade_desk.schemas import (
    AcceptIn,
    CounterIn,
    OfferCreate,
    OfferRead,
    OfferSort,
    RejectIn,
    RoundRead,
    WithdrawIn,
)

router = api_router(tags=["trade desk"])

_can_write = require("trade_desk:write")
CanRead = Annotated[Principal, Depends(require("trade_desk:read"))]
CanWrite = Annotated[Principal, Depends(_can_write)]
SORT = {
    "created_at": Offer.created_at,
    "valid_until": Offer.valid_until,
    "price": Offer.last_price,
    "match_score": Offer.match_score,
}
BASE = "/trade-desk/offers"
ONE = "/trade-desk/offers/{offer_id}"
STEP = problem_responses(401, 403, 404, 409, 410, 412, 422)


def _answer(offer: Offer, principal: Principal, response: Response) -> OfferRead:
    set_etag(response, offer.version)
    return service.offer_read(offer, principal)


@router.post(
    BASE,
    status_code=201,
    response_model=OfferRead,
    # The permission first: the idempotency key belongs to the signed-in caller.
    dependencies=[Depends(_can_write), Depends(idempotent)],
    responses=problem_responses(401, 403, 404, 409, 410, 422),
)
async def create_offer(
    body: OfferCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> OfferRead:
    """An offer on a requirement (with ``match_score`` and ``score_breakdown``) or an open
    offer (``requirement_id: null``). One open offer per seller and requirement (409
    ``offer.duplicate``). Accepts ``Idempotency-Key``."""
    offer = await service.create_offer(session, actor_of(principal, caller), principal, body)
    return _answer(offer, principal, response)


@router.get(BASE, response_model=Page[OfferRead], responses=problem_responses(401, 403, 422))
async def list_offers(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: OfferSort = OfferSort("-created_at"),  # type: ignore[valid-type]
    status: OfferStatus | None = None,
    requirement_id: uuid.UUID | None = None,
    open_offers: Annotated[
        bool | None, Query(alias="open", description="true: open offers only; false: tied only")
    ] = None,
    seller_id: uuid.UUID | None = None,
    buyer_id: Annotated[uuid.UUID | None, Query(description="the requirement's buyer")] = None,
    commodity_id: uuid.UUID | None = None,
    tested_lot_id: uuid.UUID | None = None,
) -> Page[OfferRead]:
    statement = offer_filters(
        service.visible_offers(principal),
        status=status,
        requirement_id=requirement_id,
        open_only=open_offers,
        seller_id=seller_id,
        buyer_id=buyer_id,
        commodity_id=commodity_id,
        tested_lot_id=tested_lot_id,
    )
    items, total = await paginate(session, statement, paging, order_by(sort, SORT, Offer.id))
    return Page(
        items=[service.offer_read(o, principal) for o in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(ONE, response_model=OfferRead, responses=problem_responses(401, 403, 404))
async def get_offer(
    offer_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> OfferRead:
    offer = await service.get_offer(session, principal, offer_id)
    return _answer(offer, principal, response)


@router.post(f"{ONE}/counter", response_model=OfferRead, responses=STEP)
async def counter_offer(
    offer_id: uuid.UUID,
    body: CounterIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> OfferRead:
    """A new round by the side that did not make the latest proposal (409
    ``offer.not_your_turn`` otherwise)."""
    offer = await service.get_offer(session, principal, offer_id)
    check_if_match(request, offer.version)
    offer = await negotiation.counter(session, actor_of(principal, caller), principal, offer, body)
    return _answer(offer, principal, response)


@router.post(f"{ONE}/accept", response_model=OfferRead, responses=STEP)
async def accept_offer(
    offer_id: uuid.UUID,
    body: AcceptIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> OfferRead:
    """The latest proposal, accepted by the other side → ``accepted`` with the ``contract_id``
    of a new draft sales contract. ``bales`` below the proposal: partial acceptance."""
    offer = await service.get_offer(session, principal, offer_id)
    check_if_match(request, offer.version)
    offer = await negotiation.accept(session, actor_of(principal, caller), principal, offer, body)
    return _answer(offer, principal, response)


@router.post(f"{ONE}/reject", response_model=OfferRead, responses=STEP)
async def reject_offer(
    offer_id: uuid.UUID,
    body: RejectIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> OfferRead:
    """Either side ends the negotiation → ``rejected``."""
    offer = await service.get_offer(session, principal, offer_id)
    check_if_match(request, offer.version)
    offer = await negotiation.reject(session, actor_of(principal, caller), principal, offer, body)
    return _answer(offer, principal, response)


@router.post(f"{ONE}/withdraw", response_model=OfferRead, responses=STEP)
async def withdraw_offer(
    offer_id: uuid.UUID,
    body: WithdrawIn,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> OfferRead:
    """The seller takes back its open offer → ``withdrawn``."""
    offer = await service.get_offer(session, principal, offer_id)
    check_if_match(request, offer.version)
    offer = await negotiation.withdraw(
        session, actor_of(principal, caller), principal, offer, reason=body.reason
    )
    return _answer(offer, principal, response)


@router.get(
    f"{ONE}/rounds",
    response_model=Page[RoundRead],
    responses=problem_responses(401, 403, 404, 422),
)
async def list_rounds(
    offer_id: uuid.UUID, session: DbSession, principal: CanRead, paging: Paging
) -> Page[RoundRead]:
    """The negotiation, oldest first: round 1 is the offer itself (the seller's)."""
    offer = await service.get_offer(session, principal, offer_id)
    items, total = await paginate(
        session, rounds_statement(offer.id), paging, [OfferRound.round_no]
    )
    return Page(
        items=[service.round_read(r, principal) for r in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )
