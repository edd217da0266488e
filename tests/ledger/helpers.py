"""Brokerage bills, receipts against them and the ledger's reads, built through HTTP on top of
the contract world (tests/contract/helpers)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.brokerage.helpers import BILLS, create_bill
from tests.contract.helpers import World, confirmed_contract
from tests.invoice.helpers import PAYMENTS

OUTSTANDING = "/api/v1/reports/outstanding"
BILL_TOTAL = "2950.00"  # 100 bales × ₹25 to the buyer, intra-state CGST + SGST 9 % each


def ledger_url(partner_id: str) -> str:
    return f"/api/v1/partners/{partner_id}/ledger"


async def billed(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    *,
    contract_date: str = "2026-11-10",
    bill_date: str = "2026-12-01",
    **contract: Any,
) -> dict[str, Any]:
    """A bill to the world's buyer for one new confirmed contract dated ``contract_date``."""
    await confirmed_contract(client, sales, manager, world, contract_date=contract_date, **contract)
    return await create_bill(
        client,
        admin,
        world,
        world.buyer,
        period_from=contract_date,
        period_to=contract_date,
        bill_date=bill_date,
    )


def receipt_body(bill: dict[str, Any], amount: str, **overrides: Any) -> dict[str, Any]:
    """The billed partner pays the bill's organization, all of ``amount`` against the bill."""
    body: dict[str, Any] = {
        "payer_id": bill["partner_id"],
        "payee_id": bill["organization_id"],
        "payment_date": "2026-12-10",
        "amount": amount,
        "method": "neft",
        "reference": f"UTR{uuid.uuid4().hex[:12].upper()}",
        "allocations": [{"brokerage_bill_id": bill["id"], "amount": amount}],
    }
    body.update(overrides)
    return body


async def receive(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(PAYMENTS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def reverse(
    client: httpx.AsyncClient, headers: dict[str, str], payment: dict[str, Any]
) -> dict[str, Any]:
    response = await client.post(
        f"{PAYMENTS}/{payment['id']}/reverse", json={"reason": "cheque bounced"}, headers=headers
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def get_bill(
    client: httpx.AsyncClient, headers: dict[str, str], bill: dict[str, Any]
) -> dict[str, Any]:
    response = await client.get(f"{BILLS}/{bill['id']}", headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def ledger(
    client: httpx.AsyncClient, headers: dict[str, str], partner_id: str, **params: str
) -> dict[str, Any]:
    response = await client.get(ledger_url(partner_id), params=params, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def outstanding(
    client: httpx.AsyncClient, headers: dict[str, str], world: World, **params: str
) -> dict[str, dict[str, Any]]:
    """The report for the world's organization, by partner id."""
    response = await client.get(
        OUTSTANDING,
        params={"organization_id": world.organization_id, **params},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["as_of"] == params.get("as_of", answer["as_of"])
    return {item["partner_id"]: item for item in answer["items"]}


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body
