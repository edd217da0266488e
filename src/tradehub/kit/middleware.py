"""The outermost request layer: request ids, security headers, access logs, metrics, and the
last line of defence that turns an unexpected exception into a bare 500 problem."""

from __future__ import annotations

import json
import re
import time
import uuid
import weakref
from typing import Any

import structlog
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tradehub.kit.errors import PROBLEM_CONTENT_TYPE, InternalProblem
from tradehub.kit.metrics import observe_request

try:  # FastAPI >= 0.16x keeps included routes unflattened and exposes their full paths here
    from fastapi.routing import iter_route_contexts
except ImportError:  # older FastAPI copies each route with its full path: route.path is enough
    iter_route_contexts = None  # type: ignore[assignment]

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
_API_PREFIX = "/api/"

log = structlog.get_logger("tradehub.http")


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """Echo the caller's request id when it is safe to, otherwise make a new one."""
    for name, value in headers:
        if name.lower() == b"x-request-id":
            candidate = value.decode("latin-1")
            if _VALID_REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def route_label(scope: Scope) -> str:
    """The route template (``/api/v1/things/{id}``), never the raw path: bounded label values.

    FastAPI keeps an included router's routes as they were declared, so ``scope["route"].path``
    lacks the prefix given to ``include_router`` (``/api/v1``); the full template comes from the
    app's effective routes, indexed once per app.
    """
    route = scope.get("route")
    if route is None:
        return "unmatched"
    candidates = _templates_of(scope.get("app"), route)
    if len(candidates) == 1:
        return candidates[0][1]
    for regex, template in candidates:  # one router included under several prefixes
        if regex is not None and regex.match(scope.get("path", "")):
            return template
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


_RouteIndex = dict[int, list[tuple[Any, str]]]
_route_indexes: weakref.WeakKeyDictionary[Any, _RouteIndex] = weakref.WeakKeyDictionary()


def _templates_of(app: Any, route: Any) -> list[tuple[Any, str]]:
    if app is None or iter_route_contexts is None:
        return []
    index = _route_indexes.get(app)
    if index is None or id(route) not in index:  # first request, or routes added since
        index = _index_routes(app)
        index.setdefault(id(route), [])  # an unindexable route: do not rebuild for it again
        _route_indexes[app] = index
    return index[id(route)]


def _index_routes(app: Any) -> _RouteIndex:
    index: _RouteIndex = {}
    for context in iter_route_contexts(getattr(app, "routes", [])):
        template = context.path_format or context.path
        if isinstance(template, str):
            regex = getattr(context, "path_regex", None)
            index.setdefault(id(context.original_route), []).append((regex, template))
    return index


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers", []))
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status: dict[str, int] = {}
        is_api = scope.get("path", "").startswith(_API_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = MutableHeaders(scope=message)
                headers[REQUEST_ID_HEADER] = request_id
                for name, value in _SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if is_api:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("request.unhandled_error", method=scope["method"], path=scope["path"])
            if "code" not in status:
                await _send_internal_problem(send_with_headers, request_id)
        finally:
            elapsed = time.perf_counter() - started
            code = status.get("code", 500)
            route = route_label(scope)
            observe_request(scope["method"], route, code, elapsed)
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                route=route,
                status=code,
                duration_ms=round(elapsed * 1000, 2),
                client=_client_address(scope),
            )
            structlog.contextvars.clear_contextvars()


def _client_address(scope: Scope) -> str | None:
    client: Any = scope.get("client")
    return client[0] if client else None


async def _send_internal_problem(send: Send, request_id: str) -> None:
    body = json.dumps(InternalProblem(request_id=request_id).model_dump()).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", PROBLEM_CONTENT_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
