"""ledger entries and documents, receipts against brokerage bills

The party ledger (api.md §8): ``ledger_entries`` (append-only) and ``ledger_documents`` (one
open item per bill or invoice, with its maintained balance); a foreign key from
``payment_allocations.brokerage_bill_id`` to the bills it may now name; a CHECK that a bill's
``paid_amount`` stays between 0 and its total. The upgrade backfills the ledger from the bills,
invoices and payments already there (and the invoice cancellations and credit notes of the
sibling revision ``9eed4e7c0ed8`` when it ran first), with the rules the services post by
(``tradehub.ledger``), so an upgraded database reads as if it had always had a ledger.

Revision ID: da26ccfad2ec
Revises: 556947e3acf8
Create Date: 2026-11-28 14:28:39.414318+00:00
"""

import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from tradehub.kit import types as th_types

revision: str = "da26ccfad2ec"
down_revision: str | Sequence[str] | None = "556947e3acf8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


@contextmanager
def _sqlite_rebuild() -> Iterator[None]:
    """SQLite rebuilds a table to add a constraint (batch mode), and dropping the old
    ``brokerage_bills`` fails while rows reference it (lines, allocations, commissions) with
    foreign keys on. So, as SQLite's own procedure says (lang_altertable.html#otheralter, and
    as revision ``9eed4e7c0ed8`` does): commit the migration so far (the pragma is a no-op
    inside a transaction), foreign keys off, rebuild, ``PRAGMA foreign_key_check``, foreign
    keys on again. Elsewhere: nothing to do."""
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


