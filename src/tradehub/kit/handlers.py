"""Exception handlers: every error leaves as problem+json with a stable ``code``."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tradehub.kit.errors import (
    PROBLEM_CONTENT_TYPE,
    AppError,
    Conflict,
    PreconditionFailed,
    Unprocessable,
    problem_body,
)

log = structlog.get_logger("tradehub.errors")

_HTTP_CODES = {
    400: "bad_request",
    401: "auth.not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload.too_large",
    415: "payload.unsupported_type",
}


def _request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def problem_response(request: Request, error: AppError) -> JSONResponse:
    body = problem_body(error, instance=request.url.path, request_id=_request_id(request))
    return JSONResponse(
        body, status_code=error.status, headers=error.headers, media_type=PROBLEM_CONTENT_TYPE
    )


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    if exc.status >= 500:
        log.error("request.app_error", code=exc.code, detail=exc.detail)
    return problem_response(request, exc)


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """loc/msg/type only: the rejected input is never echoed (it may be a password)."""
    return [
        {
            "loc": [part for part in error.get("loc", ())],
            "msg": error.get("msg", ""),
            "type": error.get("type", ""),
        }
        for error in exc.errors()
    ]


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc)
    fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors[:5])
    error = Unprocessable(f"Invalid input: {fields}", code="validation.invalid", errors=errors)
    return problem_response(request, error)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    error = AppError(
        str(exc.detail), code=_HTTP_CODES.get(exc.status_code, f"http.{exc.status_code}")
    )
    error.status = exc.status_code
    error.title = _title(exc.status_code)
    if exc.headers:
        error.headers = dict(exc.headers)
    return problem_response(request, error)


async def _stale_data(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(
        request, PreconditionFailed("The resource was changed by someone else; reload it")
    )


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # A safety net: services check their rules first; this only catches a lost race.
    assert isinstance(exc, IntegrityError)
    log.warning("request.integrity_error", error=str(exc.orig)[:200])
    return problem_response(
        request, Conflict("The change conflicts with existing data", code="integrity.conflict")
    )


def _title(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(StaleDataError, _stale_data)
    app.add_exception_handler(IntegrityError, _integrity_error)
