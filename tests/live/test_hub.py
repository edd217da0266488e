"""The hubs without a server: in-process fan-out, slow consumers, and Redis across hubs."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

from tests.live.conftest import REDIS_URL
from tradehub.live.hub import HubClosed, InProcessHub, SlowConsumer, Subscriber
from tradehub.live.redis_hub import RedisHub, backoff_delay

GET_SECONDS = 5.0


async def next_message(subscriber: Subscriber) -> dict[str, object]:
    message: dict[str, object] = json.loads(await asyncio.wait_for(subscriber.get(), GET_SECONDS))
    return message


async def nothing_waiting(subscriber: Subscriber) -> bool:
    try:
        await asyncio.wait_for(subscriber.get(), 0.2)
    except TimeoutError:
        return True
    return False


# --- in-process -------------------------------------------------------------------------------


async def test_a_publish_reaches_the_channels_subscribers_only() -> None:
    hub = InProcessHub()
    first, second, elsewhere = (hub.subscriber(queue_size=8) for _ in range(3))
    for subscriber in (first, second):
        await subscriber.subscribe("user:a")
    await elsewhere.subscribe("user:b")
    event_id = uuid.uuid4()
    await hub.publish("user:a", "offer.accepted", {"price": Decimal("1.50")}, event_id=event_id)
    for subscriber in (first, second):
        assert await next_message(subscriber) == {
            "event": "offer.accepted",
            "channel": "user:a",
            "data": {"price": "1.50"},
            "id": str(event_id),
        }
    assert await nothing_waiting(elsewhere)


async def test_unsubscribe_and_close_stop_delivery() -> None:
    hub = InProcessHub()
    subscriber = hub.subscriber(queue_size=8)
    await subscriber.subscribe("user:a")
    await subscriber.subscribe("organization:o")
    await subscriber.unsubscribe("user:a")
    await hub.publish("user:a", "x", {})
    assert await nothing_waiting(subscriber)
    await hub.publish("organization:o", "y", {})
    assert (await next_message(subscriber))["event"] == "y"
    await subscriber.close()
    assert subscriber.channels == frozenset()
    assert hub._fanout.channels() == set()  # nothing left behind for the closed socket


async def test_a_slow_consumer_never_blocks_the_publisher_and_is_ended() -> None:
    hub = InProcessHub()
    slow, fast = hub.subscriber(queue_size=8), hub.subscriber(queue_size=20_000)
    await slow.subscribe("organization:o")
    await fast.subscribe("organization:o")

    async def publish_many() -> None:
        for index in range(10_000):
            await hub.publish("organization:o", "tick", {"n": index})

    # Nobody reads while this runs: a publisher that waited for a reader would time out.
    await asyncio.wait_for(publish_many(), 10)
    with pytest.raises(SlowConsumer):
        await asyncio.wait_for(slow.get(), GET_SECONDS)
    received = [(await next_message(fast))["data"] for _ in range(10_000)]
    assert received == [{"n": index} for index in range(10_000)]


async def test_a_slow_consumer_loses_what_was_waiting_and_gets_nothing_more() -> None:
    hub = InProcessHub()
    subscriber = hub.subscriber(queue_size=2)
    await subscriber.subscribe("user:a")
    for index in range(3):
        await hub.publish("user:a", "tick", {"n": index})
    assert isinstance(subscriber.ended, SlowConsumer)
    with pytest.raises(SlowConsumer):
        await subscriber.get()
    await subscriber.subscribe("user:b")  # an ended subscriber takes no new channel
    assert "user:b" not in subscriber.channels


async def test_closing_the_hub_ends_every_subscriber() -> None:
    hub = InProcessHub()
    subscriber = hub.subscriber(queue_size=8)
    await subscriber.subscribe("user:a")
    waiting = asyncio.ensure_future(subscriber.get())
    await asyncio.sleep(0)
    await hub.close()
    with pytest.raises(HubClosed):
        await asyncio.wait_for(waiting, GET_SECONDS)
    with pytest.raises(HubClosed):
        await hub.subscriber(queue_size=8).get()


# --- Redis ------------------------------------------------------------------------------------


@pytest.fixture
async def redis_hubs() -> AsyncIterator[tuple[RedisHub, RedisHub]]:
    """Two hubs as two processes would have them, on a channel prefix of this test alone."""
    prefix = f"tradehub-test:{uuid.uuid4().hex}:"
    hubs = (
        RedisHub(REDIS_URL, prefix=prefix, backoff_base=0.05, backoff_cap=0.2),
        RedisHub(REDIS_URL, prefix=prefix, backoff_base=0.05, backoff_cap=0.2),
    )
    for hub in hubs:
        await hub.start()
    try:
        yield hubs
    finally:
        for hub in hubs:
            await hub.close()


async def test_a_publish_on_one_redis_hub_reaches_the_other(
    redis_hubs: tuple[RedisHub, RedisHub],
) -> None:
    one, other = redis_hubs
    subscriber = other.subscriber(queue_size=8)
    await subscriber.subscribe("user:a")  # returns once Redis confirmed the subscription
    local = one.subscriber(queue_size=8)
    await local.subscribe("user:a")
    await one.publish("user:a", "offer.submitted", {"offer_id": "o-1"})
    expected = {"event": "offer.submitted", "channel": "user:a", "data": {"offer_id": "o-1"}}
    assert await next_message(subscriber) == expected
    assert await next_message(local) == expected  # the publishing process's sockets too
    await subscriber.unsubscribe("user:a")
    await one.publish("user:a", "offer.submitted", {"offer_id": "o-2"})
    assert await nothing_waiting(subscriber)


async def test_the_last_local_unsubscribe_unsubscribes_in_redis(
    redis_hubs: tuple[RedisHub, RedisHub],
) -> None:
    one, _ = redis_hubs
    first, second = one.subscriber(queue_size=8), one.subscriber(queue_size=8)
    await first.subscribe("user:a")
    await second.subscribe("user:a")
    channel = one._prefix + "user:a"
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        assert (await client.pubsub_numsub(channel)) == [(channel, 1)]  # one connection
        await first.close()
        assert (await client.pubsub_numsub(channel)) == [(channel, 1)]
        await second.close()
        for _ in range(50):
            if (await client.pubsub_numsub(channel)) == [(channel, 0)]:
                break
            await asyncio.sleep(0.05)
        assert (await client.pubsub_numsub(channel)) == [(channel, 0)]
    finally:
        await client.aclose()


async def kill_connection_named(name: str) -> None:
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        ids = [entry["id"] for entry in await client.client_list() if entry["name"] == name]
        assert len(ids) == 1, ids
        assert await client.client_kill_filter(_id=ids[0]) == 1
    finally:
        await client.aclose()


async def test_a_lost_redis_connection_is_reopened_and_sockets_are_told_to_resync(
    redis_hubs: tuple[RedisHub, RedisHub],
) -> None:
    one, other = redis_hubs
    subscriber = other.subscriber(queue_size=8)
    await subscriber.subscribe("organization:o")
    await kill_connection_named(other.client_name)

    assert await next_message(subscriber) == {
        "event": "live.resync",
        "data": {"reason": "event_stream_interrupted"},
    }
    assert other.connected
    await one.publish("organization:o", "tested_lot.uploaded", {"lot_id": "l-1"})
    assert (await next_message(subscriber))["data"] == {"lot_id": "l-1"}


async def test_redis_down_neither_hangs_subscribers_nor_hides_publish_failures() -> None:
    hub = RedisHub("redis://127.0.0.1:1/0", prefix="x:", confirm_timeout=0.3)
    await hub.start()
    try:
        subscriber = hub.subscriber(queue_size=8)
        await asyncio.wait_for(subscriber.subscribe("user:a"), 5)  # answers, does not hang
        assert "user:a" in subscriber.channels
        assert not hub.connected
        with pytest.raises(RedisError):
            await hub.publish("user:a", "x", {})
    finally:
        await asyncio.wait_for(hub.close(), 5)


@pytest.mark.parametrize("failures", [0, 1, 2, 5, 10, 100])
def test_backoff_grows_and_is_capped(failures: int) -> None:
    ceiling = min(5.0, 0.1 * 2 ** max(failures - 1, 0))
    delays = [backoff_delay(failures, base=0.1, cap=5.0) for _ in range(200)]
    assert all(0 <= delay <= ceiling for delay in delays)
