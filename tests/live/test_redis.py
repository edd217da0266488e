"""Fan-out across two app instances (two servers, two hubs) through the real local Redis."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import empty_all_tables
from tests.live.conftest import REDIS_URL, World, app_with, receive, serving, signed_in
from tradehub.config import Settings
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.live.redis_hub import RedisHub
from tradehub.trade_desk import events

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
async def instances(
    test_settings: Settings, engine: AsyncEngine
) -> AsyncIterator[tuple[World, World]]:
    """Two servers as two processes would run them, on a Redis channel prefix of their own."""
    settings = test_settings.model_copy(
        update={"redis_url": REDIS_URL, "live_channel_prefix": f"tradehub-test:{uuid.uuid4().hex}:"}
    )
    first, second = app_with(settings, engine), app_with(settings, engine)
    async with serving(first) as first_url, serving(second) as second_url:
        yield World(engine, first, first_url), World(engine, second, second_url)


@pytest.fixture
async def pair(
    instances: tuple[World, World], engine: AsyncEngine
) -> AsyncIterator[tuple[World, World]]:
    try:
        yield instances
    finally:
        await empty_all_tables(engine)


async def test_each_instance_has_its_own_redis_hub(pair: tuple[World, World]) -> None:
    first, second = pair
    hubs = first.app.state.live_hub, second.app.state.live_hub
    assert all(isinstance(hub, RedisHub) for hub in hubs)
    assert hubs[0] is not hubs[1]
    assert hubs[0].connected and hubs[1].connected


async def test_a_user_event_published_on_one_instance_reaches_a_socket_on_the_other(
    pair: tuple[World, World],
) -> None:
    first, second = pair
    member = await first.member()
    on_second, on_first = await signed_in(second.url, member), await signed_in(first.url, member)
    channel = f"user:{member.user_id}"
    await first.app.state.live_hub.publish(channel, "offer.countered", {"price": "55100.00"})
    for client in (on_second, on_first):
        assert await receive(client) == {
            "event": "offer.countered",
            "channel": channel,
            "data": {"price": "55100.00"},
        }
    await on_second.close()
    await on_first.close()


async def test_an_organization_event_crosses_instances_to_its_staff(
    pair: tuple[World, World],
) -> None:
    first, second = pair
    organization, (branch,) = await first.organization(branches=1)
    staff = await first.member(roles=["sales"], branch_ids=[branch])
    client = await signed_in(first.url, staff)
    channel = f"organization:{organization}"
    await client.send(json.dumps({"type": "subscribe", "channel": channel}))
    assert await receive(client) == {"type": "subscribed", "channel": channel}
    await second.app.state.live_hub.publish(channel, "requirement.posted", {"bales": 100})
    message = await receive(client)
    assert (message["event"], message["data"]) == ("requirement.posted", {"bales": 100})
    await client.close()


async def test_a_trade_desk_event_committed_on_one_instance_reaches_the_other(
    pair: tuple[World, World], engine: AsyncEngine
) -> None:
    first, second = pair
    buyer = await first.member(roles=["partner"], partner_id=uuid.uuid4())
    client = await signed_in(second.url, buyer)
    # One process, one sink: here both apps share the module-level sink list, so the second's
    # sink steps aside while the first instance commits (as if it were another process).
    events.remove_sink(second.app.state.live_sink)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            await events.publish(
                session, events.OFFER_SUBMITTED, {"offer_id": "o-9"}, user_ids=[buyer.user_id]
            )
        message = await receive(client)
    finally:
        events.add_sink(second.app.state.live_sink)
    assert (message["event"], message["data"]) == ("offer.submitted", {"offer_id": "o-9"})
    assert uuid.UUID(message["id"])
    await client.send(json.dumps({"type": "ping"}))
    assert await receive(client) == {"type": "pong"}  # delivered once
    await client.close()
