"""Ledger queries: posting (one UPDATE … RETURNING and one INSERT per entry), the party ledger
over one index range, and the outstanding report from the open items plus the entries dated
after ``as_of``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    insert,
    select,
    true,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.kit.types import Money
from tradehub.ledger.domain import AgeingBounds, Kind
from tradehub.ledger.models import LedgerDocument, LedgerEntry
from tradehub.partner.models import Partner

_ZERO = Decimal("0.00")


# --- posting ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """The debit document an entry moves, as returned by the balance update."""

    kind: str
    organization_id: uuid.UUID
    partner_id: uuid.UUID
    document_date: date


async def add_document(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(LedgerDocument).values(**values))


async def move_balance(
    session: AsyncSession, document_id: uuid.UUID, delta: Decimal
) -> Target | None:
    """Add ``delta`` (debit − credit) to the document's balance in one statement (no
    read-modify-write, so it is right even without the caller's row lock) and return what an
    entry against it copies; ``None`` when the document has no ledger row."""
    new_balance = LedgerDocument.balance + delta
    row = (
        await session.execute(
            update(LedgerDocument)
            .where(LedgerDocument.document_id == document_id)
            .values(balance=new_balance, is_open=new_balance != 0)
            .returning(
                LedgerDocument.kind,
                LedgerDocument.organization_id,
                LedgerDocument.partner_id,
                LedgerDocument.document_date,
            )
        )
    ).first()
    if row is None:
        return None
    return Target(
        kind=row.kind,
        organization_id=row.organization_id,
        partner_id=row.partner_id,
        document_date=row.document_date,
    )


async def document_balance(session: AsyncSession, document_id: uuid.UUID) -> Decimal | None:
    balance: Decimal | None = await session.scalar(
        select(LedgerDocument.balance).where(LedgerDocument.document_id == document_id)
    )
    return balance


async def add_entry(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(insert(LedgerEntry).values(id=uuid.uuid4(), **values))


# --- the party ledger -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Account:
    """One partner's account of one kind, in one organization's books or in all of them."""

    partner_id: uuid.UUID
    kind: Kind
    organization_id: uuid.UUID | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        conditions = [LedgerEntry.partner_id == self.partner_id, LedgerEntry.kind == self.kind]
        if self.organization_id is not None:
            conditions.append(LedgerEntry.organization_id == self.organization_id)
        return conditions


async def balance_before(session: AsyncSession, account: Account, before: date | None) -> Decimal:
    """Debits − credits of every entry dated before ``before`` (0 when there is no bound)."""
    if before is None:
        return _ZERO
    total = await session.scalar(
        select(
            type_coerce(func.coalesce(func.sum(LedgerEntry.debit - LedgerEntry.credit), 0), Money())
        ).where(*account.conditions(), LedgerEntry.entry_date < before)
    )
    return total if total is not None else _ZERO


@dataclass(frozen=True, slots=True)
class LedgerLine:
    entry_date: date
    document_type: str
    document_id: uuid.UUID
    document_no: str | None
    debit: Decimal
    credit: Decimal
    posted_at: datetime


async def lines_between(
    session: AsyncSession, account: Account, date_from: date | None, date_to: date | None
) -> list[LedgerLine]:
    """One line per source document and type in the period, in date order (then in the order
    they happened): a receipt allocated to three bills is one credit line of its total."""
    conditions = account.conditions()
    if date_from is not None:
        conditions.append(LedgerEntry.entry_date >= date_from)
    if date_to is not None:
        conditions.append(LedgerEntry.entry_date <= date_to)
    posted_at = func.min(LedgerEntry.posted_at)
    statement = (
        select(
            LedgerEntry.entry_date,
            LedgerEntry.document_type,
            LedgerEntry.document_id,
            LedgerEntry.document_no,
            func.sum(LedgerEntry.debit),
            func.sum(LedgerEntry.credit),
            posted_at,
        )
        .where(*conditions)
        .group_by(
            LedgerEntry.entry_date,
            LedgerEntry.document_type,
            LedgerEntry.document_id,
            LedgerEntry.document_no,
        )
        .order_by(LedgerEntry.entry_date, posted_at, LedgerEntry.document_id)
    )
    return [LedgerLine(*row) for row in await session.execute(statement)]


# --- the outstanding report -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutstandingRow:
    partner_id: uuid.UUID
    partner_name: str
    outstanding: Decimal
    within_30: Decimal
    within_60: Decimal
    within_90: Decimal
    over_90: Decimal


def _amounts_as_of(
    kind: Kind, as_of: date, organization_id: uuid.UUID | None, partner_id: uuid.UUID | None
) -> Any:
    """(partner, document date, amount) rows whose sum per document is what it still owed at
    the end of ``as_of``: each open item dated on or before as_of with its balance now, and,
    with the opposite sign, every entry dated after as_of against a document dated on or
    before it (a receipt, reversal or cancellation that had not happened yet). Both parts are
    range scans of covering indexes; for as_of = today the second part is empty."""
    now = select(
        LedgerDocument.partner_id.label("partner_id"),
        LedgerDocument.document_date.label("document_date"),
        LedgerDocument.balance.label("amount"),
    ).where(
        LedgerDocument.kind == kind.value,
        LedgerDocument.is_open == true(),
        LedgerDocument.document_date <= as_of,
    )
    undone = select(
        LedgerEntry.partner_id,
        LedgerEntry.target_date,
        LedgerEntry.credit - LedgerEntry.debit,
    ).where(
        LedgerEntry.kind == kind.value,
        LedgerEntry.entry_date > as_of,
        LedgerEntry.target_date <= as_of,
    )
    if organization_id is not None:
        now = now.where(LedgerDocument.organization_id == organization_id)
        undone = undone.where(LedgerEntry.organization_id == organization_id)
    if partner_id is not None:
        now = now.where(LedgerDocument.partner_id == partner_id)
        undone = undone.where(LedgerEntry.partner_id == partner_id)
    return union_all(now, undone).subquery("amounts")


def outstanding_statement(
    kind: Kind,
    bounds: AgeingBounds,
    *,
    organization_id: uuid.UUID | None = None,
    partner_id: uuid.UUID | None = None,
) -> Select[Any]:
    """Per partner, the amounts summed in total and by the bucket of their document's date.
    No grouping per document is needed: what a document owed at a date is never negative
    (receipts never exceed it, and an undo is never dated before what it undoes), so a partner
    whose total is 0 owes nothing in any bucket and is left out."""
    amounts = _amounts_as_of(kind, bounds.as_of, organization_id, partner_id)
    date_ = amounts.c.document_date

    def total(condition: ColumnElement[bool] | None = None) -> Any:
        value = amounts.c.amount if condition is None else case((condition, amounts.c.amount))
        return type_coerce(func.coalesce(func.sum(value), 0), Money())

    per_partner = (
        select(
            amounts.c.partner_id,
            total().label("outstanding"),
            total(date_ >= bounds.within_30).label("within_30"),
            total(and_(date_ < bounds.within_30, date_ >= bounds.within_60)).label("within_60"),
            total(and_(date_ < bounds.within_60, date_ >= bounds.within_90)).label("within_90"),
            total(date_ < bounds.within_90).label("over_90"),
        )
        .group_by(amounts.c.partner_id)
        .having(func.sum(amounts.c.amount) != 0)
        .subquery("per_partner")
    )
    return (
        select(
            per_partner.c.partner_id,
            Partner.legal_name,
            per_partner.c.outstanding,
            per_partner.c.within_30,
            per_partner.c.within_60,
            per_partner.c.within_90,
            per_partner.c.over_90,
        )
        .join(Partner, Partner.id == per_partner.c.partner_id)
        .order_by(Partner.legal_name, per_partner.c.partner_id)
    )


async def outstanding_rows(
    session: AsyncSession,
    kind: Kind,
    bounds: AgeingBounds,
    *,
    organization_id: uuid.UUID | None = None,
    partner_id: uuid.UUID | None = None,
) -> list[OutstandingRow]:
    statement = outstanding_statement(
        kind, bounds, organization_id=organization_id, partner_id=partner_id
    )
    return [OutstandingRow(*row) for row in await session.execute(statement)]
