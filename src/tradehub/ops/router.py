"""``/health``, ``/ready`` and ``/metrics``: unauthenticated by contract (api.md §1)."""

from __future__ import annotations

import asyncio
from typing import Literal

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from tradehub.kit.metrics import render_metrics
from tradehub.kit.migrations import at_head

READY_TIMEOUT_SECONDS = 5.0
log = structlog.get_logger("tradehub.ops")

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "unavailable"]
    checks: dict[str, str]


@router.get("/health", response_model=Health, summary="The process is running")
async def health() -> Health:
    return Health()


@router.get(
    "/ready",
    response_model=Readiness,
    summary="The database answers and migrations are at head",
    responses={503: {"model": Readiness, "description": "Not ready: see checks"}},
)
async def ready(request: Request) -> JSONResponse:
    checks = {"database": "ok", "migrations": "ok"}
    engine = request.app.state.engine
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
            if not await at_head(engine):
                checks["migrations"] = "behind"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported, not raised
        log.warning("ready.database_unreachable", error=type(exc).__name__)
        checks["database"] = "unreachable"
        checks["migrations"] = "unknown"
    is_ready = all(value == "ok" for value in checks.values())
    body = Readiness(status="ready" if is_ready else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(), status_code=200 if is_ready else 503)


@router.get(
    "/metrics",
    summary="Prometheus metrics of every worker",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus text format"}},
)
async def metrics() -> Response:
    payload, content_type = render_metrics()
    return Response(content=payload, media_type=content_type)
