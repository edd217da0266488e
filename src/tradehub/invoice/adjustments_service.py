"""What changes a goods invoice after it is recorded: cancelling it, and credit notes against it
(issued and cancelled); the reads that show them.

Every step locks the invoice's row first — the lock payments take (``repository.lock_invoices``)
— so a payment, a credit note and a cancellation on one invoice take turns, and each sees what
the others committed: the paid and credited balances can never pass the invoice's total. Each
step writes its audit events and its entry in the buyer's goods ledger in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.financial_year.models import FinancialYear
from tradehub.financial_year.service import require_open_year
from tradehub.invoice import credit_notes_repository as notes
from tradehub.invoice import domain, repository
from tradehub.invoice.credit_notes_domain import (
    CreditNoteStatus,
    cancel_refusal,
    credit,
    credit_note_amounts,
    uncredit,
)
from tradehub.invoice.credit_notes_models import CreditNote
from tradehub.invoice.credit_notes_schemas import CreditNoteCreate, CreditNoteRead, InvoiceDetail
from tradehub.invoice.errors import (
    CreditExceedsOutstanding,
    CreditNoteAlreadyCancelled,
    CreditNoteNotFound,
    DuplicateCreditNoteNumber,
    InvoiceCancelled,
    InvoiceNotCancellable,
    InvoiceNotFound,
)
from tradehub.invoice.models import Invoice
from tradehub.invoice.schemas import InvoiceRead
from tradehub.kit.errors import Unprocessable
from tradehub.kit.identifiers import invalid_field
from tradehub.kit.locks import transaction_lock
from tradehub.kit.types import utcnow
from tradehub.ledger import service as ledger
from tradehub.ledger.domain import EntryType, undo_date
from tradehub.partner.models import PartnerBranch

INVOICE = "invoice"
CREDIT_NOTE = "credit_note"


# --- reading ---------------------------------------------------------------------------------


def visible_credit_notes(principal: Principal) -> Select[Any]:
    return notes.visible_credit_notes(principal)


async def get_credit_note(
    session: AsyncSession, principal: Principal, credit_note_id: uuid.UUID
) -> CreditNote:
    note: CreditNote | None = await session.scalar(
        visible_credit_notes(principal).where(CreditNote.id == credit_note_id)
    )
    if note is None:
        raise CreditNoteNotFound("No such credit note")
    return note


def credit_note_read(note: CreditNote) -> CreditNoteRead:
    data = {name: getattr(note, name) for name in CreditNoteRead.model_fields if name != "date"}
    return CreditNoteRead.model_validate(data | {"date": note.credit_note_date})


async def invoice_details(session: AsyncSession, invoices: list[Invoice]) -> list[InvoiceDetail]:
    """Invoices as the API answers them, with their credit notes: one more query, whatever
    their number."""
    found = await notes.by_invoice(session, [i.id for i in invoices])
    return [
        InvoiceDetail.model_validate(
            {name: getattr(invoice, name) for name in InvoiceRead.model_fields}
            | {"credit_notes": [credit_note_read(n) for n in found[invoice.id]]}
        )
        for invoice in invoices
    ]


async def invoice_detail(session: AsyncSession, invoice: Invoice) -> InvoiceDetail:
    return (await invoice_details(session, [invoice]))[0]


# --- the invoice, locked ---------------------------------------------------------------------


async def _locked(session: AsyncSession, invoice_id: uuid.UUID) -> Invoice:
    locked = await repository.lock_invoices(session, [invoice_id])
    if not locked:  # pragma: no cover - invoices are never deleted
        raise InvoiceNotFound("No such invoice")
    return locked[0]


async def _open_year(
    session: AsyncSession, invoice: Invoice, on: date, *, field: str | None
) -> FinancialYear:
    """The open year holding ``on``; 422 ``financial_year.closed_or_missing`` (at ``field``)."""
    try:
        return await require_open_year(session, invoice.organization_id, on)
    except Unprocessable as error:
        if field is None:
            raise Unprocessable(
                f"The books of {on.isoformat()} are closed: {error.detail}",
                code="financial_year.closed_or_missing",
            ) from None
        raise invalid_field(field, error.detail, code="financial_year.closed_or_missing") from None


def _settle_status(invoice: Invoice) -> None:
    invoice.status = domain.status_for(
        invoice.total_amount, invoice.paid_amount, invoice.credited_amount
    ).value


# --- cancelling an invoice -------------------------------------------------------------------


_REFUSALS = {
    "invoice.invalid_transition": "The invoice is already cancelled",
    "invoice.has_payments": "Payments are allocated to this invoice: reverse them first",
    "invoice.has_credit_notes": "Credit notes are issued against this invoice: cancel them first",
}


async def cancel_invoice(
    session: AsyncSession, principal: Principal, actor: AuditActor, invoice: Invoice, *, reason: str
) -> Invoice:
    """→ ``cancelled``, only while nothing is allocated to it (409 ``invoice.has_payments``:
    reverse the payments first) and no credit note is live (409 ``invoice.has_credit_notes``).
    Its bales go back to the contract and its number may be issued again; the row stays. Its
    year must be open (422). The buyer's goods ledger gets a credit of its total."""
    invoice = await _locked(session, invoice.id)
    refusal = cancel_refusal(invoice.status, invoice.paid_amount, invoice.credited_amount)
    if refusal is not None:
        raise InvoiceNotCancellable(_REFUSALS[refusal.value], code=refusal.value)
    await _open_year(session, invoice, invoice.invoice_date, field=None)
    previous = invoice.status
    now = utcnow()
    invoice.status = domain.InvoiceStatus.CANCELLED.value
    invoice.status_reason = reason
    invoice.cancelled_at = now
    invoice.cancelled_by_id = principal.user_id
    await session.flush()
    await ledger.record_adjustment(
        session,
        target_id=invoice.id,
        document_type=EntryType.INVOICE_CANCELLATION,
        document_id=invoice.id,
        document_no=invoice.invoice_no,
        entry_date=undo_date(invoice.invoice_date, now),
        credit=invoice.total_amount,
        posted_at=now,
    )
    await audit(
        session,
        actor=actor,
        action="cancel",
        entity_type=INVOICE,
        entity_id=invoice.id,
        changes={"status": {"old": previous, "new": invoice.status}},
        reason=reason,
    )
    return invoice


