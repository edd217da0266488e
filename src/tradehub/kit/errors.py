"""Errors as RFC 9457 problem+json.

Every failure the service reports is an ``AppError`` (or becomes one here): it carries the HTTP
status and a stable dotted ``code`` that clients switch on. Handlers render them; nothing below
a router raises HTTPException, and an unexpected exception never shows a trace to the caller.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

PROBLEM_CONTENT_TYPE = "application/problem+json"


class AppError(Exception):
    status: int = 400
    code: str = "bad_request"
    title: str = "Bad request"
    # An error that records evidence (a failed login, a denied permission) commits what the
    # request wrote before answering; every other error rolls the request back.
    keeps_changes: bool = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        if code is not None:
            self.code = code
        self.headers = headers or {}
        self.extra = extra


class BadRequest(AppError):
    status, code, title = 400, "bad_request", "Bad request"


class NotAuthenticated(AppError):
    status, code, title = 401, "auth.not_authenticated", "Not authenticated"


class Forbidden(AppError):
    status, code, title = 403, "forbidden", "Forbidden"


class NotFound(AppError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(AppError):
    status, code, title = 409, "conflict", "Conflict"


class Gone(AppError):
    status, code, title = 410, "gone", "Gone"


class PreconditionFailed(AppError):
    status, code, title = 412, "version.conflict", "Precondition failed"


class PayloadTooLarge(AppError):
    status, code, title = 413, "payload.too_large", "Payload too large"


class UnsupportedMediaType(AppError):
    status, code, title = 415, "payload.unsupported_type", "Unsupported media type"


class Unprocessable(AppError):
    """A well-formed request that breaks a business rule (e.g. financial_year.closed_or_missing)."""

    status, code, title = 422, "unprocessable", "Unprocessable request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        code: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail, code=code, **extra)
        self.errors = errors or []


class Locked(AppError):
    status, code, title = 423, "locked", "Locked"


class TooManyRequests(AppError):
    status, code, title = 429, "rate_limited", "Too many requests"

    def __init__(self, retry_after_seconds: int, detail: str | None = None) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, int(retry_after_seconds)))})


class ServiceUnavailable(AppError):
    status, code, title = 503, "service.unavailable", "Service unavailable"


class Problem(BaseModel):
    """The body of every error answer."""

    type: str = Field(default="about:blank", examples=["about:blank"])
    title: str
    status: int
    detail: str
    instance: str
    code: str = Field(examples=["version.conflict"])
    request_id: str | None = None


class ValidationErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(Problem):
    errors: list[ValidationErrorItem]


class InternalProblem(BaseModel):
    """A 500: nothing but a pointer for the operators."""

    type: str = "about:blank"
    title: str = "Internal server error"
    status: int = 500
    code: str = "internal_error"
    request_id: str


def problem_body(error: AppError, *, instance: str, request_id: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "instance": instance,
        "code": error.code,
        "request_id": request_id,
    }
    if isinstance(error, Unprocessable):
        body["errors"] = error.errors
    body.update(error.extra)
    return body


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries for the problems a route can answer with."""
    descriptions = {
        400: "Bad request",
        401: "Missing, expired or revoked token",
        403: "Visible but not allowed",
        404: "Not found or not visible to the caller",
        409: "Conflicts with the current state",
        410: "No longer available",
        412: "If-Match is stale",
        413: "Payload too large",
        415: "Unsupported media type",
        422: "Invalid input or a broken business rule",
        423: "Locked",
        429: "Rate limited",
        500: "Unexpected failure: only a request id to quote",
        503: "Unavailable",
    }
    responses: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        special: dict[int, type[BaseModel]] = {422: ValidationProblem, 500: InternalProblem}
        model = special.get(status, Problem)
        responses[status] = {
            "model": model,
            "description": descriptions.get(status, "Problem"),
            "content": {PROBLEM_CONTENT_TYPE: {}},
        }
    return responses
