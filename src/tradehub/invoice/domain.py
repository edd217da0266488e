"""Pure invoice rules: the amounts (api.md §7) and the balance a payment allocation moves.

No I/O. ``paid_amount`` is a maintained balance: allocations add to it, reversals take away,
and ``status`` follows it (domain.md §3.2: paid when ≥ total, partially paid when > 0).
``credited_amount`` (the invoice's credit notes) also comes off what is outstanding: the buyer
owes ``total − paid − credited``; an invoice wholly credited with nothing paid is ``credited``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tradehub.masters.units import Unit
from tradehub.pricing.contract_value import weight_value
from tradehub.pricing.gst import GstAmounts, gst_split

ZERO = Decimal("0.00")


class InvoiceStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    CREDITED = "credited"  # nothing paid, the whole total taken off by credit notes
    CANCELLED = "cancelled"


# Statuses in which the buyer still owes something on the invoice.
OPEN_STATUSES = frozenset({InvoiceStatus.UNPAID, InvoiceStatus.PARTIALLY_PAID})


class BalanceError(ValueError):
    """An allocation larger than what is outstanding, or a release larger than what is paid."""


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceAmounts:
    taxable_value: Decimal
    gst: GstAmounts


def invoice_amounts(
    net_weight_kg: Decimal,
    *,
    rate: Decimal,
    rate_unit: Unit | str,
    gst_rate: Decimal,
    seller_state: str,
    buyer_state: str,
) -> InvoiceAmounts:
    """``taxable_value`` = net weight at the contract's rate (paise), then GST split by the two
    branches' state codes and the round-off to the rupee (``pricing.gst``)."""
    taxable = weight_value(net_weight_kg, rate=rate, rate_unit=rate_unit)
    gst = gst_split(
        taxable, rate=gst_rate, supplier_state=seller_state, recipient_state=buyer_state
    )
    return InvoiceAmounts(taxable_value=taxable, gst=gst)


def outstanding(total: Decimal, paid: Decimal, credited: Decimal = ZERO) -> Decimal:
    return total - paid - credited


def status_for(total: Decimal, paid: Decimal, credited: Decimal = ZERO) -> InvoiceStatus:
    if paid + credited >= total:
        return InvoiceStatus.PAID if paid > 0 else InvoiceStatus.CREDITED
    if paid > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.UNPAID


def allocate(total: Decimal, paid: Decimal, amount: Decimal, credited: Decimal = ZERO) -> Decimal:
    """The new paid amount after allocating ``amount``; never above what is outstanding."""
    if amount <= 0:
        raise BalanceError("an allocation is more than 0")
    left = outstanding(total, paid, credited)
    if amount > left:
        raise BalanceError(f"{amount} exceeds the outstanding {left}")
    return paid + amount


def release(paid: Decimal, amount: Decimal) -> Decimal:
    """The new paid amount after reversing an allocation of ``amount``; never below 0."""
    if amount <= 0 or amount > paid:
        raise BalanceError(f"cannot release {amount} of {paid} paid")
    return paid - amount
