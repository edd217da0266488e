"""commodities and trade masters

Revision ID: 78875759f0e5
Revises: 70ce705068ef
Create Date: 2026-11-28 10:15:57.427868+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tradehub.kit import types as th_types

revision: str = "78875759f0e5"
down_revision: str | Sequence[str] | None = "70ce705068ef"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cci_terms",
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("contract_days", sa.Integer(), nullable=False),
        sa.Column("emd_days", sa.Integer(), nullable=False),
        sa.Column("cash_discount_pct", th_types.Rate(), nullable=False),
        sa.Column("carrying_tier1_days", sa.Integer(), nullable=False),
        sa.Column("carrying_tier1_pct", th_types.Rate(), nullable=False),
        sa.Column("carrying_tier2_days", sa.Integer(), nullable=False),
        sa.Column("carrying_tier2_pct", th_types.Rate(), nullable=False),
        sa.Column("additional_deposit_pct", th_types.Rate(), nullable=False),
        sa.Column("deposit_interest_pct", th_types.Rate(), nullable=False),
        sa.Column("free_lifting_days", sa.Integer(), nullable=False),
        sa.Column("late_lifting_tier1_days", sa.Integer(), nullable=False),
        sa.Column("late_lifting_tier1_pct", th_types.Rate(), nullable=False),
        sa.Column("late_lifting_tier2_days", sa.Integer(), nullable=False),
        sa.Column("late_lifting_tier2_pct", th_types.Rate(), nullable=False),
        sa.Column("late_lifting_tier3_pct", th_types.Rate(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cci_terms")),
        sa.UniqueConstraint("effective_from", name=op.f("uq_cci_terms_effective_from")),
    )
    op.create_table(
        "commission_structures",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value", th_types.Rate(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_structures")),
        sa.UniqueConstraint("name_key", name=op.f("uq_commission_structures_name_key")),
    )
    with op.batch_alter_table("commission_structures", schema=None) as batch_op:
        batch_op.create_index("ix_commission_structures_created_at", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_commission_structures_kind"), ["kind"], unique=False)

    op.create_table(
        "commodities",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("hsn_code", sa.String(length=8), nullable=False),
        sa.Column("gst_rate", th_types.Rate(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("rate_unit", sa.String(length=10), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commodities")),
        sa.UniqueConstraint("name_key", name=op.f("uq_commodities_name_key")),
    )
    with op.batch_alter_table("commodities", schema=None) as batch_op:
        batch_op.create_index("ix_commodities_created_at", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_commodities_is_active"), ["is_active"], unique=False)

    op.create_table(
        "gst_rates",
        sa.Column("rate", th_types.Rate(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("hsn_or_sac", sa.String(length=8), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gst_rates")),
        sa.UniqueConstraint("hsn_or_sac", name=op.f("uq_gst_rates_hsn_or_sac")),
    )
    with op.batch_alter_table("gst_rates", schema=None) as batch_op:
        batch_op.create_index("ix_gst_rates_created_at", ["created_at"], unique=False)

    op.create_table(
        "trade_terms",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_terms")),
        sa.UniqueConstraint("kind", "name_key", name=op.f("uq_trade_terms_kind_name_key")),
    )
    with op.batch_alter_table("trade_terms", schema=None) as batch_op:
        batch_op.create_index("ix_trade_terms_kind_name", ["kind", "name"], unique=False)

    op.create_table(
        "quality_parameters",
        sa.Column("commodity_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("min", th_types.Rate(), nullable=False),
        sa.Column("max", th_types.Rate(), nullable=False),
        sa.Column("weight", th_types.Rate(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commodity_id"],
            ["commodities.id"],
            name=op.f("fk_quality_parameters_commodity_id_commodities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_parameters")),
        sa.UniqueConstraint(
            "commodity_id", "name", name=op.f("uq_quality_parameters_commodity_id_name")
        ),
    )
    op.create_table(
        "varieties",
        sa.Column("commodity_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("quality_specs", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commodity_id"],
            ["commodities.id"],
            name=op.f("fk_varieties_commodity_id_commodities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_varieties")),
        sa.UniqueConstraint(
            "commodity_id", "name_key", name=op.f("uq_varieties_commodity_id_name_key")
        ),
    )
    op.create_table(
        "variety_keys",
        sa.Column("commodity_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("variety_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commodity_id"],
            ["commodities.id"],
            name=op.f("fk_variety_keys_commodity_id_commodities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["variety_id"],
            ["varieties.id"],
            name=op.f("fk_variety_keys_variety_id_varieties"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("commodity_id", "key", name=op.f("pk_variety_keys")),
    )
    with op.batch_alter_table("variety_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_variety_keys_variety_id"), ["variety_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("variety_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_variety_keys_variety_id"))

    op.drop_table("variety_keys")
    op.drop_table("varieties")
    op.drop_table("quality_parameters")
    with op.batch_alter_table("trade_terms", schema=None) as batch_op:
        batch_op.drop_index("ix_trade_terms_kind_name")

    op.drop_table("trade_terms")
    with op.batch_alter_table("gst_rates", schema=None) as batch_op:
        batch_op.drop_index("ix_gst_rates_created_at")

    op.drop_table("gst_rates")
    with op.batch_alter_table("commodities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commodities_is_active"))
        batch_op.drop_index("ix_commodities_created_at")

    op.drop_table("commodities")
    with op.batch_alter_table("commission_structures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_commission_structures_kind"))
        batch_op.drop_index("ix_commission_structures_created_at")

    op.drop_table("commission_structures")
    op.drop_table("cci_terms")
