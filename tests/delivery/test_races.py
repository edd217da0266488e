"""Racing delivery orders on committed data: never more bales than the contract, numbers
gapless."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.contract.helpers import build_world, confirmed_contract
from tests.contract.test_races import _committed_user
from tests.delivery.helpers import DOS, do_body
from tradehub.delivery.models import DeliveryOrder
from tradehub.kit.db import create_sessionmaker


@pytest.mark.live
async def test_ten_racing_dos_never_pass_the_contracts_bales(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    admin = await _committed_user(engine, live_app, "admin")
    sales = await _committed_user(engine, live_app, "sales")
    manager = await _committed_user(engine, live_app, "manager")
    world = await build_world(live_client, admin, sales, manager)
    contract = await confirmed_contract(live_client, sales, manager, world, bales=100)
    # 30 bales each: only three fit in 100
    answers = await asyncio.gather(
        *(live_client.post(DOS, json=do_body(contract, bales=30), headers=sales) for _ in range(10))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * 3 + [422] * 7, [a.text for a in answers if a.status_code >= 500]
    assert {a.json()["code"] for a in answers if a.status_code == 422} == {
        "delivery_order.exceeds_contract"
    }
    async with create_sessionmaker(engine)() as session:
        rows = list(
            await session.scalars(
                select(DeliveryOrder).where(DeliveryOrder.contract_id == uuid.UUID(contract["id"]))
            )
        )
    assert sum(row.bales for row in rows) == 90
    # the losers' numbers were given back with their rollbacks: gapless
    assert sorted(row.do_no for row in rows) == [f"DO/26-27/0000{n}" for n in (1, 2, 3)]
    assert {a.json()["do_no"] for a in answers if a.status_code == 201} == {
        row.do_no for row in rows
    }
