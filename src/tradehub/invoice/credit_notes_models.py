"""Credit notes: the seller's notes reducing what the buyer owes on one goods invoice."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Entity
from tradehub.kit.types import Money, Rate, UtcDateTime

_USER = "users.id"
_LIVE = text("status <> 'cancelled'")


class CreditNote(Entity):
    """Issued against an invoice, in the invoice's GST split; its total comes off the invoice's
    outstanding. Parties and branches are copied from the invoice (visibility, lists)."""

    __tablename__ = "credit_notes"
    __table_args__ = (
        # The seller's own number, once per seller and financial year among live notes.
        Index(
            "ix_credit_notes_seller_year_number_live",
            "seller_id",
            "financial_year",
            "credit_note_no",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
        CheckConstraint("total_amount > 0", name="total_positive"),
        Index("ix_credit_notes_invoice_created_at", "invoice_id", "created_at"),
        Index("ix_credit_notes_created_at", "created_at"),
        Index("ix_credit_notes_credit_note_date", "credit_note_date"),
        Index("ix_credit_notes_total_amount", "total_amount"),
        Index("ix_credit_notes_status_created_at", "status", "created_at"),
        Index("ix_credit_notes_seller_created_at", "seller_id", "created_at"),
        Index("ix_credit_notes_buyer_created_at", "buyer_id", "created_at"),
        Index("ix_credit_notes_organization_created_at", "organization_id", "created_at"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    # The year of ``credit_note_date`` (not necessarily the invoice's).
    financial_year: Mapped[str] = mapped_column(String(7))
    invoice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("invoices.id", ondelete="RESTRICT"))
    invoice_no: Mapped[str] = mapped_column(String(50))
    credit_note_no: Mapped[str] = mapped_column(String(50))
    credit_note_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="issued")
    reason: Mapped[str] = mapped_column(Text)
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    seller_branch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner_branches.id", ondelete="RESTRICT")
    )
    buyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    buyer_branch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner_branches.id", ondelete="RESTRICT")
    )
    taxable_value: Mapped[Decimal] = mapped_column(Money())
    gst_rate: Mapped[Decimal] = mapped_column(Rate())
    cgst: Mapped[Decimal] = mapped_column(Money())
    sgst: Mapped[Decimal] = mapped_column(Money())
    igst: Mapped[Decimal] = mapped_column(Money())
    round_off: Mapped[Decimal] = mapped_column(Money())
    total_amount: Mapped[Decimal] = mapped_column(Money())
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    cancelled_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey(_USER, ondelete="RESTRICT")
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
