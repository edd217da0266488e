"""The documents a payment settles: goods invoices (buyer → seller) and brokerage bills
(partner → organization, api.md §8), found with the caller's visibility, locked in one fixed
order, and moved through their own modules' services (never their repositories)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.principal import Principal
from tradehub.brokerage import service as bills
from tradehub.brokerage.models import BrokerageBill
from tradehub.invoice import service as invoices
from tradehub.invoice.models import Invoice
from tradehub.payment.models import PaymentAllocation
from tradehub.payment.schemas import AllocationIn


def target_of(allocation: AllocationIn) -> tuple[str, uuid.UUID]:
    """(request field, document id) of an allocation: exactly one is set (schema)."""
    if allocation.invoice_id is not None:
        return "invoice_id", allocation.invoice_id
    assert allocation.brokerage_bill_id is not None
    return "brokerage_bill_id", allocation.brokerage_bill_id


@dataclass(frozen=True, slots=True)
class Found:
    """A document an allocation names, as the caller sees it."""

    organization_id: uuid.UUID
    payer_id: uuid.UUID  # who must pay it
    payee_id: uuid.UUID  # who must receive it
    mismatch: str  # what to say when the parties differ


async def find(session: AsyncSession, principal: Principal, allocation: AllocationIn) -> Found:
    """The allocated invoice or bill, if the caller may see it (404 otherwise)."""
    if allocation.invoice_id is not None:
        invoice = await invoices.get_invoice(session, principal, allocation.invoice_id)
        return Found(
            invoice.organization_id,
            invoice.buyer_id,
            invoice.seller_id,
            "the payer must be the invoice's buyer and the payee its seller",
        )
    assert allocation.brokerage_bill_id is not None
    bill = await bills.get_bill(session, principal, allocation.brokerage_bill_id)
    return Found(
        bill.organization_id,
        bill.partner_id,
        bill.organization_id,
        "the payer must be the billed partner and the payee the bill's organization",
    )


@dataclass(frozen=True, slots=True)
class Locked:
    """The documents of one payment, locked: invoices and bills by id."""

    invoices: dict[uuid.UUID, Invoice]
    bills: dict[uuid.UUID, BrokerageBill]

    def apply(
        self, invoice_id: uuid.UUID | None, bill_id: uuid.UUID | None, amount: Decimal
    ) -> None:
        if invoice_id is not None:
            invoices.apply_allocation(self.invoices[invoice_id], amount)
        elif bill_id is not None:
            bills.apply_allocation(self.bills[bill_id], amount)

    def release(
        self, invoice_id: uuid.UUID | None, bill_id: uuid.UUID | None, amount: Decimal
    ) -> None:
        if invoice_id is not None:
            invoices.release_allocation(self.invoices[invoice_id], amount)
        elif bill_id is not None:
            bills.release_allocation(self.bills[bill_id], amount)


async def lock(
    session: AsyncSession, invoice_ids: list[uuid.UUID], bill_ids: list[uuid.UUID]
) -> Locked:
    """Invoices first, then bills, each in ascending id order: one fixed order for every
    payment and reversal, so none of them can deadlock another."""
    return Locked(
        invoices=await invoices.lock_for_allocation(session, invoice_ids),
        bills=await bills.lock_for_allocation(session, bill_ids),
    )


def allocated_to(allocation: PaymentAllocation) -> uuid.UUID:
    target = allocation.invoice_id or allocation.brokerage_bill_id
    assert target is not None  # the one_target CHECK
    return target
