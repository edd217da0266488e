"""Pure rules of brokerage bills: the status from what is paid, what may be cancelled, and
the balance a receipt moves."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class BillStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CANCELLED = "cancelled"


def payment_status(total_amount: Decimal, paid_amount: Decimal) -> BillStatus:
    """unpaid (nothing paid), paid (all of it), partially_paid in between."""
    if paid_amount <= 0:
        return BillStatus.UNPAID
    if paid_amount >= total_amount:
        return BillStatus.PAID
    return BillStatus.PARTIALLY_PAID


def outstanding(total_amount: Decimal, paid_amount: Decimal, status: str) -> Decimal:
    """What is still due: nothing on a cancelled bill, never below zero."""
    if status == BillStatus.CANCELLED:
        return Decimal("0.00")
    return max(total_amount - paid_amount, Decimal("0.00"))


def cancellable(status: str, paid_amount: Decimal) -> bool:
    """Only a bill nothing has been received against may be cancelled."""
    return status == BillStatus.UNPAID and paid_amount == 0


class BalanceError(ValueError):
    """A receipt on a cancelled bill, one larger than the outstanding, or a release larger
    than what was received."""


def receive(total_amount: Decimal, paid_amount: Decimal, status: str, amount: Decimal) -> Decimal:
    """The new paid amount after a receipt of ``amount``: never above the total, never on a
    cancelled bill."""
    if status == BillStatus.CANCELLED:
        raise BalanceError("a cancelled bill takes no receipts")
    if amount <= 0 or amount > outstanding(total_amount, paid_amount, status):
        raise BalanceError(f"{amount} exceeds the outstanding {total_amount - paid_amount}")
    return paid_amount + amount


def release(paid_amount: Decimal, amount: Decimal) -> Decimal:
    """The new paid amount after a reversed receipt of ``amount``; never below 0."""
    if amount <= 0 or amount > paid_amount:
        raise BalanceError(f"cannot release {amount} of {paid_amount} received")
    return paid_amount - amount
