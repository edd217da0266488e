"""Organizations (legal entities of the brokerage) and their branches."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Entity


class Organization(Entity):
    __tablename__ = "organizations"
    __table_args__ = (Index("ix_organizations_created_at", "created_at"),)

    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    gstin: Mapped[str] = mapped_column(String(15), unique=True)
    pan: Mapped[str] = mapped_column(String(10), index=True)
    state_code: Mapped[str] = mapped_column(ForeignKey("states.code"))
    address: Mapped[str] = mapped_column(Text)


class Branch(Entity):
    __tablename__ = "branches"
    __table_args__ = (
        UniqueConstraint("organization_id", "code"),
        Index("ix_branches_organization_id_name", "organization_id", "name"),
    )

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT")
    )
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(20))
    state_code: Mapped[str] = mapped_column(ForeignKey("states.code"))
    gstin: Mapped[str | None] = mapped_column(String(15), unique=True)
