"""The candidates of a requirement's matches: the SQL pre-filter and the certificate check.

Same commodity (and variety when the requirement names one); offers ``pending`` or
``countered`` on this requirement or on none, still valid; active tested lots with bales
available, still valid; never the buyer's own; only what the caller may see
(``repository.visible_*``); in the requirement's state or from a trader unless the scope is
``all``; then only sellers holding every certificate asked. Two queries and one for the
certificates, whatever their number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import ColumnElement, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from tradehub.auth.principal import Principal
from tradehub.geo.models import Station
from tradehub.partner.certifications_service import verified_certification_kinds
from tradehub.partner.domain import CertificationKind
from tradehub.partner.models import Partner
from tradehub.trade_desk import repository
from tradehub.trade_desk.domain import OPEN_OFFER, LotStatus, loaded_values
from tradehub.trade_desk.matching_schemas import MatchKind, MatchScope
from tradehub.trade_desk.models import Offer, Requirement, TestedLot
from tradehub.trade_desk.scoring import Supply

INDIA: Final = timezone(timedelta(hours=5, minutes=30), "IST")
TRADER: Final = "trader"
# A requirement's certificate (canonical name, domain.CERTIFICATES) → the partner
# certification kind that proves it.
CERTIFICATE_KINDS: Final[dict[str, str]] = {
    "BCI": CertificationKind.BCI,
    "Organic": CertificationKind.ORGANIC_COTTON,
    "NPOP": CertificationKind.NPOP,
    "Fairtrade": CertificationKind.FAIR_TRADE,
    "GOTS": CertificationKind.GOTS,
}
_OPEN_OFFER: Final = sorted(str(s) for s in OPEN_OFFER)
Near = Callable[[Any, Any], "ColumnElement[bool] | None"]


@dataclass(frozen=True)
class Candidate:
    """An offer or tested lot that passed the SQL pre-filter, with what the answer shows."""

    kind: MatchKind
    supply: Supply
    row: dict[str, Any]  # the MatchRead fields read from the database
    seller_kind: str


def _near(
    state_code: str | None, scope: MatchScope, place: Any, seller: Any
) -> ColumnElement[bool] | None:
    """The location pre-filter: in the requirement's state, or a trader (sources anywhere)."""
    if scope is MatchScope.ALL or state_code is None:
        return None
    return or_(place.state_code == state_code, seller.kind == TRADER)


def _supply(row: Any, price: Decimal | None, delivery_days: int | None) -> Supply:
    return Supply(
        parameters=loaded_values(row.parameters),
        price=price,
        price_unit=row.price_unit,
        station_id=row.station_id,
        region=row.region,
        state_code=row.state_code,
        seller_is_trader=row.seller_kind == TRADER,
        payment_terms=getattr(row, "payment_terms", None),
        payment_days=getattr(row, "payment_days", None),
        delivery_days=delivery_days,
    )


async def _offers(
    session: AsyncSession,
    principal: Principal,
    requirement: Requirement,
    near: Near,
    now: datetime,
) -> list[Candidate]:
    seller, place = aliased(Partner), aliased(Station)
    statement = (
        repository.visible_offers(principal)
        .with_only_columns(
            Offer.id,
            Offer.seller_id,
            seller.legal_name.label("seller_name"),
            seller.kind.label("seller_kind"),
            Offer.requirement_id,
            Offer.tested_lot_id,
            Offer.variety,
            Offer.last_bales,
            Offer.station_id,
            place.region,
            place.state_code,
            Offer.parameters,
            Offer.last_price,
            Offer.price_unit,
            Offer.payment_terms,
            Offer.payment_days,
            Offer.delivery_days,
            Offer.valid_until,
        )
        .join(seller, seller.id == Offer.seller_id)
        .join(place, place.id == Offer.station_id)
        .where(
            Offer.commodity_id == requirement.commodity_id,
            Offer.status.in_(_OPEN_OFFER),
            Offer.valid_until > now,
            or_(Offer.requirement_id == requirement.id, Offer.requirement_id.is_(None)),
            Offer.seller_id != requirement.buyer_id,  # a trader's own open offers
        )
    )
    if requirement.variety is not None:  # names are canonical on both sides
        statement = statement.where(Offer.variety == requirement.variety)
    where = near(place, seller)
    if where is not None:  # offers made on this requirement are always shown to its buyer
        statement = statement.where(or_(Offer.requirement_id == requirement.id, where))
    rows = await session.execute(statement)
    return [
        Candidate(
            kind=MatchKind.OFFER,
            supply=_supply(row, row.last_price, row.delivery_days),
            seller_kind=row.seller_kind,
            row={
                "id": row.id,
                "seller_id": row.seller_id,
                "seller_name": row.seller_name,
                "requirement_id": row.requirement_id,
                "tested_lot_id": row.tested_lot_id,
                "variety": row.variety,
                "bales": row.last_bales,
                "station_id": row.station_id,
                "parameters": row.parameters,
                "price": row.last_price,
                "price_unit": row.price_unit,
                "payment_terms": row.payment_terms,
                "payment_days": row.payment_days,
                "delivery_days": row.delivery_days,
                "valid_until": row.valid_until,
            },
        )
        for row in rows
    ]


