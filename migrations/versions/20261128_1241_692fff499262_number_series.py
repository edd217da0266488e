"""Number series: one counter per organization, financial year and series; cancelled numbers.

Revision ID: 692fff499262
Revises: b2288e382556
Create Date: 2026-11-28 12:41:05.427389+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tradehub.kit import types as th_types

revision: str = "692fff499262"
down_revision: str | Sequence[str] | None = "b2288e382556"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cancelled_numbers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("series", sa.String(length=8), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("document_type", sa.String(length=50), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("cancelled_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("cancelled_by_id", sa.Uuid(), nullable=True),
        sa.Column("cancelled_by_label", sa.String(length=320), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_cancelled_numbers_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cancelled_numbers")),
        sa.UniqueConstraint(
            "organization_id",
            "financial_year",
            "series",
            "sequence",
            name=op.f("uq_cancelled_numbers_organization_id_financial_year_series_sequence"),
        ),
    )
    with op.batch_alter_table("cancelled_numbers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cancelled_numbers_organization_id_cancelled_at",
            ["organization_id", "cancelled_at"],
            unique=False,
        )

    op.create_table(
        "number_series",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("series", sa.String(length=8), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_number_series_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "organization_id", "financial_year", "series", name=op.f("pk_number_series")
        ),
    )


def downgrade() -> None:
    op.drop_table("number_series")
    with op.batch_alter_table("cancelled_numbers", schema=None) as batch_op:
        batch_op.drop_index("ix_cancelled_numbers_organization_id_cancelled_at")

    op.drop_table("cancelled_numbers")
