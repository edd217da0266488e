"""Every failure is problem+json with a stable code; nothing half-written survives it."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from tests.conftest import http_client
from tests.probe import Probe
from tradehub.kit.errors import PROBLEM_CONTENT_TYPE
from tradehub.kit.routing import api_router

PROBLEM_KEYS = {"type", "title", "status", "detail", "instance", "code", "request_id"}


async def _probe_count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(Probe)) or 0)


async def test_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert set(body) == PROBLEM_KEYS
    assert body["code"] == "not_found"
    assert body["instance"] == "/api/v1/no-such-thing"


async def test_wrong_method_is_a_405_problem(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/probes")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


async def test_missing_and_invalid_fields_give_the_422_shape(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/v1/probes", json={"amount": "1.234", "colour": "red"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body["code"] == "validation.invalid"
    assert body["status"] == 422
    locations = {tuple(error["loc"]) for error in body["errors"]}
    assert ("body", "name") in locations
    assert ("body", "amount") in locations
    assert ("body", "colour") in locations
    for error in body["errors"]:
        assert set(error) == {"loc", "msg", "type"}


async def test_malformed_json_is_a_422_problem(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/probes", content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "json_invalid"


async def test_invalid_input_is_not_echoed_back(client: httpx.AsyncClient) -> None:
    secret = "Sup3r$ecret-value"
    response = await client.post("/api/v1/probes", json={"name": "x", "amount": secret})
    assert response.status_code == 422
    assert secret not in response.text


async def test_business_rule_error_after_a_write_leaves_nothing(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    response = await client.post(
        "/api/v1/probes", json={"name": "reject-after-write", "amount": "5.00"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "probe.rejected"
    assert await _probe_count(db) == 0


async def test_unhandled_exception_is_a_bare_500_with_request_id(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    response = await client.post(
        "/api/v1/probes",
        json={"name": "crash-after-write", "amount": "5.00"},
        headers={"X-Request-ID": "trace-me-42"},
    )
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_CONTENT_TYPE
    body = response.json()
    assert body == {
        "type": "about:blank",
        "title": "Internal server error",
        "status": 500,
        "code": "internal_error",
        "request_id": "trace-me-42",
    }
    assert "Traceback" not in response.text and "hunter2" not in response.text
    assert await _probe_count(db) == 0


@pytest.mark.parametrize(
    ("exception", "status", "code"),
    [
        (StaleDataError("row moved on"), 412, "version.conflict"),
        (IntegrityError("INSERT", {}, Exception("duplicate key")), 409, "integrity.conflict"),
    ],
)
async def test_database_conflicts_become_problems(
    app: FastAPI, exception: Exception, status: int, code: str
) -> None:
    router = api_router(prefix="/raising")

    @router.post("")
    async def raise_it() -> None:
        raise exception

    app.include_router(router, prefix="/api/v1")
    async with http_client(app) as client:
        response = await client.post("/api/v1/raising")
    assert response.status_code == status
    assert response.json()["code"] == code
    assert "duplicate key" not in response.text
