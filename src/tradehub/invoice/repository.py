"""Invoice queries: what a caller sees (one place), list filters, the locks used by writers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.contract.models import Contract
from tradehub.invoice.domain import InvoiceStatus
from tradehub.invoice.models import LIVE, Invoice
from tradehub.kit.visibility import visible_to


def visible_invoices(principal: Principal) -> Select[Any]:
    """Staff see every invoice; a partner's users only those where their partner is seller or
    buyer (and, when limited to branches, one of those branches is the party's)."""
    statement: Select[Any] = select(Invoice)
    if principal.partner_id is None:
        return statement
    return visible_to(
        statement,
        principal,
        party_columns=[Invoice.seller_id, Invoice.buyer_id],
        branch_columns=[Invoice.seller_branch_id, Invoice.buyer_branch_id],
    )


def invoice_filters(
    statement: Select[Any],
    *,
    status: InvoiceStatus | None = None,
    organization_id: uuid.UUID | None = None,
    contract_id: uuid.UUID | None = None,
    seller_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    party_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    invoice_no: str | None = None,
) -> Select[Any]:
    if status is not None:
        statement = statement.where(Invoice.status == status)
    if organization_id is not None:
        statement = statement.where(Invoice.organization_id == organization_id)
    if contract_id is not None:
        statement = statement.where(Invoice.contract_id == contract_id)
    if seller_id is not None:
        statement = statement.where(Invoice.seller_id == seller_id)
    if buyer_id is not None:
        statement = statement.where(Invoice.buyer_id == buyer_id)
    if party_id is not None:
        statement = statement.where(
            or_(Invoice.seller_id == party_id, Invoice.buyer_id == party_id)
        )
    if date_from is not None:
        statement = statement.where(Invoice.invoice_date >= date_from)
    if date_to is not None:
        statement = statement.where(Invoice.invoice_date <= date_to)
    if invoice_no is not None:
        statement = statement.where(Invoice.invoice_no == invoice_no)
    return statement


async def lock_contract(session: AsyncSession, contract_id: uuid.UUID) -> Contract | None:
    """The contract's row, held until the transaction ends (PostgreSQL ``FOR UPDATE``; SQLite
    writers are serialised by ``BEGIN IMMEDIATE``), reloaded: racing invoices take turns."""
    result: Contract | None = await session.scalar(
        select(Contract)
        .where(Contract.id == contract_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result


async def invoiced_bales(session: AsyncSession, contract_id: uuid.UUID) -> int:
    """The contract's bales on invoices that are not cancelled (a cancellation frees them)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(Invoice.bales), 0)).where(
            Invoice.contract_id == contract_id, Invoice.status != InvoiceStatus.CANCELLED
        )
    )
    return int(total or 0)


async def number_taken(
    session: AsyncSession, seller_id: uuid.UUID, financial_year: str, invoice_no: str
) -> bool:
    found = await session.scalar(
        select(Invoice.id).where(
            Invoice.seller_id == seller_id,
            Invoice.financial_year == financial_year,
            Invoice.invoice_no == invoice_no,
            LIVE,  # the partial unique index's own predicate, so it serves this lookup
        )
    )
    return found is not None


async def lock_invoices(session: AsyncSession, invoice_ids: Sequence[uuid.UUID]) -> list[Invoice]:
    """The invoices' rows locked one by one in ascending id order (a fixed order, so two
    payments over the same invoices cannot deadlock), each reloaded after its lock."""
    locked = []
    for invoice_id in sorted(set(invoice_ids)):
        invoice = await session.scalar(
            select(Invoice)
            .where(Invoice.id == invoice_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if invoice is not None:
            locked.append(invoice)
    return locked
