"""CCI charges: carrying, late lifting, moisture, other charges and the DO payment advice.

Source: domain.md §3.6 and Decision 7 (moisture uses Δ moisture % / 100; late-lifting tier 2
is a *length* in days). Bases exclude GST; a month is 30 days, annual rates use /365; each
amount is rounded half-up to paise once, when computed (api.md §1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tradehub.masters.units import Unit, value_at_rate
from tradehub.pricing._decimal import (
    DAYS_PER_MONTH,
    HUNDRED,
    ZERO,
    count,
    exact_context,
    money,
    non_negative,
    percent,
    to_paise,
)
from tradehub.pricing.cci import (
    DEFAULT_TERMS,
    BuyerClass,
    CciTerms,
    annual_interest,
    emd_for_do,
    emd_per_bale,
    emd_required,
    provisional_value,
)

# A tier: (length in days, or None for "all remaining days"; % per 30-day month).
Tier = tuple[int | None, Decimal]


def _tiered(value: Decimal, days: int, tiers: Sequence[Tier]) -> Decimal:
    """Σ value × pct % × days in the tier / 30 over consecutive tiers, rounded once."""
    rest, total = days, Decimal(0)
    with exact_context():
        for length, pct in tiers:
            used = rest if length is None else min(rest, length)
            total += value * percent(pct, "pct") / HUNDRED * used / DAYS_PER_MONTH
            rest -= used
    return to_paise(total)


def carrying_base(
    *, contract_value: Decimal, do_value: Decimal, emd_per_bale: Decimal, unlifted_bales: int
) -> Decimal:
    """Carrying base = (contract value − DO value) − per-bale EMD × unlifted bales (§3.6)."""
    unlifted = money(contract_value, "contract_value") - money(do_value, "do_value")
    base = unlifted - money(emd_per_bale, "emd_per_bale") * count(unlifted_bales, "unlifted")
    return max(base, ZERO)


def carrying_charge(base: Decimal, *, days: int, terms: CciTerms = DEFAULT_TERMS) -> Decimal:
    """Carrying for d days (§3.6): d ≤ T1 → V·p1%·d/30; else V·p1%·T1/30 + V·p2%·(d−T1)/30."""
    tiers = (
        (terms.carrying_tier1_days, terms.carrying_tier1_pct),
        (None, terms.carrying_tier2_pct),
    )
    return _tiered(money(base, "base"), count(days, "days"), tiers)


@dataclass(frozen=True, slots=True, kw_only=True)
class CarryingReport:
    """Carrying on ``base`` for ``days``, with its GST, per bale and per 100 bales of ``bales``
    (§3.6: "report per bale, per 100 bales and per DO, with 5 % GST")."""

    base: Decimal
    days: int
    carrying: Decimal
    gst: Decimal
    total: Decimal
    per_bale: Decimal
    per_100_bales: Decimal


def carrying_report(
    base: Decimal, *, days: int, bales: int, terms: CciTerms = DEFAULT_TERMS
) -> CarryingReport:
    """The carrying charge with GST (rounded separately) and its per-bale figures (0 with no
    bales): what ``do_payment_advice`` shows for a DO, for any base."""
    lot = count(bales, "bales")
    carrying = carrying_charge(base, days=days, terms=terms)
    gst = _gst(carrying, terms)
    return CarryingReport(
        base=money(base, "base"),
        days=count(days, "days"),
        carrying=carrying,
        gst=gst,
        total=carrying + gst,
        per_bale=_per(carrying, 1, lot),
        per_100_bales=_per(carrying, 100, lot),
    )


def lifting_days_late(*, days_elapsed: int, terms: CciTerms = DEFAULT_TERMS) -> int:
    """Days late counted after the free lifting period (21 days by default)."""
    return max(0, count(days_elapsed, "days_elapsed") - terms.free_lifting_days)


def late_lifting_charge(
    value: Decimal, *, days_late: int, terms: CciTerms = DEFAULT_TERMS
) -> Decimal:
    """Late lifting (§3.6, Decision 7): tier 1 for T1 days, tier 2 for the *next* T2 days
    (T2 is a length: with 30 and 60, tier 2 ends at day 90), then tier 3; each /30.
    ₹31,00,000 at 75 days late → ₹50,375.00 (the spec's "code" figure)."""
    tiers = (
        (terms.late_lifting_tier1_days, terms.late_lifting_tier1_pct),
        (terms.late_lifting_tier2_days, terms.late_lifting_tier2_pct),
        (None, terms.late_lifting_tier3_pct),
    )
    return _tiered(money(value, "value"), count(days_late, "days_late"), tiers)


# --- moisture ---------------------------------------------------------------------------------


class MoistureKind(StrEnum):
    NONE = "none"
    DISCOUNT = "discount"
    PREMIUM = "premium"


@dataclass(frozen=True, slots=True, kw_only=True)
class MoistureAdjustment:
    """``delta`` is m − upper (> 0, discount) or m − lower (< 0, premium), else 0;
    ``amount`` ≥ 0; ``signed`` is what it adds to the invoice (−amount for a discount)."""

    average: Decimal
    delta: Decimal
    kind: MoistureKind
    amount: Decimal

    @property
    def signed(self) -> Decimal:
        return -self.amount if self.kind is MoistureKind.DISCOUNT else self.amount


def average_moisture(samples: Sequence[Decimal]) -> Decimal:
    """m = the average of the sample readings (%), unrounded (50 digits)."""
    readings = [non_negative(s, "sample") for s in samples]
    if not readings:
        raise ValueError("at least one moisture sample is needed")
    with exact_context():
        return sum(readings, Decimal(0)) / len(readings)


def moisture_adjustment(
    samples: Sequence[Decimal],
    *,
    net_weight_kg: Decimal,
    rate: Decimal,
    rate_unit: Unit | str = Unit.QUINTAL,
    terms: CciTerms = DEFAULT_TERMS,
) -> MoistureAdjustment:
    """Moisture adjustment (§3.6 with Decision 7's /100): m > upper → discount =
    (m − upper)/100 × net quintals × ₹/quintal; m < lower → premium = (lower − m)/100 × …;
    within the band (ends included) nothing. Rounded to paise."""
    m = average_moisture(samples)
    if m > terms.moisture_upper_pct:
        delta, kind = m - terms.moisture_upper_pct, MoistureKind.DISCOUNT
    elif m < terms.moisture_lower_pct:
        delta, kind = m - terms.moisture_lower_pct, MoistureKind.PREMIUM
    else:
        delta, kind = Decimal(0), MoistureKind.NONE
    weight = non_negative(net_weight_kg, "net_weight_kg")
    worth = value_at_rate(weight, Unit.KG, non_negative(rate, "rate"), rate_unit)
    with exact_context():
        amount = to_paise(abs(delta) / HUNDRED * worth)
    return MoistureAdjustment(average=m, delta=delta, kind=kind, amount=amount)


# --- other charges ----------------------------------------------------------------------------


def cash_discount(paid: Decimal, *, days: int, terms: CciTerms = DEFAULT_TERMS) -> Decimal:
    """Cash discount = paid × cd % × d / 365 (§3.6; 5 % p.a.)."""
    return annual_interest(paid, pct=terms.cash_discount_pct, days=count(days, "days"))


def lc_bg_interest(
    amount: Decimal, *, days: int, penal: bool = False, terms: CciTerms = DEFAULT_TERMS
) -> Decimal:
    """LC/BG interest: amount × (10 %, or the 11 % penal rate) × d / 365 (§3.6)."""
    pct = terms.lc_bg_penal_pct if penal else terms.lc_bg_pct
    return annual_interest(amount, pct=pct, days=count(days, "days"))


def lock_in_amount(bales: int, *, per_bale: Decimal) -> Decimal:
    """Lock-in = bales × ₹/bale (§3.6; ₹350–700 a bale)."""
    return money(per_bale, "per_bale") * count(bales, "bales")


# --- DO payment advice ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class DoAdvice:
    """What the buyer pays before a delivery order; ``blocked`` while the EMD is short."""

    contract_value: Decimal
    emd_required: Decimal
    emd_paid: Decimal
    emd_shortfall: Decimal
    blocked: bool
    emd_per_bale: Decimal
    do_value: Decimal
    do_gst: Decimal
    emd_for_do: Decimal
    after_emd: Decimal
    carrying: Decimal
    carrying_gst: Decimal
    carrying_per_bale: Decimal
    carrying_per_100_bales: Decimal
    total: Decimal


def _gst(amount: Decimal, terms: CciTerms) -> Decimal:
    with exact_context():
        return to_paise(amount * percent(terms.gst_pct, "gst_pct") / HUNDRED)


def _per(amount: Decimal, bales: int, do_bales: int) -> Decimal:
    if do_bales == 0:
        return Decimal("0.00")
    with exact_context():
        return to_paise(amount * bales / do_bales)


def do_payment_advice(
    *,
    bales: int,
    do_bales: int,
    rate_per_candy: Decimal,
    buyer_class: BuyerClass | str,
    emd_paid: Decimal,
    carrying_days: int,
    terms: CciTerms = DEFAULT_TERMS,
) -> DoAdvice:
    """DO payment advice = DO value + GST − EMD for the DO + carrying for the DO (with GST)
    (§3.6). Values are provisional (bales × 0.48 × ₹/candy); carrying is on the DO's base
    (DO value − EMD for the DO) for ``carrying_days``. 1000 bales at ₹62,000, 200-bale DO,
    KVIC 10 %, 15 days → ₹56,89,554.00. Blocked (but still computed) while EMD is short."""
    lot, lifted = count(bales, "bales"), count(do_bales, "do_bales")
    if lifted > lot:
        raise ValueError("do_bales must not exceed the contract's bales")
    value = provisional_value(lot, rate_per_candy=rate_per_candy, terms=terms)
    emd = emd_required(value, buyer_class=buyer_class, terms=terms)
    paid = money(emd_paid, "emd_paid")
    per_bale = emd_per_bale(emd, bales=lot)
    do_value = provisional_value(lifted, rate_per_candy=rate_per_candy, terms=terms)
    do_gst, do_emd = _gst(do_value, terms), emd_for_do(per_bale, do_bales=lifted)
    after_emd = do_value + do_gst - do_emd
    carrying = carrying_charge(max(do_value - do_emd, ZERO), days=carrying_days, terms=terms)
    carrying_gst = _gst(carrying, terms)
    return DoAdvice(
        contract_value=value,
        emd_required=emd,
        emd_paid=paid,
        emd_shortfall=max(emd - paid, ZERO),
        blocked=paid < emd,
        emd_per_bale=per_bale,
        do_value=do_value,
        do_gst=do_gst,
        emd_for_do=do_emd,
        after_emd=after_emd,
        carrying=carrying,
        carrying_gst=carrying_gst,
        carrying_per_bale=_per(carrying, 1, lifted),
        carrying_per_100_bales=_per(carrying, 100, lifted),
        total=after_emd + carrying + carrying_gst,
    )
