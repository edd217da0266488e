"""Pure rules of invoice cancellation and credit notes. No I/O.

A credit note takes an amount off one invoice: its ``taxable_value`` is given, GST is split as
the invoice's was (same rate, same intra/inter-state decision by the branches' state codes) and
the total is rounded to the rupee like an invoice's. Its total may not exceed what the buyer
still owes on the invoice (``total − paid − credited``).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from tradehub.invoice.domain import ZERO, BalanceError, InvoiceStatus, outstanding
from tradehub.pricing.gst import GstAmounts, gst_split


class CreditNoteStatus(StrEnum):
    ISSUED = "issued"
    CANCELLED = "cancelled"


class InvoiceRefusal(StrEnum):
    """Why an invoice cannot be cancelled (the problem's ``code``)."""

    CANCELLED = "invoice.invalid_transition"
    HAS_PAYMENTS = "invoice.has_payments"
    HAS_CREDIT_NOTES = "invoice.has_credit_notes"


def credit_note_amounts(
    taxable_value: Decimal, *, gst_rate: Decimal, seller_state: str, buyer_state: str
) -> GstAmounts:
    """GST at the invoice's rate, split by the invoice's branches' state codes, and the
    round-off to the rupee (``pricing.gst``: the same rules as the invoice)."""
    return gst_split(
        taxable_value, rate=gst_rate, supplier_state=seller_state, recipient_state=buyer_state
    )


def credit(total: Decimal, paid: Decimal, credited: Decimal, amount: Decimal) -> Decimal:
    """The invoice's new credited amount after a note of ``amount``; never past what is
    outstanding."""
    if amount <= 0:
        raise BalanceError("a credit note is more than 0")
    left = outstanding(total, paid, credited)
    if amount > left:
        raise BalanceError(f"{amount} exceeds the outstanding {left}")
    return credited + amount


def uncredit(credited: Decimal, amount: Decimal) -> Decimal:
    """The invoice's new credited amount after a note of ``amount`` is cancelled."""
    if amount <= 0 or amount > credited:
        raise BalanceError(f"cannot take back {amount} of {credited} credited")
    return credited - amount


def cancel_refusal(status: str, paid: Decimal, credited: Decimal) -> InvoiceRefusal | None:
    """Why the invoice may not be cancelled, or None. Only an invoice with nothing allocated to
    it and no live credit note is cancelled: payments are reversed first, notes cancelled."""
    if status == InvoiceStatus.CANCELLED:
        return InvoiceRefusal.CANCELLED
    if paid > ZERO:
        return InvoiceRefusal.HAS_PAYMENTS
    if credited > ZERO:
        return InvoiceRefusal.HAS_CREDIT_NOTES
    return None