# --- credit notes ----------------------------------------------------------------------------


async def _state_code(session: AsyncSession, branch_id: uuid.UUID) -> str:
    # Branch state codes are locked while the invoice is open (partner field locks), so they
    # are the ones the invoice was split by.
    branch = await session.get(PartnerBranch, branch_id)
    assert branch is not None, "a foreign key of the invoice"
    return branch.state_code


async def issue_credit_note(
    session: AsyncSession,
    principal: Principal,
    actor: AuditActor,
    invoice: Invoice,
    body: CreditNoteCreate,
) -> CreditNote:
    """A credit note against ``invoice``: GST as the invoice's, total to the rupee, at most what
    is outstanding (409 ``credit_note.exceeds_outstanding``); the invoice's ``credited_amount``
    goes up and its status follows."""
    invoice = await _locked(session, invoice.id)
    if invoice.status == domain.InvoiceStatus.CANCELLED:
        raise InvoiceCancelled(f"Invoice {invoice.invoice_no} is cancelled")
    if body.date < invoice.invoice_date:
        raise invalid_field(
            "date",
            f"a credit note cannot be dated before its invoice ({invoice.invoice_date})",
            code="credit_note.before_invoice",
        )
    year = await _open_year(session, invoice, body.date, field="date")
    amounts = credit_note_amounts(
        body.taxable_value,
        gst_rate=invoice.gst_rate,
        seller_state=await _state_code(session, invoice.seller_branch_id),
        buyer_state=await _state_code(session, invoice.buyer_branch_id),
    )
    if amounts.total_amount <= 0:
        raise invalid_field(
            "taxable_value", "the credit note would total ₹0", code="credit_note.zero_value"
        )
    left = domain.outstanding(invoice.total_amount, invoice.paid_amount, invoice.credited_amount)
    try:
        credited = credit(
            invoice.total_amount, invoice.paid_amount, invoice.credited_amount, amounts.total_amount
        )
    except domain.BalanceError:
        raise CreditExceedsOutstanding(
            f"Invoice {invoice.invoice_no} has {left} outstanding; a credit note of "
            f"{amounts.total_amount} cannot be issued against it",
            invoice_id=str(invoice.id),
            outstanding_amount=str(left),
            total_amount=str(amounts.total_amount),
        ) from None
    await transaction_lock(session, "credit_note_no", f"{invoice.seller_id}:{year.code}")
    duplicate = DuplicateCreditNoteNumber(
        f"The seller already has credit note {body.credit_note_no} in {year.code}"
    )
    if await notes.number_taken(session, invoice.seller_id, year.code, body.credit_note_no):
        raise duplicate
    note = CreditNote(
        organization_id=invoice.organization_id,
        financial_year=year.code,
        invoice_id=invoice.id,
        invoice_no=invoice.invoice_no,
        credit_note_no=body.credit_note_no,
        credit_note_date=body.date,
        status=CreditNoteStatus.ISSUED.value,
        reason=body.reason,
        seller_id=invoice.seller_id,
        seller_branch_id=invoice.seller_branch_id,
        buyer_id=invoice.buyer_id,
        buyer_branch_id=invoice.buyer_branch_id,
        taxable_value=amounts.taxable_value,
        gst_rate=amounts.rate,
        cgst=amounts.cgst,
        sgst=amounts.sgst,
        igst=amounts.igst,
        round_off=amounts.round_off,
        total_amount=amounts.total_amount,
        created_by_id=principal.user_id,
    )
    session.add(note)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:  # a racing request took the number after our check
        raise duplicate from None
    before = {"credited_amount": invoice.credited_amount, "status": invoice.status}
    invoice.credited_amount = credited
    _settle_status(invoice)
    await session.flush()
    await ledger.record_adjustment(
        session,
        target_id=invoice.id,
        document_type=EntryType.CREDIT_NOTE,
        document_id=note.id,
        document_no=note.credit_note_no,
        entry_date=note.credit_note_date,
        credit=note.total_amount,
        posted_at=note.created_at,
    )
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type=CREDIT_NOTE,
        entity_id=note.id,
        changes=diff({}, snapshot(note)),
        reason=body.reason,
    )
    await _audit_invoice(session, actor, invoice, before, action="credit", note=note)
    return note


