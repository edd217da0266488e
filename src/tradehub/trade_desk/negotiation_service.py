"""Negotiation of an offer on a requirement: counter, accept (a draft sales contract), reject,
withdraw; and the rounds.

Sides alternate: the offer is the seller's round 1, and the side that made the latest proposal
waits for the other. Each step locks the requirement's row and then the offer's (the same order
everywhere, so racing steps take turns and never deadlock), then checks again: of two racing
accepts one creates the contract and the other finds the offer decided (409).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import snapshot
from tradehub.auth.principal import Principal
from tradehub.kit.errors import Unprocessable
from tradehub.kit.types import utcnow
from tradehub.partner.models import Partner
from tradehub.trade_desk import acceptance_service as acceptance
from tradehub.trade_desk import events, repository
from tradehub.trade_desk import service as shared
from tradehub.trade_desk.domain import (
    OPEN_OFFER,
    OfferStatus,
    Refusal,
    RequirementStatus,
    Side,
    refusal,
    rejection_refusal,
    requirement_after_accept,
    requirement_after_counter,
)
from tradehub.trade_desk.errors import (
    NotYourSide,
    NotYourTurn,
    OfferDecided,
    OfferExpired,
    OpenOfferNotNegotiable,
)
from tradehub.trade_desk.models import Offer, OfferRound, Requirement
from tradehub.trade_desk.offers_service import ENTITY, check_requirement_active, refresh_best_score
from tradehub.trade_desk.schemas import AcceptIn, CounterIn, RejectIn

REQUIREMENT = "requirement"


@dataclass
class Step:
    """A negotiation step about to happen: the rows held and the side acting."""

    requirement: Requirement
    offer: Offer
    side: Side
    now: datetime


def _side_of(principal: Principal, offer: Offer, buyer_id: uuid.UUID, given: Side | None) -> Side:
    """A partner's user acts for its own partner's side (403 for the other); staff say which
    side they act for (422 without it)."""
    if principal.partner_id is None:
        if given is None:
            raise Unprocessable(
                "Staff state the side they act for",
                code="offer.side_required",
                errors=[
                    {"loc": ["body", "side"], "msg": "required", "type": "offer.side_required"}
                ],
            )
        return given
    if principal.partner_id == offer.seller_id:
        own = Side.SELLER
    elif principal.partner_id == buyer_id:
        own = Side.BUYER
    else:
        raise NotYourSide("Your partner is not a party to this offer")
    if given is not None and given is not own:
        raise NotYourSide(f"Your partner is the {own.value} of this offer")
    return own


def _raise(reason: Refusal) -> None:
    if reason is Refusal.EXPIRED:
        raise OfferExpired("This offer has expired")
    if reason is Refusal.DECIDED:
        raise OfferDecided("This offer is already decided")
    raise NotYourTurn("The other side has not answered your latest proposal yet")


async def _begin(
    session: AsyncSession,
    principal: Principal,
    offer: Offer,
    given: Side | None,
    *,
    needs_turn: bool = True,
) -> Step:
    if offer.requirement_id is None:
        raise OpenOfferNotNegotiable("An open offer is answered with a requirement first")
    requirement = await repository.lock_requirement(session, offer.requirement_id)
    locked = await repository.lock_offer(session, offer.id)
    assert requirement is not None
    assert locked is not None
    side = _side_of(principal, locked, requirement.buyer_id, given)
    now = utcnow()
    status = OfferStatus(locked.status)
    if needs_turn:
        reason = refusal(
            status, locked.valid_until, now, last_side=Side(locked.last_side), side=side
        )
    else:
        reason = rejection_refusal(status, locked.valid_until, now)
    if reason is not None and reason is not Refusal.NOT_YOUR_TURN:
        _raise(reason)
    check_requirement_active(requirement, now)
    if reason is not None:
        _raise(reason)
    return Step(requirement=requirement, offer=locked, side=side, now=now)


async def _party_users(session: AsyncSession, step: Step, *sides: Side) -> list[uuid.UUID]:
    partners = {Side.SELLER: step.offer.seller_id, Side.BUYER: step.requirement.buyer_id}
    return await repository.portal_user_ids(session, [partners[s] for s in sides])


async def counter(
    session: AsyncSession, actor: AuditActor, principal: Principal, offer: Offer, body: CounterIn
) -> Offer:
    step = await _begin(session, principal, offer, body.side)
    offer, requirement = step.offer, step.requirement
    if body.valid_until is not None and body.valid_until <= step.now:
        errors = shared.FieldErrors()
        shared.check_future(errors, body.valid_until, step.now)
        errors.raise_if_any()
    before = snapshot(offer)
    offer.rounds_count += 1
    offer.last_side = step.side
    offer.last_price = body.price
    offer.last_bales = body.bales or offer.last_bales
    offer.status = OfferStatus.COUNTERED
    if body.valid_until is not None:
        offer.valid_until = body.valid_until
    session.add(
        OfferRound(
            offer_id=offer.id,
            round_no=offer.rounds_count,
            side=step.side,
            price=offer.last_price,
            bales=offer.last_bales,
            valid_until=body.valid_until,
            message=body.message,
            created_by_id=actor.user_id,
        )
    )
    # The score follows the price on the table.
    seller = await session.get(Partner, offer.seller_id)
    assert seller is not None
    score = await shared.score_offer(session, requirement, offer, seller)
    offer.match_score = score.total
    offer.score_breakdown = {**score.breakdown(), "deviations": score.deviations_json()}
    await shared.audit_changed(session, actor, ENTITY, offer, before, action="counter")
    req_before = snapshot(requirement)
    requirement.status = requirement_after_counter(RequirementStatus(requirement.status))
    await session.flush()
    await refresh_best_score(session, requirement)
    await shared.audit_changed(
        session, actor, REQUIREMENT, requirement, req_before, action="counter"
    )
    await events.publish(
        session,
        events.OFFER_COUNTERED,
        {
            "offer_id": str(offer.id),
            "requirement_id": str(requirement.id),
            "round_no": offer.rounds_count,
            "side": step.side.value,
            "price": events.money(offer.last_price),
            "bales": offer.last_bales,
            "message": body.message,
        },
        user_ids=await _party_users(session, step, step.side.other),
        organization_id=offer.organization_id,
    )
    return offer


async def accept(
    session: AsyncSession, actor: AuditActor, principal: Principal, offer: Offer, body: AcceptIn
) -> Offer:
    """The latest proposal (or fewer of its bales) becomes a draft sales contract."""
    step = await _begin(session, principal, offer, body.side)
    offer, requirement = step.offer, step.requirement
    bales = body.bales or offer.last_bales
    if bales > offer.last_bales:
        raise Unprocessable(
            f"At most the {offer.last_bales} bales proposed can be accepted",
            code="offer.bales_exceed",
            errors=[
                {
                    "loc": ["body", "bales"],
                    "msg": "more than proposed",
                    "type": "offer.bales_exceed",
                }
            ],
        )
    await acceptance.take_from_lot(session, actor, offer, bales)
    contract_id = await acceptance.draft_contract(
        session, actor, requirement, offer, bales, body, today=step.now
    )
    before = snapshot(offer)
    offer.status = OfferStatus.ACCEPTED
    offer.accepted_bales = bales
    offer.contract_id = contract_id
    offer.decided_side = step.side
    offer.decided_by_id = actor.user_id
    offer.decided_at = step.now
    await shared.audit_changed(session, actor, ENTITY, offer, before, action="accept")
    req_before = snapshot(requirement)
    requirement.contracted_bales += bales
    requirement.status = requirement_after_accept(
        RequirementStatus(requirement.status),
        asked_bales=requirement.bales,
        contracted_bales=requirement.contracted_bales,
    )
    if requirement.status == RequirementStatus.CONTRACT_CREATED:
        requirement.closed_at = step.now
    await shared.audit_changed(
        session, actor, REQUIREMENT, requirement, req_before, action="accept"
    )
    if requirement.status == RequirementStatus.CONTRACT_CREATED:
        await shared.close_open_offers(
            session, actor, requirement, reason="requirement fulfilled", except_offer=offer.id
        )
    await events.publish(
        session,
        events.OFFER_ACCEPTED,
        {
            "offer_id": str(offer.id),
            "requirement_id": str(requirement.id),
            "contract_id": str(contract_id),
            "side": step.side.value,
            "price": events.money(offer.last_price),
            "bales": bales,
        },
        user_ids=await _party_users(session, step, Side.SELLER, Side.BUYER),
        organization_id=offer.organization_id,
    )
    return offer


async def reject(
    session: AsyncSession, actor: AuditActor, principal: Principal, offer: Offer, body: RejectIn
) -> Offer:
    """Either side says no, whoever's turn it is."""
    step = await _begin(session, principal, offer, body.side, needs_turn=False)
    offer = step.offer
    before = snapshot(offer)
    offer.status = OfferStatus.REJECTED
    offer.status_reason = body.reason
    offer.decided_side = step.side
    offer.decided_by_id = actor.user_id
    offer.decided_at = step.now
    await shared.audit_changed(
        session, actor, ENTITY, offer, before, action="reject", reason=body.reason
    )
    await events.publish(
        session,
        events.OFFER_REJECTED,
        {
            "offer_id": str(offer.id),
            "requirement_id": str(step.requirement.id),
            "side": step.side.value,
            "reason": body.reason,
        },
        user_ids=await _party_users(session, step, step.side.other),
        organization_id=offer.organization_id,
    )
    return offer


async def withdraw(
    session: AsyncSession,
    actor: AuditActor,
    principal: Principal,
    offer: Offer,
    *,
    reason: str | None,
) -> Offer:
    """The seller takes back its open offer (also an open offer without a requirement)."""
    if principal.partner_id is not None and principal.partner_id != offer.seller_id:
        raise NotYourSide("Only the seller's users may withdraw its offer")
    if offer.requirement_id is not None:
        await repository.lock_requirement(session, offer.requirement_id)
    locked = await repository.lock_offer(session, offer.id)
    assert locked is not None
    reason_refused = rejection_refusal(OfferStatus(locked.status), locked.valid_until, utcnow())
    if reason_refused is not None:
        _raise(reason_refused)
    assert locked.status in OPEN_OFFER
    before = snapshot(locked)
    locked.status = OfferStatus.WITHDRAWN
    locked.status_reason = reason
    locked.decided_side = Side.SELLER
    locked.decided_by_id = actor.user_id
    locked.decided_at = utcnow()
    await shared.audit_changed(
        session, actor, ENTITY, locked, before, action="withdraw", reason=reason
    )
    return locked
