"""Disputes raised on confirmed contracts and their threaded comments."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base, Entity
from tradehub.kit.types import Money, UtcDateTime, utcnow

_USER = "users.id"


class Dispute(Entity):
    __tablename__ = "disputes"
    __table_args__ = (
        Index("ix_disputes_created_at", "created_at"),
        Index("ix_disputes_updated_at", "updated_at"),
        Index("ix_disputes_claimed_amount", "claimed_amount"),
        Index("ix_disputes_status_created_at", "status", "created_at"),
        # Also serves "the contract's active disputes" (contract_id, status) under the lock.
        Index("ix_disputes_contract_status_created_at", "contract_id", "status", "created_at"),
        Index("ix_disputes_category_created_at", "category", "created_at"),
        Index("ix_disputes_seller_created_at", "seller_id", "created_at"),
        Index("ix_disputes_buyer_created_at", "buyer_id", "created_at"),
        Index("ix_disputes_organization_created_at", "organization_id", "created_at"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    financial_year: Mapped[str] = mapped_column(String(7))
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"))
    # Copied from the contract: its number and parties never change once it is confirmed.
    contract_no: Mapped[str | None] = mapped_column(String(30))
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    buyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    category: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    claimed_amount: Mapped[Decimal | None] = mapped_column(Money())
    status: Mapped[str] = mapped_column(String(20), default="open")
    # The side that raised it and that side's partner; whether a user of that partner raised
    # it on the portal (else the broker's staff did, on the party's behalf).
    raised_by_side: Mapped[str] = mapped_column(String(10))
    raised_by_partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT")
    )
    raised_on_portal: Mapped[bool] = mapped_column(Boolean)
    raised_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    # The reason of the last withdrawal or reopening.
    status_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    resolution_kind: Mapped[str | None] = mapped_column(String(20))
    settled_amount: Mapped[Decimal | None] = mapped_column(Money())
    resolved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    withdrawn_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey(_USER, ondelete="RESTRICT")
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DisputeComment(Base):
    """One comment of a dispute's thread; written once, never changed."""

    __tablename__ = "dispute_comments"
    __table_args__ = (
        Index("ix_dispute_comments_dispute_created_at", "dispute_id", "created_at"),
        Index(
            "ix_dispute_comments_dispute_visibility_created_at",
            "dispute_id",
            "visibility",
            "created_at",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    dispute_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disputes.id", ondelete="RESTRICT"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("dispute_comments.id", ondelete="RESTRICT")
    )
    visibility: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    # The author's partner when a party's user wrote it; None for the broker's staff.
    author_partner_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
