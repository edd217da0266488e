"""Pure rules of disputes: the state machine, which statuses keep a contract ``disputed``, who
raises and who may withdraw, what a resolution may carry, which comments a viewer sees. No I/O."""

from __future__ import annotations

import uuid
from decimal import Decimal
from enum import StrEnum

from tradehub.contract.domain import Side


class DisputeStatus(StrEnum):
    OPEN = "open"
    UNDER_REVIEW = "under_review"
    RESOLVED = "resolved"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class DisputeAction(StrEnum):
    REVIEW = "review"
    RESOLVE = "resolve"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"


class Category(StrEnum):
    QUALITY = "quality"
    WEIGHT = "weight"
    DELIVERY = "delivery"
    PAYMENT = "payment"


class ResolutionKind(StrEnum):
    UPHELD = "upheld"  # the claim stands as raised
    PARTIALLY_UPHELD = "partially_upheld"
    REJECTED = "rejected"  # nothing is due to the raiser
    SETTLED = "settled"  # the parties agreed between themselves


class Visibility(StrEnum):
    INTERNAL = "internal"  # the broker's staff only
    EXTERNAL = "external"  # staff and both parties


S = DisputeStatus
A = DisputeAction
TRANSITIONS: dict[tuple[DisputeStatus, DisputeAction], DisputeStatus] = {
    (S.OPEN, A.REVIEW): S.UNDER_REVIEW,
    (S.UNDER_REVIEW, A.RESOLVE): S.RESOLVED,
    (S.RESOLVED, A.CLOSE): S.CLOSED,
    (S.OPEN, A.WITHDRAW): S.WITHDRAWN,
    (S.UNDER_REVIEW, A.WITHDRAW): S.WITHDRAWN,
    # A resolution a party contests goes back under review (the contract is disputed again);
    # a closed dispute is final: a new grievance is a new dispute.
    (S.RESOLVED, A.REOPEN): S.UNDER_REVIEW,
}

# While a contract has a dispute in one of these, the contract shows ``disputed``.
ACTIVE = frozenset({S.OPEN, S.UNDER_REVIEW})
# Nothing more happens to these: no comments, no transitions.
FINAL = frozenset({S.CLOSED, S.WITHDRAWN})
# Steps only the broker's staff take (``dispute:resolve``); withdrawing is the raiser's.
STAFF_ONLY = frozenset({A.REVIEW, A.RESOLVE, A.CLOSE, A.REOPEN})


def next_status(current: DisputeStatus, action: DisputeAction) -> DisputeStatus | None:
    """The status ``action`` leads to from ``current``; ``None`` when it is not allowed."""
    return TRANSITIONS.get((current, action))


def is_active(status: DisputeStatus) -> bool:
    return status in ACTIVE


class SideProblem(StrEnum):
    REQUIRED = "dispute.side_required"
    MISMATCH = "dispute.side_mismatch"


def raising_side(
    *,
    caller_partner_id: uuid.UUID | None,
    seller_id: uuid.UUID,
    buyer_id: uuid.UUID,
    stated: Side | None,
) -> Side | SideProblem:
    """Staff state the side they raise for; a party's user raises for its own side (which it
    may repeat, never contradict). The caller's partner is a party (the contract is visible)."""
    if caller_partner_id is None:
        return stated if stated is not None else SideProblem.REQUIRED
    if caller_partner_id not in (seller_id, buyer_id):
        return SideProblem.MISMATCH
    own = Side.SELLER if caller_partner_id == seller_id else Side.BUYER
    if stated is not None and stated is not own:
        return SideProblem.MISMATCH
    return own


def other_side(side: Side) -> Side:
    return Side.BUYER if side is Side.SELLER else Side.SELLER


def may_withdraw(
    *,
    caller_partner_id: uuid.UUID | None,
    raised_by_partner_id: uuid.UUID,
    raised_on_portal: bool,
) -> bool:
    """Only the raiser withdraws: a user of the partner that raised it; or, for a dispute the
    broker's staff raised on a party's behalf, the staff (on that party's word). Staff cannot
    withdraw what a party raised itself, nor a party what the other side raised."""
    if caller_partner_id is not None:
        return caller_partner_id == raised_by_partner_id
    return not raised_on_portal


def resolution_problem(kind: ResolutionKind, settled_amount: Decimal | None) -> str | None:
    """A rejected claim settles nothing; any other outcome may carry an amount (or none when
    the remedy is not money, e.g. a replacement lot)."""
    if kind is ResolutionKind.REJECTED and settled_amount is not None and settled_amount > 0:
        return "a rejected dispute settles no amount"
    return None


def sees_comment(*, viewer_is_staff: bool, visibility: Visibility) -> bool:
    return viewer_is_staff or visibility is Visibility.EXTERNAL


def may_post(*, viewer_is_staff: bool, visibility: Visibility) -> bool:
    """Parties post external comments only; internal notes are the broker's."""
    return viewer_is_staff or visibility is Visibility.EXTERNAL


def may_reply(*, reply: Visibility, parent: Visibility) -> bool:
    """An external reply to an internal note would show the parties a thread whose head they
    cannot see (and hint at it): not allowed. An internal note may follow anything."""
    return not (reply is Visibility.EXTERNAL and parent is Visibility.INTERNAL)
