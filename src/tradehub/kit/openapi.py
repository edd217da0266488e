"""The OpenAPI document, with every problem answer documented as ``application/problem+json``.

FastAPI files a response ``model`` under the route's own media type (``application/json``);
our error answers are problem documents, so their schemas are moved to the problem media type.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from tradehub.kit.errors import PROBLEM_CONTENT_TYPE
from tradehub.kit.export import document_exports


def _file_problems_under_their_media_type(spec: dict[str, Any]) -> None:
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if not status.isdigit() or int(status) < 400:
                    continue
                schema = content.pop("application/json", {}).get("schema")
                if schema is not None:
                    content.setdefault(PROBLEM_CONTENT_TYPE, {})["schema"] = schema


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            _file_problems_under_their_media_type(spec)
            document_exports(spec)
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
