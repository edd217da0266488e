"""CCI (Cotton Corporation of India) terms: settings, contract value and EMD.

Source: domain.md §3.6 ("CCI Setting Master": defaults, formulas) and §6 (units, buyer
classes). Bases exclude GST; a month is 30 days and annual rates use /365. Each amount is
rounded half-up to paise once, when computed; later amounts use the rounded ones (api.md §1).
Charges (carrying, late lifting, moisture, DO advice) are in ``cci_charges.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from tradehub.masters.units import Unit, from_kg, kg_per
from tradehub.pricing._decimal import (
    DAYS_PER_YEAR,
    HUNDRED,
    ZERO,
    ceil_days,
    count,
    exact_context,
    money,
    non_negative,
    to_paise,
)


class BuyerClass(StrEnum):
    """EMD buyer classes (domain.md §6)."""

    KVIC = "kvic"
    PRIVATE_MILL = "private_mill"
    TRADER = "trader"


class EmdStatus(StrEnum):
    """domain.md §3.6: Not Paid / Partial / Late Full (full, after grace) / Full."""

    NOT_PAID = "not_paid"
    PARTIAL = "partial"
    LATE_FULL = "late_full"
    FULL = "full"


@dataclass(frozen=True, slots=True, kw_only=True)
class CciTerms:
    """One version of the CCI setting; the defaults are domain.md §3.6 (all editable).
    Field names follow ``masters.schemas.CciTermsFields`` where both have the value."""

    candy_per_bale: Decimal = Decimal("0.48")
    candy_per_quintal: Decimal = Decimal("0.2812")
    gst_pct: Decimal = Decimal("5")
    emd_kvic_pct: Decimal = Decimal("10")
    emd_private_mill_pct: Decimal = Decimal("12.5")
    emd_trader_pct: Decimal = Decimal("17.5")
    emd_days: int = 5
    emd_reminder_days: int = 5
    deposit_interest_pct: Decimal = Decimal("5")
    emd_late_interest_pct: Decimal = Decimal("10")
    carrying_tier1_days: int = 30
    carrying_tier1_pct: Decimal = Decimal("1.25")
    carrying_tier2_pct: Decimal = Decimal("1.35")
    free_lifting_days: int = 21
    late_lifting_tier1_days: int = 30
    late_lifting_tier1_pct: Decimal = Decimal("0.5")
    late_lifting_tier2_days: int = 60
    late_lifting_tier2_pct: Decimal = Decimal("0.75")
    late_lifting_tier3_pct: Decimal = Decimal("1")
    cash_discount_pct: Decimal = Decimal("5")
    lc_bg_pct: Decimal = Decimal("10")
    lc_bg_penal_pct: Decimal = Decimal("11")
    moisture_lower_pct: Decimal = Decimal("7")
    moisture_upper_pct: Decimal = Decimal("9")

    def emd_pct(self, buyer_class: BuyerClass | str) -> Decimal:
        return {
            BuyerClass.KVIC: self.emd_kvic_pct,
            BuyerClass.PRIVATE_MILL: self.emd_private_mill_pct,
            BuyerClass.TRADER: self.emd_trader_pct,
        }[BuyerClass(buyer_class)]


DEFAULT_TERMS = CciTerms()


def annual_interest(amount: Decimal, *, pct: Decimal, days: Decimal | int) -> Decimal:
    """``amount × pct % × days / 365``, rounded to paise (every annual rate of §3.6)."""
    base = money(amount, "amount")
    with exact_context():
        rate = non_negative(pct, "pct") / HUNDRED
        return to_paise(base * rate * non_negative(days, "days") / DAYS_PER_YEAR)


# --- contract value ---------------------------------------------------------------------------


def per_candy_rate(rate: Decimal, *, rate_unit: Unit | str) -> Decimal:
    """A rate per ``rate_unit`` expressed per candy, unrounded: rate × 355.6 kg / kg per unit
    (lint is priced per candy, domain §6; a contract may name another rate unit)."""
    price = non_negative(rate, "rate")
    with exact_context():
        return price * kg_per(Unit.CANDY) / kg_per(rate_unit)


def provisional_value(
    bales: int, *, rate_per_candy: Decimal, terms: CciTerms = DEFAULT_TERMS
) -> Decimal:
    """Provisional = bales × 0.48 candy/bale × ₹/candy (domain §3.6), rounded to paise.
    Not the 170/355.6 of api.md §6: the CCI setting's factor, whose example needs 0.48."""
    quantity = count(bales, "bales")
    with exact_context():
        return to_paise(quantity * terms.candy_per_bale * non_negative(rate_per_candy, "rate"))


