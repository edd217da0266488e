"""Fan-out across processes through Redis pub/sub.

- ``publish`` sends the encoded message to ``<prefix><channel>`` from a pooled client.
- Each process holds ONE subscriber connection. A channel is subscribed there (``SUBSCRIBE``)
  when its first local socket subscribes and unsubscribed when its last one leaves; a socket's
  subscribe waits for Redis to confirm, so an event published after the client's
  ``subscribed`` reply is not missed.
- A reader task hands each message to the local fan-out (``hub.LocalFanout``). When the
  connection breaks it reconnects with exponential backoff (full jitter, capped), subscribes
  every wanted channel again, and then sends ``live.resync`` to every local socket: pub/sub is
  at-most-once, so events of the gap are lost and the clients refetch.
- Redis down: publishing raises (the trade desk sink logs it; the request is long committed),
  subscribing still answers after a short wait, and the reader keeps retrying.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from collections.abc import Mapping
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import RedisError

from tradehub.kit.logging import get_logger
from tradehub.live.domain import RESYNC_EVENT
from tradehub.live.hub import HubClosed, LocalFanout, Subscriber
from tradehub.live.schemas import event_message, notice

log = get_logger("tradehub.live")

READ_TIMEOUT_SECONDS = 1.0  # how long one read waits before looping (and checking health)
HEALTH_CHECK_SECONDS = 15  # a PING on the subscriber connection when it has been quiet
CONFIRM_TIMEOUT_SECONDS = 3.0
BACKOFF_BASE_SECONDS = 0.1
BACKOFF_CAP_SECONDS = 5.0


def backoff_delay(failures: int, *, base: float, cap: float) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base · 2^(failures-1))]."""
    ceiling = min(cap, base * 2 ** max(failures - 1, 0))
    return random.uniform(0, ceiling)  # noqa: S311 - jitter, not a secret


