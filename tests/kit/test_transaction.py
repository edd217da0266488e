"""One request, one transaction: committed before the answer, or not at all."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.probe import Probe
from tradehub.kit.db import create_sessionmaker


async def test_a_successful_write_is_visible_to_the_next_request(
    client: httpx.AsyncClient,
) -> None:
    created = await client.post("/api/v1/probes", json={"name": "kept", "amount": "10.50"})
    assert created.status_code == 201
    fetched = await client.get(f"/api/v1/probes/{created.json()['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["amount"] == "10.50"


async def test_the_answer_is_sent_only_after_commit(
    live_client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    """With real commits, a fresh connection sees the row as soon as the answer arrives."""
    created = await live_client.post("/api/v1/probes", json={"name": "durable", "amount": "1"})
    assert created.status_code == 201
    async with create_sessionmaker(engine)() as other:
        stored = await other.scalar(select(func.count()).where(Probe.name == "durable"))
    assert stored == 1


async def test_a_failed_request_in_live_mode_commits_nothing(
    live_client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    response = await live_client.post(
        "/api/v1/probes", json={"name": "reject-after-write", "amount": "1"}
    )
    assert response.status_code == 422
    async with create_sessionmaker(engine)() as other:
        assert await other.scalar(select(func.count()).select_from(Probe)) == 0
