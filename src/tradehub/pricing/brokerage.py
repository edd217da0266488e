"""Brokerage (commission) per contract side, the sub-broker's share and the GST on a bill.

Sources: api.md §6 (``percentage`` → value × % / 100; ``per_bale`` → bales × value), §8 (a
bill's taxable value is the sum of the billed amounts; GST 18 % under SAC 996111 split as for
goods invoices); domain.md §3.4 (``flat``; sub-broker share 0–100 % of the pre-GST amount) and
Decision 11 (SAC 996111 at 18 %, not 9983).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum

from tradehub.pricing._decimal import (
    HUNDRED,
    count,
    exact_context,
    money,
    percent,
    to_paise,
)
from tradehub.pricing.gst import GstAmounts, gst_split

BROKERAGE_SAC = "996111"
BROKERAGE_GST_RATE = Decimal("18")


class CommissionKind(StrEnum):
    """The same values as ``masters.schemas.CommissionKind`` (``/commission-structures``)."""

    PERCENTAGE = "percentage"
    PER_BALE = "per_bale"
    FLAT = "flat"


def commission_amount(
    *, kind: CommissionKind | str, value: Decimal, contract_value: Decimal, bales: int
) -> Decimal:
    """One side's brokerage on a contract, rounded half-up to paise (api.md §6, domain §3.4).

    ``percentage``: contract value × value / 100 (value ≤ 100); ``per_bale``: bales × value
    (rupees); ``flat``: value (rupees), once per side and contract.
    """
    structure = CommissionKind(kind)
    worth = money(contract_value, "contract_value")
    quantity = count(bales, "bales")
    if structure is CommissionKind.PERCENTAGE:
        with exact_context():
            return to_paise(worth * percent(value, "value") / HUNDRED)
    rupees = money(value, "value")
    if structure is CommissionKind.PER_BALE:
        return to_paise(rupees * quantity)
    return to_paise(rupees)


def sub_broker_share(amount: Decimal, *, share_percent: Decimal) -> Decimal:
    """The sub-broker's part of a brokerage ``amount`` *before GST* (domain §3.4 ⚠: the old
    client applied it to the GST-inclusive total), rounded half-up to paise."""
    base = money(amount, "amount")
    with exact_context():
        return to_paise(base * percent(share_percent, "share_percent") / HUNDRED)


def brokerage_bill(
    amounts: Iterable[Decimal],
    *,
    supplier_state: str,
    recipient_state: str,
    rate: Decimal = BROKERAGE_GST_RATE,
) -> GstAmounts:
    """A brokerage bill (api.md §8): taxable value = sum of the billed amounts (each in paise),
    GST at ``rate`` (18 %, SAC 996111) split by the organization's state code
    (``supplier_state``) against the partner's head-office state code (``recipient_state``),
    round-off and total as for goods invoices."""
    taxable = sum((money(a, "amount") for a in amounts), start=Decimal("0.00"))
    return gst_split(
        taxable, rate=rate, supplier_state=supplier_state, recipient_state=recipient_state
    )
