"""What the trade desk use cases share: field errors, the parties a caller may act for, the
masters a body names (commodity, variety, station, quality bounds) and the match score of an
offer against its requirement."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.geo.models import Station
from tradehub.kit.errors import Unprocessable
from tradehub.kit.types import utcnow
from tradehub.masters.models import Commodity, Variety
from tradehub.masters.service import resolve_variety
from tradehub.organization.models import Organization
from tradehub.partner.domain import PartnerStatus
from tradehub.partner.models import Partner
from tradehub.trade_desk import repository
from tradehub.trade_desk.domain import (
    OfferStatus,
    Problem,
    Side,
    loaded_bands,
    loaded_values,
    may_act_as,
)
from tradehub.trade_desk.errors import NotYourPartner
from tradehub.trade_desk.matching_service import template_for
from tradehub.trade_desk.models import Offer, Requirement, TestedLot
from tradehub.trade_desk.scoring import Band, Demand, Score, Supply, convert_price, score_one


@dataclass
class FieldErrors:
    """Every bad field of a body, reported in one 422 (loc below ``body``)."""

    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, loc: list[str], message: str, code: str) -> None:
        self.errors.append({"loc": ["body", *loc], "msg": message, "type": code})

    def extend(self, problems: list[Problem], prefix: str) -> None:
        """Add pure-rule problems; their code is ``prefix`` + the rule's kind."""
        for loc, message, kind in problems:
            self.add(loc, message, f"{prefix}{kind}")

    def raise_if_any(self) -> None:
        if self.errors:
            fields = ", ".join(".".join(str(p) for p in e["loc"][1:]) for e in self.errors)
            raise Unprocessable(
                f"Invalid fields: {fields}", code=self.errors[0]["type"], errors=self.errors
            )


def acting_partner(principal: Principal, given: uuid.UUID | None, name: str) -> uuid.UUID | None:
    """The partner a body is for: a portal user's own (403 when it names another), or the
    one staff name (None: missing, reported by the caller as a 422)."""
    if principal.partner_id is None:
        return given
    if given is not None and given != principal.partner_id:
        raise NotYourPartner(f"A partner's users act only for their own partner ({name})")
    return principal.partner_id


async def party(
    session: AsyncSession,
    errors: FieldErrors,
    partner_id: uuid.UUID | None,
    side: Side,
    name: str,
) -> Partner | None:
    """An active partner that may act on ``side`` (422 naming ``name`` otherwise)."""
    if partner_id is None:
        errors.add([name], "required", "trade_desk.required")
        return None
    partner = await session.get(Partner, partner_id)
    if partner is None or partner.status != PartnerStatus.ACTIVE:
        errors.add([name], "not an active partner", "partner.not_active")
        return None
    if not may_act_as(side, partner.kind):
        errors.add([name], f"a {partner.kind} cannot be the {side.value}", "trade_desk.party_kind")
        return None
    return partner


async def commodity(
    session: AsyncSession, errors: FieldErrors, commodity_id: uuid.UUID | None
) -> Commodity | None:
    if commodity_id is None:
        errors.add(["commodity_id"], "required", "trade_desk.required")
        return None
    found = await session.get(Commodity, commodity_id)
    if found is None or found.deleted_at is not None or not found.is_active:
        errors.add(["commodity_id"], "no active commodity with this id", "trade_desk.commodity")
        return None
    return found


async def variety(
    session: AsyncSession, errors: FieldErrors, commodity_id: uuid.UUID, text: str | None
) -> Variety | None:
    if text is None:
        return None
    found = await resolve_variety(session, commodity_id, text)
    if found is None:
        errors.add(["variety"], f"{text!r} is no variety of this commodity", "trade_desk.variety")
    return found


async def station(
    session: AsyncSession, errors: FieldErrors, station_id: uuid.UUID | None
) -> Station | None:
    if station_id is None:
        return None
    found = await session.get(Station, station_id)
    if found is None or not found.is_active:
        errors.add(["station_id"], "no active station with this id", "trade_desk.station")
        return None
    return found


async def organization_id(
    session: AsyncSession, errors: FieldErrors, given: uuid.UUID | None
) -> uuid.UUID | None:
    """The organization named, or the only one there is."""
    if given is not None:
        if await session.get(Organization, given) is None:
            errors.add(["organization_id"], "no such organization", "trade_desk.organization")
            return None
        return given
    found = list(await session.scalars(select(Organization.id).limit(2)))
    if len(found) != 1:
        errors.add(["organization_id"], "required", "trade_desk.required")
        return None
    return found[0]


