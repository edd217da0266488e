"""Disputes built and moved through HTTP; works with the rolled-back ``client`` and with
``live_client``."""

from __future__ import annotations

from typing import Any

import httpx

DISPUTES = "/api/v1/disputes"
CONTRACTS = "/api/v1/contracts"


def dispute_body(contract: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contract_id": contract["id"],
        "category": "quality",
        "subject": "Staple length below 28.5 mm",
        "description": "Lot 14: 27.8 mm average over 20 samples (HVI report attached).",
        "claimed_amount": "25000.00",
        "raised_by_side": "buyer",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


async def raise_dispute(
    client: httpx.AsyncClient, headers: dict[str, str], contract: dict[str, Any], **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        DISPUTES, json=dispute_body(contract, **overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def step(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    dispute: dict[str, Any],
    action: str,
    body: dict[str, Any] | None = None,
    *,
    expect: int = 200,
) -> dict[str, Any]:
    response = await client.post(
        f"{DISPUTES}/{dispute['id']}/{action}",
        json=body,
        headers={**headers, "If-Match": f'"{dispute["version"]}"'},
    )
    assert response.status_code == expect, response.text
    result: dict[str, Any] = response.json()
    return result


RESOLUTION = {
    "resolution": "Rate reduced by Rs. 250 a candy on lot 14",
    "resolution_kind": "partially_upheld",
    "settled_amount": "12500.00",
}


async def resolved(
    client: httpx.AsyncClient, staff: dict[str, str], dispute: dict[str, Any]
) -> dict[str, Any]:
    reviewing = await step(client, staff, dispute, "review")
    return await step(client, staff, reviewing, "resolve", RESOLUTION)


async def contract_status(
    client: httpx.AsyncClient, headers: dict[str, str], contract: dict[str, Any]
) -> str:
    response = await client.get(f"{CONTRACTS}/{contract['id']}", headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["status"])