def upgrade() -> None:
    op.create_table(
        "ledger_documents",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("document_type", sa.String(length=40), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("document_no", sa.String(length=100), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("amount", th_types.Money(), nullable=False),
        sa.Column("balance", th_types.Money(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('brokerage', 'goods')", name=op.f("ck_ledger_documents_kind_known")
        ),
        sa.CheckConstraint(
            "balance >= 0 AND balance <= amount", name=op.f("ck_ledger_documents_balance_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_ledger_documents_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_ledger_documents_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_ledger_documents")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("document_type", sa.String(length=40), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("document_no", sa.String(length=100), nullable=True),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("debit", th_types.Money(), nullable=False),
        sa.Column("credit", th_types.Money(), nullable=False),
        sa.Column("posted_at", th_types.UtcDateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('brokerage', 'goods')", name=op.f("ck_ledger_entries_kind_known")
        ),
        sa.CheckConstraint(
            "debit >= 0 AND credit >= 0 AND (debit = 0 OR credit = 0) AND debit + credit > 0",
            name=op.f("ck_ledger_entries_one_side"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_ledger_entries_organization_id_organizations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partners.id"],
            name=op.f("fk_ledger_entries_partner_id_partners"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint(
            "document_type",
            "document_id",
            "target_id",
            name=op.f("uq_ledger_entries_document_type_document_id_target_id"),
        ),
    )
    with _sqlite_rebuild():
        with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
            batch_op.create_foreign_key(
                batch_op.f("fk_payment_allocations_brokerage_bill_id_brokerage_bills"),
                "brokerage_bills",
                ["brokerage_bill_id"],
                ["id"],
                ondelete="RESTRICT",
            )
        with op.batch_alter_table("brokerage_bills", schema=None) as batch_op:
            batch_op.create_check_constraint(
                op.f("ck_brokerage_bills_paid_in_range"),
                "paid_amount >= 0 AND paid_amount <= total_amount",
            )

    # Rows first, indexes after: one sorted build instead of an index update per row.
    backfill(op.get_bind())
    with op.batch_alter_table("ledger_documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_documents_open_items",
            ["kind", "is_open", "document_date", "partner_id", "balance"],
            unique=False,
        )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_entries_kind_entry_date",
            ["kind", "entry_date", "target_date", "partner_id", "credit", "debit"],
            unique=False,
        )
        batch_op.create_index(
            "ix_ledger_entries_partner_kind_entry_date",
            ["partner_id", "kind", "entry_date"],
            unique=False,
        )
        batch_op.create_index("ix_ledger_entries_target_id", ["target_id"], unique=False)


def downgrade() -> None:
    with _sqlite_rebuild():
        with op.batch_alter_table("brokerage_bills", schema=None) as batch_op:
            batch_op.drop_constraint(op.f("ck_brokerage_bills_paid_in_range"), type_="check")
        with op.batch_alter_table("payment_allocations", schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f("fk_payment_allocations_brokerage_bill_id_brokerage_bills"),
                type_="foreignkey",
            )

    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_target_id")
        batch_op.drop_index("ix_ledger_entries_partner_kind_entry_date")
        batch_op.drop_index("ix_ledger_entries_kind_entry_date")

    op.drop_table("ledger_entries")
    with op.batch_alter_table("ledger_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_documents_open_items")

    op.drop_table("ledger_documents")


# --- backfill: frozen here (not imported from the app) so later code changes cannot alter it ----

INDIA = ZoneInfo("Asia/Kolkata")
BATCH = 5000

_invoices = sa.table(
    "invoices",
    sa.column("id", sa.Uuid()),
    sa.column("organization_id", sa.Uuid()),
    sa.column("buyer_id", sa.Uuid()),
    sa.column("invoice_no", sa.String()),
    sa.column("invoice_date", sa.Date()),
    sa.column("total_amount", th_types.Money()),
    sa.column("created_at", th_types.UtcDateTime()),
)
_bills = sa.table(
    "brokerage_bills",
    sa.column("id", sa.Uuid()),
    sa.column("organization_id", sa.Uuid()),
    sa.column("partner_id", sa.Uuid()),
    sa.column("bill_no", sa.String()),
    sa.column("bill_date", sa.Date()),
    sa.column("status", sa.String()),
    sa.column("total_amount", th_types.Money()),
    sa.column("paid_amount", th_types.Money()),
    sa.column("created_at", th_types.UtcDateTime()),
    sa.column("cancelled_at", th_types.UtcDateTime()),
)
_payments = sa.table(
    "payments",
    sa.column("id", sa.Uuid()),
    sa.column("payment_date", sa.Date()),
    sa.column("reference", sa.String()),
)
_allocations = sa.table(
    "payment_allocations",
    sa.column("payment_id", sa.Uuid()),
    sa.column("invoice_id", sa.Uuid()),
    sa.column("brokerage_bill_id", sa.Uuid()),
    sa.column("amount", th_types.Money()),
    sa.column("created_at", th_types.UtcDateTime()),
    sa.column("reversed_at", th_types.UtcDateTime()),
)
_documents = sa.table(
    "ledger_documents",
    *(
        sa.column(name, type_)
        for name, type_ in (
            ("document_id", sa.Uuid()),
            ("kind", sa.String()),
            ("document_type", sa.String()),
            ("organization_id", sa.Uuid()),
            ("partner_id", sa.Uuid()),
            ("document_no", sa.String()),
            ("document_date", sa.Date()),
            ("amount", th_types.Money()),
            ("balance", th_types.Money()),
            ("is_open", sa.Boolean()),
        )
    ),
)
_entries = sa.table(
    "ledger_entries",
    *(
        sa.column(name, type_)
        for name, type_ in (
            ("id", sa.Uuid()),
            ("kind", sa.String()),
            ("organization_id", sa.Uuid()),
            ("partner_id", sa.Uuid()),
            ("entry_date", sa.Date()),
            ("document_type", sa.String()),
            ("document_id", sa.Uuid()),
            ("document_no", sa.String()),
            ("target_id", sa.Uuid()),
            ("target_date", sa.Date()),
            ("debit", th_types.Money()),
            ("credit", th_types.Money()),
            ("posted_at", th_types.UtcDateTime()),
        )
    ),
)
ZERO = Decimal("0.00")


def _undo_date(original: date, undone_at: datetime) -> date:
    """As ``ledger.domain.undo_date``: the day in India, never before the original entry."""
    return max(original, undone_at.astimezone(INDIA).date())


def _entry(
    document: dict[str, Any],
    *,
    entry_date: date,
    document_type: str,
    document_id: uuid.UUID,
    document_no: str | None,
    debit: Decimal = ZERO,
    credit: Decimal = ZERO,
    posted_at: datetime,
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "kind": document["kind"],
        "organization_id": document["organization_id"],
        "partner_id": document["partner_id"],
        "entry_date": entry_date,
        "document_type": document_type,
        "document_id": document_id,
        "document_no": document_no,
        "target_id": document["document_id"],
        "target_date": document["document_date"],
        "debit": debit,
        "credit": credit,
        "posted_at": posted_at,
    }


def _document_entries(
    connection: Connection, documents: dict[uuid.UUID, dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """Each bill's and invoice's open item, its debit and, for a cancelled bill, the credit
    of what it still owed on the day it was cancelled."""
    for row in connection.execute(sa.select(_invoices)).mappings():
        documents[row["id"]] = {
            "document_id": row["id"],
            "kind": "goods",
            "document_type": "invoice",
            "organization_id": row["organization_id"],
            "partner_id": row["buyer_id"],
            "document_no": row["invoice_no"],
            "document_date": row["invoice_date"],
            "amount": row["total_amount"],
        }
        if row["total_amount"] != 0:
            yield _entry(
                documents[row["id"]],
                entry_date=row["invoice_date"],
                document_type="invoice",
                document_id=row["id"],
                document_no=row["invoice_no"],
                debit=row["total_amount"],
                posted_at=row["created_at"],
            )
    for row in connection.execute(sa.select(_bills)).mappings():
        document = documents[row["id"]] = {
            "document_id": row["id"],
            "kind": "brokerage",
            "document_type": "brokerage_bill",
            "organization_id": row["organization_id"],
            "partner_id": row["partner_id"],
            "document_no": row["bill_no"],
            "document_date": row["bill_date"],
            "amount": row["total_amount"],
        }
        if row["total_amount"] == 0:
            continue
        yield _entry(
            document,
            entry_date=row["bill_date"],
            document_type="brokerage_bill",
            document_id=row["id"],
            document_no=row["bill_no"],
            debit=row["total_amount"],
            posted_at=row["created_at"],
        )
        still_owed = row["total_amount"] - row["paid_amount"]
        if row["status"] == "cancelled" and still_owed != 0:
            yield _entry(
                document,
                entry_date=_undo_date(row["bill_date"], row["cancelled_at"]),
                document_type="brokerage_bill_cancellation",
                document_id=row["id"],
                document_no=row["bill_no"],
                credit=still_owed,
                posted_at=row["cancelled_at"],
            )


def _receipt_entries(
    connection: Connection, documents: dict[uuid.UUID, dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """A credit per allocation on its payment's date and, for a reversed one, a debit on the
    day it was reversed."""
    statement = sa.select(_allocations, _payments.c.payment_date, _payments.c.reference).join(
        _payments, _payments.c.id == _allocations.c.payment_id
    )
    for row in connection.execute(statement).mappings():
        document = documents[row["invoice_id"] or row["brokerage_bill_id"]]
        common = {
            "document_id": row["payment_id"],
            "document_no": row["reference"],
        }
        yield _entry(
            document,
            entry_date=row["payment_date"],
            document_type="payment",
            credit=row["amount"],
            posted_at=row["created_at"],
            **common,
        )
        if row["reversed_at"] is not None:
            yield _entry(
                document,
                entry_date=_undo_date(row["payment_date"], row["reversed_at"]),
                document_type="payment_reversal",
                debit=row["amount"],
                posted_at=row["reversed_at"],
                **common,
            )


def _adjustment_entries(
    connection: Connection, documents: dict[uuid.UUID, dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """Invoice cancellations and credit notes (the invoice module's revision ``9eed4e7c0ed8``,
    a sibling of this one): when it ran first, their entries are written as that module posts
    them; when it runs later, there is nothing of them yet."""
    inspector = sa.inspect(connection)
    if "cancelled_at" in {c["name"] for c in inspector.get_columns("invoices")}:
        cancelled = sa.table(
            "invoices",
            sa.column("id", sa.Uuid()),
            sa.column("status", sa.String()),
            sa.column("cancelled_at", th_types.UtcDateTime()),
        )
        statement = sa.select(cancelled).where(cancelled.c.status == "cancelled")
        for row in connection.execute(statement).mappings():
            document = documents[row["id"]]
            yield _entry(
                document,
                entry_date=_undo_date(document["document_date"], row["cancelled_at"]),
                document_type="invoice_cancellation",
                document_id=row["id"],
                document_no=document["document_no"],
                credit=document["amount"],
                posted_at=row["cancelled_at"],
            )
    if not inspector.has_table("credit_notes"):
        return
    notes = sa.table(
        "credit_notes",
        sa.column("id", sa.Uuid()),
        sa.column("invoice_id", sa.Uuid()),
        sa.column("credit_note_no", sa.String()),
        sa.column("credit_note_date", sa.Date()),
        sa.column("status", sa.String()),
        sa.column("total_amount", th_types.Money()),
        sa.column("created_at", th_types.UtcDateTime()),
        sa.column("cancelled_at", th_types.UtcDateTime()),
    )
    for row in connection.execute(sa.select(notes)).mappings():
        document = documents[row["invoice_id"]]
        common = {"document_id": row["id"], "document_no": row["credit_note_no"]}
        yield _entry(
            document,
            entry_date=row["credit_note_date"],
            document_type="credit_note",
            credit=row["total_amount"],
            posted_at=row["created_at"],
            **common,
        )
        if row["status"] == "cancelled":
            yield _entry(
                document,
                entry_date=_undo_date(row["credit_note_date"], row["cancelled_at"]),
                document_type="credit_note_cancellation",
                debit=row["total_amount"],
                posted_at=row["cancelled_at"],
                **common,
            )


def _insert(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        connection.execute(sa.insert(table), rows[start : start + BATCH])


def backfill(connection: Connection) -> None:
    """Write the ledger of every bill, invoice and payment allocation already recorded: the
    entries the services post, and each document's balance as the sum of its entries."""
    documents: dict[uuid.UUID, dict[str, Any]] = {}
    entries = list(_document_entries(connection, documents))
    entries += _receipt_entries(connection, documents)
    entries += _adjustment_entries(connection, documents)
    balances: dict[uuid.UUID, Decimal] = defaultdict(lambda: ZERO)
    for entry in entries:
        balances[entry["target_id"]] += entry["debit"] - entry["credit"]
    for document_id, document in documents.items():
        document["balance"] = balances[document_id]
        document["is_open"] = balances[document_id] != 0
    _insert(connection, _documents, list(documents.values()))
    _insert(connection, _entries, entries)
