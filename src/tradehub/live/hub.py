"""The hub: ``publish(channel, event, data)`` reaches every socket subscribed to ``channel``.

Each socket owns a ``Subscriber`` with a bounded queue of encoded messages. Publishing never
waits for a socket: a message is put in each subscriber's queue without blocking, and a
subscriber whose queue is full has fallen behind, so it is ended (``SlowConsumer``) and its
socket closed with 1013; the client reconnects and refetches. Dropping the oldest messages
instead would leave a client silently showing stale state.

``InProcessHub`` serves one process (no ``TRADEHUB_REDIS_URL``); ``RedisHub`` (``redis_hub.py``)
fans out across processes through Redis pub/sub and hands what arrives to the same local
fan-out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from typing import Any, Protocol

from tradehub.live.schemas import event_message


class SubscriberEnded(Exception):
    """The subscriber gets no more messages; the socket should close."""


class SlowConsumer(SubscriberEnded):
    """The subscriber's queue overflowed: its client did not read fast enough."""


class HubClosed(SubscriberEnded):
    """The hub is shutting down."""


class _Registry(Protocol):
    async def attach(self, channel: str, subscriber: Subscriber) -> None: ...

    async def detach(self, channel: str, subscriber: Subscriber) -> None: ...


class Subscriber:
    """One socket's view of the hub: its channels and the messages waiting to be sent."""

    def __init__(self, registry: _Registry, *, queue_size: int) -> None:
        self._registry = registry
        # None is the end marker, queued once the subscriber ends so a waiting get() wakes.
        self._queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=queue_size + 1)
        self._capacity = queue_size
        self._channels: set[str] = set()
        self._ended: SubscriberEnded | None = None

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(self._channels)

    @property
    def ended(self) -> SubscriberEnded | None:
        return self._ended

    async def subscribe(self, channel: str) -> None:
        if self._ended is not None or channel in self._channels:
            return
        self._channels.add(channel)
        await self._registry.attach(channel, self)

    async def unsubscribe(self, channel: str) -> None:
        if channel in self._channels:
            self._channels.discard(channel)
            await self._registry.detach(channel, self)

    async def close(self) -> None:
        self.end(SubscriberEnded("closed"))
        for channel in list(self._channels):
            await self.unsubscribe(channel)

    async def get(self) -> str:
        """The next message to send; raises the reason once the subscriber has ended."""
        message = await self._queue.get()
        if message is None:
            assert self._ended is not None
            raise self._ended
        return message

    def deliver(self, message: str) -> None:
        """Queue ``message`` without ever waiting; a full queue ends the subscriber."""
        if self._ended is not None:
            return
        if self._queue.qsize() >= self._capacity:
            self.end(SlowConsumer(f"more than {self._capacity} messages waiting"))
            return
        self._queue.put_nowait(message)

    def end(self, reason: SubscriberEnded) -> None:
        if self._ended is not None:
            return
        self._ended = reason
        while not self._queue.empty():  # what was waiting will never be sent
            self._queue.get_nowait()
        self._queue.put_nowait(None)


class LocalFanout:
    """Channel → the subscribers of this process. Synchronous: no awaits, so no interleaving."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[Subscriber]] = {}

    def add(self, channel: str, subscriber: Subscriber) -> bool:
        """Add; True when ``channel`` had no subscriber here before."""
        members = self._subscribers.setdefault(channel, set())
        first = not members
        members.add(subscriber)
        return first

    def remove(self, channel: str, subscriber: Subscriber) -> bool:
        """Remove; True when ``channel`` has no subscriber here any more."""
        members = self._subscribers.get(channel)
        if members is None:
            return False
        members.discard(subscriber)
        if members:
            return False
        del self._subscribers[channel]
        return True

    def channels(self) -> set[str]:
        return set(self._subscribers)

    def dispatch(self, channel: str, message: str) -> int:
        members = self._subscribers.get(channel, ())
        for subscriber in list(members):
            subscriber.deliver(message)
        return len(members)

    def everyone(self) -> set[Subscriber]:
        return set().union(*self._subscribers.values()) if self._subscribers else set()


class Hub(Protocol):
    async def publish(
        self,
        channel: str,
        event: str,
        data: Mapping[str, Any],
        *,
        event_id: uuid.UUID | None = None,
    ) -> None: ...

    def subscriber(self, *, queue_size: int) -> Subscriber: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


class InProcessHub:
    """Fan-out inside one process: a publish reaches this process's sockets only."""

    def __init__(self) -> None:
        self._fanout = LocalFanout()
        self._closed = False

    async def start(self) -> None:
        return None

    async def publish(
        self,
        channel: str,
        event: str,
        data: Mapping[str, Any],
        *,
        event_id: uuid.UUID | None = None,
    ) -> None:
        if not self._closed:
            self._fanout.dispatch(channel, event_message(channel, event, data, event_id=event_id))

    def subscriber(self, *, queue_size: int) -> Subscriber:
        subscriber = Subscriber(self, queue_size=queue_size)
        if self._closed:
            subscriber.end(HubClosed("the hub is closed"))
        return subscriber

    async def attach(self, channel: str, subscriber: Subscriber) -> None:
        self._fanout.add(channel, subscriber)

    async def detach(self, channel: str, subscriber: Subscriber) -> None:
        self._fanout.remove(channel, subscriber)

    async def close(self) -> None:
        self._closed = True
        for subscriber in self._fanout.everyone():
            subscriber.end(HubClosed("the server is shutting down"))
