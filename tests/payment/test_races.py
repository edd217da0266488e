"""Racing payments on committed data: an invoice is never over-allocated (api.md §7)."""

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

from tests.contract.helpers import build_world, confirmed_contract
from tests.contract.test_races import _committed_user
from tests.invoice.helpers import INVOICES, PAYMENTS, create_invoice, payment_body
from tradehub.invoice.models import Invoice
from tradehub.kit.db import create_sessionmaker
from tradehub.payment.models import PaymentAllocation


async def _balances(engine: AsyncEngine, invoice_id: str) -> tuple[Decimal, Decimal, Decimal]:
    """(sum of active allocation rows, paid_amount, total_amount) as committed."""
    key = uuid.UUID(invoice_id)
    async with create_sessionmaker(engine)() as session:
        allocated = await session.scalar(
            select(func.coalesce(func.sum(PaymentAllocation.amount), 0)).where(
                PaymentAllocation.invoice_id == key, PaymentAllocation.reversed_at.is_(None)
            )
        )
        invoice = await session.get(Invoice, key)
        assert invoice is not None
        return Decimal(allocated), invoice.paid_amount, invoice.total_amount


async def _setup(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine, invoices: int
) -> tuple[dict[str, str], list[dict[str, Any]]]:
    admin = await _committed_user(engine, live_app, "admin")
    sales = await _committed_user(engine, live_app, "sales")
    manager = await _committed_user(engine, live_app, "manager")
    world = await build_world(live_client, admin, sales, manager)
    contract = await confirmed_contract(live_client, sales, manager, world)
    made = [await create_invoice(live_client, manager, contract) for _ in range(invoices)]
    return manager, made


@pytest.mark.live
async def test_ten_racing_payments_never_over_allocate_an_invoice(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    manager, (invoice,) = await _setup(live_client, live_app, engine, 1)
    assert invoice["total_amount"] == "278593.00"
    # Each takes 50,000 (more than a tenth): only five fit in 278,593.
    answers = await asyncio.gather(
        *(
            live_client.post(PAYMENTS, json=payment_body(invoice, "50000"), headers=manager)
            for _ in range(10)
        )
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * 5 + [409] * 5, [a.text for a in answers if a.is_error]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {
        "invoice.over_allocation"
    }
    allocated, paid, total = await _balances(engine, invoice["id"])
    assert allocated == paid == Decimal("250000.00") <= total
    seen = (await live_client.get(f"{INVOICES}/{invoice['id']}", headers=manager)).json()
    assert (seen["status"], seen["outstanding_amount"]) == ("partially_paid", "28593.00")


@pytest.mark.live
async def test_racing_payments_over_two_invoices_in_opposite_orders_do_not_deadlock(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    manager, (first, second) = await _setup(live_client, live_app, engine, 2)

    def body(order: list[dict[str, Any]]) -> dict[str, Any]:
        made = payment_body(first, "80000")
        made["allocations"] = [{"invoice_id": i["id"], "amount": "40000"} for i in order]
        return made

    answers = await asyncio.gather(
        *(
            live_client.post(
                PAYMENTS, json=body([first, second] if n % 2 else [second, first]), headers=manager
            )
            for n in range(10)
        )
    )
    # 278,593 holds six allocations of 40,000 per invoice: six payments fit, four lose.
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201] * 6 + [409] * 4, [a.text for a in answers if a.is_error]
    for invoice in (first, second):
        allocated, paid, total = await _balances(engine, invoice["id"])
        assert allocated == paid == Decimal("240000.00") <= total
