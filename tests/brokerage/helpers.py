"""Brokerage bill requests over HTTP, on top of the contract world (tests/contract/helpers)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.contract.helpers import World

BILLS = "/api/v1/brokerage-bills"


def bill_body(world: World, partner: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organization_id": world.organization_id,
        "partner_id": partner["id"],
        "period_from": "2026-11-01",
        "period_to": "2026-11-30",
        "bill_date": "2026-12-01",
    }
    body.update(overrides)
    return body


async def create_bill(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    world: World,
    partner: dict[str, Any],
    **overrides: Any,
) -> dict[str, Any]:
    response = await client.post(
        BILLS, json=bill_body(world, partner, **overrides), headers=headers
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result
