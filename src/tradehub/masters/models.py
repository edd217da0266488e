"""Commodities with their varieties and quality parameters, and the trade masters."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base, Entity
from tradehub.kit.types import Rate, UtcDateTime


class Commodity(Entity):
    __tablename__ = "commodities"
    __table_args__ = (
        Index("ix_commodities_created_at", "created_at"),
        # Trade desk match weights (domain.md §4.4): all four or none (none = 0.45/0.35/0.10/0.10),
        # non-negative, summing to 1 (Rate stores 4 decimals: 1 is 10000).
        CheckConstraint(
            "(match_parameters_weight IS NULL AND match_price_weight IS NULL"
            " AND match_location_weight IS NULL AND match_payment_weight IS NULL)"
            " OR (match_parameters_weight IS NOT NULL AND match_price_weight IS NOT NULL"
            " AND match_location_weight IS NOT NULL AND match_payment_weight IS NOT NULL"
            " AND match_parameters_weight >= 0 AND match_price_weight >= 0"
            " AND match_location_weight >= 0 AND match_payment_weight >= 0"
            " AND match_parameters_weight + match_price_weight + match_location_weight"
            " + match_payment_weight = 10000)",
            name="match_weights",
        ),
    )

    name: Mapped[str] = mapped_column(String(100))
    # Lower-cased name: unique, also among soft-deleted commodities (restore, don't re-create).
    name_key: Mapped[str] = mapped_column(String(100), unique=True)
    hsn_code: Mapped[str] = mapped_column(String(8))
    gst_rate: Mapped[Decimal] = mapped_column(Rate())
    unit: Mapped[str] = mapped_column(String(10))
    rate_unit: Mapped[str] = mapped_column(String(10))
    # Other spellings chat messages use ("binola" for Cotton Seed); read by the trade desk parser.
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    match_parameters_weight: Mapped[Decimal | None] = mapped_column(Rate())
    match_price_weight: Mapped[Decimal | None] = mapped_column(Rate())
    match_location_weight: Mapped[Decimal | None] = mapped_column(Rate())
    match_payment_weight: Mapped[Decimal | None] = mapped_column(Rate())
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Variety(Entity):
    __tablename__ = "varieties"
    __table_args__ = (UniqueConstraint("commodity_id", "name_key"),)

    commodity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commodities.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    # {param: {"min": "3.5" | None, "max": "4.2" | None}} within the parameters' bounds.
    quality_specs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class VarietyKey(Base):
    """Every spelling of a variety (name and aliases) as a match key: lower case without
    spaces, dashes, dots or underscores. One key names one variety of a commodity."""

    __tablename__ = "variety_keys"

    commodity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commodities.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    variety_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("varieties.id", ondelete="CASCADE"), index=True
    )


class Certificate(Entity):
    """A certificate a lot or a requirement may carry (BCI, Organic, NPOP, Fairtrade, GOTS),
    with the spellings chat messages use. Reference data seeded by its migration."""

    __tablename__ = "certificates"
    __table_args__ = {"info": {"seeded": True}}

    name: Mapped[str] = mapped_column(String(50))
    name_key: Mapped[str] = mapped_column(String(50), unique=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class QualityParameter(Entity):
    __tablename__ = "quality_parameters"
    __table_args__ = (UniqueConstraint("commodity_id", "name"),)

    commodity_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("commodities.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(50))
    label: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(20))
    min: Mapped[Decimal] = mapped_column(Rate())
    max: Mapped[Decimal] = mapped_column(Rate())
    weight: Mapped[Decimal] = mapped_column(Rate())
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class CommissionStructure(Entity):
    __tablename__ = "commission_structures"
    __table_args__ = (Index("ix_commission_structures_created_at", "created_at"),)

    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    value: Mapped[Decimal] = mapped_column(Rate())
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class TradeTerm(Entity):
    """Trade, bargain, passing, weightment, delivery and payment terms in one table."""

    __tablename__ = "trade_terms"
    __table_args__ = (
        UniqueConstraint("kind", "name_key"),
        Index("ix_trade_terms_kind_name", "kind", "name"),
    )

    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))
    days: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class GstRate(Entity):
    __tablename__ = "gst_rates"
    __table_args__ = (Index("ix_gst_rates_created_at", "created_at"),)

    rate: Mapped[Decimal] = mapped_column(Rate())
    description: Mapped[str] = mapped_column(String(200))
    hsn_or_sac: Mapped[str] = mapped_column(String(8), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CciTerms(Entity):
    """One version of the CCI setting master (domain.md §3.6), in force from ``effective_from``
    until the next version's. Never edited once in force: a change is a new version."""

    __tablename__ = "cci_terms"

    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    contract_days: Mapped[int] = mapped_column(Integer)
    emd_days: Mapped[int] = mapped_column(Integer)
    cash_discount_pct: Mapped[Decimal] = mapped_column(Rate())
    carrying_tier1_days: Mapped[int] = mapped_column(Integer)
    carrying_tier1_pct: Mapped[Decimal] = mapped_column(Rate())
    carrying_tier2_days: Mapped[int] = mapped_column(Integer)
    carrying_tier2_pct: Mapped[Decimal] = mapped_column(Rate())
    additional_deposit_pct: Mapped[Decimal] = mapped_column(Rate())
    deposit_interest_pct: Mapped[Decimal] = mapped_column(Rate())
    free_lifting_days: Mapped[int] = mapped_column(Integer)
    late_lifting_tier1_days: Mapped[int] = mapped_column(Integer)
    late_lifting_tier1_pct: Mapped[Decimal] = mapped_column(Rate())
    late_lifting_tier2_days: Mapped[int] = mapped_column(Integer)
    late_lifting_tier2_pct: Mapped[Decimal] = mapped_column(Rate())
    late_lifting_tier3_pct: Mapped[Decimal] = mapped_column(Rate())
    note: Mapped[str] = mapped_column(String(200), default="")
