"""Invoice use cases: record a goods invoice against a confirmed contract; reads; and the
balance operations the payment module calls while it holds the invoices' locks.

Recording locks the contract's row first, so racing invoices on one contract take turns and
the invoiced bales can never pass the contract's; a transaction lock per seller and year then
serialises the number check (the unique constraint is the backstop).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import diff, snapshot
from tradehub.audit.service import record as audit
from tradehub.auth.principal import Principal
from tradehub.contract import service as contracts
from tradehub.financial_year.service import require_open_year
from tradehub.invoice import domain, repository
from tradehub.invoice.errors import (
    DuplicateInvoiceNumber,
    InvoiceCancelled,
    InvoiceNotFound,
    OverAllocation,
)
from tradehub.invoice.models import Invoice
from tradehub.invoice.schemas import InvoiceCreate, InvoiceRead
from tradehub.kit.errors import Unprocessable
from tradehub.kit.identifiers import invalid_field
from tradehub.kit.locks import transaction_lock
from tradehub.ledger import service as ledger
from tradehub.ledger.domain import EntryType, Kind
from tradehub.masters.models import Commodity
from tradehub.partner.models import PartnerBranch

ENTITY = "invoice"


# --- reading ---------------------------------------------------------------------------------


def visible_invoices(principal: Principal) -> Select[Any]:
    return repository.visible_invoices(principal)


async def get_invoice(
    session: AsyncSession, principal: Principal, invoice_id: uuid.UUID
) -> Invoice:
    invoice: Invoice | None = await session.scalar(
        visible_invoices(principal).where(Invoice.id == invoice_id)
    )
    if invoice is None:
        raise InvoiceNotFound("No such invoice")
    return invoice


def invoice_read(invoice: Invoice) -> InvoiceRead:
    return InvoiceRead.model_validate(invoice)


# --- recording -------------------------------------------------------------------------------


async def _state_code(session: AsyncSession, branch_id: uuid.UUID) -> str:
    branch = await session.get(PartnerBranch, branch_id)
    if branch is None:  # pragma: no cover - a foreign key of the contract
        raise Unprocessable(
            "A party branch of the contract is missing", code="invoice.branch_missing"
        )
    return branch.state_code


async def create_invoice(
    session: AsyncSession, principal: Principal, actor: AuditActor, body: InvoiceCreate
) -> Invoice:
    # Visibility first (404), then the row lock that serialises invoices on this contract.
    visible = await contracts.get_contract(session, principal, body.contract_id)
    contract = await repository.lock_contract(session, visible.id)
    if contract is None:  # pragma: no cover - deleted between the two reads
        raise InvoiceNotFound("No such contract")
    # A disputed contract is still a confirmed deal: its goods are invoiced and paid meanwhile.
    if contract.status not in ("confirmed", "disputed"):
        raise invalid_field(
            "contract_id",
            f"the contract is {contract.status}; only a confirmed contract is invoiced",
            code="invoice.contract_not_confirmed",
        )
    try:
        year = await require_open_year(session, contract.organization_id, body.invoice_date)
    except Unprocessable as error:
        raise invalid_field(
            "invoice_date", error.detail, code="financial_year.closed_or_missing"
        ) from None
    already = await repository.invoiced_bales(session, contract.id)
    if already + body.bales > contract.bales:
        raise invalid_field(
            "bales",
            f"{already} of the contract's {contract.bales} bales are invoiced; "
            f"{contract.bales - already} remain",
            code="invoice.exceeds_contract",
        )
    commodity = await session.get(Commodity, contract.commodity_id)
    if commodity is None:  # pragma: no cover - a foreign key of the contract
        raise Unprocessable("The contract's commodity is missing", code="invoice.commodity_missing")
    amounts = domain.invoice_amounts(
        body.net_weight_kg,
        rate=contract.rate,
        rate_unit=contract.rate_unit,
        gst_rate=commodity.gst_rate,
        seller_state=await _state_code(session, contract.seller_branch_id),
        buyer_state=await _state_code(session, contract.buyer_branch_id),
    )
    if amounts.gst.total_amount <= 0:
        raise invalid_field(
            "net_weight_kg", "the invoice would total ₹0", code="invoice.zero_value"
        )
    await transaction_lock(session, "invoice_no", f"{contract.seller_id}:{year.code}")
    if await repository.number_taken(session, contract.seller_id, year.code, body.invoice_no):
        raise DuplicateInvoiceNumber(
            f"The seller already has invoice {body.invoice_no} in {year.code}"
        )
    gst = amounts.gst
    invoice = Invoice(
        organization_id=contract.organization_id,
        financial_year=year.code,
        contract_id=contract.id,
        invoice_no=body.invoice_no,
        invoice_date=body.invoice_date,
        status=domain.InvoiceStatus.UNPAID.value,
        seller_id=contract.seller_id,
        seller_branch_id=contract.seller_branch_id,
        buyer_id=contract.buyer_id,
        buyer_branch_id=contract.buyer_branch_id,
        commodity_id=contract.commodity_id,
        bales=body.bales,
        net_weight_kg=body.net_weight_kg,
        rate=contract.rate,
        rate_unit=contract.rate_unit,
        taxable_value=amounts.taxable_value,
        gst_rate=gst.rate,
        cgst=gst.cgst,
        sgst=gst.sgst,
        igst=gst.igst,
        round_off=gst.round_off,
        total_amount=gst.total_amount,
        paid_amount=domain.ZERO,
        created_by_id=principal.user_id,
    )
    session.add(invoice)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:  # a racing request took the number after our check
        raise DuplicateInvoiceNumber(
            f"The seller already has invoice {body.invoice_no} in {year.code}"
        ) from None
    # The buyer's goods account (ledger kind ``goods``): the invoice is its debit.
    await ledger.record_document(
        session,
        kind=Kind.GOODS,
        document_type=EntryType.INVOICE,
        document_id=invoice.id,
        document_no=invoice.invoice_no,
        document_date=invoice.invoice_date,
        organization_id=invoice.organization_id,
        partner_id=invoice.buyer_id,
        amount=invoice.total_amount,
        posted_at=invoice.created_at,
    )
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=invoice.id,
        changes=diff({}, snapshot(invoice)),
    )
    return invoice


# --- balances (called by the payment module inside its transaction) ---------------------------


async def lock_for_allocation(
    session: AsyncSession, invoice_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Invoice]:
    """Lock the invoices in ascending id order and return them reloaded, by id. Read
    ``paid_amount`` only after this: what racing payments committed is then visible."""
    return {invoice.id: invoice for invoice in await repository.lock_invoices(session, invoice_ids)}


def apply_allocation(invoice: Invoice, amount: Decimal) -> None:
    """Add ``amount`` to a locked invoice's paid balance (409 ``invoice.over_allocation``;
    409 ``invoice.cancelled`` for a cancelled invoice). Credit notes are not outstanding."""
    if invoice.status == domain.InvoiceStatus.CANCELLED:
        raise InvoiceCancelled(
            f"Invoice {invoice.invoice_no} is cancelled", invoice_id=str(invoice.id)
        )
    left = domain.outstanding(invoice.total_amount, invoice.paid_amount, invoice.credited_amount)
    try:
        invoice.paid_amount = domain.allocate(
            invoice.total_amount, invoice.paid_amount, amount, invoice.credited_amount
        )
    except domain.BalanceError:
        raise OverAllocation(
            f"Invoice {invoice.invoice_no} has {left} outstanding; "
            f"{amount} cannot be allocated to it",
            invoice_id=str(invoice.id),
            outstanding_amount=str(left),
        ) from None
    invoice.status = domain.status_for(
        invoice.total_amount, invoice.paid_amount, invoice.credited_amount
    ).value


def release_allocation(invoice: Invoice, amount: Decimal) -> None:
    """Take a reversed allocation's ``amount`` off a locked invoice's paid balance."""
    invoice.paid_amount = domain.release(invoice.paid_amount, amount)
    invoice.status = domain.status_for(
        invoice.total_amount, invoice.paid_amount, invoice.credited_amount
    ).value
