"""Logs are JSON lines, one access line per request, and secrets never reach them.

The logs are read exactly as written: the handler ``configure_logging`` installs on the root
logger renders into a buffer instead of stderr, so every processor (redaction included) runs.
"""

from __future__ import annotations

import io
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import structlog
from fastapi import FastAPI

from tradehub.kit.logging import configure_logging, get_logger

PASSWORD = "Hunter2-Correct-Horse"
NEW_PASSWORD = "N3w-Battery-Staple"
BEARER_TOKEN = "opaqueAccessToken.abc123-XYZ~789"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
    ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFsaWNlIn0"
    ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
)
DB_PASSWORD = "pg-Pa55word-42"
QUERY_TOKEN = "q9Token8Value7"
PAN = "ABCPE1234F"
AADHAAR = "234567890123"


class LogCapture:
    def __init__(self, buffer: io.StringIO) -> None:
        self._buffer = buffer

    @property
    def text(self) -> str:
        return self._buffer.getvalue()

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def events(self, name: str) -> list[dict[str, Any]]:
        return [record for record in self.records() if record.get("event") == name]


def _capture_root_handler() -> Iterator[LogCapture]:
    ours = [
        handler
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter)
    ]
    assert len(ours) == 1, "configure_logging installs one root handler"
    (handler,) = ours
    assert isinstance(handler, logging.StreamHandler)
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield LogCapture(buffer)
    finally:
        handler.setStream(previous)


@pytest.fixture
def logs() -> Iterator[LogCapture]:
    configure_logging(level="INFO", json=True)
    yield from _capture_root_handler()


@pytest.fixture
def app_logs(app: FastAPI) -> Iterator[LogCapture]:
    """The logs of the app under test (built, and so configured, before capture starts)."""
    yield from _capture_root_handler()


def test_configure_logging_writes_json_lines_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(level="INFO", json=True)
    get_logger("tests.platform").info("hello", answer=42)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    record = json.loads(lines[-1])
    assert record["event"] == "hello"
    assert record["answer"] == 42
    assert record["level"] == "info"
    assert record["logger"] == "tests.platform"
    assert record["timestamp"].endswith("Z")


def test_password_keys_are_redacted_and_the_rest_is_kept(logs: LogCapture) -> None:
    get_logger("tests.platform").info(
        "password changed", user="alice@example.com", password=PASSWORD, new_password=NEW_PASSWORD
    )
    assert PASSWORD not in logs.text
    assert NEW_PASSWORD not in logs.text
    (record,) = logs.events("password changed")
    assert record["user"] == "alice@example.com"
    assert record["password"] == "[redacted]"
    assert record["new_password"] == "[redacted]"


def test_secret_keys_inside_nested_values_are_redacted(logs: LogCapture) -> None:
    get_logger("tests.platform").info(
        "body received",
        body={"email": "bob@example.com", "credentials": {"password": PASSWORD, "otp": "493817"}},
        headers=[{"authorization": f"Bearer {BEARER_TOKEN}"}],
    )
    assert PASSWORD not in logs.text
    assert "493817" not in logs.text
    assert BEARER_TOKEN not in logs.text
    (record,) = logs.events("body received")
    assert record["body"]["email"] == "bob@example.com"


