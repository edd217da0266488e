"""Migrations: up, down and up again on a database of their own; models and migrations agree.

On SQLite the database is a fresh file; on PostgreSQL it is ``<worker database>_mig``, created
next to the worker's test database and dropped afterwards.
"""

from __future__ import annotations

import ast
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, inspect
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import recreate_postgres_database
from tradehub.config import Environment, Settings
from tradehub.kit import migrations
from tradehub.kit.db import create_engine
from tradehub.models import Base

VERSIONS = migrations.PROJECT_ROOT / "migrations" / "versions"
DATED_NAME = re.compile(r"^(\d{8})_(\d{4})_([0-9a-f]{12})_([a-z0-9_]+)\.py$")
VERSION_TABLE = "alembic_version"


async def drop_postgres_database(base_url: str, name: str) -> None:
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


@pytest.fixture
async def fresh_engine(
    database_url: str, dialect: str, tmp_path: Path
) -> AsyncIterator[AsyncEngine]:
    """An engine on an empty database that no other test uses."""
    if dialect == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
        name = None
    else:
        worker_url = make_url(database_url)
        name = f"{worker_url.database}_mig"
        await recreate_postgres_database(database_url, name)
        url = worker_url.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(Settings(env=Environment.TEST, database_url=url))
    try:
        yield engine
    finally:
        await engine.dispose()
        if name is not None:
            await drop_postgres_database(database_url, name)


def _schema(connection: Connection) -> dict[str, Any]:
    """Every table with its columns, keys, constraints and indexes, in comparable form."""
    inspector = inspect(connection)
    schema: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        if table == VERSION_TABLE:
            continue
        schema[table] = {
            "columns": [
                (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
                for c in inspector.get_columns(table)
            ],
            "primary_key": inspector.get_pk_constraint(table),
            "unique": sorted(
                (u["name"], tuple(u["column_names"]))
                for u in inspector.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(table)
            ),
            "foreign_keys": sorted(
                (f["name"], tuple(f["constrained_columns"]), f["referred_table"])
                for f in inspector.get_foreign_keys(table)
            ),
        }
    return schema


def _versions(connection: Connection) -> frozenset[str]:
    return frozenset(MigrationContext.configure(connection).get_current_heads())


def _differences(connection: Connection, metadata: MetaData) -> list[Any]:
    """What ``alembic check`` would report, configured like migrations/env.py."""
    context = MigrationContext.configure(
        connection,
        opts={
            "target_metadata": metadata,
            "compare_type": True,
            "compare_server_default": True,
            "render_as_batch": connection.dialect.name == "sqlite",
        },
    )
    return list(compare_metadata(context, metadata))


async def _run(engine: AsyncEngine, function: Any, *args: Any) -> Any:
    async with engine.connect() as connection:
        return await connection.run_sync(function, *args)


async def test_upgrade_downgrade_upgrade_leaves_the_same_schema(fresh_engine: AsyncEngine) -> None:
    assert await _run(fresh_engine, _schema) == {}

    await migrations.upgrade(fresh_engine, "heads")
    first = await _run(fresh_engine, _schema)
    assert "idempotency_keys" in first
    assert await _run(fresh_engine, _versions) == migrations.head_revisions()
    assert await migrations.at_head(fresh_engine)

    await migrations.downgrade(fresh_engine, "base")
    assert await _run(fresh_engine, _schema) == {}
    assert await _run(fresh_engine, _versions) == frozenset()
    assert not await migrations.at_head(fresh_engine)

    await migrations.upgrade(fresh_engine, "heads")
    assert await _run(fresh_engine, _schema) == first
    assert await migrations.at_head(fresh_engine)


async def test_models_and_migrations_agree(fresh_engine: AsyncEngine) -> None:
    await migrations.upgrade(fresh_engine, "heads")
    assert await _run(fresh_engine, _differences, Base.metadata) == []


async def test_the_comparison_notices_a_model_the_migrations_lack(
    fresh_engine: AsyncEngine,
) -> None:
    """Guards the previous test: a model change without a migration is reported."""
    await migrations.upgrade(fresh_engine, "heads")
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["idempotency_keys"].append_column(Column("added_later", Integer))
    differences = await _run(fresh_engine, _differences, drifted)
    assert [(d[0], d[3].name) for d in differences] == [("add_column", "added_later")]


def test_migration_files_have_dated_names_matching_their_revision() -> None:
    files = sorted(VERSIONS.glob("*.py"))
    assert files
    for path in files:
        match = DATED_NAME.match(path.name)
        assert match, f"{path.name} is not YYYYMMDD_HHMM_<rev>_<slug>.py"
        date, time, revision, _slug = match.groups()
        assert "01" <= date[4:6] <= "12" and "01" <= date[6:8] <= "31", path.name
        assert time[:2] <= "23" and time[2:] <= "59", path.name
        assert _revision_of(path) == revision, path.name


def _revision_of(path: Path) -> str:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if "revision" in names and isinstance(node.value, ast.Constant):
                return str(node.value.value)
    raise AssertionError(f"{path.name} declares no revision")
