"""A small trading world built through HTTP (organization, open year, masters, parties) and
contract bodies for it; works with the rolled-back ``client`` and with ``live_client``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.masters.helpers import COMMODITIES, cotton
from tests.organization.helpers import create_organization
from tests.partner.helpers import active_partner

CONTRACTS = "/api/v1/contracts"


@dataclass
class World:
    organization_id: str
    commodity_id: str
    station_id: str
    delivery: dict[str, Any]
    payment: dict[str, Any]
    seller: dict[str, Any]
    buyer: dict[str, Any]
    percentage_id: str
    per_bale_id: str
    flat_id: str
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "organization_id": self.organization_id,
            "contract_date": "2026-11-28",
            "seller_id": self.seller["id"],
            "seller_branch_id": self.seller["branches"][0]["id"],
            "buyer_id": self.buyer["id"],
            "buyer_branch_id": self.buyer["branches"][0]["id"],
            "commodity_id": self.commodity_id,
            "variety": "S-6",
            "bales": 100,
            "rate": "55500",
            "rate_unit": "candy",
            "quality": {"staple_mm": {"min": "28.5", "max": "29.5"}, "mic": {"min": "3.8"}},
            "delivery_terms": self.delivery["name"],
            "payment_terms": self.payment["id"],
            "station_id": self.station_id,
            "seller_commission_structure_id": self.percentage_id,
            "buyer_commission_structure_id": self.per_bale_id,
        }
        body.update(overrides)
        return body


async def _created(client: httpx.AsyncClient, path: str, body: Any, headers: Any) -> Any:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def organization_with_year(
    client: httpx.AsyncClient, admin: dict[str, str], code: str = "2026-27"
) -> str:
    organization = await create_organization(client, admin)
    await _created(
        client,
        "/api/v1/financial-years",
        {"organization_id": organization["id"], "code": code},
        admin,
    )
    return str(organization["id"])


async def build_world(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> World:
    tag = uuid.uuid4().hex[:6]
    organization_id = await organization_with_year(client, admin)
    commodity = await _created(client, COMMODITIES, cotton(), admin)
    station = await _created(
        client, "/api/v1/stations", {"name": f"Rajkot {tag}", "state_code": "24"}, admin
    )
    delivery = await _created(
        client, "/api/v1/terms", {"kind": "delivery", "name": f"Ex-Gin {tag}", "days": 0}, admin
    )
    payment = await _created(
        client, "/api/v1/terms", {"kind": "payment", "name": f"30 days {tag}", "days": 30}, admin
    )
    structures = {
        kind: (
            await _created(
                client,
                "/api/v1/commission-structures",
                {"name": f"{kind} {tag}", "kind": kind, "value": value},
                admin,
            )
        )["id"]
        for kind, value in (("percentage", "0.5"), ("per_bale", "25"), ("flat", "1500"))
    }
    seller = await active_partner(client, sales, manager, kind="seller", state="24")
    buyer = await active_partner(client, sales, manager, kind="buyer", state="27")
    return World(
        organization_id=organization_id,
        commodity_id=commodity["id"],
        station_id=station["id"],
        delivery=delivery,
        payment=payment,
        seller=seller,
        buyer=buyer,
        percentage_id=structures["percentage"],
        per_bale_id=structures["per_bale"],
        flat_id=structures["flat"],
    )


async def create_contract(
    client: httpx.AsyncClient, headers: dict[str, str], world: World, **overrides: Any
) -> dict[str, Any]:
    result: dict[str, Any] = await _created(client, CONTRACTS, world.body(**overrides), headers)
    return result


async def confirmed_contract(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    **overrides: Any,
) -> dict[str, Any]:
    contract = await create_contract(client, sales, world, **overrides)
    submitted = await client.post(f"{CONTRACTS}/{contract['id']}/submit", headers=sales)
    assert submitted.status_code == 200, submitted.text
    approved = await client.post(f"{CONTRACTS}/{contract['id']}/approve", headers=manager)
    assert approved.status_code == 200, approved.text
    result: dict[str, Any] = approved.json()
    return result
