"""The socket protocol's messages (domain.md §4.7): what a client may send, what it receives.

Client → server (text frames, JSON; unknown extra fields are ignored):
``{"type": "auth", "token": "Bearer <access token>"}`` (first message; a bare token is accepted),
``{"type": "subscribe" | "unsubscribe", "channel": "user:<id>" | "organization:<id>"}``,
``{"type": "ping"}``.

Server → client: ``{"type": "auth_success" | "auth_failed" | "subscribed" | "unsubscribed" |
"pong" | "error", ...}`` replies, and events ``{"event", "channel", "data"}``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import to_jsonable_python

from tradehub.live.domain import BAD_MESSAGE, MALFORMED_JSON


class _ClientMessage(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class AuthMessage(_ClientMessage):
    type: Literal["auth"]
    token: str = Field(min_length=1, max_length=4000)


class SubscribeMessage(_ClientMessage):
    type: Literal["subscribe"]
    channel: str = Field(min_length=1, max_length=100)


class UnsubscribeMessage(_ClientMessage):
    type: Literal["unsubscribe"]
    channel: str = Field(min_length=1, max_length=100)


class PingMessage(_ClientMessage):
    type: Literal["ping"]


ClientMessage = Annotated[
    AuthMessage | SubscribeMessage | UnsubscribeMessage | PingMessage,
    Field(discriminator="type"),
]
_client_message: TypeAdapter[ClientMessage] = TypeAdapter(ClientMessage)


class ProtocolError(Exception):
    """A client message that cannot be understood; answered with an ``error`` message."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


def parse_client_message(text: str) -> ClientMessage:
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise ProtocolError(MALFORMED_JSON, "The message is not valid JSON") from exc
    try:
        return _client_message.validate_python(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'message'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False)
        )
        raise ProtocolError(BAD_MESSAGE, problems) from exc


def encode(payload: Mapping[str, Any]) -> str:
    """Compact JSON; UUIDs, decimals (as strings) and datetimes (RFC 3339) rendered for JSON."""
    return json.dumps(to_jsonable_python(payload), separators=(",", ":"), ensure_ascii=False)


def event_message(
    channel: str, event: str, data: Mapping[str, Any], *, event_id: uuid.UUID | None = None
) -> str:
    """``{"event", "channel", "data"}``, plus ``id`` when the event has one: a client subscribed
    to two channels that both carry an event (its user and its organization) drops the copy."""
    body: dict[str, Any] = {"event": event, "channel": channel, "data": data}
    if event_id is not None:
        body["id"] = event_id
    return encode(body)


def notice(event: str, data: Mapping[str, Any]) -> str:
    """An event about the connection itself, on no channel (``live.resync``)."""
    return encode({"event": event, "data": data})


def auth_success(user_id: uuid.UUID, channels: Iterable[str], expires_at: datetime) -> str:
    return encode(
        {
            "type": "auth_success",
            "user_id": user_id,
            "channels": sorted(channels),
            "expires_at": expires_at,
        }
    )


def auth_failed(code: str) -> str:
    return encode({"type": "auth_failed", "code": code})


def error(code: str, detail: str, *, channel: str | None = None) -> str:
    body: dict[str, Any] = {"type": "error", "code": code, "detail": detail}
    if channel is not None:
        body["channel"] = channel
    return encode(body)


def subscribed(channel: str) -> str:
    return encode({"type": "subscribed", "channel": channel})


def unsubscribed(channel: str) -> str:
    return encode({"type": "unsubscribed", "channel": channel})


def pong() -> str:
    return encode({"type": "pong"})
