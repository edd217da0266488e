"""Fixtures for the job tests: committed data on the real engine, and a real SMTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from tests.conftest import empty_all_tables, savepoint_sessionmaker
from tests.mail import MailServer, running_mail_server


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    yield from running_mail_server()


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
