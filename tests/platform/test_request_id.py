"""Every answer carries an ``X-Request-ID`` (echoed only when safe) and the security headers."""

from __future__ import annotations

import re

import httpx
import pytest

HEADER = "X-Request-ID"
GENERATED = re.compile(r"^[0-9a-f]{32}$")
SAFE_CHARACTERS = "ABCXYZabcxyz0189._-"


@pytest.mark.parametrize(
    "request_id",
    ["a", "req-123_abc.DEF", SAFE_CHARACTERS, "x" * 128, "0" * 128, "...", "-"],
    ids=["one-char", "mixed", "every-kind", "128-chars", "128-digits", "dots", "dash"],
)
async def test_a_safe_request_id_is_echoed(client: httpx.AsyncClient, request_id: str) -> None:
    response = await client.get("/health", headers={HEADER: request_id})
    assert response.headers[HEADER] == request_id


@pytest.mark.parametrize(
    "request_id",
    [
        b"x" * 129,
        b"",
        b"has space",
        b"a/b",
        b"semi;colon",
        b'quote"d',
        "caf\u00e9".encode(),
        "\u0440\u0443\u0441".encode(),
        b"<script>",
    ],
    ids=["129-chars", "empty", "space", "slash", "semicolon", "quote", "latin", "cyrillic", "html"],
)
async def test_an_unsafe_request_id_is_replaced_by_a_new_one(
    client: httpx.AsyncClient, request_id: bytes
) -> None:
    response = await client.get("/health", headers={HEADER: request_id})
    answered = response.headers[HEADER]
    assert answered.encode() != request_id
    assert GENERATED.fullmatch(answered)


async def test_requests_without_an_id_get_distinct_new_ones(client: httpx.AsyncClient) -> None:
    ids = {(await client.get("/health")).headers[HEADER] for _ in range(5)}
    assert len(ids) == 5
    assert all(GENERATED.fullmatch(request_id) for request_id in ids)


async def _problem(client: httpx.AsyncClient, kind: str, request_id: str) -> httpx.Response:
    headers = {HEADER: request_id}
    if kind == "404-route":
        return await client.get("/api/v1/no-such-resource", headers=headers)
    if kind == "404-resource":
        return await client.get(
            "/api/v1/probes/7f1d8a36-4d8e-4f9b-9a57-2f0c4b1d9e11", headers=headers
        )
    if kind == "422":
        return await client.post("/api/v1/probes", json={"name": ""}, headers=headers)
    return await client.post(
        "/api/v1/probes", json={"name": "crash-after-write", "amount": "1"}, headers=headers
    )


@pytest.mark.parametrize(
    ("kind", "status"),
    [("404-route", 404), ("404-resource", 404), ("422", 422), ("500", 500)],
)
@pytest.mark.parametrize("sent", ["trace-4711", None], ids=["echoed", "generated"])
async def test_problems_carry_the_request_id_in_header_and_body(
    client: httpx.AsyncClient, kind: str, status: int, sent: str | None
) -> None:
    response = await _problem(client, kind, sent or "not a valid id")
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    request_id = response.headers[HEADER]
    if sent:
        assert request_id == sent
    else:
        assert GENERATED.fullmatch(request_id)
    assert response.json()["request_id"] == request_id


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/health", None),
        ("GET", "/ready", None),
        ("GET", "/metrics", None),
        ("GET", "/api/v1/probes", None),
        ("GET", "/api/v1/nothing", None),
        ("POST", "/api/v1/probes", {"name": ""}),
        ("POST", "/api/v1/probes", {"name": "crash-after-write", "amount": "1"}),
    ],
    ids=["health", "ready", "metrics", "api-list", "api-404", "api-422", "api-500"],
)
async def test_security_headers_are_on_every_answer(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, str] | None
) -> None:
    response = await client.request(method, path, json=body)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert HEADER in response.headers


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/api/v1/probes", None, 200),
        ("POST", "/api/v1/probes", {"name": "cached?", "amount": "2.00"}, 201),
        ("GET", "/api/v1/nothing", None, 404),
        ("POST", "/api/v1/probes", {"name": ""}, 422),
        ("POST", "/api/v1/probes", {"name": "crash-after-write", "amount": "1"}, 500),
    ],
    ids=["list", "create", "404", "422", "500"],
)
async def test_api_answers_are_not_stored_by_caches(
    client: httpx.AsyncClient, method: str, path: str, body: dict[str, str] | None, status: int
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status_code == status
    assert response.headers["Cache-Control"] == "no-store"
