"""Optimistic concurrency: ETag out, If-Match in, 412 when stale, nothing changed then."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from tests.probe import Probe
from tradehub.kit.db import create_sessionmaker, reset_write_intent, set_write_intent


async def _create(client: httpx.AsyncClient) -> str:
    response = await client.post("/api/v1/probes", json={"name": "v", "amount": "1.00"})
    assert response.status_code == 201
    return str(response.json()["id"])


async def test_get_returns_the_version_as_etag(client: httpx.AsyncClient) -> None:
    probe_id = await _create(client)
    response = await client.get(f"/api/v1/probes/{probe_id}")
    assert response.headers["ETag"] == '"1"'
    assert response.json()["version"] == 1


async def test_matching_if_match_updates_and_bumps_the_version(client: httpx.AsyncClient) -> None:
    probe_id = await _create(client)
    response = await client.patch(
        f"/api/v1/probes/{probe_id}", json={"amount": "2.50"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2
    assert response.headers["ETag"] == '"2"'


async def test_stale_if_match_is_412_and_changes_nothing(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    probe_id = await _create(client)
    first = await client.patch(
        f"/api/v1/probes/{probe_id}", json={"name": "first"}, headers={"If-Match": '"1"'}
    )
    assert first.status_code == 200
    stale = await client.patch(
        f"/api/v1/probes/{probe_id}", json={"name": "second"}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "version.conflict"
    current = (await client.get(f"/api/v1/probes/{probe_id}")).json()
    assert current["name"] == "first" and current["version"] == 2


async def test_weak_and_listed_etags_are_understood(client: httpx.AsyncClient) -> None:
    probe_id = await _create(client)
    response = await client.patch(
        f"/api/v1/probes/{probe_id}", json={"name": "w"}, headers={"If-Match": 'W/"7", W/"1"'}
    )
    assert response.status_code == 200


async def test_read_modify_write_sessions_never_both_win(
    live_client: httpx.AsyncClient, engine: AsyncEngine, dialect: str
) -> None:
    """Two writers that both loaded version 1 cannot both save their change.

    On PostgreSQL the second flush finds the row moved on (StaleDataError, answered as 412).
    On SQLite write transactions hold the write lock from BEGIN IMMEDIATE, so the second
    writer waits for the first to commit and then reads version 2: it cannot load stale data.
    """
    probe_id = await _create(live_client)
    maker = create_sessionmaker(engine)
    token = set_write_intent(True)
    try:
        async with maker() as first:
            a = await first.scalar(select(Probe).where(Probe.name == "v"))
            assert a is not None
            loaded, committed = asyncio.Event(), asyncio.Event()
            second = asyncio.create_task(_write_after_first_commits(maker, loaded, committed))
            with contextlib.suppress(TimeoutError):  # SQLite: the second waits for our lock
                await asyncio.wait_for(loaded.wait(), timeout=0.5)
            a.amount = Decimal("3.00")
            await first.commit()
            committed.set()
        outcome = await second
    finally:
        reset_write_intent(token)
    if dialect == "sqlite":
        assert outcome == "saved-version-3"
        expected_amount, expected_version = "4.00", 3
    else:
        assert outcome == "stale"
        expected_amount, expected_version = "3.00", 2
    final = (await live_client.get(f"/api/v1/probes/{probe_id}")).json()
    assert (final["amount"], final["version"]) == (expected_amount, expected_version)


async def _write_after_first_commits(
    maker: async_sessionmaker[AsyncSession], loaded: asyncio.Event, committed: asyncio.Event
) -> str:
    async with maker() as second:
        b = await second.scalar(select(Probe).where(Probe.name == "v"))
        assert b is not None
        loaded.set()
        await committed.wait()
        b.amount = Decimal("4.00")
        try:
            await second.commit()
        except StaleDataError:
            return "stale"
        return f"saved-version-{b.version}"


async def test_racing_patches_with_the_same_if_match_let_exactly_one_win(
    live_client: httpx.AsyncClient,
) -> None:
    probe_id = await _create(live_client)
    answers = await asyncio.gather(
        *(
            live_client.patch(
                f"/api/v1/probes/{probe_id}", json={"name": f"n{i}"}, headers={"If-Match": '"1"'}
            )
            for i in range(8)
        )
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [412] * 7
    assert (await live_client.get(f"/api/v1/probes/{probe_id}")).json()["version"] == 2