async def cancel_credit_note(
    session: AsyncSession, actor: AuditActor, note: CreditNote, *, reason: str
) -> CreditNote:
    """issued → cancelled: its total goes back onto the invoice's outstanding (and the buyer's
    goods ledger), its number may be issued again. Twice: 409. Its year must be open (422)."""
    invoice = await _locked(session, note.invoice_id)
    locked = await notes.lock(session, note.id)
    if locked is None:  # pragma: no cover - notes are never deleted
        raise CreditNoteNotFound("No such credit note")
    note = locked
    if note.status == CreditNoteStatus.CANCELLED:
        raise CreditNoteAlreadyCancelled("The credit note is already cancelled")
    await _open_year(session, invoice, note.credit_note_date, field=None)
    before = {"credited_amount": invoice.credited_amount, "status": invoice.status}
    invoice.credited_amount = uncredit(invoice.credited_amount, note.total_amount)
    _settle_status(invoice)
    now = utcnow()
    note.status = CreditNoteStatus.CANCELLED.value
    note.status_reason = reason
    note.cancelled_at = now
    note.cancelled_by_id = actor.user_id
    await session.flush()
    await ledger.record_adjustment(
        session,
        target_id=invoice.id,
        document_type=EntryType.CREDIT_NOTE_CANCELLATION,
        document_id=note.id,
        document_no=note.credit_note_no,
        entry_date=undo_date(note.credit_note_date, now),
        debit=note.total_amount,
        posted_at=now,
    )
    await audit(
        session,
        actor=actor,
        action="cancel",
        entity_type=CREDIT_NOTE,
        entity_id=note.id,
        changes={"status": {"old": CreditNoteStatus.ISSUED.value, "new": note.status}},
        reason=reason,
    )
    await _audit_invoice(session, actor, invoice, before, action="credit_cancelled", note=note)
    return note


async def _audit_invoice(
    session: AsyncSession,
    actor: AuditActor,
    invoice: Invoice,
    before: dict[str, Any],
    *,
    action: str,
    note: CreditNote,
) -> None:
    after = {"credited_amount": invoice.credited_amount, "status": invoice.status}
    await audit(
        session,
        actor=actor,
        action=action,
        entity_type=INVOICE,
        entity_id=invoice.id,
        changes=diff(before, after) | {"credit_note_no": {"old": None, "new": note.credit_note_no}},
        reason=note.reason if action == "credit" else note.status_reason,
    )
