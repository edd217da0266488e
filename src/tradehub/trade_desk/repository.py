"""Trade desk queries: what a caller sees (one place per table), list filters and row locks.

Visibility (README): staff see everything. A partner's users see
- requirements: their partner's own; the active ones when their partner sells (seller or
  trader: requirements it could answer); and any it has made an offer on;
- offers: their partner's own; those on their partner's requirements; and open offers
  (no requirement, still open) when their partner buys (buyer or trader);
- tested lots: their partner's own; active ones when their partner buys.
Anything else is not found (404).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.models import User
from tradehub.auth.principal import Principal
from tradehub.geo.models import Station
from tradehub.masters.models import QualityParameter
from tradehub.partner.models import Partner, PartnerBranch
from tradehub.trade_desk.domain import (
    ACTIVE_REQUIREMENT,
    BUYER_KINDS,
    OPEN_OFFER,
    SELLER_KINDS,
    LotStatus,
)
from tradehub.trade_desk.models import Offer, OfferRound, Requirement, TestedLot

_ACTIVE_REQUIREMENT = [str(s) for s in ACTIVE_REQUIREMENT]
_OPEN_OFFER = [str(s) for s in OPEN_OFFER]


def _partner_is(partner_id: uuid.UUID, kinds: Collection[str]) -> ColumnElement[bool]:
    """The caller's partner is of one of ``kinds`` (evaluated inside the same query)."""
    return exists().where(Partner.id == partner_id, Partner.kind.in_(sorted(kinds)))


def visible_requirements(principal: Principal) -> Select[Any]:
    statement: Select[Any] = select(Requirement)
    partner_id = principal.partner_id
    if partner_id is None:
        return statement
    return statement.where(
        or_(
            Requirement.buyer_id == partner_id,
            and_(
                Requirement.status.in_(_ACTIVE_REQUIREMENT),
                _partner_is(partner_id, SELLER_KINDS),
            ),
            exists().where(Offer.requirement_id == Requirement.id, Offer.seller_id == partner_id),
        )
    )


def visible_offers(principal: Principal) -> Select[Any]:
    statement: Select[Any] = select(Offer)
    partner_id = principal.partner_id
    if partner_id is None:
        return statement
    return statement.where(
        or_(
            Offer.seller_id == partner_id,
            Offer.requirement_id.in_(
                select(Requirement.id).where(Requirement.buyer_id == partner_id)
            ),
            and_(
                Offer.requirement_id.is_(None),
                Offer.status.in_(_OPEN_OFFER),
                _partner_is(partner_id, BUYER_KINDS),
            ),
        )
    )


def visible_tested_lots(principal: Principal) -> Select[Any]:
    statement: Select[Any] = select(TestedLot)
    partner_id = principal.partner_id
    if partner_id is None:
        return statement
    return statement.where(
        or_(
            TestedLot.seller_id == partner_id,
            and_(TestedLot.status == LotStatus.ACTIVE, _partner_is(partner_id, BUYER_KINDS)),
        )
    )


def _equal(statement: Select[Any], column: Any, value: Any) -> Select[Any]:
    return statement if value is None else statement.where(column == value)


def requirement_filters(
    statement: Select[Any],
    *,
    status: str | None = None,
    organization_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    commodity_id: uuid.UUID | None = None,
    station_id: uuid.UUID | None = None,
) -> Select[Any]:
    statement = _equal(statement, Requirement.status, status)
    statement = _equal(statement, Requirement.organization_id, organization_id)
    statement = _equal(statement, Requirement.buyer_id, buyer_id)
    statement = _equal(statement, Requirement.commodity_id, commodity_id)
    return _equal(statement, Requirement.station_id, station_id)


def offer_filters(
    statement: Select[Any],
    *,
    status: str | None = None,
    requirement_id: uuid.UUID | None = None,
    open_only: bool | None = None,
    seller_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    commodity_id: uuid.UUID | None = None,
    tested_lot_id: uuid.UUID | None = None,
) -> Select[Any]:
    statement = _equal(statement, Offer.status, status)
    statement = _equal(statement, Offer.requirement_id, requirement_id)
    statement = _equal(statement, Offer.seller_id, seller_id)
    statement = _equal(statement, Offer.commodity_id, commodity_id)
    statement = _equal(statement, Offer.tested_lot_id, tested_lot_id)
    if open_only is True:
        statement = statement.where(Offer.requirement_id.is_(None))
    elif open_only is False:
        statement = statement.where(Offer.requirement_id.is_not(None))
    if buyer_id is not None:
        statement = statement.where(
            Offer.requirement_id.in_(select(Requirement.id).where(Requirement.buyer_id == buyer_id))
        )
    return statement


