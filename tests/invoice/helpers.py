"""Invoices (and the partners' users who read them) built through HTTP."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.contract.helpers import World, confirmed_contract
from tests.partner.helpers import active_partner

INVOICES = "/api/v1/invoices"
PAYMENTS = "/api/v1/payments"


def invoice_body(contract: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contract_id": contract["id"],
        "invoice_no": f"INV-{uuid.uuid4().hex[:8]}",
        "invoice_date": "2026-12-05",
        "bales": 10,
        "net_weight_kg": "1700",
    }
    body.update(overrides)
    return body


async def create_invoice(
    client: httpx.AsyncClient, headers: dict[str, str], contract: dict[str, Any], **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        INVOICES, json=invoice_body(contract, **overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def intra_state_contract(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    **overrides: Any,
) -> dict[str, Any]:
    """A confirmed contract whose buyer's branch is in the seller's state (24)."""
    buyer = await active_partner(client, sales, manager, kind="buyer", state="24")
    return await confirmed_contract(
        client,
        sales,
        manager,
        world,
        buyer_id=buyer["id"],
        buyer_branch_id=buyer["branches"][0]["id"],
        **overrides,
    )


def payment_body(invoice: dict[str, Any], amount: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "payer_id": invoice["buyer_id"],
        "payee_id": invoice["seller_id"],
        "payment_date": "2026-12-20",
        "amount": amount,
        "method": "neft",
        "reference": f"UTR{uuid.uuid4().hex[:12].upper()}",
        "allocations": [{"invoice_id": invoice["id"], "amount": amount}],
    }
    body.update(overrides)
    return body
