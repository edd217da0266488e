"""Engine configuration: SQLite pragmas and write locking, PostgreSQL statement timeout."""

from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tradehub.kit.db import create_sessionmaker, session_scope


async def test_connections_are_configured_for_their_database(
    engine: AsyncEngine, dialect: str
) -> None:
    async with engine.connect() as connection:
        if dialect == "sqlite":
            assert (await connection.scalar(text("PRAGMA journal_mode"))) == "wal"
            assert (await connection.scalar(text("PRAGMA foreign_keys"))) == 1
            assert (await connection.scalar(text("PRAGMA busy_timeout"))) == 30_000
        else:
            assert (await connection.scalar(text("SHOW statement_timeout"))) == "30s"


async def test_write_scope_takes_the_sqlite_write_lock_at_begin(
    engine: AsyncEngine, dialect: str
) -> None:
    """A write transaction holds the lock from BEGIN, so a second writer waits, not fails."""
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        async with session_scope(create_sessionmaker(engine), writes=True) as session:
            await session.execute(text("SELECT 1"))
        async with session_scope(create_sessionmaker(engine), writes=False) as session:
            await session.execute(text("SELECT 1"))
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    begins = [s for s in statements if s.startswith("BEGIN")]
    if dialect == "sqlite":
        assert begins == ["BEGIN IMMEDIATE", "BEGIN"]
    else:
        assert begins == []  # asyncpg opens transactions itself
