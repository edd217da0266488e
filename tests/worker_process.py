"""Running ``tradehub worker`` (and friends) as real processes against a database of their own.

On SQLite the database is a new file; on PostgreSQL it is ``<worker database>_<suffix>``,
created next to the test database and dropped afterwards. Either way it is migrated and its
rows are really committed, since another process reads them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import recreate_postgres_database
from tradehub.config import Environment, Settings
from tradehub.kit import migrations
from tradehub.kit.db import create_engine

VENV_BIN = Path(sys.executable).parent
TRADEHUB = str(VENV_BIN / "tradehub")


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


@asynccontextmanager
async def own_database(
    database_url: str, tmp_path: Path, suffix: str
) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """A migrated database that only this test uses: its URL and an engine on it."""
    if database_url.startswith("sqlite"):
        url = f"sqlite+aiosqlite:///{tmp_path / f'{suffix}.db'}"
        name = None
    else:
        base = make_url(database_url)
        name = f"{base.database}_{suffix}"
        await recreate_postgres_database(database_url, name)
        url = base.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(Settings(env=Environment.TEST, database_url=url))
    try:
        await migrations.upgrade(engine)
        yield url, engine
    finally:
        await engine.dispose()
        if name is not None:
            await drop_postgres_database(database_url, name)


def worker_env(database_url: str, **settings: object) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRADEHUB_")}
    env.update(
        {
            "TRADEHUB_ENV": "test",
            "TRADEHUB_DATABASE_URL": database_url,
            "TRADEHUB_LOG_LEVEL": "WARNING",
            "TRADEHUB_WORKER_POLL_SECONDS": "0.1",
        }
    )
    env.update({f"TRADEHUB_{key.upper()}": str(value) for key, value in settings.items()})
    return env


def start(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [TRADEHUB, *args],
            cwd=cwd,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen[bytes], *, timeout: float = 20) -> int:
    """SIGTERM, then SIGKILL if it does not go; its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
    return process.wait(timeout=timeout)
