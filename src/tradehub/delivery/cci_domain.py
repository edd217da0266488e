"""Pure CCI rules of this module: which terms apply to a contract, a buyer's EMD class, days
counted between two dates. The money formulas themselves are ``tradehub.pricing``. No I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from tradehub.masters.units import Unit
from tradehub.pricing.cci import DEFAULT_TERMS, BuyerClass, CciTerms, per_candy_rate

# The columns of a ``masters`` CCI terms version that the pricing terms take over. The rest of
# the pricing terms (candy factors, GST, EMD % by buyer class, late EMD interest, LC/BG,
# moisture band, reminder interval) have no column in the master yet: domain.md §3.6 defaults.
# The master's ``carrying_tier2_days`` is not read: tier 2 runs for every day after tier 1.
MASTER_FIELDS = (
    "emd_days",
    "cash_discount_pct",
    "carrying_tier1_days",
    "carrying_tier1_pct",
    "carrying_tier2_pct",
    "deposit_interest_pct",
    "free_lifting_days",
    "late_lifting_tier1_days",
    "late_lifting_tier1_pct",
    "late_lifting_tier2_days",
    "late_lifting_tier2_pct",
    "late_lifting_tier3_pct",
)


def terms_from(version: object | None) -> CciTerms:
    """The pricing terms of a master version (``None``: no version in force → the defaults)."""
    if version is None:
        return DEFAULT_TERMS
    return replace(DEFAULT_TERMS, **{name: getattr(version, name) for name in MASTER_FIELDS})


def default_buyer_class(partner_kind: str) -> BuyerClass:
    """A trader pays the trader's EMD; any other buyer a private mill's, unless its CCI
    profile says otherwise (KVIC units are marked there)."""
    return BuyerClass.TRADER if partner_kind == "trader" else BuyerClass.PRIVATE_MILL


def days_from(start: date, end: date) -> int:
    """Whole days from ``start`` to ``end``; 0 when ``end`` is not after ``start``."""
    return max(0, (end - start).days)


def candy_rate(rate: Decimal, rate_unit: str) -> Decimal:
    """The contract's rate per candy (CCI lint is priced per candy). A rate in another unit is
    converted, and the converted rate, an amount in rupees, is rounded half-up to paise once."""
    if rate_unit == Unit.CANDY:
        return rate
    converted = per_candy_rate(rate, rate_unit=rate_unit)
    return converted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
