"""One live socket, from the first message to the close.

1. Auth: the first message, within ``auth_timeout_seconds``, must be ``{"type": "auth",
   "token": ...}`` with a valid access token; anything else (or nothing) → ``auth_failed`` and
   close 4401. On success the socket is subscribed to its user's channel.
2. Then three tasks race; the first to finish decides the close:
   - reader: client messages (subscribe, unsubscribe, ping); bad ones get an ``error``;
     a message over ``max_message_bytes`` closes with 1009;
   - writer: hub messages to the client; a subscriber that fell behind closes with 1013;
   - watchdog: closes with 4401 when the access token expires, and re-checks the session
     every ``recheck_seconds`` (logout, revocation or deactivation → 4401).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from tradehub.kit.errors import NotAuthenticated
from tradehub.kit.logging import get_logger
from tradehub.kit.types import utcnow
from tradehub.live import schemas, service
from tradehub.live.domain import (
    ALREADY_AUTHENTICATED,
    AUTH_TIMEOUT,
    BAD_MESSAGE,
    CHANNEL_FORBIDDEN,
    CLOSE_FORBIDDEN,
    CLOSE_GOING_AWAY,
    CLOSE_INTERNAL,
    CLOSE_NOT_AUTHENTICATED,
    CLOSE_TOO_LARGE,
    CLOSE_TRY_AGAIN_LATER,
    MESSAGE_TOO_LARGE,
    NOT_AUTHENTICATED,
    PASSWORD_CHANGE_REQUIRED,
    TOO_MANY_SUBSCRIPTIONS,
    Access,
    Channel,
    LiveLimits,
    bearer_token,
    channel_access,
    parse_channel,
    user_channel,
)
from tradehub.live.hub import Hub, HubClosed, SlowConsumer, Subscriber, SubscriberEnded
from tradehub.live.schemas import (
    AuthMessage,
    ClientMessage,
    PingMessage,
    ProtocolError,
    SubscribeMessage,
)
from tradehub.live.service import SocketIdentity

log = get_logger("tradehub.live")

_GONE = (WebSocketDisconnect, OSError)  # the client went away while we sent or read


@dataclass(frozen=True)
class Close:
    code: int
    reason: str


class LiveSocket:
    def __init__(self, websocket: WebSocket, hub: Hub, limits: LiveLimits) -> None:
        self.websocket = websocket
        self.hub = hub
        self.limits = limits
        self.connection_id = uuid.uuid4().hex
        self.client = websocket.client.host if websocket.client else None
        self._send_lock = asyncio.Lock()
        state = websocket.app.state
        self._sessionmaker = state.sessionmaker
        self._identity = state.identity

    async def serve(self) -> None:
        await self.websocket.accept()
        try:
            who = await self._authenticate()
            if who is None:
                return
            close = await self._serve_authenticated(who)
        except _GONE:
            return
        if close is not None:
            await self._close(close)

    # --- auth ---------------------------------------------------------------------------------

    async def _authenticate(self) -> tuple[SocketIdentity, str] | None:
        try:
            first = await asyncio.wait_for(
                self.websocket.receive(), self.limits.auth_timeout_seconds
            )
        except TimeoutError:
            await self._refuse(AUTH_TIMEOUT, "no auth message in time")
            return None
        if first["type"] == "websocket.disconnect":
            return None
        token = self._token_of(first)
        if token is None:
            await self._refuse(NOT_AUTHENTICATED, "the first message was not an auth message")
            return None
        try:
            who = await service.authenticate(self._sessionmaker, self._identity, token)
        except NotAuthenticated as exc:
            await self._refuse(NOT_AUTHENTICATED, str(exc))
            return None
        except SQLAlchemyError as exc:  # cannot tell: the client retries later
            log.warning("live.auth_unavailable", connection_id=self.connection_id, error=str(exc))
            await self._close(Close(CLOSE_INTERNAL, "try again later"))
            return None
        if who.principal.must_change_password:
            await self._refuse(PASSWORD_CHANGE_REQUIRED, "temporary password", CLOSE_FORBIDDEN)
            return None
        log.info(
            "live.auth_succeeded",
            connection_id=self.connection_id,
            user_id=str(who.principal.user_id),
            client=self.client,
        )
        return who, token

    def _token_of(self, message: Mapping[str, Any]) -> str | None:
        text = message.get("text")
        if not isinstance(text, str) or self._too_large(text):
            return None
        try:
            parsed = schemas.parse_client_message(text)
        except ProtocolError:
            return None
        if not isinstance(parsed, AuthMessage):
            return None
        return bearer_token(parsed.token)

    async def _refuse(self, code: str, why: str, close_code: int = CLOSE_NOT_AUTHENTICATED) -> None:
        log.warning(
            "live.auth_failed", connection_id=self.connection_id, client=self.client, reason=why
        )
        with contextlib.suppress(*_GONE):
            await self._send(schemas.auth_failed(code))
        await self._close(Close(close_code, "authentication failed"))

    # --- after auth ---------------------------------------------------------------------------

    async def _serve_authenticated(self, who: tuple[SocketIdentity, str]) -> Close | None:
        identity, token = who
        subscriber = self.hub.subscriber(queue_size=self.limits.queue_size)
        try:
            own = user_channel(identity.principal.user_id)
            await subscriber.subscribe(own)
            await self._send(
                schemas.auth_success(identity.principal.user_id, [own], identity.expires_at)
            )
            return await self._race(
                self._read(subscriber, identity),
                self._write(subscriber),
                self._watch(identity, token),
            )
        finally:
            await subscriber.close()

    async def _race(self, *jobs: Any) -> Close | None:
        tasks = [asyncio.ensure_future(job) for job in jobs]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        finished = done.pop()
        error = finished.exception()
        if error is None:
            result: Close | None = finished.result()
            return result
        if isinstance(error, _GONE):
            return None
        if isinstance(error, TimeoutError):  # a send did not complete in time: client stalled
            return Close(CLOSE_TRY_AGAIN_LATER, "too slow: reconnect and refetch")
        log.error(
            "live.socket_failed",
            connection_id=self.connection_id,
            error=type(error).__name__,
            exc_info=error,
        )
        return Close(CLOSE_INTERNAL, "internal error")

    async def _read(self, subscriber: Subscriber, who: SocketIdentity) -> Close | None:
        while True:
            message = await self.websocket.receive()
            if message["type"] == "websocket.disconnect":
                return None
            text = message.get("text")
            if not isinstance(text, str):
                await self._send(schemas.error(BAD_MESSAGE, "Send JSON in text frames"))
                continue
            if self._too_large(text):
                limit = self.limits.max_message_bytes
                await self._send(schemas.error(MESSAGE_TOO_LARGE, f"At most {limit} bytes"))
                return Close(CLOSE_TOO_LARGE, "message too large")
            try:
                parsed = schemas.parse_client_message(text)
            except ProtocolError as exc:
                await self._send(schemas.error(exc.code, exc.detail))
                continue
            await self._send(await self._answer(parsed, subscriber, who))

    async def _answer(
        self, message: ClientMessage, subscriber: Subscriber, who: SocketIdentity
    ) -> str:
        if isinstance(message, PingMessage):
            return schemas.pong()
        if isinstance(message, AuthMessage):
            return schemas.error(ALREADY_AUTHENTICATED, "This socket is already signed in")
        channel = parse_channel(message.channel)
        if channel is None:
            detail = "A channel is user:<id> or organization:<id>"
            return schemas.error(BAD_MESSAGE, detail, channel=message.channel)
        if not isinstance(message, SubscribeMessage):
            await subscriber.unsubscribe(channel.name)
            return schemas.unsubscribed(channel.name)
        if channel.name in subscriber.channels:
            return schemas.subscribed(channel.name)
        if len(subscriber.channels) >= self.limits.max_subscriptions:
            detail = f"At most {self.limits.max_subscriptions} channels per socket"
            return schemas.error(TOO_MANY_SUBSCRIPTIONS, detail, channel=channel.name)
        if not await self._may_see(channel, who):
            detail = "This channel is not yours to see"
            return schemas.error(CHANNEL_FORBIDDEN, detail, channel=channel.name)
        await subscriber.subscribe(channel.name)
        return schemas.subscribed(channel.name)

    async def _may_see(self, channel: Channel, who: SocketIdentity) -> bool:
        access = channel_access(channel, who.principal)
        if access is Access.ORGANIZATION_MEMBERSHIP:
            return await service.is_organization_member(
                self._sessionmaker, who.principal, channel.id
            )
        return access is Access.ALLOWED

    async def _write(self, subscriber: Subscriber) -> Close:
        while True:
            try:
                message = await subscriber.get()
            except SlowConsumer:
                log.warning("live.slow_consumer", connection_id=self.connection_id)
                return Close(CLOSE_TRY_AGAIN_LATER, "too slow: reconnect and refetch")
            except HubClosed:
                return Close(CLOSE_GOING_AWAY, "server shutting down")
            except SubscriberEnded:
                return Close(CLOSE_GOING_AWAY, "closed")
            await self._send(message)

    async def _watch(self, who: SocketIdentity, token: str) -> Close:
        while True:
            remaining = (who.expires_at - utcnow()).total_seconds()
            if remaining <= 0:
                return Close(CLOSE_NOT_AUTHENTICATED, "access token expired")
            await asyncio.sleep(min(remaining, self.limits.recheck_seconds))
            if utcnow() >= who.expires_at:
                continue
            try:
                await service.authenticate(self._sessionmaker, self._identity, token, touch=False)
            except NotAuthenticated:
                return Close(CLOSE_NOT_AUTHENTICATED, "session ended")
            except (SQLAlchemyError, OSError) as exc:  # the database is away: keep the socket
                log.warning("live.recheck_failed", connection_id=self.connection_id, error=str(exc))

    # --- plumbing -----------------------------------------------------------------------------

    def _too_large(self, text: str) -> bool:
        limit = self.limits.max_message_bytes
        return len(text) > limit or len(text.encode()) > limit

    async def _send(self, text: str) -> None:
        async with self._send_lock:
            await asyncio.wait_for(self.websocket.send_text(text), self.limits.send_timeout_seconds)

    async def _close(self, close: Close) -> None:
        if self.websocket.application_state is not WebSocketState.CONNECTED:
            return
        with contextlib.suppress(*_GONE, RuntimeError):
            await self.websocket.close(code=close.code, reason=close.reason)
