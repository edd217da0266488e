"""create_app(): routers, middleware, problem handlers and the lifespan that owns the engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tradehub import __version__
from tradehub.api import api_routers
from tradehub.attachables import register_all as register_attachables
from tradehub.auth.service import Identity
from tradehub.config import Settings, get_settings
from tradehub.jobs.runner import embedded_runner
from tradehub.kit.db import create_engine, create_sessionmaker
from tradehub.kit.export import ListExportMiddleware
from tradehub.kit.handlers import install_problem_handlers
from tradehub.kit.logging import configure_logging
from tradehub.kit.middleware import RequestContextMiddleware
from tradehub.kit.openapi import install_openapi
from tradehub.kit.ratelimit import RateLimiter, storage_for
from tradehub.kit.security import PasswordHasher
from tradehub.live.lifespan import live_events
from tradehub.live.router import router as live_router
from tradehub.ops.router import router as ops_router

API_PREFIX = "/api/v1"

DESCRIPTION = """
Back office for commodity brokerage houses: partners, sales contracts, invoices, payments,
brokerage bills, disputes and a trade desk. Errors are `application/problem+json` with a
stable `code`; lists take `page`, `limit` and `sort`.
"""


def create_app(
    settings: Settings | None = None,
    *,
    engine: AsyncEngine | None = None,
    sessionmaker: async_sessionmaker[AsyncSession] | None = None,
) -> FastAPI:
    """Build the service. Tests pass their own engine/sessionmaker; otherwise the app owns one."""
    settings = settings or get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = engine is None
        app.state.engine = engine or create_engine(settings)
        app.state.sessionmaker = sessionmaker or create_sessionmaker(app.state.engine)
        try:
            # Outbox delivery and scheduled jobs, in-process unless TRADEHUB_EMBEDDED_WORKER=false;
            # the live-events hub (Redis pub/sub when TRADEHUB_REDIS_URL is set).
            async with (
                embedded_runner(settings, app.state.sessionmaker),
                live_events(app, settings),
            ):
                yield
        finally:
            if owned:
                await app.state.engine.dispose()

    app = FastAPI(
        title="TradeHub",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    if engine is not None:  # available before startup too, for tests that skip the lifespan
        app.state.engine = engine
        app.state.sessionmaker = sessionmaker or create_sessionmaker(engine)

    app.state.identity = Identity(settings=settings, hasher=PasswordHasher.from_settings(settings))
    app.state.rate_limiter = RateLimiter(storage_for(settings.redis_url))

    register_attachables()
    install_problem_handlers(app)
    install_openapi(app)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "PUT", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "Idempotency-Key",
                "X-Request-ID",
            ],
            expose_headers=["ETag", "X-Request-ID", "Retry-After"],
        )
    app.add_middleware(ListExportMiddleware)  # inside the request context: ids, logs, 500s
    app.add_middleware(RequestContextMiddleware)

    app.include_router(ops_router)
    for router in api_routers():
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(live_router, prefix=API_PREFIX)  # WebSocket: outside the HTTP matrix
    return app
