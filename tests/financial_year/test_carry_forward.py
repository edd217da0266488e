"""Closing a financial year reports the contracts and invoices it leaves open, counted by the
contract and invoice modules' registered carry-forward counters: each document in its own
year and organization, closed ones left out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.conftest import admin, manager, sales, world
from tests.contract.helpers import (
    CONTRACTS,
    World,
    build_world,
    confirmed_contract,
    create_contract,
)
from tests.invoice.helpers import PAYMENTS, create_invoice, payment_body
from tradehub.audit.models import AuditEvent

__all__ = ["admin", "manager", "sales", "world"]  # the contract tests' fixtures

Headers = dict[str, str]
YEARS = "/api/v1/financial-years"
KINDS = ("contracts_pending_approval", "contracts_with_uninvoiced_bales", "invoices_unpaid")


async def post(client: httpx.AsyncClient, url: str, headers: Headers, **body: Any) -> Any:
    response = await client.post(url, json=body or None, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


async def year_id(client: httpx.AsyncClient, headers: Headers, world: World, code: str) -> str:
    listed = await client.get(
        YEARS, params={"organization_id": world.organization_id, "limit": 200}, headers=headers
    )
    [year] = [y for y in listed.json()["items"] if y["code"] == code]
    return str(year["id"])


async def close(
    client: httpx.AsyncClient, headers: Headers, world: World, code: str
) -> dict[str, int]:
    closed = await post(
        client, f"{YEARS}/{await year_id(client, headers, world, code)}/close", headers
    )
    report: dict[str, int] = closed["carry_forward"]
    assert set(KINDS) <= set(report), report
    return {kind: report[kind] for kind in KINDS}


async def test_closing_reports_what_the_year_leaves_open(
    client: httpx.AsyncClient,
    admin: Headers,
    sales: Headers,
    manager: Headers,
    world: World,
    db: AsyncSession,
) -> None:
    # Open: a confirmed contract with 60 of its 100 bales still to invoice, its partly paid
    # invoice, a fully invoiced contract's unpaid invoice, and a contract awaiting approval.
    partly = await confirmed_contract(client, sales, manager, world)
    first = await create_invoice(client, manager, partly, bales=40, net_weight_kg="6800")
    await post(client, PAYMENTS, manager, **payment_body(first, "1000"))
    invoiced = await confirmed_contract(client, sales, manager, world)
    await create_invoice(client, manager, invoiced, bales=100, net_weight_kg="17000")
    pending = await create_contract(client, sales, world)
    await post(client, f"{CONTRACTS}/{pending['id']}/submit", sales)
    # Closed: a fully invoiced and paid contract, a cancelled invoice, a draft, a cancelled
    # contract, and a wholly credited invoice.
    settled = await confirmed_contract(client, sales, manager, world)
    paid = await create_invoice(client, manager, settled, bales=100, net_weight_kg="17000")
    await post(client, PAYMENTS, manager, **payment_body(paid, paid["total_amount"]))
    wrong = await create_invoice(client, manager, partly, bales=10)
    await post(client, f"/api/v1/invoices/{wrong['id']}/cancel", manager, reason="duplicate")
    await create_contract(client, sales, world)
    dropped = await confirmed_contract(client, sales, manager, world)
    await post(client, f"{CONTRACTS}/{dropped['id']}/cancel", sales, reason="called off")
    returned = await confirmed_contract(client, sales, manager, world)
    credited = await create_invoice(client, manager, returned, bales=100, net_weight_kg="17000")
    await post(
        client,
        f"/api/v1/invoices/{credited['id']}/credit-notes",
        manager,
        credit_note_no="CN-RET",
        date="2026-12-20",
        reason="goods returned",
        taxable_value=credited["taxable_value"],
    )

    report = await close(client, admin, world, "2026-27")
    assert report == {
        "contracts_pending_approval": 1,
        "contracts_with_uninvoiced_bales": 1,
        "invoices_unpaid": 2,
    }
    event = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_type == "financial_year",
            AuditEvent.entity_id == await year_id(client, admin, world, "2026-27"),
            AuditEvent.action == "close",
        )
    )
    assert event is not None and event.reason is not None
    assert "'contracts_with_uninvoiced_bales': 1" in event.reason
    assert "'invoices_unpaid': 2" in event.reason


async def test_each_document_counts_in_its_own_year_and_organization(
    client: httpx.AsyncClient,
    admin: Headers,
    sales: Headers,
    manager: Headers,
    world: World,
) -> None:
    await post(client, YEARS, admin, organization_id=world.organization_id, code="2027-28")
    contract = await confirmed_contract(client, sales, manager, world)  # dated 2026-11-28
    # Invoiced next year: the invoice is the next year's, the contract stays this year's.
    later = await create_invoice(client, manager, contract, invoice_date="2027-04-05")
    assert later["financial_year"] == "2027-28"
    assert Decimal(later["outstanding_amount"]) > 0
    elsewhere = await build_world(client, admin, sales, manager)
    await confirmed_contract(client, sales, manager, elsewhere)

    assert await close(client, admin, world, "2027-28") == {
        "contracts_pending_approval": 0,
        "contracts_with_uninvoiced_bales": 0,
        "invoices_unpaid": 1,
    }
    assert await close(client, admin, world, "2026-27") == {
        "contracts_pending_approval": 0,
        "contracts_with_uninvoiced_bales": 1,
        "invoices_unpaid": 0,
    }
    assert (await close(client, admin, elsewhere, "2026-27"))[
        "contracts_with_uninvoiced_bales"
    ] == 1
