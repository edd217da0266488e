"""Fixtures for delivery tests: a real SMTP server and settings that point at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from tests.conftest import empty_all_tables, savepoint_sessionmaker
from tests.mail import MailServer, running_mail_server
from tradehub.config import Settings


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """A real SMTP server on loopback, recording every message it accepts."""
    yield from running_mail_server()


@pytest.fixture
def mail_settings(test_settings: Settings, mail_server: MailServer) -> Settings:
    return test_settings.model_copy(
        update={
            "smtp_host": mail_server.host,
            "smtp_port": mail_server.port,
            "smtp_from": "TradeHub <no-reply@tradehub.test>",
            "smtp_timeout_seconds": 5.0,
            "outbox_max_attempts": 8,
        }
    )


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions whose commits are savepoints of the test's rolled-back transaction."""
    return savepoint_sessionmaker(connection)


@pytest.fixture
async def committed(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """The real engine, for tests that need real commits; every table emptied afterwards."""
    try:
        yield engine
    finally:
        await empty_all_tables(engine)
