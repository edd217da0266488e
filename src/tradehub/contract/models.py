"""Sales contracts, their confirmed versions and the brokerage due on them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base, Entity
from tradehub.kit.types import Money, Rate, UtcDateTime, utcnow

_USER = "users.id"


class Contract(Entity):
    __tablename__ = "contracts"
    __table_args__ = (
        # Numbers repeat across organizations (each starts at 00001), never within one.
        UniqueConstraint("organization_id", "contract_no"),
        Index("ix_contracts_contract_no", "contract_no"),
        Index("ix_contracts_created_at", "created_at"),
        Index("ix_contracts_contract_date", "contract_date"),
        Index("ix_contracts_contract_value", "contract_value"),
        Index("ix_contracts_organization_created_at", "organization_id", "created_at"),
        Index("ix_contracts_status_created_at", "status", "created_at"),
        Index("ix_contracts_seller_created_at", "seller_id", "created_at"),
        Index("ix_contracts_buyer_created_at", "buyer_id", "created_at"),
        Index("ix_contracts_commodity_created_at", "commodity_id", "created_at"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    financial_year: Mapped[str] = mapped_column(String(7))
    # Given at confirmation (SC/26-27/00001), unique in the organization, never reused.
    contract_no: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    contract_date: Mapped[date] = mapped_column(Date)
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
    variety: Mapped[str] = mapped_column(String(100))  # the canonical name, not the alias typed
    bales: Mapped[int] = mapped_column(Integer)
    rate: Mapped[Decimal] = mapped_column(Rate())
    rate_unit: Mapped[str] = mapped_column(String(10))
    # {param: {"min": "28" | None, "max": "30" | None}}
    quality: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    delivery_term_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("trade_terms.id", ondelete="RESTRICT")
    )
    delivery_terms: Mapped[str] = mapped_column(String(100))
    payment_term_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("trade_terms.id", ondelete="RESTRICT")
    )
    payment_terms: Mapped[str] = mapped_column(String(100))
    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"))
    seller_commission_structure_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commission_structures.id", ondelete="RESTRICT")
    )
    buyer_commission_structure_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("commission_structures.id", ondelete="RESTRICT")
    )
    contract_value: Mapped[Decimal] = mapped_column(Money())
    # The confirmed version in force: 1 at approval, +1 per amendment (0 before approval).
    revision: Mapped[int] = mapped_column(Integer, default=0)
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    submitted_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey(_USER, ondelete="RESTRICT")
    )
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    cancelled_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey(_USER, ondelete="RESTRICT")
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ContractVersion(Base):
    """A full snapshot of a confirmed contract, one per revision (approval, each amendment)."""

    __tablename__ = "contract_versions"
    __table_args__ = (UniqueConstraint("contract_id", "revision"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"))
    revision: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ContractCommission(Entity):
    """The brokerage due from one side of a confirmed contract; billed later (brokerage bills)."""

    __tablename__ = "contract_commissions"
    __table_args__ = (
        UniqueConstraint("contract_id", "side"),
        Index("ix_contract_commissions_party_billed", "party_id", "brokerage_bill_id"),
        # A bill's lines are found (and released on cancel) by the bill.
        Index("ix_contract_commissions_brokerage_bill_id", "brokerage_bill_id"),
    )

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("contracts.id", ondelete="RESTRICT"))
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    side: Mapped[str] = mapped_column(String(10))
    commission_structure_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commission_structures.id", ondelete="RESTRICT")
    )
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[Decimal] = mapped_column(Rate())
    amount: Mapped[Decimal] = mapped_column(Money())
    # Set by the brokerage-bill module when billed, cleared when that bill is cancelled.
    brokerage_bill_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("brokerage_bills.id", ondelete="RESTRICT")
    )
    billed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
