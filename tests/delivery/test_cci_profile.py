"""CCI profiles: which partner is the CCI, buyers' EMD classes; If-Match, kinds, audit."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import World, confirmed_contract
from tests.delivery.helpers import cci_path, profile_path, set_profile
from tests.partner.helpers import active_partner
from tradehub.audit.models import AuditEvent


async def test_default_profile_comes_from_the_partner_kind(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    trader = await active_partner(client, sales, manager, kind="trader", state="24")
    cases = ((world.seller, "private_mill"), (world.buyer, "private_mill"), (trader, "trader"))
    for partner, buyer_class in cases:
        response = await client.get(profile_path(partner["id"]), headers=sales)
        assert response.status_code == 200
        assert response.json() == {
            "partner_id": partner["id"],
            "is_cci": False,
            "buyer_class": buyer_class,
            "buyer_class_source": "partner_kind",
            "version": 0,
        }
        assert response.headers["ETag"] == '"0"'


async def test_marking_the_cci_makes_its_contracts_cci_contracts(
    client: httpx.AsyncClient,
    db: AsyncSession,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world, contract_date="2026-10-01")
    before = await client.get(cci_path(contract, "emd"), headers=sales)
    assert (before.status_code, before.json()["code"]) == (409, "cci.not_cci_contract")
    marked = await set_profile(client, admin, world.seller["id"], is_cci=True)
    assert (marked["is_cci"], marked["version"]) == (True, 1)
    after = await client.get(cci_path(contract, "emd"), headers=sales)
    assert after.status_code == 200, after.text
    unmarked = await set_profile(client, admin, world.seller["id"], is_cci=False)
    assert unmarked["version"] == 2
    again = await client.get(cci_path(contract, "emd"), headers=sales)
    assert again.status_code == 409
    events = await db.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity_type == "cci_profile", AuditEvent.entity_id == world.seller["id"])
        .order_by(AuditEvent.seq)
    )
    trail = [(e.action, e.changes.get("is_cci")) for e in events]
    assert trail == [
        ("create", {"old": None, "new": True}),
        ("update", {"old": True, "new": False}),
    ]


async def test_buyer_class_and_kinds(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    world: World,
) -> None:
    kvic = await set_profile(client, admin, world.buyer["id"], buyer_class="kvic")
    assert (kvic["buyer_class"], kvic["buyer_class_source"]) == ("kvic", "profile")
    cleared = await set_profile(client, admin, world.buyer["id"], buyer_class=None)
    assert (cleared["buyer_class"], cleared["buyer_class_source"]) == (
        "private_mill",
        "partner_kind",
    )
    not_seller = await client.put(
        profile_path(world.buyer["id"]), json={"is_cci": True}, headers=admin
    )
    assert not_seller.status_code == 422
    assert not_seller.json()["code"] == "cci_profile.not_a_seller"
    assert not_seller.json()["errors"][0]["loc"] == ["body", "is_cci"]
    not_buyer = await client.put(
        profile_path(world.seller["id"]),
        json={"is_cci": True, "buyer_class": "trader"},
        headers=admin,
    )
    assert not_buyer.status_code == 422
    assert not_buyer.json()["code"] == "cci_profile.not_a_buyer"
    bad = await client.put(
        profile_path(world.buyer["id"]),
        json={"is_cci": False, "buyer_class": "exporter"},
        headers=admin,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "validation.invalid")
    unknown = await client.get(profile_path("00000000-0000-4000-8000-000000000000"), headers=admin)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "partner.not_found")


async def test_if_match_on_the_profile(
    client: httpx.AsyncClient, admin: dict[str, str], world: World
) -> None:
    path = profile_path(world.seller["id"])
    stale = await client.put(path, json={"is_cci": True}, headers={**admin, "If-Match": '"3"'})
    assert (stale.status_code, stale.json()["code"]) == (412, "version.conflict")
    first = await client.put(path, json={"is_cci": True}, headers={**admin, "If-Match": '"0"'})
    assert first.status_code == 200 and first.headers["ETag"] == '"1"'
    replay = await client.put(path, json={"is_cci": False}, headers={**admin, "If-Match": '"0"'})
    assert replay.status_code == 412
