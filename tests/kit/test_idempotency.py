"""Idempotency-Key (api.md §1): one effect per key, the first answer replayed, reuse refused."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.probe import Probe
from tradehub.kit.db import create_sessionmaker
from tradehub.kit.idempotency import IdempotencyRecord, purge_expired
from tradehub.kit.types import utcnow

BODY = {"name": "pay", "amount": "100.00"}


async def _count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(Probe)) or 0)


async def test_same_key_and_body_replays_the_first_answer(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = {"Idempotency-Key": "k-1"}
    first = await client.post("/api/v1/probes", json=BODY, headers=headers)
    again = await client.post("/api/v1/probes", json=BODY, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert await _count(db) == 1


async def test_same_key_with_another_body_is_422_key_reused(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = {"Idempotency-Key": "k-2"}
    assert (await client.post("/api/v1/probes", json=BODY, headers=headers)).status_code == 201
    other = await client.post("/api/v1/probes", json={**BODY, "amount": "101.00"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency.key_reused"
    assert await _count(db) == 1


async def test_without_a_key_each_post_creates(client: httpx.AsyncClient, db: AsyncSession) -> None:
    for _ in range(2):
        assert (await client.post("/api/v1/probes", json=BODY)).status_code == 201
    assert await _count(db) == 2


async def test_different_keys_create_separately(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    for key in ("a", "b"):
        response = await client.post("/api/v1/probes", json=BODY, headers={"Idempotency-Key": key})
        assert response.status_code == 201
    assert await _count(db) == 2


@pytest.mark.parametrize("key", ["x" * 256, "has space", "ünicode"])
async def test_malformed_keys_are_refused(client: httpx.AsyncClient, key: str) -> None:
    response = await client.post(
        "/api/v1/probes", json=BODY, headers={"Idempotency-Key": key.encode()}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency.key_invalid"


async def test_a_failed_first_attempt_does_not_burn_the_key(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = {"Idempotency-Key": "retry-me"}
    failed = await client.post(
        "/api/v1/probes", json={"name": "reject-after-write", "amount": "1"}, headers=headers
    )
    assert failed.status_code == 422
    assert await db.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0
    fixed = await client.post(
        "/api/v1/probes", json={"name": "reject-after-write", "amount": "1"}, headers=headers
    )
    assert fixed.status_code == 422  # re-executed, not replayed
    assert "Idempotent-Replayed" not in fixed.headers


async def test_a_key_older_than_24_hours_is_forgotten(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = {"Idempotency-Key": "old"}
    assert (await client.post("/api/v1/probes", json=BODY, headers=headers)).status_code == 201
    record = await db.scalar(select(IdempotencyRecord))
    assert record is not None
    assert (
        timedelta(hours=23, minutes=59)
        < record.expires_at - record.created_at
        <= timedelta(hours=24)
    )
    await db.execute(update(IdempotencyRecord).values(expires_at=utcnow() - timedelta(seconds=1)))
    await db.flush()
    again = await client.post("/api/v1/probes", json=BODY, headers=headers)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert await _count(db) == 2


async def test_purge_removes_only_expired_keys(client: httpx.AsyncClient, db: AsyncSession) -> None:
    for key in ("keep", "drop"):
        await client.post("/api/v1/probes", json=BODY, headers={"Idempotency-Key": key})
    await db.execute(
        update(IdempotencyRecord)
        .where(IdempotencyRecord.key == "drop")
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    assert await purge_expired(db) == 1
    assert (await db.scalars(select(IdempotencyRecord.key))).all() == ["keep"]


@pytest.mark.parametrize("racers", [20, 50])
async def test_concurrent_requests_with_one_key_create_one_row(
    live_client: httpx.AsyncClient, engine: AsyncEngine, racers: int
) -> None:
    headers = {"Idempotency-Key": f"race-{racers}"}
    answers = await asyncio.gather(
        *(live_client.post("/api/v1/probes", json=BODY, headers=headers) for _ in range(racers))
    )
    assert {answer.status_code for answer in answers} == {201}
    assert len({answer.text for answer in answers}) == 1
    async with create_sessionmaker(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(Probe)) == 1
        assert await session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1
