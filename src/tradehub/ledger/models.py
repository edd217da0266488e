"""The party ledger: append-only entries, and one open-item row per debit document whose
balance is maintained with every entry against it.

Neither table has a foreign key to the documents (bills, invoices, payments live in their own
modules and an entry may name any of them); both are written only by ``ledger.service`` in the
transaction of the business change they record.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base
from tradehub.kit.types import Money, UtcDateTime

_KINDS = "kind IN ('brokerage', 'goods')"


class LedgerEntry(Base):
    """One debit or credit on a party's account. Never updated or deleted: a cancellation or a
    reversal is another entry. ``target_id`` is the debit document whose balance the entry
    moves (a bill's or invoice's own entry targets itself); ``target_date`` is that document's
    date, copied so the outstanding report never joins the documents."""

    __tablename__ = "ledger_entries"
    __table_args__ = (
        # One entry per source document, type and settled document: posting twice fails.
        UniqueConstraint("document_type", "document_id", "target_id"),
        CheckConstraint(_KINDS, name="kind_known"),
        CheckConstraint(
            "debit >= 0 AND credit >= 0 AND (debit = 0 OR credit = 0) AND debit + credit > 0",
            name="one_side",
        ),
        # The party ledger and its opening balance: a range of one partner's dates.
        Index("ix_ledger_entries_partner_kind_entry_date", "partner_id", "kind", "entry_date"),
        # The outstanding report as of a past date: the entries dated after it, covering
        # (every column the report reads is in the index: no lookups of the rows).
        Index(
            "ix_ledger_entries_kind_entry_date",
            "kind",
            "entry_date",
            "target_date",
            "partner_id",
            "credit",
            "debit",
        ),
        Index("ix_ledger_entries_target_id", "target_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(10))
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    entry_date: Mapped[date] = mapped_column(Date)
    document_type: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[uuid.UUID]
    document_no: Mapped[str | None] = mapped_column(String(100))
    target_id: Mapped[uuid.UUID]
    target_date: Mapped[date] = mapped_column(Date)
    debit: Mapped[Decimal] = mapped_column(Money())
    credit: Mapped[Decimal] = mapped_column(Money())
    # When the business change happened (the source row's own timestamp): orders the entries
    # of one day, and lets a rebuild from the source rows reproduce it exactly.
    posted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LedgerDocument(Base):
    """A debit document (brokerage bill, goods invoice) as an open item: what it was for and
    what of it is still owed now. ``balance`` = the sum of its entries (debits − credits),
    maintained in the same statement that writes each entry; ``is_open`` = balance ≠ 0, so the
    outstanding report reads only open items through one index."""

    __tablename__ = "ledger_documents"
    __table_args__ = (
        CheckConstraint(_KINDS, name="kind_known"),
        CheckConstraint("balance >= 0 AND balance <= amount", name="balance_in_range"),
        # The outstanding report: the open items of a kind up to a date, covering.
        Index(
            "ix_ledger_documents_open_items",
            "kind",
            "is_open",
            "document_date",
            "partner_id",
            "balance",
        ),
    )

    document_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    document_type: Mapped[str] = mapped_column(String(40))
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    # The debtor: the billed partner (brokerage) or the buyer (goods).
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    document_no: Mapped[str] = mapped_column(String(100))
    document_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    balance: Mapped[Decimal] = mapped_column(Money())
    is_open: Mapped[bool] = mapped_column(Boolean)
