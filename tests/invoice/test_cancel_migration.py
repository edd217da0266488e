"""Revision 9eed4e7c0ed8 (invoice cancellation, credit notes, the brokerage bill foreign key)
on a database that already holds invoices with payments and billed commissions: on SQLite it
rebuilds ``invoices`` and ``contract_commissions``, which other tables reference, so it must
keep every row and reference, enforce foreign keys again afterwards, and go down and up again.
Runs on a fresh database of the suite's dialect, on this branch of the history only."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import recreate_postgres_database
from tests.platform.test_migrations import drop_postgres_database
from tradehub.config import Environment, Settings
from tradehub.kit import migrations
from tradehub.kit.db import create_engine

REVISION = "9eed4e7c0ed8"
PARENT = "556947e3acf8"
# Values for columns that a CHECK constrains (everything else gets a plain value of its type).
FIXED: dict[str, dict[str, Any]] = {
    "invoices": {"paid_amount": 500, "total_amount": 1000, "status": "partially_paid"},
    "payment_allocations": {"brokerage_bill_id": None, "amount": 500},
}
# Optional references the seeded rows must have all the same.
FOLLOW = {("payment_allocations", "invoice_id")}


@pytest.fixture
async def fresh_engine(database_url: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = make_url(database_url)
    name = None
    if url.get_backend_name() == "sqlite":
        fresh = f"sqlite+aiosqlite:///{tmp_path / 'cancel_migration.db'}"
    else:
        name = f"{url.database}_cancel_mig"
        await recreate_postgres_database(database_url, name)
        fresh = url.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(Settings(env=Environment.TEST, database_url=fresh))
    try:
        yield engine
    finally:
        await engine.dispose()
        if name is not None:
            await drop_postgres_database(database_url, name)


def _id(dialect: str) -> Any:
    """A new key as the dialect stores it (SQLite: 32 hex characters)."""
    key = uuid.uuid4()
    return key.hex if dialect == "sqlite" else key


def _hex(value: Any) -> str:
    return str(value).replace("-", "")


def _value(column: sa.Column[Any], dialect: str) -> Any:
    """A plain value of the reflected column's type (keys are UUIDs on either database)."""
    kind = column.type
    if column.name == "id" or column.name.endswith("_id"):
        return _id(dialect)
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return 1
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 12, 1, tzinfo=UTC)
    if isinstance(kind, sa.Date):
        return date(2026, 12, 1)
    if isinstance(kind, sa.JSON):
        return {}
    length = getattr(kind, "length", None) or 20
    return uuid.uuid4().hex[: min(length, 12)]


def _insert(
    connection: Connection, tables: dict[str, sa.Table], name: str, made: dict[str, Any]
) -> dict[str, Any]:
    """One row of ``name`` whose required references point at rows made first (recursively),
    or at a row the migrations seeded (states)."""
    if name in made:
        return dict(made[name])
    table = tables[name]
    seeded = connection.execute(table.select().limit(1)).mappings().first()
    if seeded is not None:
        return dict(seeded)
    row: dict[str, Any] = {}
    for column in table.columns:
        if name in FIXED and column.name in FIXED[name]:
            row[column.name] = FIXED[name][column.name]
        elif column.foreign_keys and (not column.nullable or (name, column.name) in FOLLOW):
            (key,) = column.foreign_keys
            parent = _insert(connection, tables, key.column.table.name, made)
            row[column.name] = parent[key.column.name]
        elif column.nullable:
            row[column.name] = None
        else:
            row[column.name] = _value(column, connection.dialect.name)
    connection.execute(table.insert().values(**row))
    made[name] = row
    return row


def _seed(connection: Connection) -> dict[str, Any]:
    """An invoice with a payment allocated to it and a billed commission with its bill line,
    as the schema stood before the revision."""
    metadata = sa.MetaData()
    metadata.reflect(connection)
    tables = dict(metadata.tables)
    made: dict[str, Any] = {}
    _insert(connection, tables, "payment_allocations", made)
    _insert(connection, tables, "brokerage_bill_lines", made)
    ids = {name: row["id"] for name, row in made.items()}
    commissions = tables["contract_commissions"]
    connection.execute(
        commissions.update()
        .where(commissions.c.id == ids["contract_commissions"])
        .values(brokerage_bill_id=ids["brokerage_bills"])
    )
    return ids


def _state(connection: Connection, made: dict[str, Any]) -> dict[str, Any]:
    invoice = connection.execute(
        sa.text("SELECT status, paid_amount, total_amount FROM invoices WHERE id = :id"),
        {"id": made["invoices"]},
    ).one()
    allocation = connection.execute(sa.text("SELECT invoice_id FROM payment_allocations")).scalar()
    line = connection.execute(sa.text("SELECT commission_id FROM brokerage_bill_lines")).scalar()
    billed = connection.execute(
        sa.text("SELECT brokerage_bill_id FROM contract_commissions")
    ).scalar()
    return {
        "invoice": tuple(invoice),
        "allocation": _hex(allocation),
        "line": _hex(line),
        "billed": _hex(billed),
    }


def _columns(connection: Connection, table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(connection).get_columns(table)}


def _enforced(connection: Connection) -> bool:
    if connection.dialect.name != "sqlite":
        return True
    on = connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    return on and not broken


async def test_the_revision_keeps_rows_and_references_both_ways(fresh_engine: AsyncEngine) -> None:
    await migrations.upgrade(fresh_engine, PARENT)
    async with fresh_engine.begin() as connection:
        made = await connection.run_sync(_seed)
    async with fresh_engine.connect() as connection:
        before = await connection.run_sync(_state, made)
    assert before["invoice"] == ("partially_paid", 500, 1000)
    assert before["allocation"] == _hex(made["invoices"])
    assert before["line"] == _hex(made["contract_commissions"])
    assert before["billed"] == _hex(made["brokerage_bills"])

    await migrations.upgrade(fresh_engine, REVISION)
    async with fresh_engine.connect() as connection:
        assert await connection.run_sync(_state, made) == before
        assert await connection.run_sync(_enforced)
        assert {"credited_amount", "cancelled_at"} <= await connection.run_sync(
            _columns, "invoices"
        )
        credited = await connection.scalar(sa.text("SELECT credited_amount FROM invoices"))
        assert credited == 0
    # The new foreign key holds: a commission cannot name a bill that does not exist.
    with pytest.raises(IntegrityError):
        async with fresh_engine.begin() as connection:
            await connection.execute(
                sa.text("UPDATE contract_commissions SET brokerage_bill_id = :bill"),
                {"bill": _id(fresh_engine.dialect.name)},
            )

    await migrations.downgrade(fresh_engine, PARENT)
    async with fresh_engine.connect() as connection:
        assert await connection.run_sync(_state, made) == before
        assert await connection.run_sync(_enforced)
        assert "credited_amount" not in await connection.run_sync(_columns, "invoices")
    await migrations.upgrade(fresh_engine, REVISION)
    async with fresh_engine.connect() as connection:
        assert await connection.run_sync(_state, made) == before
