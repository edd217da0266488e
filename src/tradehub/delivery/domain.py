"""Pure rules of delivery orders: the state machine and the bales a contract has left. No I/O."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class DeliveryStatus(StrEnum):
    SCHEDULED = "scheduled"
    DISPATCHED = "dispatched"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class DeliveryAction(StrEnum):
    DISPATCH = "dispatch"
    DELIVER = "deliver"
    CANCEL = "cancel"


S = DeliveryStatus
A = DeliveryAction
# A dispatched lorry may still be turned back (domain.md §3.9: in transit → cancelled); once
# delivered or cancelled a DO is final.
TRANSITIONS: dict[tuple[DeliveryStatus, DeliveryAction], DeliveryStatus] = {
    (S.SCHEDULED, A.DISPATCH): S.DISPATCHED,
    (S.DISPATCHED, A.DELIVER): S.DELIVERED,
    (S.SCHEDULED, A.CANCEL): S.CANCELLED,
    (S.DISPATCHED, A.CANCEL): S.CANCELLED,
}
FINAL = frozenset({S.DELIVERED, S.CANCELLED})
# The bales of these DOs are spoken for: only a cancelled DO gives its bales back.
COUNTED = frozenset({S.SCHEDULED, S.DISPATCHED, S.DELIVERED})


def next_status(current: DeliveryStatus, action: DeliveryAction) -> DeliveryStatus | None:
    """Where ``action`` takes a DO that is ``current``; ``None`` when it may not."""
    return TRANSITIONS.get((current, action))


def bales_left(contract_bales: int, taken: Iterable[tuple[DeliveryStatus, int]]) -> int:
    """The contract's bales not yet on a DO that counts (may be negative after the contract's
    bales were amended down: no new DO fits then)."""
    return contract_bales - sum(bales for status, bales in taken if status in COUNTED)
