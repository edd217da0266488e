"""Credit note queries: what a caller sees (one place, as for invoices), list filters, the
seller's number check and the row lock used by writers."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.invoice.credit_notes_domain import CreditNoteStatus
from tradehub.invoice.credit_notes_models import CreditNote
from tradehub.kit.visibility import visible_to


def visible_credit_notes(principal: Principal) -> Select[Any]:
    """Staff see every note; a partner's users only notes where their partner is seller or
    buyer (and, when limited to branches, one of those branches is the party's) — the
    invoice's own rule, on the parties copied from it."""
    statement: Select[Any] = select(CreditNote)
    if principal.partner_id is None:
        return statement
    return visible_to(
        statement,
        principal,
        party_columns=[CreditNote.seller_id, CreditNote.buyer_id],
        branch_columns=[CreditNote.seller_branch_id, CreditNote.buyer_branch_id],
    )


def credit_note_filters(
    statement: Select[Any],
    *,
    invoice_id: uuid.UUID | None = None,
    status: CreditNoteStatus | None = None,
    organization_id: uuid.UUID | None = None,
    seller_id: uuid.UUID | None = None,
    buyer_id: uuid.UUID | None = None,
    party_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    credit_note_no: str | None = None,
) -> Select[Any]:
    if invoice_id is not None:
        statement = statement.where(CreditNote.invoice_id == invoice_id)
    if status is not None:
        statement = statement.where(CreditNote.status == status)
    if organization_id is not None:
        statement = statement.where(CreditNote.organization_id == organization_id)
    if seller_id is not None:
        statement = statement.where(CreditNote.seller_id == seller_id)
    if buyer_id is not None:
        statement = statement.where(CreditNote.buyer_id == buyer_id)
    if party_id is not None:
        statement = statement.where(
            or_(CreditNote.seller_id == party_id, CreditNote.buyer_id == party_id)
        )
    if date_from is not None:
        statement = statement.where(CreditNote.credit_note_date >= date_from)
    if date_to is not None:
        statement = statement.where(CreditNote.credit_note_date <= date_to)
    if credit_note_no is not None:
        statement = statement.where(CreditNote.credit_note_no == credit_note_no)
    return statement


async def by_invoice(
    session: AsyncSession, invoice_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[CreditNote]]:
    """The invoices' notes (issued and cancelled), oldest first, in one query."""
    grouped: dict[uuid.UUID, list[CreditNote]] = defaultdict(list)
    if not invoice_ids:
        return grouped
    rows = await session.scalars(
        select(CreditNote)
        .where(CreditNote.invoice_id.in_(invoice_ids))
        .order_by(CreditNote.created_at, CreditNote.id)
    )
    for row in rows:
        grouped[row.invoice_id].append(row)
    return grouped


async def number_taken(
    session: AsyncSession, seller_id: uuid.UUID, financial_year: str, credit_note_no: str
) -> bool:
    found = await session.scalar(
        select(CreditNote.id).where(
            CreditNote.seller_id == seller_id,
            CreditNote.financial_year == financial_year,
            CreditNote.credit_note_no == credit_note_no,
            text("status <> 'cancelled'"),  # the partial unique index's predicate
        )
    )
    return found is not None


async def lock(session: AsyncSession, credit_note_id: uuid.UUID) -> CreditNote | None:
    """The note's row, held until the transaction ends, reloaded."""
    result: CreditNote | None = await session.scalar(
        select(CreditNote)
        .where(CreditNote.id == credit_note_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return result
