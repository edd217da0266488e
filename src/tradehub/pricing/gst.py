"""GST on a taxable value, split by GST state codes, and the invoice round-off to the rupee.

Sources: api.md §7 (goods invoices) and §8 (brokerage bills use the same split); domain.md
Decision 2 (intra/inter-state is decided by GST state codes, never by state names) and §3.2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from tradehub.pricing._decimal import (
    HUNDRED,
    ZERO,
    exact_context,
    money,
    percent,
    to_paise,
    to_rupee,
)

_STATE_CODE = re.compile(r"^[0-9]{2}$")


@dataclass(frozen=True, slots=True, kw_only=True)
class GstAmounts:
    """The tax lines of one invoice or bill; ``taxable + taxes + round_off == total_amount``."""

    taxable_value: Decimal
    rate: Decimal
    intra_state: bool
    cgst: Decimal
    sgst: Decimal
    igst: Decimal
    round_off: Decimal
    total_amount: Decimal

    @property
    def tax_total(self) -> Decimal:
        return self.cgst + self.sgst + self.igst

    @property
    def gross(self) -> Decimal:
        """Taxable value plus taxes, before the round-off."""
        return self.taxable_value + self.tax_total


def state_code(gstin_or_code: str) -> str:
    """The two-digit GST state code: a code itself, or the first two characters of a GSTIN."""
    if not isinstance(gstin_or_code, str):
        raise TypeError("a GST state code is a string such as '27'")
    code = gstin_or_code.strip()[:2]
    if not _STATE_CODE.fullmatch(code):
        raise ValueError(f"not a GST state code: {gstin_or_code!r}")
    return code


def is_intra_state(supplier_state: str, recipient_state: str) -> bool:
    """Same state code → intra-state (CGST + SGST); different → IGST (Decision 2)."""
    return state_code(supplier_state) == state_code(recipient_state)


def round_to_rupee(amount: Decimal) -> tuple[Decimal, Decimal]:
    """``(total, round_off)``: ``amount`` rounded half-up to the rupee and the difference
    (api.md §7: ``round_off = total_amount − (taxable + cgst + sgst + igst)``)."""
    gross = money(amount, "amount")
    total = to_rupee(gross)
    return total, total - gross


def gst_split(
    taxable_value: Decimal, *, rate: Decimal, supplier_state: str, recipient_state: str
) -> GstAmounts:
    """Split GST at ``rate`` % on ``taxable_value`` (already in paise) — api.md §7.

    Intra-state: ``cgst = sgst = taxable × rate / 2 / 100`` rounded half-up to paise, computed
    once and used twice, so CGST always equals SGST; an odd paisa of the full tax is therefore
    not kept (₹100.10 at 5 %: CGST 2.50 + SGST 2.50 = 5.00, where IGST would be 5.01).
    Inter-state: ``igst = taxable × rate / 100`` rounded to paise. The total is rounded to
    the rupee (half up) and ``round_off`` is shown, so the parts add up exactly.
    """
    taxable = money(taxable_value, "taxable_value")
    pct = percent(rate, "rate")
    intra = is_intra_state(supplier_state, recipient_state)
    with exact_context():
        half = to_paise(taxable * pct / 2 / HUNDRED) if intra else ZERO
        igst = ZERO if intra else to_paise(taxable * pct / HUNDRED)
    total, round_off = round_to_rupee(taxable + half + half + igst)
    return GstAmounts(
        taxable_value=taxable,
        rate=pct,
        intra_state=intra,
        cgst=half,
        sgst=half,
        igst=igst,
        round_off=round_off,
        total_amount=total,
    )
