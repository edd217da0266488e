"""Rate limits in memory and in Redis (the local server), failing closed when Redis is down."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI

from tradehub.kit.errors import ServiceUnavailable, TooManyRequests
from tradehub.kit.ratelimit import RateLimiter, storage_for

LOCAL_REDIS = "redis://127.0.0.1:6379/15"


async def _exhaust(limiter: RateLimiter, key: str, allowed: int) -> TooManyRequests:
    for _ in range(allowed):
        await limiter.hit(f"{allowed}/minute", "test", key)
    with pytest.raises(TooManyRequests) as refused:
        await limiter.hit(f"{allowed}/minute", "test", key)
    return refused.value


async def test_memory_limiter_counts_per_key() -> None:
    limiter = RateLimiter(storage_for(None))
    error = await _exhaust(limiter, "10.0.0.1", 3)
    assert 1 <= int(error.headers["Retry-After"]) <= 60
    await limiter.hit("3/minute", "test", "10.0.0.2")  # another address is not affected


async def test_redis_limiter_is_shared_between_limiter_instances() -> None:
    key = f"addr-{uuid.uuid4().hex}"
    first = RateLimiter(storage_for(LOCAL_REDIS))
    second = RateLimiter(storage_for(LOCAL_REDIS))  # as another process would have
    for _ in range(2):
        await first.hit("4/minute", "test", key)
    for _ in range(2):
        await second.hit("4/minute", "test", key)
    with pytest.raises(TooManyRequests):
        await first.hit("4/minute", "test", key)


async def test_limiter_fails_closed_when_redis_is_down() -> None:
    limiter = RateLimiter(storage_for("redis://127.0.0.1:1/0"))
    with pytest.raises(ServiceUnavailable) as refused:
        await limiter.hit("100/minute", "test", "10.0.0.3")
    assert refused.value.code == "rate_limit.unavailable"


async def test_login_answers_503_not_unlimited_when_redis_is_down(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    app.state.rate_limiter = RateLimiter(storage_for("redis://127.0.0.1:1/0"))
    response = await client.post(
        "/api/v1/auth/login", json={"email": "a@example.com", "password": "Whatever#1"}
    )
    assert response.status_code == 503
    assert response.json()["code"] == "rate_limit.unavailable"
    assert response.headers["Retry-After"]
