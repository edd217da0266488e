"""Contract queries: what a caller sees (one place), list filters, commissions and versions."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.contract.domain import ContractStatus
from tradehub.contract.models import Contract, ContractCommission, ContractVersion
from tradehub.kit.visibility import visible_to


def visible_contracts(principal: Principal) -> Select[Any]:
    """Staff see every contract; a partner's users only those where their partner is seller or
    buyer (and, for a branch-limited partner user, where one of its branches is the party's).
    A staff user's branches are the broker's, which contracts do not carry: not applied."""
    statement: Select[Any] = select(Contract)
    if principal.partner_id is None:
        return statement
    return visible_to(
        statement,
        principal,
        party_columns=[Contract.seller_id, Contract.buyer_id],
        branch_columns=[Contract.seller_branch_id, Contract.buyer_branch_id],
    )


def contract_filters(
    statement: Select[Any],
    *,
    status: ContractStatus | None = None,
    organization_id: uuid.UUID | None = None,
    seller_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    party_id: uuid.UUID | None = None,
    commodity_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    contract_no: str | None = None,
) -> Select[Any]:
    if status is not None:
        statement = statement.where(Contract.status == status)
    if organization_id is not None:
        statement = statement.where(Contract.organization_id == organization_id)
    if seller_id is not None:
        statement = statement.where(Contract.seller_id == seller_id)
    if buyer_id is not None:
        statement = statement.where(Contract.buyer_id == buyer_id)
    if party_id is not None:
        statement = statement.where(
            or_(Contract.seller_id == party_id, Contract.buyer_id == party_id)
        )
    if commodity_id is not None:
        statement = statement.where(Contract.commodity_id == commodity_id)
    if date_from is not None:
        statement = statement.where(Contract.contract_date >= date_from)
    if date_to is not None:
        statement = statement.where(Contract.contract_date <= date_to)
    if contract_no is not None:
        statement = statement.where(Contract.contract_no == contract_no)
    return statement


async def lock(session: AsyncSession, contract_id: uuid.UUID) -> Contract | None:
    """The contract's row, held until the transaction ends, reloaded."""
    result: Contract | None = await session.scalar(
        select(Contract)
        .where(Contract.id == contract_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result


async def commissions_by_contract(
    session: AsyncSession, contract_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[ContractCommission]]:
    grouped: dict[uuid.UUID, list[ContractCommission]] = defaultdict(list)
    if not contract_ids:
        return grouped
    rows = await session.scalars(
        select(ContractCommission)
        .where(ContractCommission.contract_id.in_(contract_ids))
        .order_by(ContractCommission.side.desc())  # seller first
    )
    for row in rows:
        grouped[row.contract_id].append(row)
    return grouped


def versions_statement(contract_id: uuid.UUID) -> Select[Any]:
    return select(ContractVersion).where(ContractVersion.contract_id == contract_id)


async def version_of(
    session: AsyncSession, contract_id: uuid.UUID, revision: int
) -> ContractVersion | None:
    result: ContractVersion | None = await session.scalar(
        select(ContractVersion).where(
            ContractVersion.contract_id == contract_id, ContractVersion.revision == revision
        )
    )
    return result
