"""Requirements: a buyer posts what it needs (open), offers and negotiation move it on, and it
ends contracted, cancelled or expired (domain.md §4.5)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import snapshot
from tradehub.auth.principal import Principal
from tradehub.kit.types import utcnow
from tradehub.trade_desk import events, repository
from tradehub.trade_desk import service as shared
from tradehub.trade_desk.domain import (
    RequirementStatus,
    Side,
    band_problems,
    canonical_certificates,
    may_cancel_requirement,
    payment_problems,
    stored_bands,
)
from tradehub.trade_desk.errors import InvalidTransition, NotYourPartner, RequirementNotFound
from tradehub.trade_desk.models import Requirement
from tradehub.trade_desk.schemas import RequirementCreate, RequirementRead

ENTITY = "requirement"
DEFAULT_VALIDITY = timedelta(days=7)


def visible_requirements(principal: Principal) -> Select[Any]:
    return repository.visible_requirements(principal)


async def get_requirement(
    session: AsyncSession, principal: Principal, requirement_id: uuid.UUID
) -> Requirement:
    found: Requirement | None = await session.scalar(
        visible_requirements(principal).where(Requirement.id == requirement_id)
    )
    if found is None:
        raise RequirementNotFound("No such requirement")
    return found


def requirement_read(requirement: Requirement, principal: Principal) -> RequirementRead:
    data = {name: getattr(requirement, name) for name in RequirementRead.model_fields}
    if principal.partner_id is not None:  # who worked on it inside the broker is internal
        data["created_by_id"] = None
    return RequirementRead.model_validate(data)


async def create_requirement(
    session: AsyncSession, actor: AuditActor, principal: Principal, body: RequirementCreate
) -> Requirement:
    now = utcnow()
    errors = shared.FieldErrors()
    organization_id = await shared.organization_id(session, errors, body.organization_id)
    buyer_id = shared.acting_partner(principal, body.buyer_id, "buyer_id")
    await shared.party(session, errors, buyer_id, Side.BUYER, "buyer_id")
    commodity = await shared.commodity(session, errors, body.commodity_id)
    bands = {name: {"min": band.min, "max": band.max} for name, band in body.parameters.items()}
    variety = None
    if commodity is not None:
        variety = await shared.variety(session, errors, commodity.id, body.variety)
        bounds = await repository.quality_bounds(session, commodity.id)
        errors.extend(band_problems(bands, bounds), "trade_desk.parameter_")
    await shared.station(session, errors, body.station_id)
    errors.extend(payment_problems(body.payment_terms, body.payment_days), "trade_desk.")
    certificates, problems = canonical_certificates(body.certificates)
    errors.extend(problems, "trade_desk.")
    if body.target_price is not None and body.target_price <= 0:
        errors.add(["target_price"], "must be more than 0", "trade_desk.target_price")
    valid_until = body.valid_until or now + DEFAULT_VALIDITY
    shared.check_future(errors, valid_until, now)
    errors.raise_if_any()
    assert organization_id is not None
    assert buyer_id is not None
    assert commodity is not None
    requirement = Requirement(
        organization_id=organization_id,
        buyer_id=buyer_id,
        commodity_id=commodity.id,
        variety=variety.name if variety is not None else None,
        bales=body.bales,
        parameters=stored_bands(bands),
        station_id=body.station_id,
        target_price=body.target_price,
        price_unit=body.price_unit.value if body.price_unit else commodity.rate_unit,
        payment_terms=body.payment_terms.value if body.payment_terms else None,
        payment_days=body.payment_days,
        delivery_days=body.delivery_days,
        certificates=certificates,
        valid_until=valid_until,
        status=RequirementStatus.OPEN,
        offers_count=0,
        contracted_bales=0,
        notes=body.notes,
        created_by_id=actor.user_id,
    )
    session.add(requirement)
    await shared.audit_created(session, actor, ENTITY, requirement)
    await events.publish(
        session,
        events.REQUIREMENT_POSTED,
        {
            "requirement_id": str(requirement.id),
            "buyer_id": str(requirement.buyer_id),
            "commodity_id": str(requirement.commodity_id),
            "station_id": str(requirement.station_id) if requirement.station_id else None,
            "bales": requirement.bales,
        },
        organization_id=requirement.organization_id,
    )
    return requirement


async def cancel_requirement(
    session: AsyncSession,
    actor: AuditActor,
    principal: Principal,
    requirement: Requirement,
    *,
    reason: str,
) -> Requirement:
    """Its buyer (or staff) cancels an active requirement; its open offers are rejected."""
    if principal.partner_id is not None and principal.partner_id != requirement.buyer_id:
        raise NotYourPartner("Only the buyer's users may cancel its requirement")
    locked = await repository.lock_requirement(session, requirement.id)
    if locked is None:  # pragma: no cover - it was just read
        raise RequirementNotFound("No such requirement")
    if not may_cancel_requirement(RequirementStatus(locked.status)):
        raise InvalidTransition(f"A requirement that is {locked.status} cannot be cancelled")
    before = snapshot(locked)
    locked.status = RequirementStatus.CANCELLED
    locked.status_reason = reason
    locked.closed_at = utcnow()
    await shared.audit_changed(
        session, actor, ENTITY, locked, before, action="cancel", reason=reason
    )
    await shared.close_open_offers(session, actor, locked, reason="requirement cancelled")
    return locked
