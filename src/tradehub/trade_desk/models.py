"""Trade desk: buyers' requirements, sellers' offers with their negotiation rounds, tested lots."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base, Entity
from tradehub.kit.types import Money, UtcDateTime, utcnow

_USER = "users.id"
_OPEN_OFFER = "status IN ('pending', 'countered') AND requirement_id IS NOT NULL"


class Requirement(Entity):
    """A buyer's demand: what, how much, which quality ranges, where, at what price and terms."""

    __tablename__ = "trade_requirements"
    __table_args__ = (
        Index("ix_trade_requirements_created_at", "created_at"),
        Index("ix_trade_requirements_status_created_at", "status", "created_at"),
        Index("ix_trade_requirements_buyer_created_at", "buyer_id", "created_at"),
        Index("ix_trade_requirements_commodity_created_at", "commodity_id", "created_at"),
        Index("ix_trade_requirements_status_valid_until", "status", "valid_until"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    buyer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    commodity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commodities.id", ondelete="RESTRICT")
    )
    variety: Mapped[str | None] = mapped_column(String(100))  # canonical name; None = any
    bales: Mapped[int] = mapped_column(Integer)
    # {param: {"min": "28" | None, "max": "30" | None}} within the commodity's bounds.
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    station_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("stations.id", ondelete="RESTRICT")
    )
    target_price: Mapped[Decimal | None] = mapped_column(Money())
    price_unit: Mapped[str] = mapped_column(String(10))
    payment_terms: Mapped[str | None] = mapped_column(String(20))
    payment_days: Mapped[int | None] = mapped_column(Integer)
    delivery_days: Mapped[int | None] = mapped_column(Integer)
    certificates: Mapped[list[str]] = mapped_column(JSON, default=list)
    valid_until: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default="open")
    offers_count: Mapped[int] = mapped_column(Integer, default=0)
    best_match_score: Mapped[int | None] = mapped_column(Integer)
    contracted_bales: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TestedLot(Entity):
    """Pre-tested stock a seller holds at a station, with its lab (HVI) results."""

    __tablename__ = "tested_lots"
    __table_args__ = (
        Index("ix_tested_lots_created_at", "created_at"),
        Index("ix_tested_lots_status_created_at", "status", "created_at"),
        Index("ix_tested_lots_seller_created_at", "seller_id", "created_at"),
        Index("ix_tested_lots_commodity_created_at", "commodity_id", "created_at"),
        Index("ix_tested_lots_status_valid_until", "status", "valid_until"),
    )

    __test__ = False  # not a pytest test class despite the name

    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    commodity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commodities.id", ondelete="RESTRICT")
    )
    variety: Mapped[str] = mapped_column(String(100))
    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"))
    bales: Mapped[int] = mapped_column(Integer)
    available_bales: Mapped[int] = mapped_column(Integer)
    # {param: "28.5"} measured values
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    price: Mapped[Decimal | None] = mapped_column(Money())
    price_unit: Mapped[str | None] = mapped_column(String(10))
    lab: Mapped[str] = mapped_column(String(200))
    test_date: Mapped[date] = mapped_column(Date)
    # A document attached to this lot (entity_type "tested_lot"); set once uploaded.
    test_report_document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("documents.id", ondelete="RESTRICT")
    )
    valid_until: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))


class Offer(Entity):
    """A seller's answer to a requirement (or an open offer when ``requirement_id`` is None).

    The offer is negotiation round 1; ``last_*`` mirror the latest round so lists and the
    matching engine never need to read the rounds.
    """

    __tablename__ = "trade_offers"
    __table_args__ = (
        # One open offer per seller and requirement, also under racing creates.
        Index(
            "uq_trade_offers_open_seller_requirement",
            "seller_id",
            "requirement_id",
            unique=True,
            sqlite_where=text(_OPEN_OFFER),
            postgresql_where=text(_OPEN_OFFER),
        ),
        Index("ix_trade_offers_created_at", "created_at"),
        Index("ix_trade_offers_status_created_at", "status", "created_at"),
        Index("ix_trade_offers_seller_created_at", "seller_id", "created_at"),
        Index("ix_trade_offers_requirement_created_at", "requirement_id", "created_at"),
        Index("ix_trade_offers_commodity_created_at", "commodity_id", "created_at"),
        Index("ix_trade_offers_status_valid_until", "status", "valid_until"),
    )

    organization_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    requirement_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("trade_requirements.id", ondelete="RESTRICT")
    )
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partners.id", ondelete="RESTRICT"))
    tested_lot_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tested_lots.id", ondelete="RESTRICT")
    )
    commodity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commodities.id", ondelete="RESTRICT")
    )
    variety: Mapped[str] = mapped_column(String(100))
    bales: Mapped[int] = mapped_column(Integer)
    # {param: "28.5"} actual values
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    price: Mapped[Decimal] = mapped_column(Money())
    price_unit: Mapped[str] = mapped_column(String(10))
    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"))
    payment_terms: Mapped[str | None] = mapped_column(String(20))
    payment_days: Mapped[int | None] = mapped_column(Integer)
    delivery_days: Mapped[int | None] = mapped_column(Integer)
    valid_until: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    match_score: Mapped[int | None] = mapped_column(Integer)
    score_breakdown: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The latest proposal (round ``rounds_count``, made by ``last_side``).
    last_side: Mapped[str] = mapped_column(String(10), default="seller")
    last_price: Mapped[Decimal] = mapped_column(Money())
    last_bales: Mapped[int] = mapped_column(Integer)
    rounds_count: Mapped[int] = mapped_column(Integer, default=1)
    accepted_bales: Mapped[int | None] = mapped_column(Integer)
    contract_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("contracts.id", ondelete="RESTRICT")
    )
    decided_side: Mapped[str | None] = mapped_column(String(10))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status_reason: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))


class OfferRound(Base):
    """One proposal in an offer's negotiation; round 1 is the offer itself. Append-only."""

    __tablename__ = "trade_offer_rounds"
    # Two racing counters on the same offer cannot both become round n.
    __table_args__ = (UniqueConstraint("offer_id", "round_no"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("trade_offers.id", ondelete="RESTRICT"))
    round_no: Mapped[int] = mapped_column(Integer)
    side: Mapped[str] = mapped_column(String(10))  # seller | buyer
    price: Mapped[Decimal] = mapped_column(Money())
    bales: Mapped[int] = mapped_column(Integer)
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    message: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey(_USER, ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
