"""Trade desk events reach the sockets after their transaction commits, and only then."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.live.conftest import World, receive, signed_in
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.live.sink import channels_of
from tradehub.trade_desk import events

pytestmark = pytest.mark.live


def test_an_event_goes_to_each_users_channel_and_its_organizations() -> None:
    users, organization = [uuid.uuid4(), uuid.uuid4()], uuid.uuid4()
    event = events.Event(
        name=events.OFFER_ACCEPTED, data={}, user_ids=tuple(users), organization_id=organization
    )
    expected = [f"user:{users[0]}", f"user:{users[1]}", f"organization:{organization}"]
    assert channels_of(event) == expected
    assert channels_of(events.Event(name=events.OFFER_REJECTED, data={})) == []


async def test_a_committed_event_reaches_the_user_and_the_organization_once_each(
    live_world: World, engine: AsyncEngine
) -> None:
    organization, _ = await live_world.organization()
    buyer = await live_world.member(roles=["partner"], partner_id=uuid.uuid4())
    staff = await live_world.member(roles=["manager"])
    buyer_client, staff_client = (
        await signed_in(live_world.url, buyer),
        await signed_in(live_world.url, staff),
    )
    channel = f"organization:{organization}"
    await staff_client.send(json.dumps({"type": "subscribe", "channel": channel}))
    assert (await receive(staff_client))["type"] == "subscribed"

    contract_id, offer_id = uuid.uuid4(), uuid.uuid4()
    async with session_scope(create_sessionmaker(engine)) as session:
        await events.publish(
            session,
            events.OFFER_ACCEPTED,
            {"offer_id": offer_id, "contract_id": contract_id},
            user_ids=[buyer.user_id],
            organization_id=organization,
        )
    to_buyer, to_staff = await receive(buyer_client), await receive(staff_client)
    data = {"offer_id": str(offer_id), "contract_id": str(contract_id)}
    assert (to_buyer["event"], to_buyer["channel"], to_buyer["data"]) == (
        "offer.accepted",
        f"user:{buyer.user_id}",
        data,
    )
    assert (to_staff["channel"], to_staff["data"]) == (channel, data)
    assert to_buyer["id"] == to_staff["id"]  # one event, two channels: the client can dedupe
    for client in (buyer_client, staff_client):
        await client.send(json.dumps({"type": "ping"}))
        assert await receive(client) == {"type": "pong"}
        await client.close()


async def test_a_rolled_back_event_reaches_nobody(live_world: World, engine: AsyncEngine) -> None:
    seller = await live_world.member(roles=["partner"], partner_id=uuid.uuid4())
    client = await signed_in(live_world.url, seller)

    async def failing_request() -> None:
        async with session_scope(create_sessionmaker(engine)) as session:
            await events.publish(
                session, events.REQUIREMENT_POSTED, {"n": 1}, user_ids=[seller.user_id]
            )
            raise RuntimeError("business rule failed")

    with pytest.raises(RuntimeError, match="business rule"):
        await failing_request()
    async with session_scope(create_sessionmaker(engine)) as session:
        await events.publish(
            session, events.TESTED_LOT_UPLOADED, {"n": 2}, user_ids=[seller.user_id]
        )
    message = await receive(client)
    assert (message["event"], message["data"]) == ("tested_lot.uploaded", {"n": 2})
    await client.close()
