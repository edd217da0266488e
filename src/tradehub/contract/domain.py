"""Pure rules of sales contracts: the state machine, who may be a party, what an amendment
may change, and the brokerage due from each side. No I/O."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from tradehub.pricing.brokerage import commission_amount
from tradehub.pricing.contract_value import contract_value


class ContractStatus(StrEnum):
    DRAFT = "draft"
    PENDING_APPROVAL = "pending_approval"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    DISPUTED = "disputed"  # while a dispute is open on it (set by the dispute module)


class ContractAction(StrEnum):
    UPDATE = "update"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    AMEND = "amend"
    CANCEL = "cancel"


class Side(StrEnum):
    SELLER = "seller"
    BUYER = "buyer"


S = ContractStatus
A = ContractAction
TRANSITIONS: dict[tuple[ContractStatus, ContractAction], ContractStatus] = {
    (S.DRAFT, A.UPDATE): S.DRAFT,
    (S.REJECTED, A.UPDATE): S.REJECTED,
    (S.DRAFT, A.SUBMIT): S.PENDING_APPROVAL,
    (S.REJECTED, A.SUBMIT): S.PENDING_APPROVAL,
    (S.PENDING_APPROVAL, A.APPROVE): S.CONFIRMED,
    (S.PENDING_APPROVAL, A.REJECT): S.REJECTED,
    (S.CONFIRMED, A.AMEND): S.CONFIRMED,
    (S.DRAFT, A.CANCEL): S.CANCELLED,
    (S.PENDING_APPROVAL, A.CANCEL): S.CANCELLED,
    (S.CONFIRMED, A.CANCEL): S.CANCELLED,
}


def next_status(current: ContractStatus, action: ContractAction) -> ContractStatus | None:
    """The status ``action`` leads to from ``current``; ``None`` when it is not allowed."""
    return TRANSITIONS.get((current, action))


# Disputes (the dispute module) are raised on a confirmed contract, or one already disputed.
# While one is open the contract is ``disputed`` and none of the actions above applies to it
# (no amendment, no cancellation); it is ``confirmed`` again when the last one ends. These two
# moves are not contract actions: only ``service.mark_disputed`` / ``clear_disputed`` make them.
DISPUTABLE = frozenset({ContractStatus.CONFIRMED, ContractStatus.DISPUTED})


SELLER_KINDS = frozenset({"seller", "trader"})
BUYER_KINDS = frozenset({"buyer", "trader"})


def may_be(side: Side, partner_kind: str) -> bool:
    return partner_kind in (SELLER_KINDS if side is Side.SELLER else BUYER_KINDS)


# What an amendment of a confirmed contract may change. The parties, the organization and the
# commodity define the deal (and its number's owner): changing them is a new contract.
AMENDABLE = frozenset(
    {
        "contract_date",
        "seller_branch_id",
        "buyer_branch_id",
        "variety",
        "bales",
        "rate",
        "rate_unit",
        "quality",
        "delivery_terms",
        "payment_terms",
        "station_id",
        "seller_commission_structure_id",
        "buyer_commission_structure_id",
    }
)
FIXED_ON_AMEND = frozenset({"organization_id", "seller_id", "buyer_id", "commodity_id"})


def value_of(bales: int, *, rate: Decimal, rate_unit: str) -> Decimal:
    """api.md §6: bales × 170 kg in the rate unit × rate, rounded half-up to paise."""
    return contract_value(bales, rate=rate, rate_unit=rate_unit)


def brokerage(*, kind: str, value: Decimal, contract_value: Decimal, bales: int) -> Decimal:
    """One side's brokerage: percentage → value × % / 100; per_bale → bales × value; flat →
    value; rounded half-up to paise."""
    return commission_amount(kind=kind, value=value, contract_value=contract_value, bales=bales)
