"""Delivery and CCI queries: what a caller sees (one place), list filters, the row locks and
the sums the rules need."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.contract.models import Contract
from tradehub.delivery.domain import COUNTED, DeliveryStatus
from tradehub.delivery.models import CciProfile, DeliveryOrder, EmdDeposit
from tradehub.kit.visibility import visible_to


def visible_delivery_orders(principal: Principal) -> Select[Any]:
    """Staff see every DO; a partner's users only DOs of contracts they see (their partner is
    the seller or the buyer, on one of their branches when they are limited to branches)."""
    statement: Select[Any] = select(DeliveryOrder)
    if principal.partner_id is None:
        return statement
    return visible_to(
        statement.join(Contract, Contract.id == DeliveryOrder.contract_id),
        principal,
        party_columns=[Contract.seller_id, Contract.buyer_id],
        branch_columns=[Contract.seller_branch_id, Contract.buyer_branch_id],
    )


def delivery_filters(
    statement: Select[Any],
    *,
    contract_id: uuid.UUID | None = None,
    status: DeliveryStatus | None = None,
) -> Select[Any]:
    if contract_id is not None:
        statement = statement.where(DeliveryOrder.contract_id == contract_id)
    if status is not None:
        statement = statement.where(DeliveryOrder.status == status)
    return statement


async def lock_contract(session: AsyncSession, contract_id: uuid.UUID) -> Contract | None:
    """The contract's row held until the transaction ends (PostgreSQL ``FOR UPDATE``; SQLite
    writers are serialised by ``BEGIN IMMEDIATE``), reloaded: racing DOs and EMD deposits on
    one contract take turns and each sees what the previous one committed."""
    result: Contract | None = await session.scalar(
        select(Contract)
        .where(Contract.id == contract_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result


async def lock(session: AsyncSession, order_id: uuid.UUID) -> DeliveryOrder | None:
    result: DeliveryOrder | None = await session.scalar(
        select(DeliveryOrder)
        .where(DeliveryOrder.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result


async def bales_on_orders(session: AsyncSession, contract_id: uuid.UUID) -> int:
    """Bales of the contract's DOs that count (every status but cancelled)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(DeliveryOrder.bales), 0)).where(
            DeliveryOrder.contract_id == contract_id,
            DeliveryOrder.status.in_([s.value for s in COUNTED]),
        )
    )
    return int(total or 0)


def deposits_statement(contract_id: uuid.UUID) -> Select[Any]:
    return select(EmdDeposit).where(EmdDeposit.contract_id == contract_id)


async def deposits_of(session: AsyncSession, contract_id: uuid.UUID) -> list[EmdDeposit]:
    rows = await session.scalars(
        deposits_statement(contract_id).order_by(EmdDeposit.received_on, EmdDeposit.created_at)
    )
    return list(rows)


async def profiles_of(
    session: AsyncSession, partner_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, CciProfile]:
    rows = await session.scalars(select(CciProfile).where(CciProfile.partner_id.in_(partner_ids)))
    return {row.partner_id: row for row in rows}
