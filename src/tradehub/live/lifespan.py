"""The hub's life within the app's: made at startup, fed by the trade desk, closed at shutdown."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from tradehub.config import Settings
from tradehub.live.domain import LiveLimits
from tradehub.live.hub import Hub, InProcessHub
from tradehub.live.sink import trade_desk_sink
from tradehub.trade_desk.events import add_sink, remove_sink


def create_hub(settings: Settings) -> Hub:
    """Redis pub/sub when ``TRADEHUB_REDIS_URL`` is set (any number of processes), else
    in-process (one process: events reach only sockets of the process that committed them)."""
    if settings.redis_url:
        from tradehub.live.redis_hub import RedisHub  # redis is an optional dependency

        return RedisHub(settings.redis_url, prefix=settings.live_channel_prefix)
    return InProcessHub()


@asynccontextmanager
async def live_events(app: FastAPI, settings: Settings) -> AsyncIterator[Hub]:
    """``app.state.live_hub`` for the socket route, ``live_sink`` registered with the trade
    desk's events, and ``live_limits`` unless already set."""
    hub = create_hub(settings)
    await hub.start()
    app.state.live_hub = hub
    if not hasattr(app.state, "live_limits"):
        app.state.live_limits = LiveLimits()
    sink = app.state.live_sink = trade_desk_sink(hub)
    add_sink(sink)
    try:
        yield hub
    finally:
        remove_sink(sink)
        await hub.close()
