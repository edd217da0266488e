"""Brokerage bill queries: what a caller sees (one place), list filters, lines, and the
unbilled commissions of a partner, locked for billing."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.brokerage.domain import BillStatus
from tradehub.brokerage.models import BrokerageBill, BrokerageBillLine
from tradehub.contract.models import Contract, ContractCommission
from tradehub.kit.visibility import visible_to
from tradehub.partner.models import PartnerBranch

CONFIRMED = "confirmed"


def visible_bills(principal: Principal) -> Select[Any]:
    """Staff see every bill; a partner's users only the bills billed to their partner. A bill
    is billed to the partner as a whole (its head office), so branch limits do not apply."""
    statement: Select[Any] = select(BrokerageBill)
    if principal.partner_id is None:
        return statement
    return visible_to(statement, principal, party_columns=[BrokerageBill.partner_id])


def bill_filters(
    statement: Select[Any],
    *,
    organization_id: uuid.UUID | None = None,
    partner_id: uuid.UUID | None = None,
    status: BillStatus | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    bill_no: str | None = None,
) -> Select[Any]:
    if organization_id is not None:
        statement = statement.where(BrokerageBill.organization_id == organization_id)
    if partner_id is not None:
        statement = statement.where(BrokerageBill.partner_id == partner_id)
    if status is not None:
        statement = statement.where(BrokerageBill.status == status)
    if date_from is not None:
        statement = statement.where(BrokerageBill.bill_date >= date_from)
    if date_to is not None:
        statement = statement.where(BrokerageBill.bill_date <= date_to)
    if bill_no is not None:
        statement = statement.where(BrokerageBill.bill_no == bill_no)
    return statement


async def lock(session: AsyncSession, bill_id: uuid.UUID) -> BrokerageBill | None:
    """The bill's row, held until the transaction ends, reloaded."""
    result: BrokerageBill | None = await session.scalar(
        select(BrokerageBill)
        .where(BrokerageBill.id == bill_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result


async def lock_bills(session: AsyncSession, bill_ids: Sequence[uuid.UUID]) -> list[BrokerageBill]:
    """The bills' rows locked one by one in ascending id order (a fixed order, so two
    receipts naming the same bills cannot deadlock), each reloaded after its lock."""
    locked = []
    for bill_id in sorted(set(bill_ids)):
        bill = await lock(session, bill_id)
        if bill is not None:
            locked.append(bill)
    return locked


async def lines_by_bill(
    session: AsyncSession, bill_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[BrokerageBillLine]]:
    grouped: dict[uuid.UUID, list[BrokerageBillLine]] = defaultdict(list)
    if not bill_ids:
        return grouped
    rows = await session.scalars(
        select(BrokerageBillLine)
        .where(BrokerageBillLine.bill_id.in_(bill_ids))
        .order_by(
            BrokerageBillLine.contract_date, BrokerageBillLine.contract_no, BrokerageBillLine.side
        )
    )
    for row in rows:
        grouped[row.bill_id].append(row)
    return grouped


@dataclass(frozen=True, slots=True)
class Due:
    """An unbilled commission with what its bill line shows."""

    commission: ContractCommission
    contract_no: str
    contract_date: date
    bales: int

    @property
    def amount(self) -> Decimal:
        return self.commission.amount


async def lock_unbilled(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    partner_id: uuid.UUID,
    period_from: date,
    period_to: date,
) -> list[Due]:
    """The partner's unbilled commissions on the organization's confirmed contracts dated in
    the period (both ends), their rows and their contracts' rows locked until the transaction
    ends (PostgreSQL; on SQLite the write transaction already excludes other writers). A racer
    that waited re-checks ``brokerage_bill_id IS NULL`` on the rows it gets."""
    statement = (
        select(ContractCommission, Contract.contract_no, Contract.contract_date, Contract.bales)
        .join(Contract, Contract.id == ContractCommission.contract_id)
        .where(
            ContractCommission.party_id == partner_id,
            ContractCommission.brokerage_bill_id.is_(None),
            Contract.organization_id == organization_id,
            Contract.status == CONFIRMED,
            Contract.contract_date >= period_from,
            Contract.contract_date <= period_to,
        )
        .order_by(Contract.contract_date, Contract.contract_no, ContractCommission.side)
        .with_for_update(of=[ContractCommission, Contract])
        .execution_options(populate_existing=True)
    )
    rows = await session.execute(statement)
    return [
        Due(commission=row[0], contract_no=row[1] or "", contract_date=row[2], bales=row[3])
        for row in rows
    ]


async def billed_commissions(session: AsyncSession, bill_id: uuid.UUID) -> list[ContractCommission]:
    """The commissions a bill holds, locked (to release them on cancellation)."""
    rows = await session.scalars(
        select(ContractCommission)
        .where(ContractCommission.brokerage_bill_id == bill_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(rows)


async def head_office(session: AsyncSession, partner_id: uuid.UUID) -> PartnerBranch | None:
    result: PartnerBranch | None = await session.scalar(
        select(PartnerBranch)
        .where(PartnerBranch.partner_id == partner_id, PartnerBranch.is_head_office.is_(True))
        .order_by(PartnerBranch.created_at)
        .limit(1)
    )
    return result
