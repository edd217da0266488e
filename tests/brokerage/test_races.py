"""Racing bills on committed data: one partner's commissions are billed once, whatever the
races, and the numbers stay gapless."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.brokerage.helpers import BILLS, bill_body
from tests.contract.helpers import build_world, confirmed_contract
from tests.contract.test_races import _committed_user
from tradehub.brokerage.models import BrokerageBillLine
from tradehub.contract.models import ContractCommission
from tradehub.kit.db import create_sessionmaker


@pytest.mark.live
async def test_racing_bills_for_one_partner_bill_each_commission_once(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    admin = await _committed_user(engine, live_app, "admin")
    sales = await _committed_user(engine, live_app, "sales")
    manager = await _committed_user(engine, live_app, "manager")
    accounts = [await _committed_user(engine, live_app, "accounts") for _ in range(3)]
    world = await build_world(live_client, admin, sales, manager)
    days = [f"2026-11-{day:02d}" for day in range(1, 9)]
    contracts = [
        await confirmed_contract(live_client, sales, manager, world, contract_date=day)
        for day in days
    ]
    # Eight whole-month bills, overlapping one-day bills and the seller's, all at once.
    bodies = [bill_body(world, world.buyer) for _ in range(8)]
    bodies += [bill_body(world, world.buyer, period_from=d, period_to=d) for d in days[:4]]
    bodies += [bill_body(world, world.seller) for _ in range(4)]
    answers = await asyncio.gather(
        *(
            live_client.post(BILLS, json=body, headers=accounts[i % len(accounts)])
            for i, body in enumerate(bodies)
        )
    )
    assert {a.status_code for a in answers} <= {201, 422}, [a.text for a in answers]
    refused = [a.json()["code"] for a in answers if a.status_code == 422]
    assert set(refused) <= {"brokerage.nothing_to_bill"}
    bills = [a.json() for a in answers if a.status_code == 201]
    numbers = sorted(b["bill_no"] for b in bills)
    assert numbers == [f"BRK/26-27/{n:05d}" for n in range(1, len(bills) + 1)]
    billed = [(line["contract_id"], line["side"]) for bill in bills for line in bill["lines"]]
    expected = {(c["id"], side) for c in contracts for side in ("buyer", "seller")}
    assert sorted(billed) == sorted(expected)  # each commission exactly once
    total = sum(Decimal(b["taxable_value"]) for b in bills if b["partner_id"] == world.buyer["id"])
    assert total == Decimal("2500.00") * len(contracts)

    async with create_sessionmaker(engine)() as session:
        rows = (
            await session.execute(
                select(ContractCommission.brokerage_bill_id, BrokerageBillLine.bill_id).join(
                    BrokerageBillLine, BrokerageBillLine.commission_id == ContractCommission.id
                )
            )
        ).all()
    assert len(rows) == len(expected)
    assert all(row[0] == row[1] for row in rows)
    assert {str(row[0]) for row in rows} == {b["id"] for b in bills}
    assert all(isinstance(row[0], uuid.UUID) for row in rows)
