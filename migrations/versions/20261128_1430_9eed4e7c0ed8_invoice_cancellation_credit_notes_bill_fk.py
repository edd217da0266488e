"""invoice cancellation and credit notes; brokerage bill foreign key

- ``invoices``: ``credited_amount`` (0 for existing rows), ``status_reason``, ``cancelled_at``,
  ``cancelled_by_id``; the seller's number is unique per seller and year among invoices that
  are not cancelled (a partial unique index replaces the unique constraint); the CHECK keeps
  paid + credited between 0 and the total.
- ``credit_notes``: notes against one invoice, numbered by the seller.
- ``contract_commissions.brokerage_bill_id`` → ``brokerage_bills.id``, with its own index.

On SQLite, altering ``invoices`` and ``contract_commissions`` rebuilds them (batch mode), and
other tables reference both (``payment_allocations``, ``brokerage_bill_lines``, ON DELETE
RESTRICT): dropping the old table would fail as soon as one such row exists. The rebuilds
therefore run with foreign keys off and are checked with ``PRAGMA foreign_key_check`` before
they are turned on again (``_sqlite_rebuild``).

Downgrading is refused by the unique constraint when a cancelled invoice's number was issued
again; it drops every credit note.

Revision ID: 9eed4e7c0ed8
Revises: 556947e3acf8
Create Date: 2026-11-28 14:30:12.220398+00:00
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

from tradehub.kit import types as th_types

revision: str = "9eed4e7c0ed8"
down_revision: str | Sequence[str] | None = "556947e3acf8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = sa.text("status <> 'cancelled'")
SETTLED_IN_RANGE = (
    "paid_amount >= 0 AND credited_amount >= 0 AND paid_amount + credited_amount <= total_amount"
)
PAID_IN_RANGE = "paid_amount >= 0 AND paid_amount <= total_amount"


@contextmanager
def _sqlite_rebuild() -> Iterator[None]:
    """SQLite's own procedure for schema changes that rebuild a table
    (https://sqlite.org/lang_altertable.html#otheralter): foreign keys off — a no-op inside a
    transaction, so the migration's transaction is committed first — rebuild, check every
    reference, foreign keys on again. Elsewhere: nothing to do."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield
        broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the rebuild left broken references: {broken[:5]}")
        bind.exec_driver_sql("COMMIT")
    except BaseException:
        bind.exec_driver_sql("ROLLBACK")
        raise
    finally:
        # The connection goes back to its pool afterwards: never leave it unenforced.
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        bind.exec_driver_sql("BEGIN IMMEDIATE")


def _create_credit_notes() -> None:
    def fk(column: str, table: str) -> sa.ForeignKeyConstraint:
        return sa.ForeignKeyConstraint(
            [column],
            [f"{table}.id"],
            name=op.f(f"fk_credit_notes_{column}_{table}"),
            ondelete="RESTRICT",
        )

    op.create_table(
        "credit_notes",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("invoice_id", sa.Uuid(), nullable=False),
        sa.Column("invoice_no", sa.String(length=50), nullable=False),
        sa.Column("credit_note_no", sa.String(length=50), nullable=False),
        sa.Column("credit_note_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("seller_id", sa.Uuid(), nullable=False),
        sa.Column("seller_branch_id", sa.Uuid(), nullable=False),
        sa.Column("buyer_id", sa.Uuid(), nullable=False),
        sa.Column("buyer_branch_id", sa.Uuid(), nullable=False),
        sa.Column("taxable_value", th_types.Money(), nullable=False),
        sa.Column("gst_rate", th_types.Rate(), nullable=False),
        sa.Column("cgst", th_types.Money(), nullable=False),
        sa.Column("sgst", th_types.Money(), nullable=False),
        sa.Column("igst", th_types.Money(), nullable=False),
        sa.Column("round_off", th_types.Money(), nullable=False),
        sa.Column("total_amount", th_types.Money(), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("cancelled_by_id", sa.Uuid(), nullable=True),
        sa.Column("cancelled_at", th_types.UtcDateTime(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", th_types.UtcDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("total_amount > 0", name=op.f("ck_credit_notes_total_positive")),
        fk("buyer_branch_id", "partner_branches"),
        fk("buyer_id", "partners"),
        fk("cancelled_by_id", "users"),
        fk("created_by_id", "users"),
        fk("invoice_id", "invoices"),
        fk("organization_id", "organizations"),
        fk("seller_branch_id", "partner_branches"),
        fk("seller_id", "partners"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
    )
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credit_notes_seller_year_number_live",
            ["seller_id", "financial_year", "credit_note_no"],
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        )
        for name, columns in (
            ("ix_credit_notes_buyer_created_at", ["buyer_id", "created_at"]),
            ("ix_credit_notes_created_at", ["created_at"]),
            ("ix_credit_notes_credit_note_date", ["credit_note_date"]),
            ("ix_credit_notes_invoice_created_at", ["invoice_id", "created_at"]),
            ("ix_credit_notes_organization_created_at", ["organization_id", "created_at"]),
            ("ix_credit_notes_seller_created_at", ["seller_id", "created_at"]),
            ("ix_credit_notes_status_created_at", ["status", "created_at"]),
            ("ix_credit_notes_total_amount", ["total_amount"]),
        ):
            batch_op.create_index(name, columns, unique=False)


def upgrade() -> None:
    with _sqlite_rebuild():
        with op.batch_alter_table("contract_commissions", schema=None) as batch_op:
            batch_op.create_index(
                "ix_contract_commissions_brokerage_bill_id", ["brokerage_bill_id"], unique=False
            )
            batch_op.create_foreign_key(
                batch_op.f("fk_contract_commissions_brokerage_bill_id_brokerage_bills"),
                "brokerage_bills",
                ["brokerage_bill_id"],
                ["id"],
                ondelete="RESTRICT",
            )

        with op.batch_alter_table("invoices", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "credited_amount", th_types.Money(), nullable=False, server_default=sa.text("0")
                )
            )
            batch_op.add_column(sa.Column("status_reason", sa.Text(), nullable=True))
            batch_op.add_column(sa.Column("cancelled_at", th_types.UtcDateTime(), nullable=True))
            batch_op.add_column(sa.Column("cancelled_by_id", sa.Uuid(), nullable=True))
            batch_op.drop_constraint(
                batch_op.f("uq_invoices_seller_id_financial_year_invoice_no"), type_="unique"
            )
            batch_op.drop_constraint(batch_op.f("ck_invoices_paid_in_range"), type_="check")
            batch_op.create_check_constraint(
                batch_op.f("ck_invoices_settled_in_range"), sa.text(SETTLED_IN_RANGE)
            )
            batch_op.create_index(
                "ix_invoices_seller_year_number_live",
                ["seller_id", "financial_year", "invoice_no"],
                unique=True,
                sqlite_where=LIVE,
                postgresql_where=LIVE,
            )
            batch_op.create_foreign_key(
                batch_op.f("fk_invoices_cancelled_by_id_users"),
                "users",
                ["cancelled_by_id"],
                ["id"],
                ondelete="RESTRICT",
            )
        with op.batch_alter_table("invoices", schema=None) as batch_op:
            batch_op.alter_column("credited_amount", server_default=None)

    _create_credit_notes()


def downgrade() -> None:
    op.drop_table("credit_notes")
    with _sqlite_rebuild():
        with op.batch_alter_table("invoices", schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f("fk_invoices_cancelled_by_id_users"), type_="foreignkey"
            )
            batch_op.drop_index(
                "ix_invoices_seller_year_number_live",
                sqlite_where=LIVE,
                postgresql_where=LIVE,
            )
            batch_op.drop_constraint(batch_op.f("ck_invoices_settled_in_range"), type_="check")
            batch_op.create_check_constraint(
                batch_op.f("ck_invoices_paid_in_range"), sa.text(PAID_IN_RANGE)
            )
            batch_op.create_unique_constraint(
                batch_op.f("uq_invoices_seller_id_financial_year_invoice_no"),
                ["seller_id", "financial_year", "invoice_no"],
            )
            batch_op.drop_column("cancelled_by_id")
            batch_op.drop_column("cancelled_at")
            batch_op.drop_column("status_reason")
            batch_op.drop_column("credited_amount")

        with op.batch_alter_table("contract_commissions", schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f("fk_contract_commissions_brokerage_bill_id_brokerage_bills"),
                type_="foreignkey",
            )
            batch_op.drop_index("ix_contract_commissions_brokerage_bill_id")