class RedisHub:
    def __init__(
        self,
        url: str,
        *,
        prefix: str,
        backoff_base: float = BACKOFF_BASE_SECONDS,
        backoff_cap: float = BACKOFF_CAP_SECONDS,
        confirm_timeout: float = CONFIRM_TIMEOUT_SECONDS,
    ) -> None:
        self._prefix = prefix
        self._confirm_timeout = confirm_timeout
        self._hub_id = uuid.uuid4().hex[:12]
        # Kept subscribed so the reader always has a connection to read and health-check.
        self._control_channel = f"{prefix}__hub__:{self._hub_id}"
        self._backoff = (backoff_base, backoff_cap)
        self._publisher = Redis.from_url(
            url,
            socket_connect_timeout=2,
            socket_timeout=2,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
        )
        # No retries below us: a broken subscriber connection comes to our loop, which
        # resubscribes everything and tells the sockets they may have missed events.
        self._listener = Redis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=2,
            socket_timeout=5,
            health_check_interval=HEALTH_CHECK_SECONDS,
            retry=Retry(NoBackoff(), 0),
            client_name=self.client_name,
        )
        self._fanout = LocalFanout()
        self._confirmed: dict[str, asyncio.Event] = {}
        self._pubsub: PubSub | None = None
        self._first_connect = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def client_name(self) -> str:
        """The subscriber connection's name in Redis ``CLIENT LIST``."""
        return f"tradehub-live-{self._hub_id}"

    @property
    def connected(self) -> bool:
        return self._pubsub is not None

    async def start(self) -> None:
        """Start the reader and give it a moment to connect; Redis being down delays nothing
        for long (the app starts and serves; the reader keeps trying)."""
        if self._reader is None:
            self._reader = asyncio.get_running_loop().create_task(self._run())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._first_connect.wait(), self._confirm_timeout)

    async def publish(
        self,
        channel: str,
        event: str,
        data: Mapping[str, Any],
        *,
        event_id: uuid.UUID | None = None,
    ) -> None:
        if not self._closed:
            message = event_message(channel, event, data, event_id=event_id)
            await self._publisher.publish(self._prefix + channel, message)

    def subscriber(self, *, queue_size: int) -> Subscriber:
        subscriber = Subscriber(self, queue_size=queue_size)
        if self._closed:
            subscriber.end(HubClosed("the hub is closed"))
        return subscriber

    async def attach(self, channel: str, subscriber: Subscriber) -> None:
        """Return once Redis confirms the channel, or after ``confirm_timeout`` when Redis is
        away: the channel is subscribed when it is back, and ``live.resync`` follows."""
        try:
            async with asyncio.timeout(self._confirm_timeout):
                if self._fanout.add(channel, subscriber):
                    self._confirmed[channel] = asyncio.Event()
                    await self._send("subscribe", channel)
                confirmed = self._confirmed.get(channel)
                if confirmed is not None:
                    await confirmed.wait()
        except TimeoutError:
            log.warning("live.redis_subscribe_unconfirmed", channel=channel)

    async def detach(self, channel: str, subscriber: Subscriber) -> None:
        if self._fanout.remove(channel, subscriber):
            self._confirmed.pop(channel, None)
            await self._send("unsubscribe", channel)

    async def _send(self, command: str, channel: str) -> None:
        pubsub = self._pubsub
        if pubsub is None:  # (re)connecting: the connection subscribes every wanted channel
            return
        try:
            if command == "subscribe":
                await pubsub.subscribe(self._prefix + channel)
            else:
                await pubsub.unsubscribe(self._prefix + channel)
        except (RedisError, OSError) as exc:  # the reader sees the same break and reconnects
            log.warning("live.redis_command_failed", command=command, error=type(exc).__name__)

    async def close(self) -> None:
        self._closed = True
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        for subscriber in self._fanout.everyone():
            subscriber.end(HubClosed("the server is shutting down"))
        await self._listener.aclose()
        await self._publisher.aclose()

    # --- the reader ---------------------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        while not self._closed:
            pubsub: PubSub | None = None
            try:
                pubsub = await self._connect()
                if failures:
                    log.info("live.redis_reconnected", attempts=failures)
                    self._announce_gap()
                failures = 0
                await self._read(pubsub)
            except (RedisError, OSError) as exc:
                failures += 1
                log.warning("live.redis_lost", error=type(exc).__name__, attempt=failures)
            except Exception:  # the reader must outlive any surprise; logged with its traceback
                failures += 1
                log.exception("live.redis_reader_failed", attempt=failures)
            finally:
                self._disconnected()
                if pubsub is not None:
                    await _close_quietly(pubsub)
            await asyncio.sleep(
                backoff_delay(failures, base=self._backoff[0], cap=self._backoff[1])
            )

    async def _connect(self) -> PubSub:
        pubsub = self._listener.pubsub()
        try:
            await pubsub.connect()  # type: ignore[no-untyped-call]
            # From here attach() sends its own SUBSCRIBE; the snapshot below is taken with no
            # await in between, so no channel falls between the two.
            self._pubsub = pubsub
            wanted = [self._prefix + channel for channel in self._fanout.channels()]
            await pubsub.subscribe(self._control_channel, *wanted)
        except BaseException:
            self._pubsub = None
            await _close_quietly(pubsub)
            raise
        self._first_connect.set()
        return pubsub

    async def _read(self, pubsub: PubSub) -> None:
        while True:
            message = await pubsub.get_message(timeout=READ_TIMEOUT_SECONDS)
            if message is None:
                continue
            kind, raw_channel = message.get("type"), message.get("channel")
            if not isinstance(raw_channel, str) or not raw_channel.startswith(self._prefix):
                continue
            channel = raw_channel[len(self._prefix) :]
            if kind == "message" and isinstance(message.get("data"), str):
                self._fanout.dispatch(channel, message["data"])
            elif kind == "subscribe" and channel in self._confirmed:
                self._confirmed[channel].set()

    def _disconnected(self) -> None:
        self._pubsub = None
        for confirmed in self._confirmed.values():
            confirmed.clear()

    def _announce_gap(self) -> None:
        message = notice(RESYNC_EVENT, {"reason": "event_stream_interrupted"})
        for subscriber in self._fanout.everyone():
            subscriber.deliver(message)


async def _close_quietly(pubsub: PubSub) -> None:
    try:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
    except (RedisError, OSError) as exc:
        log.debug("live.redis_close_failed", error=type(exc).__name__)