@pytest.mark.parametrize(
    ("message", "secret", "kept"),
    [
        (
            f"upstream said Authorization: Bearer {BEARER_TOKEN} was refused",
            BEARER_TOKEN,
            ["upstream said Authorization: Bearer", "was refused"],
        ),
        (f"token {JWT} expired at noon", JWT, ["token", "expired at noon"]),
        (
            f"connecting to postgresql+asyncpg://tradehub:{DB_PASSWORD}@db:5432/th",
            DB_PASSWORD,
            ["connecting to postgresql+asyncpg://tradehub:", "@db:5432/th"],
        ),
        (
            f"GET /api/v1/auth/verify?token={QUERY_TOKEN}&next=/home failed",
            QUERY_TOKEN,
            ["GET /api/v1/auth/verify?token=", "&next=/home failed"],
        ),
        (
            f"callback /cb?access_token={QUERY_TOKEN}&state=s1",
            QUERY_TOKEN,
            ["callback /cb?access_token=", "&state=s1"],
        ),
        (f"partner PAN is {PAN} per the KYC form", PAN, ["partner PAN is", "per the KYC form"]),
        (f"aadhaar {AADHAAR} uploaded by clerk", AADHAAR, ["aadhaar", "uploaded by clerk"]),
        ("aadhaar 2345 6789 0123 uploaded by clerk", "2345 6789 0123", ["uploaded by clerk"]),
    ],
    ids=[
        "bearer",
        "jwt",
        "database-url",
        "token-query",
        "access-token-query",
        "pan",
        "aadhaar",
        "aadhaar-spaced",
    ],
)
def test_secrets_in_free_text_are_masked(
    logs: LogCapture, message: str, secret: str, kept: list[str]
) -> None:
    get_logger("tests.platform").warning(message)
    (record,) = logs.records()
    assert secret not in logs.text
    for fragment in kept:
        assert fragment in record["event"]


def test_standard_library_loggers_are_redacted_too(logs: LogCapture) -> None:
    logging.getLogger("uvicorn.error").error(
        "could not reach %s with password=%s", f"postgresql://app:{DB_PASSWORD}@db/x", PASSWORD
    )
    assert DB_PASSWORD not in logs.text
    assert PASSWORD not in logs.text
    (record,) = logs.records()
    assert record["logger"] == "uvicorn.error"
    assert record["event"].startswith("could not reach postgresql://app:")


def test_uuids_in_logged_paths_are_not_mistaken_for_aadhaar_numbers(logs: LogCapture) -> None:
    path = "/api/v1/probes/00000000-0000-4000-8000-000000000000"
    get_logger("tests.platform").info("fetched", path=path)
    assert logs.events("fetched")[0]["path"] == path


async def test_a_rejected_body_with_a_password_is_not_logged_and_has_one_access_line(
    client: httpx.AsyncClient, app_logs: LogCapture
) -> None:
    response = await client.post(
        "/api/v1/probes", json={"name": "", "amount": "12.5", "password": PASSWORD}
    )
    assert response.status_code == 422
    assert PASSWORD not in response.text
    assert PASSWORD not in app_logs.text
    request_id = response.headers["x-request-id"]
    access_lines = [line for line in app_logs.events("request") if line["request_id"] == request_id]
    assert len(access_lines) == 1
    (line,) = access_lines
    assert line["status"] == 422
    assert line["method"] == "POST"
    assert line["path"] == "/api/v1/probes"
    assert line["route"] == "/api/v1/probes"


async def test_access_line_keeps_the_real_path_and_the_route_template(
    client: httpx.AsyncClient, app_logs: LogCapture
) -> None:
    probe_id = uuid.UUID("00000000-1234-4000-8000-000000000000")
    response = await client.get(f"/api/v1/probes/{probe_id}")
    assert response.status_code == 404
    (line,) = app_logs.events("request")
    assert line["path"] == f"/api/v1/probes/{probe_id}"
    assert line["route"] == "/api/v1/probes/{probe_id}"
    assert line["request_id"] == response.headers["x-request-id"]


async def test_an_unexpected_error_is_logged_redacted_and_answered_with_a_bare_500(
    client: httpx.AsyncClient, app_logs: LogCapture
) -> None:
    response = await client.post(
        "/api/v1/probes", json={"name": "crash-after-write", "amount": "1.00"}
    )

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert set(body) == {"type", "title", "status", "code", "request_id"}
    assert body["status"] == 500
    assert body["code"] == "internal_error"
    assert body["request_id"] == response.headers["x-request-id"]
    for leak in ("Traceback", "RuntimeError", "secret internal detail", "hunter2", "probe.py"):
        assert leak not in response.text

    assert "hunter2" not in app_logs.text
    (error,) = app_logs.events("request.unhandled_error")
    assert error["level"] == "error"
    assert error["request_id"] == body["request_id"]
    assert "Traceback (most recent call last)" in error["exception"]
    assert "RuntimeError: secret internal detail: password=" in error["exception"]
    (access,) = app_logs.events("request")
    assert access["status"] == 500
    assert access["request_id"] == body["request_id"]
