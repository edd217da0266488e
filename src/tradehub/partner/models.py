"""Business partners and what hangs off them: branches, versions, change requests, KYC
verifications and reminders, certifications."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base, Entity
from tradehub.kit.types import UtcDateTime, utcnow


class Partner(Entity):
    __tablename__ = "partners"
    __table_args__ = (
        Index("ix_partners_created_at", "created_at"),
        Index("ix_partners_status_created_at", "status", "created_at"),
        Index("ix_partners_kind_created_at", "kind", "created_at"),
        Index("ix_partners_legal_name", "legal_name"),
        Index("ix_partners_kyc_due_date", "kyc_due_date"),
    )

    code: Mapped[str] = mapped_column(String(20), unique=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    trade_name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    pan: Mapped[str] = mapped_column(String(10), unique=True)
    gstin: Mapped[str | None] = mapped_column(String(15), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    mobile: Mapped[str | None] = mapped_column(String(13))
    address: Mapped[str | None] = mapped_column(Text)
    # The partner version in force: 1 at approval, +1 for each approved change request.
    revision: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    submitted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status_reason: Mapped[str | None] = mapped_column(Text)
    kyc_verified_on: Mapped[date | None] = mapped_column(Date)
    kyc_due_date: Mapped[date | None] = mapped_column(Date)


class PartnerBranch(Entity):
    __tablename__ = "partner_branches"
    __table_args__ = (
        UniqueConstraint("partner_id", "name"),
        # Exactly one head office per partner: at most one by this index, at least one by the
        # service.
        Index(
            "uq_partner_branches_head_office",
            "partner_id",
            unique=True,
            sqlite_where=text("is_head_office"),
            postgresql_where=text("is_head_office"),
        ),
    )

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partners.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    gstin: Mapped[str | None] = mapped_column(String(15), unique=True)
    state_code: Mapped[str] = mapped_column(ForeignKey("states.code"))
    is_head_office: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str | None] = mapped_column(Text)


class PartnerVersion(Base):
    """A full snapshot of an active partner, valid from one approval to the next."""

    __tablename__ = "partner_versions"
    __table_args__ = (UniqueConstraint("partner_id", "revision"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    revision: Mapped[int]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime)
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    reason: Mapped[str | None] = mapped_column(Text)
    change_request_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("partner_change_requests.id", ondelete="RESTRICT")
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PartnerChangeRequest(Entity):
    """Field diffs to an active partner, applied only when a checker approves them."""

    __tablename__ = "partner_change_requests"
    __table_args__ = (
        Index("ix_partner_change_requests_partner", "partner_id", "created_at"),
        Index("ix_partner_change_requests_status_created_at", "status", "created_at"),
    )

    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text)
    justification: Mapped[str | None] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(10), default="low")
    base_revision: Mapped[int]
    impact: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    approval_request_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("approval_requests.id", ondelete="RESTRICT")
    )
    requested_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)


class KycVerification(Base):
    """One annual KYC check of a partner: who verified which documents, and the next due date."""

    __tablename__ = "kyc_verifications"
    __table_args__ = (Index("ix_kyc_verifications_partner", "partner_id", "verified_on"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    verified_on: Mapped[date] = mapped_column(Date)
    next_due_date: Mapped[date] = mapped_column(Date)
    verified_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    documents_checked: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class KycReminder(Base):
    """A reminder sent for one due date and threshold; unique, so a threshold is sent once."""

    __tablename__ = "kyc_reminders"
    __table_args__ = (UniqueConstraint("partner_id", "due_date", "threshold"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    due_date: Mapped[date] = mapped_column(Date)
    threshold: Mapped[str] = mapped_column(String(10))
    outbox_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Certification(Entity):
    __tablename__ = "partner_certifications"
    __table_args__ = (
        UniqueConstraint("partner_id", "kind", "number"),
        Index("ix_partner_certifications_partner", "partner_id", "created_at"),
        Index("ix_partner_certifications_expires_on", "expires_on"),
    )

    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(60))
    issuing_body: Mapped[str] = mapped_column(String(200))
    products_scope: Mapped[str | None] = mapped_column(Text)
    issued_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    verified_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status_reason: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[uuid.UUID | None]
    is_visible_in_trade: Mapped[bool] = mapped_column(default=True)
