"""States (seeded reference data keyed by GST state code) and stations."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base, Entity


class State(Base):
    """Every Indian state and union territory, seeded by the migration; never edited."""

    __tablename__ = "states"
    __table_args__ = {"info": {"seeded": True}}

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # state | union_territory | other_territory


class Station(Entity):
    """A trading town (Akola, Rajkot…) in a state, optionally in a region (Vidarbha…)."""

    __tablename__ = "stations"
    __table_args__ = (
        # Unique per state, case-insensitively; also serves ?state_code= sorted by name.
        UniqueConstraint("state_code", "name_key"),
        Index("ix_stations_name_key", "name_key"),
        Index("ix_stations_created_at", "created_at"),
    )

    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100))  # casefolded name
    state_code: Mapped[str] = mapped_column(ForeignKey("states.code"))
    region: Mapped[str | None] = mapped_column(String(100))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
