"""Financial years of an organization."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Entity
from tradehub.kit.types import UtcDateTime


class FinancialYear(Entity):
    __tablename__ = "financial_years"
    __table_args__ = (
        UniqueConstraint("organization_id", "code"),
        Index("ix_financial_years_organization_id_start_date", "organization_id", "start_date"),
        Index("ix_financial_years_start_date", "start_date"),
        # At most one active year per organization, whatever the races.
        Index(
            "ix_financial_years_one_active",
            "organization_id",
            unique=True,
            sqlite_where=text("is_active"),
            postgresql_where=text("is_active"),
        ),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    code: Mapped[str] = mapped_column(String(7))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    is_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
