"""Goods invoices (seller → buyer) recorded against confirmed contracts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Entity
from tradehub.kit.types import Money, Quantity, Rate, UtcDateTime

# Cancelled invoices keep their row (and number) but free the number for the seller's reuse.
LIVE = text("status <> 'cancelled'")


class Invoice(Entity):
    __tablename__ = "invoices"
    __table_args__ = (
        # The seller's own number, once per seller and financial year (api.md §7) among the
        # invoices that are not cancelled: a cancelled invoice's number may be issued again.
        Index(
            "ix_invoices_seller_year_number_live",
            "seller_id",
            "financial_year",
            "invoice_no",
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
        CheckConstraint(
            "paid_amount >= 0 AND credited_amount >= 0"
            " AND paid_amount + credited_amount <= total_amount",
            name="settled_in_range",
        ),
        Index("ix_invoices_created_at", "created_at"),
        Index("ix_invoices_invoice_date", "invoice_date"),
        Index("ix_invoices_total_amount", "total_amount"),
        Index("ix_invoices_status_created_at", "status", "created_at"),
        Index("ix_invoices_contract_created_at", "contract_id", "created_at"),
        Index("ix_invoices_seller_created_at", "seller_id", "created_at"),
        Index("ix_invoices_buyer_created_at", "buyer_id", "created_at"),
        Index("ix_invoices_organization_created_at", "organization_id", "created_at"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    financial_year: Mapped[str] = mapped_column(String(7))
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"))
    invoice_no: Mapped[str] = mapped_column(String(50))
    invoice_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="unpaid")
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    seller_branch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner_branches.id", ondelete="RESTRICT")
    )
    buyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    buyer_branch_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partner_branches.id", ondelete="RESTRICT")
    )
    commodity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commodities.id", ondelete="RESTRICT")
    )
    bales: Mapped[int] = mapped_column(Integer)
    net_weight_kg: Mapped[Decimal] = mapped_column(Quantity())
    # Copied from the contract when invoiced: later amendments do not reprice an invoice.
    rate: Mapped[Decimal] = mapped_column(Rate())
    rate_unit: Mapped[str] = mapped_column(String(10))
    taxable_value: Mapped[Decimal] = mapped_column(Money())
    gst_rate: Mapped[Decimal] = mapped_column(Rate())
    cgst: Mapped[Decimal] = mapped_column(Money())
    sgst: Mapped[Decimal] = mapped_column(Money())
    igst: Mapped[Decimal] = mapped_column(Money())
    round_off: Mapped[Decimal] = mapped_column(Money())
    total_amount: Mapped[Decimal] = mapped_column(Money())
    # Maintained balance: the sum of this invoice's active payment allocations, updated in
    # the allocating (or reversing) transaction while the row is locked.
    paid_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    # Maintained balance: the sum of the invoice's issued (not cancelled) credit notes.
    credited_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    status_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
