"""Rate limits through ``limits``: in memory on one machine, in Redis across many.

When the shared store cannot be reached the limiter fails closed: the guarded action is
refused with 503 rather than allowed without a limit (login and reset are what it guards).
"""

from __future__ import annotations

import math
import time

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from tradehub.kit.errors import ServiceUnavailable, TooManyRequests

log = structlog.get_logger("tradehub.ratelimit")


def storage_for(redis_url: str | None) -> Storage:
    if not redis_url:
        return MemoryStorage()
    return RedisStorage(
        redis_url.replace("redis://", "async+redis://", 1),
        implementation="redispy",
        socket_timeout=1,
        socket_connect_timeout=1,
        wrap_exceptions=True,
    )


class RateLimiter:
    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._strategy = MovingWindowRateLimiter(storage)

    async def hit(self, limit: str | RateLimitItem, *identifiers: str) -> None:
        """Count one attempt; 429 with Retry-After once the limit is exceeded."""
        item = parse(limit) if isinstance(limit, str) else limit
        try:
            allowed = await self._strategy.hit(item, *identifiers)
            if allowed:
                return
            stats = await self._strategy.get_window_stats(item, *identifiers)
        except Exception as exc:
            log.error("ratelimit.storage_unavailable", error=type(exc).__name__)
            raise ServiceUnavailable(
                "Too many requests cannot be ruled out right now; try again shortly",
                code="rate_limit.unavailable",
                headers={"Retry-After": "5"},
            ) from exc
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        log.warning(
            "ratelimit.exceeded", limit=str(item), key=identifiers[0] if identifiers else ""
        )
        raise TooManyRequests(retry_after)

    async def reset(self) -> None:
        await self.storage.reset()
