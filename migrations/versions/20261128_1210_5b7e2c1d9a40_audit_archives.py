"""audit archives

Revision ID: 5b7e2c1d9a40
Revises: 9d03ecab863e
Create Date: 2026-11-28 12:10:00+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tradehub.kit import types as th_types

revision: str = "5b7e2c1d9a40"
down_revision: str | Sequence[str] | None = "9d03ecab863e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_archives",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("first_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("event_count", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_archives")),
        sa.UniqueConstraint("month", name=op.f("uq_audit_archives_month")),
    )


def downgrade() -> None:
    op.drop_table("audit_archives")