def check_future(errors: FieldErrors, valid_until: datetime, now: datetime) -> None:
    if valid_until <= now:
        errors.add(["valid_until"], "must be in the future", "trade_desk.valid_until_past")


# --- scoring ---------------------------------------------------------------------------------


def demand_of(requirement: Requirement, at: Station | None) -> Demand:
    bands = loaded_bands(requirement.parameters)
    return Demand(
        parameters={name: Band(b["min"], b["max"]) for name, b in bands.items()},
        target_price=requirement.target_price,
        price_unit=requirement.price_unit,
        station_id=requirement.station_id,
        region=at.region if at is not None else None,
        state_code=at.state_code if at is not None else None,
        payment_terms=requirement.payment_terms,
        payment_days=requirement.payment_days,
        delivery_days=requirement.delivery_days,
    )


def _place(at: Station | None) -> dict[str, Any]:
    return {
        "region": at.region if at is not None else None,
        "state_code": at.state_code if at is not None else None,
    }


def offer_supply(offer: Offer, at: Station | None, *, seller_is_trader: bool) -> Supply:
    """The offer's latest proposal (its price moves with the negotiation)."""
    return Supply(
        parameters=loaded_values(offer.parameters),
        price=offer.last_price,
        price_unit=offer.price_unit,
        station_id=offer.station_id,
        seller_is_trader=seller_is_trader,
        payment_terms=offer.payment_terms,
        payment_days=offer.payment_days,
        delivery_days=offer.delivery_days,
        **_place(at),
    )


def lot_supply(lot: TestedLot, at: Station | None, *, seller_is_trader: bool) -> Supply:
    return Supply(
        parameters=loaded_values(lot.parameters),
        price=lot.price,
        price_unit=lot.price_unit,
        station_id=lot.station_id,
        seller_is_trader=seller_is_trader,
        payment_terms=None,
        payment_days=None,
        delivery_days=None,
        **_place(at),
    )


async def score_offer(
    session: AsyncSession, requirement: Requirement, offer: Offer, seller: Partner
) -> Score:
    """The offer against its requirement, its price compared with the lowest open offer's
    (when the requirement has no target price)."""
    places = await repository.stations(session, [requirement.station_id, offer.station_id])
    demand = demand_of(requirement, places.get(requirement.station_id))  # type: ignore[arg-type]
    supply = offer_supply(
        offer, places.get(offer.station_id), seller_is_trader=seller.kind == "trader"
    )
    lowest: Decimal | None = None
    if requirement.target_price is None:
        prices = await repository.lowest_open_price(session, requirement.id)
        prices.append((offer.last_price, offer.price_unit))
        lowest = min(convert_price(p, unit, requirement.price_unit) for p, unit in prices)
    template = await template_for(session, requirement.commodity_id)
    return score_one(demand, supply, template, lowest_price=lowest)


# --- audit and shared state changes ----------------------------------------------------------


async def audit_created(
    session: AsyncSession, actor: AuditActor, entity_type: str, entity: Any
) -> None:
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type=entity_type,
        entity_id=entity.id,
        changes=diff({}, snapshot(entity)),
    )


async def audit_changed(
    session: AsyncSession,
    actor: AuditActor,
    entity_type: str,
    entity: Any,
    before: dict[str, Any],
    *,
    action: str,
    reason: str | None = None,
) -> None:
    await session.flush()
    await audit(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity.id,
        changes=diff(before, snapshot(entity)),
        reason=reason,
    )


async def close_open_offers(
    session: AsyncSession,
    actor: AuditActor,
    requirement: Requirement,
    *,
    reason: str,
    except_offer: uuid.UUID | None = None,
) -> list[Offer]:
    """The requirement closed (cancelled or fulfilled): its other open offers are rejected
    with ``reason``, each audited. The requirement's row is held by the caller."""
    closed = []
    now = utcnow()
    for offer in await repository.open_offers_on(session, requirement.id):
        if offer.id == except_offer:
            continue
        before = snapshot(offer)
        offer.status = OfferStatus.REJECTED
        offer.status_reason = reason
        offer.decided_at = now
        offer.decided_by_id = actor.user_id
        await audit_changed(session, actor, "offer", offer, before, action="reject", reason=reason)
        closed.append(offer)
    return closed
