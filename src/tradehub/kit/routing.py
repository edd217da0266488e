"""Routers for every module: transactional handlers and problem responses documented."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from tradehub.kit.errors import problem_responses
from tradehub.kit.transaction import TransactionalRoute


def api_router(*, prefix: str = "", tags: list[str] | None = None, **kwargs: Any) -> APIRouter:
    """A router whose handlers each run in one transaction; its 422 and 500 are documented."""
    return APIRouter(
        prefix=prefix,
        tags=list(tags or []),
        route_class=TransactionalRoute,
        responses=problem_responses(422, 500),
        **kwargs,
    )
