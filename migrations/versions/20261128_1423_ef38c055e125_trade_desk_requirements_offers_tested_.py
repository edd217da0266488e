"""trade desk: requirements, offers with their negotiation rounds, tested lots (api.md §9)

Revision ID: ef38c055e125
Revises: 556947e3acf8
Create Date: 2026-11-28 14:23:31.725748+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tradehub.kit import types as th_types

revision: str = "ef38c055e125"
down_revision: str | Sequence[str] | None = "556947e3acf8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tested_lots",
        sa.Column("seller_id", sa.Uuid(), nullable=False),
        sa.Column("commodity_id", sa.Uuid(), nullable=False),
        sa.Column("variety", sa.String(length=100), nullable=False),
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("bales", sa.Integer(), nullable=False),
        sa.Column("available_bales", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("price", th_types.Money(), nullable=True),
        sa.Column("price_unit", sa.String(length=10), nullable=True),
        sa.Column("lab", sa.String(length=200), nullable=False),
        sa.Column("test_date", sa.Date(), nullable=False),
        sa.Column("test_report_document_id", sa.Uuid(), nullable=True),
        sa.Column("valid_until", th_types.UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commodity_id"],
            ["commodities.id"],
            name=op.f("fk_tested_lots_commodity_id_commodities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_tested_lots_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["partners.id"],
            name=op.f("fk_tested_lots_seller_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name=op.f("fk_tested_lots_station_id_stations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["test_report_document_id"],
            ["documents.id"],
            name=op.f("fk_tested_lots_test_report_document_id_documents"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tested_lots")),
    )
    with op.batch_alter_table("tested_lots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tested_lots_commodity_created_at", ["commodity_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_tested_lots_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_tested_lots_seller_created_at", ["seller_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_tested_lots_status_created_at", ["status", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_tested_lots_status_valid_until", ["status", "valid_until"], unique=False
        )

    op.create_table(
        "trade_requirements",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("buyer_id", sa.Uuid(), nullable=False),
        sa.Column("commodity_id", sa.Uuid(), nullable=False),
        sa.Column("variety", sa.String(length=100), nullable=True),
        sa.Column("bales", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("station_id", sa.Uuid(), nullable=True),
        sa.Column("target_price", th_types.Money(), nullable=True),
        sa.Column("price_unit", sa.String(length=10), nullable=False),
        sa.Column("payment_terms", sa.String(length=20), nullable=True),
        sa.Column("payment_days", sa.Integer(), nullable=True),
        sa.Column("delivery_days", sa.Integer(), nullable=True),
        sa.Column("certificates", sa.JSON(), nullable=False),
        sa.Column("valid_until", th_types.UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("offers_count", sa.Integer(), nullable=False),
        sa.Column("best_match_score", sa.Integer(), nullable=True),
        sa.Column("contracted_bales", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("closed_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["partners.id"],
            name=op.f("fk_trade_requirements_buyer_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["commodity_id"],
            ["commodities.id"],
            name=op.f("fk_trade_requirements_commodity_id_commodities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_trade_requirements_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_trade_requirements_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name=op.f("fk_trade_requirements_station_id_stations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_requirements")),
    )
    with op.batch_alter_table("trade_requirements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trade_requirements_buyer_created_at", ["buyer_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_trade_requirements_commodity_created_at",
            ["commodity_id", "created_at"],
            unique=False,
        )
        batch_op.create_index("ix_trade_requirements_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_trade_requirements_status_created_at", ["status", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_trade_requirements_status_valid_until", ["status", "valid_until"], unique=False
        )

    op.create_table(
        "trade_offers",
        sa.Column("organization_id", sa.Uuid(), nullable=True),
        sa.Column("requirement_id", sa.Uuid(), nullable=True),
        sa.Column("seller_id", sa.Uuid(), nullable=False),
        sa.Column("tested_lot_id", sa.Uuid(), nullable=True),
        sa.Column("commodity_id", sa.Uuid(), nullable=False),
        sa.Column("variety", sa.String(length=100), nullable=False),
        sa.Column("bales", sa.Integer(), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("price", th_types.Money(), nullable=False),
        sa.Column("price_unit", sa.String(length=10), nullable=False),
        sa.Column("station_id", sa.Uuid(), nullable=False),
        sa.Column("payment_terms", sa.String(length=20), nullable=True),
        sa.Column("payment_days", sa.Integer(), nullable=True),
        sa.Column("delivery_days", sa.Integer(), nullable=True),
        sa.Column("valid_until", th_types.UtcDateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("match_score", sa.Integer(), nullable=True),
        sa.Column("score_breakdown", sa.JSON(), nullable=True),
        sa.Column("last_side", sa.String(length=10), nullable=False),
        sa.Column("last_price", th_types.Money(), nullable=False),
        sa.Column("last_bales", sa.Integer(), nullable=False),
        sa.Column("rounds_count", sa.Integer(), nullable=False),
        sa.Column("accepted_bales", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Uuid(), nullable=True),
        sa.Column("decided_side", sa.String(length=10), nullable=True),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commodity_id"],
            ["commodities.id"],
            name=op.f("fk_trade_offers_commodity_id_commodities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_trade_offers_contract_id_contracts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_trade_offers_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_trade_offers_decided_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_trade_offers_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["requirement_id"],
            ["trade_requirements.id"],
            name=op.f("fk_trade_offers_requirement_id_trade_requirements"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["partners.id"],
            name=op.f("fk_trade_offers_seller_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name=op.f("fk_trade_offers_station_id_stations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tested_lot_id"],
            ["tested_lots.id"],
            name=op.f("fk_trade_offers_tested_lot_id_tested_lots"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_offers")),
    )
    with op.batch_alter_table("trade_offers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_trade_offers_commodity_created_at", ["commodity_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_trade_offers_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_trade_offers_requirement_created_at", ["requirement_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_trade_offers_seller_created_at", ["seller_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_trade_offers_status_created_at", ["status", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_trade_offers_status_valid_until", ["status", "valid_until"], unique=False
        )
        batch_op.create_index(
            "uq_trade_offers_open_seller_requirement",
            ["seller_id", "requirement_id"],
            unique=True,
            sqlite_where=sa.text(
                "status IN ('pending', 'countered') AND requirement_id IS NOT NULL"
            ),
            postgresql_where=sa.text(
                "status IN ('pending', 'countered') AND requirement_id IS NOT NULL"
            ),
        )

    op.create_table(
        "trade_offer_rounds",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("round_no", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=False),
        sa.Column("price", th_types.Money(), nullable=False),
        sa.Column("bales", sa.Integer(), nullable=False),
        sa.Column("valid_until", th_types.UtcDateTime(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_trade_offer_rounds_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["trade_offers.id"],
            name=op.f("fk_trade_offer_rounds_offer_id_trade_offers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_offer_rounds")),
        sa.UniqueConstraint(
            "offer_id", "round_no", name=op.f("uq_trade_offer_rounds_offer_id_round_no")
        ),
    )


def downgrade() -> None:
    op.drop_table("trade_offer_rounds")
    with op.batch_alter_table("trade_offers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_trade_offers_open_seller_requirement",
            sqlite_where=sa.text(
                "status IN ('pending', 'countered') AND requirement_id IS NOT NULL"
            ),
            postgresql_where=sa.text(
                "status IN ('pending', 'countered') AND requirement_id IS NOT NULL"
            ),
        )
        batch_op.drop_index("ix_trade_offers_status_valid_until")
        batch_op.drop_index("ix_trade_offers_status_created_at")
        batch_op.drop_index("ix_trade_offers_seller_created_at")
        batch_op.drop_index("ix_trade_offers_requirement_created_at")
        batch_op.drop_index("ix_trade_offers_created_at")
        batch_op.drop_index("ix_trade_offers_commodity_created_at")

    op.drop_table("trade_offers")
    with op.batch_alter_table("trade_requirements", schema=None) as batch_op:
        batch_op.drop_index("ix_trade_requirements_status_valid_until")
        batch_op.drop_index("ix_trade_requirements_status_created_at")
        batch_op.drop_index("ix_trade_requirements_created_at")
        batch_op.drop_index("ix_trade_requirements_commodity_created_at")
        batch_op.drop_index("ix_trade_requirements_buyer_created_at")

    op.drop_table("trade_requirements")
    with op.batch_alter_table("tested_lots", schema=None) as batch_op:
        batch_op.drop_index("ix_tested_lots_status_valid_until")
        batch_op.drop_index("ix_tested_lots_status_created_at")
        batch_op.drop_index("ix_tested_lots_seller_created_at")
        batch_op.drop_index("ix_tested_lots_created_at")
        batch_op.drop_index("ix_tested_lots_commodity_created_at")

    op.drop_table("tested_lots")