def lot_filters(
    statement: Select[Any],
    *,
    status: str | None = None,
    seller_id: uuid.UUID | None = None,
    commodity_id: uuid.UUID | None = None,
    station_id: uuid.UUID | None = None,
) -> Select[Any]:
    statement = _equal(statement, TestedLot.status, status)
    statement = _equal(statement, TestedLot.seller_id, seller_id)
    statement = _equal(statement, TestedLot.commodity_id, commodity_id)
    return _equal(statement, TestedLot.station_id, station_id)


def rounds_statement(offer_id: uuid.UUID) -> Select[Any]:
    return select(OfferRound).where(OfferRound.offer_id == offer_id)


# --- locks (always requirement → offer → tested lot, so racing steps cannot deadlock) -------


async def lock_requirement(session: AsyncSession, requirement_id: uuid.UUID) -> Requirement | None:
    result: Requirement | None = await session.scalar(
        select(Requirement)
        .where(Requirement.id == requirement_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result


async def lock_offer(session: AsyncSession, offer_id: uuid.UUID) -> Offer | None:
    result: Offer | None = await session.scalar(
        select(Offer)
        .where(Offer.id == offer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result


async def lock_tested_lot(session: AsyncSession, lot_id: uuid.UUID) -> TestedLot | None:
    result: TestedLot | None = await session.scalar(
        select(TestedLot)
        .where(TestedLot.id == lot_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result


# --- reads the use cases need ----------------------------------------------------------------


async def open_offer_of(
    session: AsyncSession, *, seller_id: uuid.UUID, requirement_id: uuid.UUID
) -> Offer | None:
    result: Offer | None = await session.scalar(
        select(Offer).where(
            Offer.seller_id == seller_id,
            Offer.requirement_id == requirement_id,
            Offer.status.in_(_OPEN_OFFER),
        )
    )
    return result


async def open_offers_on(session: AsyncSession, requirement_id: uuid.UUID) -> list[Offer]:
    rows = await session.scalars(
        select(Offer)
        .where(Offer.requirement_id == requirement_id, Offer.status.in_(_OPEN_OFFER))
        .order_by(Offer.created_at, Offer.id)
        .with_for_update()
    )
    return list(rows)


async def lowest_open_price(
    session: AsyncSession, requirement_id: uuid.UUID
) -> list[tuple[Decimal, str]]:
    """(price, unit) of the open offers on a requirement (the caller converts and compares)."""
    rows = await session.execute(
        select(Offer.last_price, Offer.price_unit).where(
            Offer.requirement_id == requirement_id, Offer.status.in_(_OPEN_OFFER)
        )
    )
    return [(row[0], row[1]) for row in rows]


async def quality_bounds(
    session: AsyncSession, commodity_id: uuid.UUID
) -> dict[str, tuple[Decimal, Decimal]]:
    rows = await session.scalars(
        select(QualityParameter).where(
            QualityParameter.commodity_id == commodity_id, QualityParameter.is_active.is_(True)
        )
    )
    return {p.name: (p.min, p.max) for p in rows}


async def stations(
    session: AsyncSession, ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, Station]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.scalars(select(Station).where(Station.id.in_(sorted(wanted))))
    return {s.id: s for s in rows}


async def head_office(session: AsyncSession, partner_id: uuid.UUID) -> PartnerBranch | None:
    """The partner's head-office branch, else its first branch by name."""
    result: PartnerBranch | None = await session.scalar(
        select(PartnerBranch)
        .where(PartnerBranch.partner_id == partner_id)
        .order_by(PartnerBranch.is_head_office.desc(), PartnerBranch.name, PartnerBranch.id)
        .limit(1)
    )
    return result


async def portal_user_ids(
    session: AsyncSession, partner_ids: Iterable[uuid.UUID]
) -> list[uuid.UUID]:
    """The active portal users of these partners (who an event is meant for)."""
    wanted = sorted(set(partner_ids))
    if not wanted:
        return []
    rows = await session.scalars(
        select(User.id).where(User.partner_id.in_(wanted), User.is_active.is_(True))
    )
    return list(rows)