async def _tested_lots(
    session: AsyncSession,
    principal: Principal,
    requirement: Requirement,
    near: Near,
    now: datetime,
) -> list[Candidate]:
    seller, place = aliased(Partner), aliased(Station)
    statement = (
        repository.visible_tested_lots(principal)
        .with_only_columns(
            TestedLot.id,
            TestedLot.seller_id,
            seller.legal_name.label("seller_name"),
            seller.kind.label("seller_kind"),
            TestedLot.variety,
            TestedLot.available_bales,
            TestedLot.station_id,
            place.region,
            place.state_code,
            TestedLot.parameters,
            TestedLot.price,
            TestedLot.price_unit,
            TestedLot.valid_until,
        )
        .join(seller, seller.id == TestedLot.seller_id)
        .join(place, place.id == TestedLot.station_id)
        .where(
            TestedLot.commodity_id == requirement.commodity_id,
            TestedLot.status == LotStatus.ACTIVE,
            TestedLot.available_bales > 0,
            TestedLot.valid_until > now,
            TestedLot.seller_id != requirement.buyer_id,
        )
    )
    if requirement.variety is not None:
        statement = statement.where(TestedLot.variety == requirement.variety)
    where = near(place, seller)
    if where is not None:
        statement = statement.where(where)
    rows = await session.execute(statement)
    return [
        Candidate(
            kind=MatchKind.TESTED_LOT,
            # Pre-tested stock lies ready at its station: it delivers at once (0 days); its
            # payment terms are to be agreed, so a requirement that asks terms is not met.
            supply=_supply(row, row.price, 0),
            seller_kind=row.seller_kind,
            row={
                "id": row.id,
                "seller_id": row.seller_id,
                "seller_name": row.seller_name,
                "requirement_id": None,
                "tested_lot_id": None,
                "variety": row.variety,
                "bales": row.available_bales,
                "station_id": row.station_id,
                "parameters": row.parameters,
                "price": row.price,
                "price_unit": row.price_unit,
                "payment_terms": None,
                "payment_days": None,
                "delivery_days": 0,
                "valid_until": row.valid_until,
            },
        )
        for row in rows
    ]


async def _certified(
    session: AsyncSession, candidates: list[Candidate], certificates: Sequence[str]
) -> list[Candidate]:
    """The candidates whose seller holds every certificate asked (verified, shown in trade,
    valid today in India). A certificate no kind proves is held by nobody."""
    if not certificates or not candidates:
        return candidates
    needed = {CERTIFICATE_KINDS.get(name, f"unknown:{name}") for name in certificates}
    held = await verified_certification_kinds(
        session, (c.row["seller_id"] for c in candidates), datetime.now(INDIA).date()
    )
    return [c for c in candidates if needed <= held.get(c.row["seller_id"], set())]


async def candidates(
    session: AsyncSession,
    principal: Principal,
    requirement: Requirement,
    *,
    state_code: str | None,
    scope: MatchScope,
    now: datetime,
) -> list[Candidate]:
    """Offers, then tested lots, that pass the pre-filter and the certificate check."""

    def near(place: Any, seller: Any) -> ColumnElement[bool] | None:
        return _near(state_code, scope, place, seller)

    found = await _offers(session, principal, requirement, near, now)
    found += await _tested_lots(session, principal, requirement, near, now)
    return await _certified(session, found, requirement.certificates)
