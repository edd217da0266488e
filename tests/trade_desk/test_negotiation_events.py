"""Trade desk events reach the sinks only after the transaction commits, never after a
rollback; each step publishes its event to the right users."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import World
from tests.trade_desk.helpers import (
    LOTS,
    OFFERS,
    REQUIREMENTS,
    created,
    lot_body,
    offer_body,
    requirement_body,
    step,
)
from tradehub.auth.models import User
from tradehub.trade_desk import events


@pytest.fixture
def delivered() -> Iterator[list[events.Event]]:
    received: list[events.Event] = []
    events.add_sink(received.append)
    try:
        yield received
    finally:
        events.remove_sink(received.append)


async def test_published_events_wait_for_the_commit(
    db: AsyncSession, delivered: list[events.Event]
) -> None:
    await events.publish(db, "offer.countered", {"n": 1}, user_ids=[uuid.uuid4()] * 2)
    await db.flush()
    assert delivered == []
    await db.commit()
    assert [(e.name, e.data) for e in delivered] == [("offer.countered", {"n": 1})]
    assert len(delivered[0].user_ids) == 1  # each user once


async def test_a_rollback_drops_them(db: AsyncSession, delivered: list[events.Event]) -> None:
    await events.publish(db, "offer.accepted", {"contract_id": "x"})
    await db.rollback()
    await db.commit()
    assert delivered == []
    await events.publish(db, "offer.rejected", {})
    await db.commit()
    assert [e.name for e in delivered] == ["offer.rejected"]


async def test_a_failing_sink_harms_neither_the_request_nor_other_sinks(
    db: AsyncSession, delivered: list[events.Event]
) -> None:
    def broken(_: events.Event) -> None:
        raise RuntimeError("socket closed")

    async def slow(event: events.Event) -> None:
        await asyncio.sleep(0)
        seen.append(event.name)

    seen: list[str] = []
    events.add_sink(broken)
    events.add_sink(slow)
    try:
        await events.publish(db, "tested_lot.uploaded", {})
        await db.commit()
        await asyncio.sleep(0.01)
    finally:
        events.remove_sink(broken)
        events.remove_sink(slow)
    assert [e.name for e in delivered] == ["tested_lot.uploaded"]
    assert seen == ["tested_lot.uploaded"]


async def _portal_user_ids(db: AsyncSession, partner_id: str) -> set[uuid.UUID]:
    rows = await db.scalars(select(User.id).where(User.partner_id == uuid.UUID(partner_id)))
    return set(rows)


async def test_each_step_publishes_to_the_other_side(
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: World,
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
    sales: dict[str, str],
    delivered: list[events.Event],
) -> None:
    buyers = await _portal_user_ids(db, world.buyer["id"])
    sellers = await _portal_user_ids(db, world.seller["id"])
    requirement = await created(client, REQUIREMENTS, requirement_body(world), buyer_user)
    offer = await created(client, OFFERS, offer_body(world, requirement["id"]), seller_user)
    await step(client, offer["id"], "counter", {"price": "54000"}, buyer_user)
    refused = await client.post(f"{OFFERS}/{offer['id']}/accept", json={}, headers=buyer_user)
    assert refused.status_code == 409  # rolled back: publishes nothing
    accepted = await step(client, offer["id"], "accept", {}, seller_user)
    await created(client, LOTS, lot_body(world), sales)
    assert [e.name for e in delivered] == [
        "requirement.posted",
        "offer.submitted",
        "offer.countered",
        "offer.accepted",
        "tested_lot.uploaded",
    ]
    posted, submitted, countered, done, _ = delivered
    assert posted.organization_id == uuid.UUID(world.organization_id)
    assert set(submitted.user_ids) == buyers
    assert set(countered.user_ids) == sellers
    assert countered.data["price"] == "54000.00"
    assert set(done.user_ids) == buyers | sellers
    assert done.data["contract_id"] == accepted["contract_id"]

    second = await created(client, REQUIREMENTS, requirement_body(world), buyer_user)
    rejected = await created(client, OFFERS, offer_body(world, second["id"]), seller_user)
    await step(client, rejected["id"], "reject", {"reason": "no"}, buyer_user)
    assert delivered[-1].name == "offer.rejected"
    assert set(delivered[-1].user_ids) == sellers
