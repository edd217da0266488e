"""Pure payment rules: methods, statuses, and the checks on a payment's own numbers."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum


class Method(StrEnum):
    NEFT = "neft"
    RTGS = "rtgs"
    IMPS = "imps"
    UPI = "upi"
    CHEQUE = "cheque"
    CASH = "cash"


# Bank transfers carry a UTR / UPI reference (domain.md §3.3).
REFERENCE_REQUIRED = frozenset({Method.NEFT, Method.RTGS, Method.IMPS, Method.UPI})


class PaymentStatus(StrEnum):
    ACTIVE = "active"
    REVERSED = "reversed"


def needs_reference(method: Method) -> bool:
    return method in REFERENCE_REQUIRED


def unallocated(amount: Decimal, allocations: list[Decimal]) -> Decimal:
    """What stays on account; negative when the allocations exceed the payment."""
    return amount - sum(allocations, Decimal("0.00"))
