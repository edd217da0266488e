"""Delivery orders and CCI contracts for tests, built through HTTP (rolled-back ``client`` or
``live_client``)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.contract.helpers import World, confirmed_contract

DOS = "/api/v1/delivery-orders"
CONTRACTS = "/api/v1/contracts"
CCI_DATE = "2026-10-01"  # grace expires 2026-10-06 with the default 5 days


def profile_path(partner_id: str) -> str:
    return f"/api/v1/partners/{partner_id}/cci-profile"


def cci_path(contract: dict[str, Any], figure: str) -> str:
    return f"{CONTRACTS}/{contract['id']}/cci/{figure}"


def deposits_path(contract: dict[str, Any]) -> str:
    return f"{CONTRACTS}/{contract['id']}/emd-deposits"


def do_body(contract: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contract_id": contract["id"],
        "bales": 10,
        "lifting_from": "2026-12-01",
        "lifting_to": "2026-12-10",
        "do_date": "2026-11-28",
        "notes": "Lift from the Rajkot godown",
    }
    body.update(overrides)
    return body


async def create_do(
    client: httpx.AsyncClient, headers: dict[str, str], contract: dict[str, Any], **overrides: Any
) -> dict[str, Any]:
    response = await client.post(DOS, json=do_body(contract, **overrides), headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def set_profile(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    partner_id: str,
    *,
    is_cci: bool = False,
    buyer_class: str | None = None,
) -> dict[str, Any]:
    response = await client.put(
        profile_path(partner_id),
        json={"is_cci": is_cci, "buyer_class": buyer_class},
        headers=admin,
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def cci_contract(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    *,
    buyer_class: str | None = "kvic",
    **overrides: Any,
) -> dict[str, Any]:
    """domain.md §3.6's example: 1000 bales at ₹62,000/candy sold by the CCI on 1 October
    2026 (value ₹2,97,60,000; KVIC EMD 10 % = ₹29,76,000), confirmed."""
    await set_profile(client, admin, world.seller["id"], is_cci=True)
    if buyer_class is not None:
        await set_profile(client, admin, world.buyer["id"], buyer_class=buyer_class)
    fields = {"bales": 1000, "rate": "62000", "rate_unit": "candy", "contract_date": CCI_DATE}
    fields.update(overrides)
    return await confirmed_contract(client, sales, manager, world, **fields)


async def deposit(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    contract: dict[str, Any],
    amount: str,
    on: str,
) -> httpx.Response:
    return await client.post(
        deposits_path(contract),
        json={"amount": amount, "date": on, "reference": f"UTR-{on}-{amount}"},
        headers=headers,
    )
