"""Payments and their allocations to the documents they settle."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base, Entity
from tradehub.kit.types import Money, UtcDateTime, utcnow


class Payment(Entity):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_payments_created_at", "created_at"),
        Index("ix_payments_payment_date", "payment_date"),
        Index("ix_payments_amount", "amount"),
        Index("ix_payments_status_created_at", "status", "created_at"),
        Index("ix_payments_payer_created_at", "payer_id", "created_at"),
        Index("ix_payments_payee_created_at", "payee_id", "created_at"),
        Index("ix_payments_organization_created_at", "organization_id", "created_at"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    financial_year: Mapped[str] = mapped_column(String(7))
    payer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    # A partner for goods payments; receipts against brokerage bills (api.md §8) name the
    # organization as payee, so no foreign key: the service checks it.
    payee_id: Mapped[uuid.UUID]
    payment_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    tds_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    method: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="active")
    reversal_reason: Mapped[str | None] = mapped_column(Text)
    reversed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reversed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )


class PaymentAllocation(Base):
    """One part of a payment applied to one document. Never deleted or edited: a reversal
    sets ``reversed_at`` and the document's paid balance goes back down."""

    __tablename__ = "payment_allocations"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "(invoice_id IS NOT NULL AND brokerage_bill_id IS NULL)"
            " OR (invoice_id IS NULL AND brokerage_bill_id IS NOT NULL)",
            name="one_target",
        ),
        Index("ix_payment_allocations_payment", "payment_id"),
        Index("ix_payment_allocations_invoice", "invoice_id"),
        Index("ix_payment_allocations_brokerage_bill", "brokerage_bill_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    payment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("payments.id", ondelete="RESTRICT"))
    line: Mapped[int] = mapped_column(Integer)  # 1-based, in the order the request gave them
    invoice_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT")
    )
    # Receipts against brokerage bills (api.md §8).
    brokerage_bill_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("brokerage_bills.id", ondelete="RESTRICT")
    )
    amount: Mapped[Decimal] = mapped_column(Money())
    reversed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
