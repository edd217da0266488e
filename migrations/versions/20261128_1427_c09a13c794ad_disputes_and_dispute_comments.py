"""disputes and dispute comments

Revision ID: c09a13c794ad
Revises: 556947e3acf8
Create Date: 2026-11-28 14:27:14.634530+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tradehub.kit import types as th_types

revision: str = "c09a13c794ad"
down_revision: str | Sequence[str] | None = "556947e3acf8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disputes",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("contract_no", sa.String(length=30), nullable=True),
        sa.Column("seller_id", sa.Uuid(), nullable=False),
        sa.Column("buyer_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("claimed_amount", th_types.Money(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("raised_by_side", sa.String(length=10), nullable=False),
        sa.Column("raised_by_partner_id", sa.Uuid(), nullable=False),
        sa.Column("raised_on_portal", sa.Boolean(), nullable=False),
        sa.Column("raised_by_id", sa.Uuid(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("reviewed_by_id", sa.Uuid(), nullable=True),
        sa.Column("reviewed_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("resolution_kind", sa.String(length=20), nullable=True),
        sa.Column("settled_amount", th_types.Money(), nullable=True),
        sa.Column("resolved_by_id", sa.Uuid(), nullable=True),
        sa.Column("resolved_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Uuid(), nullable=True),
        sa.Column("closed_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Uuid(), nullable=True),
        sa.Column("withdrawn_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["partners.id"],
            name=op.f("fk_disputes_buyer_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["users.id"],
            name=op.f("fk_disputes_closed_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_disputes_contract_id_contracts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_disputes_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"],
            ["users.id"],
            name=op.f("fk_disputes_raised_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_partner_id"],
            ["partners.id"],
            name=op.f("fk_disputes_raised_by_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_disputes_resolved_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["users.id"],
            name=op.f("fk_disputes_reviewed_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["partners.id"],
            name=op.f("fk_disputes_seller_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["withdrawn_by_id"],
            ["users.id"],
            name=op.f("fk_disputes_withdrawn_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_disputes_buyer_created_at", ["buyer_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_disputes_category_created_at", ["category", "created_at"], unique=False
        )
        batch_op.create_index("ix_disputes_claimed_amount", ["claimed_amount"], unique=False)
        batch_op.create_index(
            "ix_disputes_contract_status_created_at",
            ["contract_id", "status", "created_at"],
            unique=False,
        )
        batch_op.create_index("ix_disputes_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_disputes_organization_created_at", ["organization_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_disputes_seller_created_at", ["seller_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_disputes_status_created_at", ["status", "created_at"], unique=False
        )
        batch_op.create_index("ix_disputes_updated_at", ["updated_at"], unique=False)

    op.create_table(
        "dispute_comments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("dispute_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("author_partner_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_dispute_comments_author_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["author_partner_id"],
            ["partners.id"],
            name=op.f("fk_dispute_comments_author_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["disputes.id"],
            name=op.f("fk_dispute_comments_dispute_id_disputes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["dispute_comments.id"],
            name=op.f("fk_dispute_comments_parent_id_dispute_comments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_comments")),
    )
    with op.batch_alter_table("dispute_comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dispute_comments_dispute_created_at", ["dispute_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_dispute_comments_dispute_visibility_created_at",
            ["dispute_id", "visibility", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("dispute_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_dispute_comments_dispute_visibility_created_at")
        batch_op.drop_index("ix_dispute_comments_dispute_created_at")

    op.drop_table("dispute_comments")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index("ix_disputes_updated_at")
        batch_op.drop_index("ix_disputes_status_created_at")
        batch_op.drop_index("ix_disputes_seller_created_at")
        batch_op.drop_index("ix_disputes_organization_created_at")
        batch_op.drop_index("ix_disputes_created_at")
        batch_op.drop_index("ix_disputes_contract_status_created_at")
        batch_op.drop_index("ix_disputes_claimed_amount")
        batch_op.drop_index("ix_disputes_category_created_at")
        batch_op.drop_index("ix_disputes_buyer_created_at")

    op.drop_table("disputes")
