"""CCI EMD over time: the day the deposits made it full, where it stands on a date (status,
late interest, whether delivery orders are blocked) and which EMD e-mail a day calls for.

Source: domain.md §3.6 (EMD status, late interest, "the DO is blocked until EMD is full",
EMD emails). Rules over dated deposits; the single-amount rules are in ``cci.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from tradehub.pricing._decimal import money
from tradehub.pricing.cci import (
    DEFAULT_TERMS,
    CciTerms,
    EmdPosition,
    emd_grace_expiry,
    emd_late_interest,
    emd_position,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Deposit:
    """EMD received: ``amount`` (paise, > 0) on ``on``."""

    on: date
    amount: Decimal


def emd_full_on(deposits: Sequence[Deposit], *, required: Decimal, since: date) -> date | None:
    """The first day the deposits, added up in date order, reach ``required``; ``since`` (the
    contract date) when nothing is required; ``None`` while they fall short."""
    need = money(required, "required")
    if need == 0:
        return since
    total = Decimal("0.00")
    for deposit in sorted(deposits, key=lambda d: d.on):
        total += money(deposit.amount, "amount")
        if total >= need:
            return deposit.on
    return None


@dataclass(frozen=True, slots=True, kw_only=True)
class EmdStanding:
    """The EMD as of a day. ``days_late`` counts from grace expiry to the day it became full,
    or to ``as_of`` while it is still short (interest keeps accruing); ``blocked`` is the
    delivery-order block (§3.6: blocked until the EMD is full)."""

    as_of: date
    grace_expiry: date
    full_on: date | None
    position: EmdPosition
    days_late: int
    late_interest: Decimal

    @property
    def blocked(self) -> bool:
        return self.position.shortfall > 0


def emd_standing(
    *,
    required: Decimal,
    deposits: Sequence[Deposit],
    contract_date: date,
    as_of: date,
    terms: CciTerms = DEFAULT_TERMS,
) -> EmdStanding:
    """Status, shortfall and late interest on ``as_of``, counting deposits made by then.
    Late interest = required EMD × late % × ceil(days late) / 365 (§3.6), rounded to paise."""
    counted = [d for d in deposits if d.on <= as_of]
    paid = sum((money(d.amount, "amount") for d in counted), Decimal("0.00"))
    full_on = emd_full_on(counted, required=required, since=contract_date)
    position = emd_position(
        required=required, paid=paid, contract_date=contract_date, full_on=full_on, terms=terms
    )
    expiry = emd_grace_expiry(contract_date, terms=terms)
    days_late = position.days_late if full_on is not None else max(0, (as_of - expiry).days)
    return EmdStanding(
        as_of=as_of,
        grace_expiry=expiry,
        full_on=full_on,
        position=position,
        days_late=days_late,
        late_interest=emd_late_interest(position.required, days_late=days_late, terms=terms),
    )


class EmdEmail(StrEnum):
    """§3.6 EMD e-mails: initial (contract day), grace_expiry (expiry day), overdue (after
    expiry, on days where days-since-contract is a multiple of 5), confirmation (when paid)."""

    INITIAL = "initial"
    GRACE_EXPIRY = "grace_expiry"
    OVERDUE = "overdue"
    CONFIRMATION = "confirmation"


def emd_emails_due(
    *, contract_date: date, on: date, full_on: date | None, terms: CciTerms = DEFAULT_TERMS
) -> list[EmdEmail]:
    """The EMD e-mails ``on`` calls for, in sending order. Reminders (grace expiry, overdue)
    stop once the EMD is full; the confirmation goes on the day it became full."""
    due: list[EmdEmail] = []
    if on == contract_date:
        due.append(EmdEmail.INITIAL)
    short = full_on is None or full_on > on
    expiry = emd_grace_expiry(contract_date, terms=terms)
    if short and on == expiry:
        due.append(EmdEmail.GRACE_EXPIRY)
    every = terms.emd_reminder_days
    if short and on > expiry and every > 0 and (on - contract_date).days % every == 0:
        due.append(EmdEmail.OVERDUE)
    if full_on is not None and on == full_on:
        due.append(EmdEmail.CONFIRMATION)
    return due
