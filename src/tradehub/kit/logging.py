"""Structured JSON logs with secrets redacted before anything is written.

Both our own structlog calls and the standard library loggers (uvicorn, SQLAlchemy) go through
the same processor chain, so a password or token cannot reach the output by any path.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

REDACTED = "[redacted]"
_SECRET_KEY_PARTS = ("password", "token", "secret", "otp", "authorization", "cookie", "aadhaar")
_SECRET_KEYS_EXACT = frozenset({"pan", "api_key", "apikey", "x-api-key"})

_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]+):[^@/\s]+@")
_PAN = re.compile(r"\b([A-Z]{3}[ABCFGHJLPT][A-Z])(\d{4})([A-Z])\b")
_AADHAAR = re.compile(r"\b\d{4}[ -]?\d{4}[ -]?\d{4}\b")
# The key may be longer than the word: access_token=, refresh_token=, new_password=, otp_code=.
_SECRET_QUERY = re.compile(r"(?i)\b(\w*(?:token|password|otp|secret)\w*)=([^&\s]+)")
_UUID = re.compile(r"(?i)\b[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}\b")


def is_secret_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in _SECRET_KEYS_EXACT or any(part in lowered for part in _SECRET_KEY_PARTS)


def scrub_text(text: str) -> str:
    """Mask secrets that appear inside free text (messages, URLs, exception strings)."""
    text = _BEARER.sub(r"\1 " + REDACTED, text)
    text = _JWT.sub(REDACTED, text)
    text = _URL_PASSWORD.sub(r"\1:" + REDACTED + "@", text)
    text = _SECRET_QUERY.sub(r"\1=" + REDACTED, text)
    text = _PAN.sub(lambda m: m.group(1)[:2] + "XXXXXX" + m.group(3), text)
    return _mask_aadhaar(text)


def _mask_aadhaar(text: str) -> str:
    """Mask 12-digit numbers, but leave UUIDs whole: the all-digit runs of an id in a logged
    path (``…/00000000-0000-…``) are not Aadhaar numbers, and masking them falsifies the path."""
    pieces: list[str] = []
    start = 0
    for match in _UUID.finditer(text):
        pieces.append(_AADHAAR.sub("XXXX-XXXX-XXXX", text[start : match.start()]))
        pieces.append(match.group())
        start = match.end()
    pieces.append(_AADHAAR.sub("XXXX-XXXX-XXXX", text[start:]))
    return "".join(pieces)


def redact(value: Any, key: str = "") -> Any:
    if key and is_secret_key(key):
        return REDACTED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


def redact_processor(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> Any:
    for key in list(event_dict):
        event_dict[key] = redact(event_dict[key], key)
    return event_dict


def configure_logging(*, level: str = "INFO", json: bool = True) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_processor,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True  # our middleware logs each request
    # SQL logging prints statement parameters (outbox payloads hold OTPs and reset links):
    # drivers (and alembic, which /ready consults) log warnings and errors only.
    for name in ("sqlalchemy", "aiosqlite", "asyncpg", "alembic.runtime.migration"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