def final_value(
    net_weight_kg: Decimal, *, rate_per_candy: Decimal, terms: CciTerms = DEFAULT_TERMS
) -> Decimal:
    """Final = weighed quintals × 0.2812 candy/qtl × ₹/candy (domain §3.6), rounded to paise."""
    quintals = from_kg(non_negative(net_weight_kg, "net_weight_kg"), Unit.QUINTAL)
    with exact_context():
        candies = quintals * terms.candy_per_quintal
        return to_paise(candies * non_negative(rate_per_candy, "rate"))


# --- EMD --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EmdPosition:
    status: EmdStatus
    required: Decimal
    paid: Decimal
    shortfall: Decimal
    excess: Decimal
    days_late: int


def emd_required(
    contract_value: Decimal, *, buyer_class: BuyerClass | str, terms: CciTerms = DEFAULT_TERMS
) -> Decimal:
    """EMD = value × EMD %(buyer class), rounded to paise; no GST on EMD (domain §3.6)."""
    value = money(contract_value, "contract_value")
    with exact_context():
        return to_paise(value * terms.emd_pct(buyer_class) / HUNDRED)


def emd_grace_expiry(contract_date: date, *, terms: CciTerms = DEFAULT_TERMS) -> date:
    """Grace expiry = contract date + grace days; paying on that day is still on time."""
    return contract_date + timedelta(days=terms.emd_days)


def emd_days_late(*, contract_date: date, paid_on: date, terms: CciTerms = DEFAULT_TERMS) -> int:
    """Whole days from grace expiry to ``paid_on`` (the day the EMD became full); 0 if on time."""
    return max(0, (paid_on - emd_grace_expiry(contract_date, terms=terms)).days)


def emd_position(
    *,
    required: Decimal,
    paid: Decimal,
    contract_date: date,
    full_on: date | None,
    terms: CciTerms = DEFAULT_TERMS,
) -> EmdPosition:
    """Status of the EMD: Not Paid (nothing), Partial (less than required), Full (all of it by
    grace expiry) or Late Full (after it). ``full_on`` is the day the payments reached the
    required amount (needed only then). Over-payment is Full/Late Full with an ``excess``."""
    need, got = money(required, "required"), money(paid, "paid")
    days_late = 0
    if got >= need:
        if full_on is None:
            raise ValueError("full_on is needed once the EMD is paid in full")
        days_late = emd_days_late(contract_date=contract_date, paid_on=full_on, terms=terms)
        status = EmdStatus.LATE_FULL if days_late else EmdStatus.FULL
    else:
        status = EmdStatus.NOT_PAID if got == 0 else EmdStatus.PARTIAL
    return EmdPosition(
        status=status,
        required=need,
        paid=got,
        shortfall=max(need - got, ZERO),
        excess=max(got - need, ZERO),
        days_late=days_late,
    )


def emd_late_interest(
    emd: Decimal, *, days_late: Decimal | int, terms: CciTerms = DEFAULT_TERMS
) -> Decimal:
    """Late interest = EMD × late % × ceil(days late) / 365 (domain §3.6; 10 % p.a.)."""
    days = ceil_days(days_late, "days_late")
    return annual_interest(emd, pct=terms.emd_late_interest_pct, days=days)


def emd_interest(paid: Decimal, *, days: int, terms: CciTerms = DEFAULT_TERMS) -> Decimal:
    """Interest on timely EMD = paid × rate × days / 365 (domain §3.6; 5 % p.a.)."""
    return annual_interest(paid, pct=terms.deposit_interest_pct, days=count(days, "days"))


def emd_per_bale(emd: Decimal, *, bales: int) -> Decimal:
    """Per-bale EMD = EMD ÷ bales, rounded to paise (domain §3.6)."""
    quantity = count(bales, "bales")
    if quantity == 0:
        raise ValueError("bales must be positive")
    with exact_context():
        return to_paise(money(emd, "emd") / quantity)


def emd_for_do(per_bale: Decimal, *, do_bales: int) -> Decimal:
    """EMD for a DO = per-bale EMD × DO bales (exact: per-bale is already in paise)."""
    return money(per_bale, "per_bale") * count(do_bales, "do_bales")
