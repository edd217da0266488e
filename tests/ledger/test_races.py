"""Racing receipts on committed data: a brokerage bill is never over-allocated, and a
cancellation racing receipts leaves either the cancellation or the receipts, never both."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.brokerage.helpers import BILLS
from tests.contract.helpers import build_world
from tests.contract.test_races import _committed_user
from tests.invoice.helpers import PAYMENTS
from tests.ledger.helpers import BILL_TOTAL, billed, receipt_body
from tradehub.brokerage.models import BrokerageBill
from tradehub.kit.db import create_sessionmaker
from tradehub.ledger.models import LedgerDocument, LedgerEntry
from tradehub.payment.models import PaymentAllocation


async def _committed(engine: AsyncEngine, bill_id: str) -> dict[str, Any]:
    """What is committed for the bill: allocations, its balances, its ledger."""
    key = uuid.UUID(bill_id)
    async with create_sessionmaker(engine)() as session:
        allocated = await session.scalar(
            select(func.coalesce(func.sum(PaymentAllocation.amount), 0)).where(
                PaymentAllocation.brokerage_bill_id == key, PaymentAllocation.reversed_at.is_(None)
            )
        )
        bill = await session.get(BrokerageBill, key)
        document = await session.get(LedgerDocument, key)
        credits = (
            await session.scalars(
                select(LedgerEntry.credit).where(
                    LedgerEntry.target_id == key, LedgerEntry.credit > 0
                )
            )
        ).all()
    assert bill is not None and document is not None
    return {
        "allocated": Decimal(allocated),
        "paid": bill.paid_amount,
        "status": bill.status,
        "balance": document.balance,
        "credits": sorted(credits),
    }


async def _bill(live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine) -> Any:
    admin = await _committed_user(engine, live_app, "admin")
    sales = await _committed_user(engine, live_app, "sales")
    manager = await _committed_user(engine, live_app, "manager")
    accounts = [await _committed_user(engine, live_app, "accounts") for _ in range(3)]
    world = await build_world(live_client, admin, sales, manager)
    bill = await billed(live_client, admin, sales, manager, world)
    assert bill["total_amount"] == BILL_TOTAL
    return bill, accounts


@pytest.mark.live
async def test_ten_racing_receipts_never_over_allocate_a_bill(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    bill, accounts = await _bill(live_client, live_app, engine)
    # Each takes 500: only five fit in 2,950.
    answers = await asyncio.gather(
        *(
            live_client.post(
                PAYMENTS, json=receipt_body(bill, "500"), headers=accounts[n % len(accounts)]
            )
            for n in range(10)
        )
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * 5 + [409] * 5, [a.text for a in answers if a.is_error]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {
        "brokerage.over_allocation"
    }
    committed = await _committed(engine, bill["id"])
    assert committed["allocated"] == committed["paid"] == Decimal("2500.00")
    assert committed["status"] == "partially_paid"
    assert committed["balance"] == Decimal("450.00")
    assert committed["credits"] == [Decimal("500.00")] * 5
    seen = (await live_client.get(f"{BILLS}/{bill['id']}", headers=accounts[0])).json()
    assert (seen["status"], seen["outstanding_amount"]) == ("partially_paid", "450.00")


@pytest.mark.live
async def test_a_cancellation_racing_receipts_wins_alone_or_loses(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    bill, accounts = await _bill(live_client, live_app, engine)
    receipts = [
        live_client.post(
            PAYMENTS, json=receipt_body(bill, "100"), headers=accounts[n % len(accounts)]
        )
        for n in range(6)
    ]
    cancel = live_client.post(
        f"{BILLS}/{bill['id']}/cancel", json={"reason": "race"}, headers=accounts[0]
    )
    *paid, cancelled = await asyncio.gather(*receipts, cancel)
    accepted = [a for a in paid if a.status_code == 201]
    committed = await _committed(engine, bill["id"])
    if cancelled.status_code == 200:
        # The cancellation came first: every receipt after it was refused.
        assert accepted == []
        assert {a.json()["code"] for a in paid} == {"brokerage.bill_cancelled"}
        assert (committed["status"], committed["balance"]) == ("cancelled", Decimal("0.00"))
    else:
        assert cancelled.json()["code"] == "brokerage.invalid_transition", cancelled.text
        # A receipt came first, so the bill was no longer cancellable; none was refused.
        assert len(accepted) == len(paid), [a.text for a in paid]
        received = Decimal("100.00") * len(accepted)
        assert committed["allocated"] == committed["paid"] == received
        assert committed["balance"] == Decimal(BILL_TOTAL) - received
