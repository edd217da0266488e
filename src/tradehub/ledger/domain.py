"""Pure ledger rules: kinds and entry types, the date an undo is booked on, ageing buckets and
the running balance. No I/O.

The ledger is the broker's single-entry party ledger (domain.md §3.10): a document the party
owes is a debit, what settles it a credit; balance = debits − credits. Nothing is ever edited:
a cancellation or a reversal is a new, opposite entry (contra entry).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from zoneinfo import ZoneInfo

INDIA = ZoneInfo("Asia/Kolkata")
ZERO = Decimal("0.00")


class Kind(StrEnum):
    """Whose books: the broker's brokerage receivables, or goods owed buyer → seller."""

    BROKERAGE = "brokerage"
    GOODS = "goods"


class EntryType(StrEnum):
    """``document_type`` of an entry; debits first, then credits."""

    BROKERAGE_BILL = "brokerage_bill"  # debit: the bill's total
    INVOICE = "invoice"  # debit: the goods invoice's total (the buyer owes the seller)
    PAYMENT_REVERSAL = "payment_reversal"  # debit: a receipt undone
    CREDIT_NOTE_CANCELLATION = "credit_note_cancellation"  # debit: a credit note undone (invoice)
    PAYMENT = "payment"  # credit: a receipt allocated to the document
    BROKERAGE_BILL_CANCELLATION = "brokerage_bill_cancellation"  # credit: what the bill still owed
    INVOICE_CANCELLATION = "invoice_cancellation"  # credit: a cancelled goods invoice's total
    CREDIT_NOTE = "credit_note"  # credit: a credit note against a goods invoice


def today_in_india(now: datetime) -> date:
    """The calendar day in India at the aware instant ``now``."""
    return now.astimezone(INDIA).date()


def undo_date(original: date, undone_at: datetime) -> date:
    """The date a contra entry is booked on: the day (in India) it happened, but never before the
    entry it undoes, so a future-dated receipt reversed today nets to zero on its own date."""
    return max(original, today_in_india(undone_at))


@dataclass(frozen=True, slots=True)
class AgeingBounds:
    """The oldest document date of each bucket, by whole days before ``as_of``:
    0–30, 31–60, 61–90 and over 90 days old."""

    as_of: date
    within_30: date
    within_60: date
    within_90: date


def ageing_bounds(as_of: date) -> AgeingBounds:
    return AgeingBounds(
        as_of=as_of,
        within_30=as_of - timedelta(days=30),
        within_60=as_of - timedelta(days=60),
        within_90=as_of - timedelta(days=90),
    )


def bucket_of(as_of: date, document_date: date) -> str:
    """``0_30``, ``31_60``, ``61_90`` or ``over_90`` for a document dated on or before as_of."""
    age = (as_of - document_date).days
    if age < 0:
        raise ValueError("a document dated after as_of has no age")
    if age <= 30:
        return "0_30"
    if age <= 60:
        return "31_60"
    if age <= 90:
        return "61_90"
    return "over_90"


@dataclass(frozen=True, slots=True)
class Movement:
    debit: Decimal
    credit: Decimal


def running_balances(opening: Decimal, movements: Iterable[Movement]) -> Iterator[Decimal]:
    """The balance after each movement, starting from ``opening`` (debits − credits)."""
    balance = opening
    for movement in movements:
        balance = balance + movement.debit - movement.credit
        yield balance
