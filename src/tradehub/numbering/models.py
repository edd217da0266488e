"""The counters of the number series and the register of cancelled numbers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base
from tradehub.kit.types import UtcDateTime, utcnow


class NumberSeries(Base):
    """The last number given in one series of one organization's financial year.

    Changed only by ``service.next_number``'s atomic increment, inside the transaction of the
    document that takes the number; so it has no ``version`` column.
    """

    __tablename__ = "number_series"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True
    )
    financial_year: Mapped[str] = mapped_column(String(7), primary_key=True)
    series: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class CancelledNumber(Base):
    """A number given to a document that was later cancelled: recorded, never reused."""

    __tablename__ = "cancelled_numbers"
    __table_args__ = (
        UniqueConstraint("organization_id", "financial_year", "series", "sequence"),
        Index(
            "ix_cancelled_numbers_organization_id_cancelled_at", "organization_id", "cancelled_at"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    financial_year: Mapped[str] = mapped_column(String(7))
    series: Mapped[str] = mapped_column(String(8))
    sequence: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(16))
    document_type: Mapped[str] = mapped_column(String(50))
    document_id: Mapped[uuid.UUID]
    reason: Mapped[str] = mapped_column(Text)
    cancelled_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    cancelled_by_id: Mapped[uuid.UUID | None]
    cancelled_by_label: Mapped[str] = mapped_column(String(320))
