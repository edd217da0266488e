"""Delivery orders against contracts, and the CCI records around them: EMD deposits and which
partners are the Cotton Corporation of India (and of which EMD buyer class)."""

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

from tradehub.kit.db import Entity
from tradehub.kit.types import Money, UtcDateTime

_USER = "users.id"


class DeliveryOrder(Entity):
    __tablename__ = "delivery_orders"
    __table_args__ = (
        # DO/26-27/00001: given at creation, per organization and financial year, gapless.
        UniqueConstraint("organization_id", "do_no"),
        CheckConstraint("bales > 0", name="bales_positive"),
        CheckConstraint("lifting_from <= lifting_to", name="lifting_window"),
        Index("ix_delivery_orders_created_at", "created_at"),
        Index("ix_delivery_orders_contract_created_at", "contract_id", "created_at"),
        Index("ix_delivery_orders_status_created_at", "status", "created_at"),
        Index("ix_delivery_orders_lifting_from", "lifting_from"),
        Index("ix_delivery_orders_do_no", "do_no"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    financial_year: Mapped[str] = mapped_column(String(7))
    do_no: Mapped[str] = mapped_column(String(30))
    do_date: Mapped[date] = mapped_column(Date)
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    bales: Mapped[int] = mapped_column(Integer)
    lifting_from: Mapped[date] = mapped_column(Date)
    lifting_to: Mapped[date] = mapped_column(Date)
    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"))
    vehicle: Mapped[str | None] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(Text, default="")
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    dispatched_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class EmdDeposit(Entity):
    """EMD received from the buyer of a CCI contract (domain.md §3.6). Append-only."""

    __tablename__ = "emd_deposits"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_emd_deposits_contract_received_on", "contract_id", "received_on"),
    )

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"))
    amount: Mapped[Decimal] = mapped_column(Money())
    received_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))


class CciProfile(Entity):
    """A partner's part in CCI trade: ``is_cci`` marks the Cotton Corporation of India (a
    contract whose seller is marked is a CCI contract); ``buyer_class`` is the EMD class of a
    buyer (kvic, private_mill, trader), when it differs from what its kind implies."""

    __tablename__ = "cci_profiles"

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), unique=True
    )
    is_cci: Mapped[bool] = mapped_column(default=False)
    buyer_class: Mapped[str | None] = mapped_column(String(20))
