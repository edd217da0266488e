"""The benchmark's own database: created fresh, migrated, seeded, dropped afterwards.

The URL only picks the engine and the server, so a benchmark never touches real data: on
SQLite a new file in the run's temporary folder, on PostgreSQL the database ``tradehub_bench``
(dropped and created) on the server the URL names.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bench.app import BENCH_ORGANIZATION_ID, BenchBase, BenchContract
from bench.common import HTTP_TIMEOUT_SECONDS, BenchError
from tradehub.config import Settings
from tradehub.kit import migrations
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope

POSTGRES_DATABASE = "tradehub_bench"
SEED = 20261128
INSERT_BATCH = 1000


@dataclass(frozen=True)
class Database:
    kind: str  # "sqlite" or "postgresql"
    url: URL  # the benchmark's own database

    @property
    def url_string(self) -> str:
        return self.url.render_as_string(hide_password=False)

    @property
    def display(self) -> str:
        return self.url.render_as_string(hide_password=True)


def resolve_database(database_url: str, work_dir: Path) -> Database:
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        path = work_dir / "bench.db"
        return Database("sqlite", make_url(f"sqlite+aiosqlite:///{path}"))
    if backend == "postgresql":
        return Database(
            "postgresql", url.set(drivername="postgresql+asyncpg", database=POSTGRES_DATABASE)
        )
    raise BenchError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")


async def _postgres_admin(database: Database, *statements: str) -> None:
    """Run statements on the server's ``postgres`` database, outside any transaction."""
    engine = create_async_engine(
        database.url.set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        async with asyncio.timeout(HTTP_TIMEOUT_SECONDS * 3):
            async with engine.connect() as connection:
                for statement in statements:
                    await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def drop_postgres_database(database: Database) -> None:
    await _postgres_admin(database, f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)')


COMMODITIES = (
    "Cotton bales",
    "Castor seed",
    "Groundnut oil",
    "Soybean meal",
    "Mustard seed",
    "Chana",
    "Turmeric",
    "Jeera",
    "Guar seed",
    "Maize",
)
FIRMS = ("Shah", "Patel", "Agarwal", "Reddy", "Iyer", "Kothari", "Mehta", "Jain", "Desai", "Rao")
KINDS = ("Traders", "Oil Mills", "Agro Industries", "Exports", "& Sons", "Ginning Factory")
STATUSES = ("draft", "confirmed", "confirmed", "invoiced", "settled", "cancelled")


def contract_rows(count: int, *, seed: int = SEED) -> list[dict[str, Any]]:
    """Deterministic, varied rows over one financial year, all in the bench organization."""
    rng = random.Random(seed)
    start = datetime(2025, 4, 1, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    for index in range(count):
        quantity = Decimal(rng.randint(1_000, 500_000_000)) / 1000  # kg, 3 places
        rate = Decimal(rng.randint(20_00, 200_00)) / 100  # rupees a kg
        created_at = start + timedelta(seconds=rng.randint(0, 365 * 86_400))
        rows.append(
            {
                "id": uuid.UUID(int=rng.getrandbits(128), version=4),
                "organization_id": BENCH_ORGANIZATION_ID,
                "number": f"SC/2025-26/{index + 1:06d}",
                "seller": f"{rng.choice(FIRMS)} {rng.choice(KINDS)}",
                "buyer": f"{rng.choice(FIRMS)} {rng.choice(KINDS)}",
                "commodity": rng.choice(COMMODITIES),
                "quantity": quantity,
                "rate": rate,
                "amount": (quantity * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                "status": rng.choice(STATUSES),
                "created_at": created_at,
                "updated_at": created_at,
                "version": 1,
            }
        )
    return rows


async def create_postgres_database(database: Database) -> None:
    """Drop what a previous (interrupted) run left, then create an empty database."""
    await drop_postgres_database(database)
    await _postgres_admin(database, f'CREATE DATABASE "{POSTGRES_DATABASE}"')


async def prepare_database(database: Database, *, rows: int) -> str:
    """Migrations, the bench table, seeded rows, statistics. Returns the database's version."""
    engine = create_engine(Settings(database_url=database.url_string))
    try:
        await migrations.upgrade(engine)
        async with engine.begin() as connection:
            await connection.run_sync(BenchBase.metadata.create_all)
        all_rows = contract_rows(rows)
        async with session_scope(create_sessionmaker(engine)) as session:
            for offset in range(0, len(all_rows), INSERT_BATCH):
                batch = all_rows[offset : offset + INSERT_BATCH]
                await session.execute(insert(BenchContract), batch)
        async with engine.begin() as connection:
            await connection.execute(text(f"ANALYZE {BenchContract.__tablename__}"))
            if database.kind == "sqlite":
                version = await connection.scalar(text("SELECT sqlite_version()"))
                return f"SQLite {version}"
            version = await connection.scalar(text("SHOW server_version"))
            return f"PostgreSQL {str(version).split()[0]}"
    finally:
        await engine.dispose()
