"""Documents: uploads attached to any entity (metadata; the bytes live in storage).

Revision ID: 0f456449aa98
Revises: 91e49fe95708
Create Date: 2026-11-28 11:47:07.381969+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tradehub.kit import types as th_types

revision: str = "0f456449aa98"
down_revision: str | Sequence[str] | None = "91e49fe95708"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("entity_type", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("document_type", sa.String(length=50), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Uuid(), nullable=False),
        sa.Column("deleted_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("deleted_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deleted_by_id"], ["users.id"], name=op.f("fk_documents_deleted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_documents_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_documents_storage_key")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_documents_entity_type_created_at", ["entity_type", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_documents_entity_type_entity_id_created_at",
            ["entity_type", "entity_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_documents_uploaded_by_id"), ["uploaded_by_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_uploaded_by_id"))
        batch_op.drop_index("ix_documents_entity_type_entity_id_created_at")
        batch_op.drop_index("ix_documents_entity_type_created_at")

    op.drop_table("documents")
