"""Alembic environment: one tree for both databases, batch mode on SQLite.

The service passes its own connection in ``config.attributes["connection"]``; the ``alembic``
command line opens one from ``TRADEHUB_DATABASE_URL``.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from tradehub.config import get_settings
from tradehub.kit.db import create_engine
from tradehub.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("connection") is None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Our column types render as their own class so migrations keep the exact scale."""
    module = type(obj).__module__
    if type_ == "type" and module.startswith("tradehub.kit.types"):
        autogen_context.imports.add("from tradehub.kit import types as th_types")
        return f"th_types.{type(obj).__name__}()"
    return False


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_online() -> None:
    engine = create_engine(get_settings())
    async with engine.begin() as connection:
        await connection.run_sync(run_with)
    await engine.dispose()


connection = config.attributes.get("connection")
if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
elif connection is not None:
    run_with(connection)
else:
    asyncio.run(run_online())
