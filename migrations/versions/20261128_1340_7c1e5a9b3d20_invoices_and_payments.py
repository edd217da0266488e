"""invoices and payments

Revision ID: 7c1e5a9b3d20
Revises: 608637de8f80
Create Date: 2026-11-28 13:40:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tradehub.kit import types as th_types

revision: str = "7c1e5a9b3d20"
down_revision: str | Sequence[str] | None = "608637de8f80"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("payer_id", sa.Uuid(), nullable=False),
        sa.Column("payee_id", sa.Uuid(), nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column("amount", th_types.Money(), nullable=False),
        sa.Column("tds_amount", th_types.Money(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reversal_reason", sa.Text(), nullable=True),
        sa.Column("reversed_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("reversed_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_payments_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_payments_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["payer_id"],
            ["partners.id"],
            name=op.f("fk_payments_payer_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reversed_by_id"],
            ["users.id"],
            name=op.f("fk_payments_reversed_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index("ix_payments_amount", ["amount"], unique=False)
        batch_op.create_index("ix_payments_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            "ix_payments_organization_created_at", ["organization_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_payments_payee_created_at", ["payee_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_payments_payer_created_at", ["payer_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_payments_payment_date", ["payment_date"], unique=False)
        batch_op.create_index(
            "ix_payments_status_created_at", ["status", "created_at"], unique=False
        )

    op.create_table(
        "invoices",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("invoice_no", sa.String(length=50), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("seller_id", sa.Uuid(), nullable=False),
        sa.Column("seller_branch_id", sa.Uuid(), nullable=False),
        sa.Column("buyer_id", sa.Uuid(), nullable=False),
        sa.Column("buyer_branch_id", sa.Uuid(), nullable=False),
        sa.Column("commodity_id", sa.Uuid(), nullable=False),
        sa.Column("bales", sa.Integer(), nullable=False),
        sa.Column("net_weight_kg", th_types.Quantity(), nullable=False),
        sa.Column("rate", th_types.Rate(), nullable=False),
        sa.Column("rate_unit", sa.String(length=10), nullable=False),
        sa.Column("taxable_value", th_types.Money(), nullable=False),
        sa.Column("gst_rate", th_types.Rate(), nullable=False),
        sa.Column("cgst", th_types.Money(), nullable=False),
        sa.Column("sgst", th_types.Money(), nullable=False),
        sa.Column("igst", th_types.Money(), nullable=False),
        sa.Column("round_off", th_types.Money(), nullable=False),
        sa.Column("total_amount", th_types.Money(), nullable=False),
        sa.Column("paid_amount", th_types.Money(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "paid_amount >= 0 AND paid_amount <= total_amount",
            name=op.f("ck_invoices_paid_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["buyer_branch_id"],
            ["partner_branches.id"],
            name=op.f("fk_invoices_buyer_branch_id_partner_branches"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["buyer_id"],
            ["partners.id"],
            name=op.f("fk_invoices_buyer_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["commodity_id"],
            ["commodities.id"],
            name=op.f("fk_invoices_commodity_id_commodities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_invoices_contract_id_contracts"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_invoices_created_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_invoices_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["seller_branch_id"],
            ["partner_branches.id"],
            name=op.f("fk_invoices_seller_branch_id_partner_branches"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["partners.id"],
            name=op.f("fk_invoices_seller_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint(
            "seller_id",
            "financial_year",
            "invoice_no",
            name=op.f("uq_invoices_seller_id_financial_year_invoice_no"),
        ),
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoices_buyer_created_at", ["buyer_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_invoices_contract_created_at", ["contract_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_invoices_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_invoices_invoice_date", ["invoice_date"], unique=False)
        batch_op.create_index(
            "ix_invoices_organization_created_at", ["organization_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_invoices_seller_created_at", ["seller_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_invoices_status_created_at", ["status", "created_at"], unique=False
        )
        batch_op.create_index("ix_invoices_total_amount", ["total_amount"], unique=False)

    op.create_table(
        "payment_allocations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=True),
        sa.Column("brokerage_bill_id", sa.Uuid(), nullable=True),
        sa.Column("amount", th_types.Money(), nullable=False),
        sa.Column("reversed_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "(invoice_id IS NOT NULL AND brokerage_bill_id IS NULL) OR (invoice_id IS NULL AND brokerage_bill_id IS NOT NULL)",
            name=op.f("ck_payment_allocations_one_target"),
        ),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payment_allocations_amount_positive")),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_payment_allocations_invoice_id_invoices"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payments.id"],
            name=op.f("fk_payment_allocations_payment_id_payments"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_allocations")),
    )
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payment_allocations_brokerage_bill", ["brokerage_bill_id"], unique=False
        )
        batch_op.create_index("ix_payment_allocations_invoice", ["invoice_id"], unique=False)
        batch_op.create_index("ix_payment_allocations_payment", ["payment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_allocations_payment")
        batch_op.drop_index("ix_payment_allocations_invoice")
        batch_op.drop_index("ix_payment_allocations_brokerage_bill")

    op.drop_table("payment_allocations")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_total_amount")
        batch_op.drop_index("ix_invoices_status_created_at")
        batch_op.drop_index("ix_invoices_seller_created_at")
        batch_op.drop_index("ix_invoices_organization_created_at")
        batch_op.drop_index("ix_invoices_invoice_date")
        batch_op.drop_index("ix_invoices_created_at")
        batch_op.drop_index("ix_invoices_contract_created_at")
        batch_op.drop_index("ix_invoices_buyer_created_at")

    op.drop_table("invoices")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_status_created_at")
        batch_op.drop_index("ix_payments_payment_date")
        batch_op.drop_index("ix_payments_payer_created_at")
        batch_op.drop_index("ix_payments_payee_created_at")
        batch_op.drop_index("ix_payments_organization_created_at")
        batch_op.drop_index("ix_payments_created_at")
        batch_op.drop_index("ix_payments_amount")

    op.drop_table("payments")
