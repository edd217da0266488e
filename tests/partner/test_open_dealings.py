"""Partner field locks driven by the real open-dealings counters of the contract and invoice
modules (``contract/dealings.py``, ``invoice/dealings.py``): which contracts and invoices count
as open, and the 409 ``partner.fields_locked`` they cause — when a change is raised and again
when it is approved — until the contract is cancelled or the invoice settled."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.conftest import admin, manager, sales, world
from tests.contract.helpers import CONTRACTS, World, confirmed_contract, create_contract
from tests.invoice.helpers import INVOICES, PAYMENTS, create_invoice, payment_body
from tests.partner.helpers import PARTNERS, active_partner
from tradehub.contract.dealings import count_open_contracts
from tradehub.contract.models import Contract
from tradehub.invoice.dealings import count_open_invoices
from tradehub.partner.locks import registered_open_dealings

__all__ = ["admin", "manager", "sales", "world"]  # the contract tests' fixtures

Headers = dict[str, str]
CHANGE_REQUESTS = "/api/v1/partner-change-requests"


async def rename(
    client: httpx.AsyncClient, headers: Headers, partner: dict[str, Any]
) -> httpx.Response:
    return await client.post(
        f"{PARTNERS}/{partner['id']}/change-requests",
        json={"changes": {"legal_name": f"Renamed {uuid.uuid4().hex[:6]} Ltd"}, "reason": "MCA"},
        headers=headers,
    )


def locked(response: httpx.Response) -> dict[str, int]:
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["code"] == "partner.fields_locked"
    assert body["locked_fields"] == ["legal_name"]
    result: dict[str, int] = body["open_dealings"]
    return result


async def counted(db: AsyncSession, partner: dict[str, Any]) -> tuple[int, int]:
    key = uuid.UUID(partner["id"])
    return await count_open_contracts(db, key), await count_open_invoices(db, key)


async def post(client: httpx.AsyncClient, url: str, headers: Headers, **body: Any) -> Any:
    response = await client.post(url, json=body or None, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_the_app_registers_both_counters() -> None:
    assert {"contracts", "invoices"} <= set(registered_open_dealings())


async def test_an_open_contract_locks_both_parties_until_it_is_cancelled(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, world: World
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    assert locked(await rename(client, sales, world.seller)) == {"contracts": 1}
    assert locked(await rename(client, sales, world.buyer)) == {"contracts": 1}
    await post(client, f"{CONTRACTS}/{contract['id']}/cancel", sales, reason="Deal called off")
    for party in (world.seller, world.buyer):
        response = await rename(client, sales, party)
        assert response.status_code == 201, response.text
        assert response.json()["impact"]["open_dealings"]["contracts"] == 0


async def test_which_contract_statuses_are_open(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, world: World, db: AsyncSession
) -> None:
    draft = await create_contract(client, sales, world)
    assert await counted(db, world.seller) == (0, 0)  # a draft binds no one yet
    await post(client, f"{CONTRACTS}/{draft['id']}/submit", sales)
    assert await counted(db, world.seller) == (1, 0)  # pending approval
    await post(client, f"{CONTRACTS}/{draft['id']}/reject", manager, reason="Rate unclear")
    assert await counted(db, world.buyer) == (0, 0)  # rejected: editable, re-checked on submit
    await post(client, f"{CONTRACTS}/{draft['id']}/submit", sales)
    await post(client, f"{CONTRACTS}/{draft['id']}/approve", manager)
    assert await counted(db, world.buyer) == (1, 0)  # confirmed
    await db.execute(
        update(Contract).where(Contract.id == uuid.UUID(draft["id"])).values(status="disputed")
    )
    assert await counted(db, world.seller) == (1, 0)  # disputed
    await db.execute(
        update(Contract).where(Contract.id == uuid.UUID(draft["id"])).values(status="cancelled")
    )
    assert await counted(db, world.seller) == (0, 0)
    other = await confirmed_contract(client, sales, manager, world)
    assert other["seller_id"] == world.seller["id"]
    assert await counted(db, world.seller) == (1, 0)


async def test_a_fully_invoiced_contract_hands_over_to_its_invoice_until_it_is_paid(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, world: World, db: AsyncSession
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    part = await create_invoice(client, manager, contract, bales=40, net_weight_kg="6800")
    assert await counted(db, world.seller) == (1, 1)  # 60 bales still to invoice
    rest = await create_invoice(client, manager, contract, bales=60, net_weight_kg="10200")
    assert await counted(db, world.seller) == (0, 2)
    assert locked(await rename(client, sales, world.buyer)) == {"invoices": 2}
    await post(client, PAYMENTS, manager, **payment_body(part, part["total_amount"]))
    await post(client, PAYMENTS, manager, **payment_body(rest, "1000"))
    assert await counted(db, world.buyer) == (0, 1)  # partially paid is still open
    cancelled = await client.post(
        f"{INVOICES}/{rest['id']}/cancel", json={"reason": "x"}, headers=manager
    )
    assert cancelled.json()["code"] == "invoice.has_payments"
    remaining = Decimal(rest["total_amount"]) - Decimal("1000")
    await post(client, PAYMENTS, manager, **payment_body(rest, str(remaining)))
    assert await counted(db, world.buyer) == (0, 0)  # delivered in full on paper, all paid
    response = await rename(client, sales, world.buyer)
    assert response.status_code == 201, response.text


async def test_cancelling_an_invoice_reopens_its_contracts_bales(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, world: World, db: AsyncSession
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    whole = await create_invoice(client, manager, contract, bales=100, net_weight_kg="17000")
    assert await counted(db, world.seller) == (0, 1)
    await post(client, f"{INVOICES}/{whole['id']}/cancel", manager, reason="Wrong weight")
    assert await counted(db, world.seller) == (1, 0)  # the bales are to be invoiced again


async def test_a_wholly_credited_invoice_is_closed(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, world: World, db: AsyncSession
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    whole = await create_invoice(client, manager, contract, bales=100, net_weight_kg="17000")
    await post(
        client,
        f"{INVOICES}/{whole['id']}/credit-notes",
        manager,
        credit_note_no="CN-ALL",
        date="2026-12-10",
        reason="Goods returned",
        taxable_value=whole["taxable_value"],
    )
    assert (await client.get(f"{INVOICES}/{whole['id']}", headers=manager)).json()[
        "status"
    ] == "credited"
    assert await counted(db, world.buyer) == (0, 0)


async def test_locks_are_checked_again_when_the_change_is_approved(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, world: World
) -> None:
    raised = await rename(client, sales, world.seller)
    assert raised.status_code == 201, raised.text
    assert raised.json()["impact"]["locked_fields"] == ["legal_name"]
    await confirmed_contract(client, sales, manager, world)
    approve = await client.post(f"{CHANGE_REQUESTS}/{raised.json()['id']}/approve", headers=manager)
    assert locked(approve) == {"contracts": 1}


async def test_another_partners_contract_does_not_lock(
    client: httpx.AsyncClient, sales: Headers, manager: Headers, world: World
) -> None:
    await confirmed_contract(client, sales, manager, world)
    stranger = await active_partner(client, sales, manager, kind="seller")
    response = await rename(client, sales, stranger)
    assert response.status_code == 201, response.text
