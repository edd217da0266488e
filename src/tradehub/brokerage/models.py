"""Brokerage bills and their lines (one per billed contract commission)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base, Entity
from tradehub.kit.types import Money, Rate, UtcDateTime

_USER = "users.id"


class BrokerageBill(Entity):
    """The broker's (``organization``) tax invoice to ``partner`` for the brokerage due on its
    confirmed contracts in a period. Amounts are stored as computed at billing time."""

    __tablename__ = "brokerage_bills"
    __table_args__ = (
        UniqueConstraint("organization_id", "bill_no"),
        CheckConstraint("paid_amount >= 0 AND paid_amount <= total_amount", name="paid_in_range"),
        Index("ix_brokerage_bills_bill_no", "bill_no"),
        Index("ix_brokerage_bills_created_at", "created_at"),
        Index("ix_brokerage_bills_bill_date", "bill_date"),
        Index("ix_brokerage_bills_total_amount", "total_amount"),
        Index("ix_brokerage_bills_organization_created_at", "organization_id", "created_at"),
        Index("ix_brokerage_bills_partner_created_at", "partner_id", "created_at"),
        Index("ix_brokerage_bills_status_created_at", "status", "created_at"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    financial_year: Mapped[str] = mapped_column(String(7))
    bill_no: Mapped[str] = mapped_column(String(30))
    bill_date: Mapped[date] = mapped_column(Date)
    period_from: Mapped[date] = mapped_column(Date)
    period_to: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="unpaid")
    sac: Mapped[str] = mapped_column(String(10))
    gst_rate: Mapped[Decimal] = mapped_column(Rate())
    supplier_state_code: Mapped[str] = mapped_column(String(2))
    recipient_state_code: Mapped[str] = mapped_column(String(2))
    taxable_value: Mapped[Decimal] = mapped_column(Money())
    cgst: Mapped[Decimal] = mapped_column(Money())
    sgst: Mapped[Decimal] = mapped_column(Money())
    igst: Mapped[Decimal] = mapped_column(Money())
    round_off: Mapped[Decimal] = mapped_column(Money())
    total_amount: Mapped[Decimal] = mapped_column(Money())
    # Maintained by receipts against the bill (payments module, through
    # ``service.apply_allocation`` / ``release_allocation`` while the row is locked).
    paid_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0.00"))
    sub_broker_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT")
    )
    sub_broker_share_percent: Mapped[Decimal | None] = mapped_column(Rate())
    sub_broker_share: Mapped[Decimal | None] = mapped_column(Money())
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    cancelled_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey(_USER, ondelete="RESTRICT")
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class BrokerageBillLine(Base):
    """One billed commission as it was billed (kept when the bill is cancelled)."""

    __tablename__ = "brokerage_bill_lines"
    __table_args__ = (
        UniqueConstraint("bill_id", "commission_id"),
        Index("ix_brokerage_bill_lines_commission_id", "commission_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    bill_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("brokerage_bills.id", ondelete="RESTRICT")
    )
    commission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("contract_commissions.id", ondelete="RESTRICT")
    )
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"))
    contract_no: Mapped[str] = mapped_column(String(30))
    contract_date: Mapped[date] = mapped_column(Date)
    side: Mapped[str] = mapped_column(String(10))
    bales: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money())
