"""The audit revision goes up, down and up again on a fresh database of the suite's dialect."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import recreate_postgres_database
from tradehub.audit import service
from tradehub.config import Environment, Settings
from tradehub.kit import migrations
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope

AUDIT_REVISION = "27d973c74345"
KIT_REVISION = "e109038e7a6c"
TRIGGERS = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'",
    "postgresql": "SELECT tgname FROM pg_trigger "
    "WHERE tgrelid = 'audit_events'::regclass AND NOT tgisinternal",
}


@pytest.fixture
async def fresh_engine(database_url: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = make_url(database_url)
    name = None
    if url.get_backend_name() == "sqlite":
        fresh = f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
    else:
        name = f"{url.database}_audit_migrations"
        await recreate_postgres_database(database_url, name)
        fresh = url.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(Settings(env=Environment.TEST, database_url=fresh))
    try:
        yield engine
    finally:
        await engine.dispose()
        if name is not None:
            await _drop_postgres_database(database_url, name)


async def _drop_postgres_database(base_url: str, name: str) -> None:
    import asyncpg

    url = make_url(base_url)
    connection = await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database="postgres",
    )
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def _state(engine: AsyncEngine) -> tuple[set[str], set[str]]:
    async with engine.connect() as connection:
        tables = await connection.run_sync(_tables)
        triggers: set[str] = set()
        if "audit_events" in tables:
            rows = await connection.execute(text(TRIGGERS[engine.dialect.name]))
            triggers = {row[0] for row in rows}
    return tables, triggers


async def test_upgrade_downgrade_upgrade(fresh_engine: AsyncEngine) -> None:
    await migrations.upgrade(fresh_engine)
    tables, triggers = await _state(fresh_engine)
    assert {"audit_events", "audit_chain_head"} <= tables
    assert triggers  # the append-only guard is in place
    async with session_scope(create_sessionmaker(fresh_engine)) as session:
        event = await service.record(
            session, actor=None, action="create", entity_type="partner", entity_id="p"
        )
    assert event.seq == 1  # the migration seeds the head at the genesis

    await migrations.downgrade(fresh_engine, KIT_REVISION)  # with events in the table
    tables, _ = await _state(fresh_engine)
    assert not {"audit_events", "audit_chain_head"} & tables

    await migrations.upgrade(fresh_engine)
    tables, triggers_again = await _state(fresh_engine)
    assert {"audit_events", "audit_chain_head"} <= tables
    assert triggers_again == triggers
    async with session_scope(create_sessionmaker(fresh_engine)) as session:
        assert (await service.verify(session)).ok
        again = await service.record(
            session, actor=None, action="create", entity_type="partner", entity_id="p"
        )
    assert again.seq == 1
