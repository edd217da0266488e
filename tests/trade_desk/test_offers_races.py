"""Racing offers on committed data: one open offer per seller and requirement, whatever the
timing; the partial unique index holds even when the service's check is bypassed."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.contract.helpers import World
from tests.trade_desk.helpers import (
    OFFERS,
    REQUIREMENTS,
    committed_user,
    created,
    offer_body,
    requirement_body,
    trade_world,
)
from tradehub.kit.db import create_sessionmaker
from tradehub.kit.types import utcnow
from tradehub.trade_desk.models import Offer


async def _committed_world(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> tuple[World, dict[str, str]]:
    admin = await committed_user(engine, live_app, "admin")
    sales = await committed_user(engine, live_app, "sales")
    manager = await committed_user(engine, live_app, "manager")
    return await trade_world(live_client, admin, sales, manager), sales


@pytest.mark.live
async def test_racing_offers_of_one_seller_give_one_201_and_the_rest_409(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    world, sales = await _committed_world(live_client, live_app, engine)
    seller_user = await committed_user(engine, live_app, "partner", world.seller["id"])
    requirement = await created(live_client, REQUIREMENTS, requirement_body(world), sales)
    answers = await asyncio.gather(
        *(
            live_client.post(
                OFFERS,
                json=offer_body(world, requirement["id"], price=str(55000 + n)),
                headers=seller_user if n % 2 else sales,
            )
            for n in range(10)
        )
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] + [409] * 9, [a.text for a in answers if a.status_code != 409]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"offer.duplicate"}
    async with create_sessionmaker(engine)() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(Offer)
            .where(Offer.requirement_id == uuid.UUID(requirement["id"]))
        )
    assert count == 1
    seen = (await live_client.get(f"{REQUIREMENTS}/{requirement['id']}", headers=sales)).json()
    assert seen["offers_count"] == 1


async def test_the_partial_unique_index_refuses_a_second_open_offer(
    db: AsyncSession, client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    offer = await created(client, OFFERS, offer_body(world, requirement["id"]), sales)

    def twin(status: str) -> Offer:
        return Offer(
            requirement_id=uuid.UUID(requirement["id"]),
            seller_id=uuid.UUID(world.seller["id"]),
            commodity_id=uuid.UUID(world.commodity_id),
            variety="Shankar-6",
            bales=10,
            parameters={},
            price=Decimal("1.00"),
            price_unit="candy",
            station_id=uuid.UUID(world.station_id),
            valid_until=utcnow(),
            status=status,
            last_side="seller",
            last_price=Decimal("1.00"),
            last_bales=10,
            rounds_count=1,
        )

    async def insert(*offers: Offer) -> None:
        async with db.begin_nested():
            db.add_all(offers)
            await db.flush()

    # Decided offers do not count: any number of them may sit beside the open one.
    await insert(twin("rejected"), twin("withdrawn"))
    with pytest.raises(IntegrityError):
        await insert(twin("countered"))
    assert offer["status"] == "pending"
