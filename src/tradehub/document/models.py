"""Uploaded documents: metadata here, bytes in storage under ``storage_key``."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Entity
from tradehub.kit.types import UtcDateTime


class Document(Entity):
    __tablename__ = "documents"
    __table_args__ = (
        # Serves the list of one entity's documents, newest first (with or without a type).
        Index(
            "ix_documents_entity_type_entity_id_created_at",
            "entity_type",
            "entity_id",
            "created_at",
        ),
        # Serves the staff list across entities of some types, newest first.
        Index("ix_documents_entity_type_created_at", "entity_type", "created_at"),
    )

    # What the document is attached to: an entity type of document.attachments and its id.
    # No foreign key: the entity may live in any table.
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    document_type: Mapped[str] = mapped_column(String(50))
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    deleted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
