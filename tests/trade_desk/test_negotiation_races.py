"""Racing negotiation steps on committed data: two accepts make one contract; accepts and
counters racing on one offer leave it consistent."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.trade_desk.helpers import (
    OFFERS,
    REQUIREMENTS,
    committed_user,
    created,
    offer_body,
    requirement_body,
    trade_world,
)
from tradehub.contract.models import Contract
from tradehub.kit.db import create_sessionmaker
from tradehub.trade_desk.models import OfferRound


@pytest.mark.live
async def test_racing_accepts_make_one_contract(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    admin = await committed_user(engine, live_app, "admin")
    sales = await committed_user(engine, live_app, "sales")
    manager = await committed_user(engine, live_app, "manager")
    world = await trade_world(live_client, admin, sales, manager)
    buyer_user = await committed_user(engine, live_app, "partner", world.buyer["id"])
    seller_user = await committed_user(engine, live_app, "partner", world.seller["id"])
    requirement = await created(live_client, REQUIREMENTS, requirement_body(world), sales)
    offer = await created(live_client, OFFERS, offer_body(world, requirement["id"]), sales)
    url = f"{OFFERS}/{offer['id']}"

    answers = await asyncio.gather(
        *(
            live_client.post(
                f"{url}/accept",
                json={} if n % 2 else {"side": "buyer"},
                headers=buyer_user if n % 2 else sales,
            )
            for n in range(8)
        ),
        # The seller may not counter its own proposal, whatever the timing.
        *(
            live_client.post(f"{url}/counter", json={"price": "56000"}, headers=seller_user)
            for _ in range(2)
        ),
    )
    accepts, counters = answers[:8], answers[8:]
    assert sorted(a.status_code for a in accepts) == [200] + [409] * 7, [a.text for a in accepts]
    assert {a.json()["code"] for a in accepts if a.status_code == 409} == {"offer.decided"}
    assert all(c.status_code == 409 for c in counters), [c.text for c in counters]
    [winner] = [a.json() for a in accepts if a.status_code == 200]
    async with create_sessionmaker(engine)() as session:
        contracts = await session.scalar(
            select(func.count())
            .select_from(Contract)
            .where(Contract.organization_id == uuid.UUID(world.organization_id))
        )
        rounds = await session.scalar(
            select(func.count())
            .select_from(OfferRound)
            .where(OfferRound.offer_id == uuid.UUID(offer["id"]))
        )
    assert (contracts, rounds) == (1, 1)
    seen = (await live_client.get(url, headers=sales)).json()
    assert (seen["status"], seen["contract_id"]) == ("accepted", winner["contract_id"])


@pytest.mark.live
async def test_racing_counters_by_the_buyer_make_one_round(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    admin = await committed_user(engine, live_app, "admin")
    sales = await committed_user(engine, live_app, "sales")
    manager = await committed_user(engine, live_app, "manager")
    world = await trade_world(live_client, admin, sales, manager)
    buyer_user = await committed_user(engine, live_app, "partner", world.buyer["id"])
    requirement = await created(live_client, REQUIREMENTS, requirement_body(world), sales)
    offer = await created(live_client, OFFERS, offer_body(world, requirement["id"]), sales)
    answers = await asyncio.gather(
        *(
            live_client.post(
                f"{OFFERS}/{offer['id']}/counter",
                json={"price": str(54000 + n)},
                headers=buyer_user,
            )
            for n in range(6)
        )
    )
    assert sorted(a.status_code for a in answers) == [200] + [409] * 5
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"offer.not_your_turn"}
    rounds = (await live_client.get(f"{OFFERS}/{offer['id']}/rounds", headers=sales)).json()
    assert [r["round_no"] for r in rounds["items"]] == [1, 2]
