"""Tested lots: pre-tested stock a seller holds, with its lab values and test report.

A lot is ``active`` until its validity passes (``expired``, by the offer_expiry job) or its
bales are all taken by accepted offers (``depleted``). The test report is a document attached
to the lot (entity_type ``tested_lot``) and then named with ``PATCH``.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import snapshot
from tradehub.auth.principal import Principal
from tradehub.document.models import Document
from tradehub.kit.types import utcnow
from tradehub.masters.models import Commodity
from tradehub.trade_desk import events, repository
from tradehub.trade_desk import service as shared
from tradehub.trade_desk.domain import LotStatus, Side, stored_values, value_problems
from tradehub.trade_desk.errors import NotYourPartner, TestedLotNotFound
from tradehub.trade_desk.models import TestedLot
from tradehub.trade_desk.schemas import TestedLotCreate, TestedLotRead, TestedLotUpdate

ENTITY = "tested_lot"
DEFAULT_VALIDITY = timedelta(days=30)


def visible_tested_lots(principal: Principal) -> Select[Any]:
    return repository.visible_tested_lots(principal)


async def get_tested_lot(
    session: AsyncSession, principal: Principal, lot_id: uuid.UUID
) -> TestedLot:
    found: TestedLot | None = await session.scalar(
        visible_tested_lots(principal).where(TestedLot.id == lot_id)
    )
    if found is None:
        raise TestedLotNotFound("No such tested lot")
    return found


def tested_lot_read(lot: TestedLot, principal: Principal) -> TestedLotRead:
    data = {name: getattr(lot, name) for name in TestedLotRead.model_fields}
    if principal.partner_id is not None:
        data["created_by_id"] = None
    return TestedLotRead.model_validate(data)


async def create_tested_lot(
    session: AsyncSession, actor: AuditActor, principal: Principal, body: TestedLotCreate
) -> TestedLot:
    now = utcnow()
    errors = shared.FieldErrors()
    seller_id = shared.acting_partner(principal, body.seller_id, "seller_id")
    await shared.party(session, errors, seller_id, Side.SELLER, "seller_id")
    commodity = await shared.commodity(session, errors, body.commodity_id)
    variety = None
    if commodity is not None:
        variety = await shared.variety(session, errors, commodity.id, body.variety)
        bounds = await repository.quality_bounds(session, commodity.id)
        errors.extend(value_problems(body.parameters, bounds), "trade_desk.parameter_")
    await shared.station(session, errors, body.station_id)
    if body.test_date > now.date():
        errors.add(["test_date"], "must not be in the future", "tested_lot.test_date")
    if body.price is not None and body.price <= 0:
        errors.add(["price"], "must be more than 0", "trade_desk.price")
    valid_until = body.valid_until or now + DEFAULT_VALIDITY
    shared.check_future(errors, valid_until, now)
    errors.raise_if_any()
    assert seller_id is not None
    assert commodity is not None
    assert variety is not None
    lot = TestedLot(
        seller_id=seller_id,
        commodity_id=commodity.id,
        variety=variety.name,
        station_id=body.station_id,
        bales=body.bales,
        available_bales=body.bales,
        parameters=stored_values(body.parameters),
        price=body.price,
        price_unit=(body.price_unit.value if body.price_unit else commodity.rate_unit)
        if body.price is not None
        else None,
        lab=body.lab,
        test_date=body.test_date,
        valid_until=valid_until,
        status=LotStatus.ACTIVE,
        created_by_id=actor.user_id,
    )
    session.add(lot)
    await shared.audit_created(session, actor, ENTITY, lot)
    await events.publish(
        session,
        events.TESTED_LOT_UPLOADED,
        {
            "tested_lot_id": str(lot.id),
            "seller_id": str(lot.seller_id),
            "commodity_id": str(lot.commodity_id),
            "station_id": str(lot.station_id),
            "bales": lot.bales,
        },
    )
    return lot


async def update_tested_lot(
    session: AsyncSession,
    actor: AuditActor,
    principal: Principal,
    lot: TestedLot,
    body: TestedLotUpdate,
) -> TestedLot:
    """The seller names the test report (a document attached to this lot), its price or a new
    validity."""
    if principal.partner_id is not None and principal.partner_id != lot.seller_id:
        raise NotYourPartner("Only the seller's users may change its tested lot")
    changes = body.model_dump(exclude_unset=True)
    errors = shared.FieldErrors()
    document_id = changes.get("test_report_document_id")
    if document_id is not None:
        document = await session.get(Document, document_id)
        if (
            document is None
            or document.deleted_at is not None
            or document.entity_type != ENTITY
            or document.entity_id != lot.id
        ):
            errors.add(
                ["test_report_document_id"],
                "no document attached to this tested lot",
                "tested_lot.document",
            )
    if "valid_until" in changes:
        if changes["valid_until"] is None:
            errors.add(
                ["valid_until"], "a lot is always valid until some time", "trade_desk.required"
            )
        else:
            shared.check_future(errors, changes["valid_until"], utcnow())
    if changes.get("price") is not None and changes["price"] <= 0:
        errors.add(["price"], "must be more than 0", "trade_desk.price")
    errors.raise_if_any()
    before = snapshot(lot)
    for name, value in changes.items():
        setattr(lot, name, value)
    if "price" in changes and lot.price is not None and lot.price_unit is None:
        commodity = await session.get(Commodity, lot.commodity_id)
        assert commodity is not None
        lot.price_unit = commodity.rate_unit
    if changes.get("valid_until") is not None and lot.status == LotStatus.EXPIRED:
        # A renewed test validity brings an expired lot back while it still has bales.
        lot.status = LotStatus.ACTIVE if lot.available_bales > 0 else LotStatus.DEPLETED
    if changes:
        await shared.audit_changed(session, actor, ENTITY, lot, before, action="update")
    return lot
