"""Which entities documents can be attached to, and who sees each one (wiring, called from
``create_app``). A new module makes its entities attachable with one line in ``register_all``
and a resolver that raises its ``NotFound`` when the entity is missing or hidden from the
caller (see ``tradehub.document.attachments``)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.errors import UserNotFound
from tradehub.auth.principal import Principal
from tradehub.auth.users_service import get_user
from tradehub.dispute import service as disputes
from tradehub.dispute.errors import DisputeNotFound
from tradehub.document.attachments import register_attachable
from tradehub.organization.service import OrganizationNotFound, get_organization
from tradehub.partner import certifications_service as certifications
from tradehub.partner import service as partners
from tradehub.trade_desk import tested_lots_service as tested_lots


async def organization_visible(
    session: AsyncSession, principal: Principal, entity_id: uuid.UUID
) -> None:
    """Staff holding organization:read see every organization; partner users none."""
    if principal.is_partner_user or not principal.can("organization:read"):
        raise OrganizationNotFound("No such organization")
    await get_organization(session, entity_id)


async def user_visible(session: AsyncSession, principal: Principal, entity_id: uuid.UUID) -> None:
    """A user sees itself; staff holding user:read see every user."""
    if entity_id == principal.user_id:
        return
    if principal.is_partner_user or not principal.can("user:read"):
        raise UserNotFound("No such user")
    await get_user(session, entity_id)


async def partner_visible(
    session: AsyncSession, principal: Principal, entity_id: uuid.UUID
) -> None:
    """Staff see every partner; a portal user only its own (``visible_partners``)."""
    await partners.get_partner(session, principal, entity_id)


async def certification_visible(
    session: AsyncSession, principal: Principal, entity_id: uuid.UUID
) -> None:
    """A certification is seen by whoever sees its partner."""
    await certifications.get_certification(session, principal, entity_id)


async def dispute_visible(
    session: AsyncSession, principal: Principal, entity_id: uuid.UUID
) -> None:
    """Evidence of a dispute is seen by whoever sees the dispute and holds dispute:read: staff
    every dispute, a party's users the disputes of their own contracts."""
    if not principal.can("dispute:read"):
        raise DisputeNotFound("No such dispute")
    await disputes.get_dispute(session, principal, entity_id)


async def tested_lot_visible(
    session: AsyncSession, principal: Principal, entity_id: uuid.UUID
) -> None:
    """A tested lot (its test report) is seen by whoever sees the lot: staff, its seller's
    users, and buyers' users while it is active."""
    await tested_lots.get_tested_lot(session, principal, entity_id)


def register_all() -> None:
    """Idempotent: every app built (tests build many) registers the same resolvers."""
    register_attachable("organization", organization_visible, list_permission="organization:read")
    register_attachable("user", user_visible, list_permission="user:read")
    register_attachable("partner", partner_visible, list_permission="partner:read")
    register_attachable("certification", certification_visible, list_permission="partner:read")
    register_attachable("dispute", dispute_visible, list_permission="dispute:read")
    register_attachable("tested_lot", tested_lot_visible, list_permission="trade_desk:read")
