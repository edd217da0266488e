"""The OpenAPI document: every API operation documents its problems, and /docs serves it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

PROBLEM_JSON = "application/problem+json"
HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


@pytest.fixture
async def spec(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    return response.json()  # type: ignore[no-any-return]


def api_operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    operations = [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]
    assert operations, "the probe routes at least are mounted under /api/v1"
    return operations


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = spec["components"]["schemas"][name]
    return schema


def documented_schemas(spec: dict[str, Any], response: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        resolve(spec, media["schema"])
        for media in response.get("content", {}).values()
        if "schema" in media
    ]


async def test_every_api_operation_documents_a_422_with_errors_and_a_500(
    spec: dict[str, Any],
) -> None:
    for method, path, operation in api_operations(spec):
        where = f"{method} {path}"
        responses = operation["responses"]
        assert "422" in responses, where
        assert "500" in responses, where
        schemas_422 = documented_schemas(spec, responses["422"])
        assert schemas_422, f"{where}: 422 has no schema"
        for schema in schemas_422:
            assert {"errors", "code", "status"} <= set(schema["properties"]), where
        schemas_500 = documented_schemas(spec, responses["500"])
        assert schemas_500, f"{where}: 500 has no schema"
        for schema in schemas_500:
            assert set(schema["properties"]) == {"type", "title", "status", "code", "request_id"}


async def test_every_documented_problem_response_offers_problem_json(
    spec: dict[str, Any],
) -> None:
    for method, path, operation in api_operations(spec):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert PROBLEM_JSON in response.get("content", {}), f"{method} {path} {status}"


async def test_problem_responses_are_documented_only_as_problem_json_with_their_schema(
    spec: dict[str, Any],
) -> None:
    for method, path, operation in api_operations(spec):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            where = f"{method} {path} {status}"
            assert set(response["content"]) == {PROBLEM_JSON}, where
            schema = resolve(spec, response["content"][PROBLEM_JSON]["schema"])
            assert {"code", "status", "title"} <= set(schema["properties"]), where


async def test_the_operations_endpoints_are_documented(spec: dict[str, Any]) -> None:
    for path in ("/health", "/ready", "/metrics"):
        assert "get" in spec["paths"][path], path
    assert "503" in spec["paths"]["/ready"]["get"]["responses"]
    assert "text/plain" in spec["paths"]["/metrics"]["get"]["responses"]["200"]["content"]


async def test_docs_page_is_served_as_html(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "swagger-ui" in response.text.lower()
    assert "/openapi.json" in response.text
