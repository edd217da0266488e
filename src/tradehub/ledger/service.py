"""Ledger use cases: the postings other modules make in their own transactions, and the two
reads (the party ledger, the outstanding report).

Postings are called by the invoice, brokerage and payment services right where the business
change happens, after they hold the document's row lock; each is one balance UPDATE and one
INSERT, so a report never has to recompute history. Nothing here commits.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.kit.errors import Unprocessable
from tradehub.kit.types import utcnow
from tradehub.ledger import repository
from tradehub.ledger.domain import (
    ZERO,
    EntryType,
    Kind,
    Movement,
    ageing_bounds,
    running_balances,
    today_in_india,
    undo_date,
)
from tradehub.ledger.errors import NotInLedger
from tradehub.ledger.schemas import LedgerEntryRead, LedgerRead, OutstandingItem, OutstandingRead
from tradehub.partner import service as partners

# --- postings (called inside other modules' transactions) -------------------------------------


async def record_document(
    session: AsyncSession,
    *,
    kind: Kind,
    document_type: EntryType,
    document_id: uuid.UUID,
    document_no: str,
    document_date: date,
    organization_id: uuid.UUID,
    partner_id: uuid.UUID,
    amount: Decimal,
    posted_at: datetime,
) -> None:
    """A new debit document: its open item (balance = amount) and its debit entry."""
    await repository.add_document(
        session,
        {
            "document_id": document_id,
            "kind": kind.value,
            "document_type": document_type.value,
            "organization_id": organization_id,
            "partner_id": partner_id,
            "document_no": document_no,
            "document_date": document_date,
            "amount": amount,
            "balance": amount,
            "is_open": amount != 0,
        },
    )
    if amount == 0:
        return
    await repository.add_entry(
        session,
        {
            "kind": kind.value,
            "organization_id": organization_id,
            "partner_id": partner_id,
            "entry_date": document_date,
            "document_type": document_type.value,
            "document_id": document_id,
            "document_no": document_no,
            "target_id": document_id,
            "target_date": document_date,
            "debit": amount,
            "credit": ZERO,
            "posted_at": posted_at,
        },
    )


async def _post(
    session: AsyncSession,
    *,
    target_id: uuid.UUID,
    document_type: EntryType,
    document_id: uuid.UUID,
    document_no: str | None,
    entry_date: date,
    debit: Decimal = ZERO,
    credit: Decimal = ZERO,
    posted_at: datetime,
) -> None:
    target = await repository.move_balance(session, target_id, debit - credit)
    if target is None:
        raise NotInLedger(f"document {target_id} has no ledger row")
    await repository.add_entry(
        session,
        {
            "kind": target.kind,
            "organization_id": target.organization_id,
            "partner_id": target.partner_id,
            "entry_date": entry_date,
            "document_type": document_type.value,
            "document_id": document_id,
            "document_no": document_no,
            "target_id": target_id,
            "target_date": target.document_date,
            "debit": debit,
            "credit": credit,
            "posted_at": posted_at,
        },
    )


async def record_receipt(
    session: AsyncSession,
    *,
    target_id: uuid.UUID,
    payment_id: uuid.UUID,
    reference: str | None,
    payment_date: date,
    amount: Decimal,
    posted_at: datetime,
) -> None:
    """A payment allocation: a credit against the bill or invoice, dated on the payment."""
    await _post(
        session,
        target_id=target_id,
        document_type=EntryType.PAYMENT,
        document_id=payment_id,
        document_no=reference,
        entry_date=payment_date,
        credit=amount,
        posted_at=posted_at,
    )


async def record_receipt_reversal(
    session: AsyncSession,
    *,
    target_id: uuid.UUID,
    payment_id: uuid.UUID,
    reference: str | None,
    payment_date: date,
    amount: Decimal,
    reversed_at: datetime,
) -> None:
    """A reversed allocation: a debit dated on the day of the reversal (never before the
    payment's own date); the original credit stays."""
    await _post(
        session,
        target_id=target_id,
        document_type=EntryType.PAYMENT_REVERSAL,
        document_id=payment_id,
        document_no=reference,
        entry_date=undo_date(payment_date, reversed_at),
        debit=amount,
        posted_at=reversed_at,
    )


async def record_cancellation(
    session: AsyncSession,
    *,
    document_id: uuid.UUID,
    document_no: str,
    document_date: date,
    amount: Decimal,
    cancelled_at: datetime,
) -> None:
    """A cancelled brokerage bill: a credit of what it still owed (its total: only bills with
    nothing received are cancelled), dated on the day of the cancellation."""
    if amount == 0:
        return
    await _post(
        session,
        target_id=document_id,
        document_type=EntryType.BROKERAGE_BILL_CANCELLATION,
        document_id=document_id,
        document_no=document_no,
        entry_date=undo_date(document_date, cancelled_at),
        credit=amount,
        posted_at=cancelled_at,
    )


async def record_adjustment(
    session: AsyncSession,
    *,
    target_id: uuid.UUID,
    document_type: EntryType,
    document_id: uuid.UUID,
    document_no: str | None,
    entry_date: date,
    debit: Decimal = ZERO,
    credit: Decimal = ZERO,
    posted_at: datetime,
) -> None:
    """A change to a goods invoice after it was recorded (the invoice module's cancellation
    and credit notes, and their cancellation): one debit or credit against its open item."""
    await _post(
        session,
        target_id=target_id,
        document_type=document_type,
        document_id=document_id,
        document_no=document_no,
        entry_date=entry_date,
        debit=debit,
        credit=credit,
        posted_at=posted_at,
    )


# --- reads -------------------------------------------------------------------------------------


def _period_checked(date_from: date | None, date_to: date | None) -> None:
    if date_from is not None and date_to is not None and date_from > date_to:
        message = "`from` must not be after `to`"
        raise Unprocessable(
            message,
            code="validation.invalid",
            errors=[{"loc": ["query", "from"], "msg": message, "type": "validation.invalid"}],
        )


async def party_ledger(
    session: AsyncSession,
    principal: Principal,
    partner_id: uuid.UUID,
    *,
    kind: Kind = Kind.BROKERAGE,
    organization_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> LedgerRead:
    """The partner's account in date order with a running balance. A partner the caller may
    not see (a portal user's other partners) is 404 ``partner.not_found``."""
    _period_checked(date_from, date_to)
    await partners.get_partner(session, principal, partner_id)
    account = repository.Account(partner_id, kind, organization_id)
    opening = await repository.balance_before(session, account, date_from)
    lines = await repository.lines_between(session, account, date_from, date_to)
    balances = list(running_balances(opening, (Movement(ln.debit, ln.credit) for ln in lines)))
    entries = [
        LedgerEntryRead(
            date=line.entry_date,
            document_type=EntryType(line.document_type),
            document_id=line.document_id,
            document_no=line.document_no,
            debit=line.debit,
            credit=line.credit,
            balance=balance,
        )
        for line, balance in zip(lines, balances, strict=True)
    ]
    return LedgerRead(
        partner_id=partner_id,
        kind=kind,
        date_from=date_from,
        date_to=date_to,
        opening_balance=opening,
        entries=entries,
        closing_balance=balances[-1] if balances else opening,
    )


async def outstanding_report(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: Kind = Kind.BROKERAGE,
    as_of: date | None = None,
    organization_id: uuid.UUID | None = None,
) -> OutstandingRead:
    """What each partner owes as of ``as_of`` (default: today in India), aged by document
    date. A partner's portal user (with the permission) sees only its own partner's row."""
    day = as_of if as_of is not None else today_in_india(utcnow())
    rows = await repository.outstanding_rows(
        session,
        kind,
        ageing_bounds(day),
        organization_id=organization_id,
        partner_id=principal.partner_id,
    )
    return OutstandingRead(
        as_of=day,
        kind=kind,
        items=[
            OutstandingItem(
                partner_id=row.partner_id,
                partner_name=row.partner_name,
                outstanding=row.outstanding,
                days_0_30=row.within_30,
                days_31_60=row.within_60,
                days_61_90=row.within_90,
                over_90=row.over_90,
            )
            for row in rows
        ],
    )
