"""The test harness.

- The schema of each test database is built by running the migrations, once per worker: a
  SQLite file by default, or with ``TRADEHUB_TEST_DATABASE_URL`` a PostgreSQL database per
  xdist worker, created (and dropped first) on that server.
- ``db`` and ``client`` share one connection whose outer transaction is rolled back after the
  test: the app's request transactions become SAVEPOINTs inside it, so a test sees what its
  requests wrote and leaves nothing behind.
- ``live_client`` is for concurrency tests: a real engine with real commits and separate
  connections, and every table emptied afterwards.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import delete, event, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from tradehub.config import Environment, Settings
from tradehub.kit import migrations
from tradehub.kit.db import create_engine
from tradehub.main import create_app
from tradehub.models import Base, User

TEST_DATABASE_URL_ENV = "TRADEHUB_TEST_DATABASE_URL"

hypothesis_settings.register_profile(
    "ci", deadline=None, max_examples=100, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.register_profile("dev", deadline=None, max_examples=25)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Extra tables that only tests use (see tests/kit/probe.py); registered by the modules
# that define them and created after the migrations, never part of the app schema.
TEST_ONLY_METADATA: list[Any] = []


def _worker(config: pytest.Config) -> str:
    return str(getattr(config, "workerinput", {}).get("workerid", "main"))


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    base = os.environ.get(TEST_DATABASE_URL_ENV)
    if not base:
        return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'tradehub.db'}"
    url = make_url(base)
    name = f"{url.database or 'tradehub_test'}_{_worker(request.config)}"
    asyncio.run(recreate_postgres_database(base, name))
    return url.set(database=name).render_as_string(hide_password=False)


async def recreate_postgres_database(base_url: str, name: str) -> None:
    import asyncpg  # only needed on PostgreSQL

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
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


@pytest.fixture(scope="session")
def test_settings(database_url: str) -> Settings:
    # Cheap argon2 parameters: the tests exercise the logic, bench/ measures the real cost.
    return Settings(
        env=Environment.TEST,
        database_url=database_url,
        log_json=True,
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
    )


@pytest.fixture(scope="session")
async def engine(test_settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(test_settings)
    await migrations.upgrade(engine)
    async with engine.begin() as connection:
        for metadata in TEST_ONLY_METADATA:
            await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            yield connection
        finally:
            await transaction.rollback()


def savepoint_sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )


@pytest.fixture
async def db(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    async with savepoint_sessionmaker(connection)() as session:
        yield session


AppCustomizer = Callable[[FastAPI], None]
APP_CUSTOMIZERS: list[AppCustomizer] = []


def build_test_app(settings: Settings, engine: AsyncEngine, sessionmaker: Any = None) -> FastAPI:
    app = create_app(settings, engine=engine, sessionmaker=sessionmaker)
    for customize in APP_CUSTOMIZERS:
        customize(app)
    return app


@pytest.fixture
def app(test_settings: Settings, engine: AsyncEngine, connection: AsyncConnection) -> FastAPI:
    return build_test_app(test_settings, engine, savepoint_sessionmaker(connection))


def http_client(app: FastAPI) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with http_client(app) as client:
        yield client


async def empty_all_tables(engine: AsyncEngine) -> None:
    """Delete what tests committed, keeping rows the migrations seeded (``info["seeded"]``:
    True for a whole reference table, or the name of a boolean column marking seeded rows)."""
    tables = list(reversed(Base.metadata.sorted_tables))
    for metadata in TEST_ONLY_METADATA:
        tables.extend(reversed(metadata.sorted_tables))
    async with engine.begin() as connection:
        # users ↔ partners reference each other: cut the users' side before deleting.
        await connection.execute(update(User).values(partner_id=None))
        for table in tables:
            seeded = table.info.get("seeded")
            if seeded is True:
                continue
            statement = delete(table)
            if isinstance(seeded, str):
                statement = statement.where(table.c[seeded].is_(False))
            await connection.execute(statement)


@pytest.fixture
def live_app(test_settings: Settings, engine: AsyncEngine) -> FastAPI:
    return build_test_app(test_settings, engine)


@pytest.fixture
async def live_client(live_app: FastAPI, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """Real commits on separate pooled connections, for racing requests."""
    try:
        async with http_client(live_app) as client:
            yield client
    finally:
        await empty_all_tables(engine)


class QueryCounter:
    _IGNORED_PREFIXES = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "PRAGMA")

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(self._IGNORED_PREFIXES):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def query_counter(engine: AsyncEngine) -> Iterator[QueryCounter]:
    counter = QueryCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    try:
        yield counter
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", counter)


@pytest.fixture
def dialect(engine: AsyncEngine) -> str:
    return engine.dialect.name


async def scalar(session: AsyncSession, sql: str, **params: Any) -> Any:
    return (await session.execute(text(sql), params)).scalar()


import tests.probe  # noqa: E402,F401  - registers the test-only probe table and router
from tests.auth_helpers import auth_headers, make_user, sign_in  # noqa: E402,F401
