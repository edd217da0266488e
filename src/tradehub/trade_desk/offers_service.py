"""Offers: a seller answers a requirement (or offers openly) with its goods, price and terms.

The offer is negotiation round 1. Tied to a requirement it is scored against it (the matching
engineer's ``score_one``) and counted on it; one open offer per seller and requirement, held
by the requirement's row lock and, should that ever be bypassed, by a partial unique index.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import SYSTEM_ACTOR, AuditActor
from tradehub.audit.service import snapshot
from tradehub.auth.principal import Principal
from tradehub.kit.types import utcnow
from tradehub.masters.models import Commodity
from tradehub.partner.models import Partner
from tradehub.trade_desk import events, repository
from tradehub.trade_desk import service as shared
from tradehub.trade_desk.domain import (
    ACTIVE_REQUIREMENT,
    OPEN_OFFER,
    LotStatus,
    OfferStatus,
    RequirementStatus,
    Side,
    is_past,
    loaded_values,
    payment_problems,
    requirement_after_offer,
    stored_values,
    value_problems,
)
from tradehub.trade_desk.errors import (
    OfferDuplicate,
    OfferNotFound,
    RequirementClosed,
    RequirementExpired,
)
from tradehub.trade_desk.models import Offer, OfferRound, Requirement, TestedLot
from tradehub.trade_desk.requirements_service import get_requirement
from tradehub.trade_desk.schemas import OfferCreate, OfferRead, RoundRead

ENTITY = "offer"
DEFAULT_VALIDITY = timedelta(hours=72)
UNIQUE_OPEN_OFFER = "uq_trade_offers_open_seller_requirement"


def visible_offers(principal: Principal) -> Select[Any]:
    return repository.visible_offers(principal)


async def get_offer(session: AsyncSession, principal: Principal, offer_id: uuid.UUID) -> Offer:
    found: Offer | None = await session.scalar(
        visible_offers(principal).where(Offer.id == offer_id)
    )
    if found is None:
        raise OfferNotFound("No such offer")
    return found


def offer_read(offer: Offer, principal: Principal) -> OfferRead:
    data = {name: getattr(offer, name) for name in OfferRead.model_fields if hasattr(offer, name)}
    is_open = offer.status in OPEN_OFFER
    data["awaiting"] = Side(offer.last_side).other if is_open else None
    if principal.partner_id is not None:  # who worked on it inside the broker is internal
        data["created_by_id"] = None
    return OfferRead.model_validate(data)


def round_read(row: OfferRound, principal: Principal) -> RoundRead:
    data = {name: getattr(row, name) for name in RoundRead.model_fields}
    if principal.partner_id is not None:
        data["created_by_id"] = None
    return RoundRead.model_validate(data)


def check_requirement_active(requirement: Requirement, now: datetime) -> None:
    """410 once its validity has passed (even before the expiry job marks it); 409 when it
    is cancelled or fully contracted."""
    status = RequirementStatus(requirement.status)
    if status is RequirementStatus.EXPIRED or (
        status in ACTIVE_REQUIREMENT and is_past(requirement.valid_until, now)
    ):
        raise RequirementExpired("This requirement has expired")
    if status not in ACTIVE_REQUIREMENT:
        raise RequirementClosed(f"This requirement is {status}: it takes no more offers")


async def _tested_lot(
    session: AsyncSession,
    errors: shared.FieldErrors,
    lot_id: uuid.UUID | None,
    seller_id: uuid.UUID | None,
    now: datetime,
) -> TestedLot | None:
    if lot_id is None:
        return None
    lot = await session.get(TestedLot, lot_id)
    if lot is None or lot.seller_id != seller_id:
        errors.add(["tested_lot_id"], "no tested lot of this seller", "trade_desk.tested_lot")
        return None
    if lot.status != LotStatus.ACTIVE or is_past(lot.valid_until, now):
        errors.add(["tested_lot_id"], "the tested lot is not active", "trade_desk.tested_lot")
        return None
    return lot


async def _requirement(
    session: AsyncSession,
    principal: Principal,
    requirement_id: uuid.UUID | None,
    now: datetime,
) -> Requirement | None:
    """The requirement answered, locked: offers on one requirement are counted one at a time
    (and a seller's second open offer is seen by the duplicate check)."""
    if requirement_id is None:
        return None
    seen = await get_requirement(session, principal, requirement_id)
    requirement = await repository.lock_requirement(session, seen.id)
    assert requirement is not None
    check_requirement_active(requirement, now)
    return requirement


async def create_offer(
    session: AsyncSession, actor: AuditActor, principal: Principal, body: OfferCreate
) -> Offer:
    now = utcnow()
    seller_id = shared.acting_partner(principal, body.seller_id, "seller_id")
    requirement = await _requirement(session, principal, body.requirement_id, now)
    errors = shared.FieldErrors()
    seller = await shared.party(session, errors, seller_id, Side.SELLER, "seller_id")
    if requirement is not None and seller_id == requirement.buyer_id:
        errors.add(["seller_id"], "the seller must differ from the buyer", "trade_desk.same_party")
    if requirement is not None and body.commodity_id not in (None, requirement.commodity_id):
        errors.add(["commodity_id"], "not the requirement's commodity", "offer.commodity_mismatch")
    commodity_id = body.commodity_id or (requirement.commodity_id if requirement else None)
    commodity = await shared.commodity(session, errors, commodity_id)
    lot = await _tested_lot(session, errors, body.tested_lot_id, seller_id, now)
    if lot is not None and commodity is not None and lot.commodity_id != commodity.id:
        errors.add(["tested_lot_id"], "a lot of another commodity", "trade_desk.tested_lot")
    if lot is not None and body.bales > lot.available_bales:
        errors.add(["bales"], f"the lot has {lot.available_bales} bales", "tested_lot.insufficient")
    variety_text = body.variety or (lot.variety if lot else None)
    variety = None
    parameters = body.parameters
    if parameters is None:
        parameters = loaded_values(lot.parameters) if lot is not None else {}
    if commodity is not None:
        if variety_text is None:
            errors.add(["variety"], "required", "trade_desk.required")
        variety = await shared.variety(session, errors, commodity.id, variety_text)
        bounds = await repository.quality_bounds(session, commodity.id)
        errors.extend(value_problems(parameters, bounds), "trade_desk.parameter_")
    asked = requirement.variety if requirement is not None else None
    if variety is not None and asked is not None and variety.name != asked:
        errors.add(["variety"], f"the buyer asks for {asked}", "offer.variety_mismatch")
    station_id = body.station_id or (lot.station_id if lot else None)
    if station_id is None:
        errors.add(["station_id"], "required", "trade_desk.required")
    await shared.station(session, errors, station_id)
    terms = _terms(body, requirement)
    errors.extend(payment_problems(terms["payment_terms"], terms["payment_days"]), "trade_desk.")
    valid_until = body.valid_until or now + DEFAULT_VALIDITY
    shared.check_future(errors, valid_until, now)
    errors.raise_if_any()
    assert seller is not None
    assert commodity is not None
    assert variety is not None
    assert station_id is not None
    if requirement is not None:
        await _check_no_open_offer(session, seller.id, requirement.id, now)
    offer = Offer(
        organization_id=requirement.organization_id if requirement else None,
        requirement_id=requirement.id if requirement else None,
        seller_id=seller.id,
        tested_lot_id=lot.id if lot else None,
        commodity_id=commodity.id,
        variety=variety.name,
        bales=body.bales,
        parameters=stored_values(parameters),
        price=body.price,
        price_unit=_price_unit(body, lot, requirement, commodity),
        station_id=station_id,
        valid_until=valid_until,
        status=OfferStatus.PENDING,
        last_side=Side.SELLER,
        last_price=body.price,
        last_bales=body.bales,
        rounds_count=1,
        notes=body.notes,
        created_by_id=actor.user_id,
        **terms,
    )
    await _insert(session, offer)
    session.add(
        OfferRound(
            offer_id=offer.id,
            round_no=1,
            side=Side.SELLER,
            price=offer.price,
            bales=offer.bales,
            valid_until=offer.valid_until,
            message=body.notes,
            created_by_id=actor.user_id,
        )
    )
    if requirement is not None:
        await _count_on(session, actor, requirement, offer, seller)
    await shared.audit_created(session, actor, ENTITY, offer)
    await _announce(session, offer, requirement)
    return offer


async def _check_no_open_offer(
    session: AsyncSession, seller_id: uuid.UUID, requirement_id: uuid.UUID, now: datetime
) -> None:
    """409 while the seller's earlier offer is open; one that lapsed before the expiry job
    marked it is marked now (as the job would) and makes room."""
    existing = await repository.open_offer_of(
        session, seller_id=seller_id, requirement_id=requirement_id
    )
    if existing is None:
        return
    if not is_past(existing.valid_until, now):
        raise OfferDuplicate("This seller already has an open offer on this requirement")
    before = snapshot(existing)
    existing.status = OfferStatus.EXPIRED
    existing.decided_at = now
    await shared.audit_changed(session, SYSTEM_ACTOR, ENTITY, existing, before, action="expire")


def _terms(body: OfferCreate, requirement: Requirement | None) -> dict[str, Any]:
    """Terms left out of an offer on a requirement are the buyer's (the seller takes them)."""
    if body.payment_terms is None and requirement is not None:
        payment = (requirement.payment_terms, requirement.payment_days)
    else:
        payment = (body.payment_terms.value if body.payment_terms else None, body.payment_days)
    delivery = body.delivery_days
    if delivery is None and requirement is not None:
        delivery = requirement.delivery_days
    return {"payment_terms": payment[0], "payment_days": payment[1], "delivery_days": delivery}


def _price_unit(
    body: OfferCreate, lot: TestedLot | None, requirement: Requirement | None, commodity: Commodity
) -> str:
    if body.price_unit is not None:
        return body.price_unit.value
    if lot is not None and lot.price_unit is not None:
        return lot.price_unit
    return requirement.price_unit if requirement is not None else commodity.rate_unit


async def _insert(session: AsyncSession, offer: Offer) -> None:
    """Flush the new offer; the partial unique index turns a racing twin into a 409."""
    session.add(offer)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as error:
        if UNIQUE_OPEN_OFFER in str(error.orig) or "trade_offers.seller_id" in str(error.orig):
            raise OfferDuplicate(
                "This seller already has an open offer on this requirement"
            ) from None
        raise


async def _count_on(
    session: AsyncSession,
    actor: AuditActor,
    requirement: Requirement,
    offer: Offer,
    seller: Partner,
) -> None:
    """Score the offer and keep the requirement's offers_count, best score and status."""
    score = await shared.score_offer(session, requirement, offer, seller)
    offer.match_score = score.total
    offer.score_breakdown = {**score.breakdown(), "deviations": score.deviations_json()}
    before = snapshot(requirement)
    requirement.offers_count += 1
    requirement.best_match_score = max(requirement.best_match_score or 0, score.total)
    requirement.status = requirement_after_offer(RequirementStatus(requirement.status))
    await shared.audit_changed(session, actor, "requirement", requirement, before, action="offer")


async def refresh_best_score(session: AsyncSession, requirement: Requirement) -> None:
    """The best score among the requirement's offers, after one of them was re-scored."""
    best = await session.scalar(
        select(func.max(Offer.match_score)).where(Offer.requirement_id == requirement.id)
    )
    requirement.best_match_score = best


async def _announce(session: AsyncSession, offer: Offer, requirement: Requirement | None) -> None:
    users = await repository.portal_user_ids(session, [requirement.buyer_id] if requirement else [])
    await events.publish(
        session,
        events.OFFER_SUBMITTED,
        {
            "offer_id": str(offer.id),
            "requirement_id": str(offer.requirement_id) if offer.requirement_id else None,
            "seller_id": str(offer.seller_id),
            "price": events.money(offer.price),
            "bales": offer.bales,
            "match_score": offer.match_score,
        },
        user_ids=users,
        organization_id=offer.organization_id,
    )
