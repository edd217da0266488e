"""Lists (filters, sorts, bounded queries) and what a partner's users see."""

from __future__ import annotations

import uuid

import httpx

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tests.contract.helpers import CONTRACTS, World, confirmed_contract, create_contract
from tests.partner.helpers import active_partner


async def test_partner_users_see_only_their_contracts_and_their_own_brokerage(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    own = await confirmed_contract(client, sales, manager, world)
    other_seller = await active_partner(client, sales, manager, kind="seller")
    others = await confirmed_contract(
        client,
        sales,
        manager,
        world,
        seller_id=other_seller["id"],
        seller_branch_id=other_seller["branches"][0]["id"],
    )
    seller_user = (
        await sign_in(roles=["partner"], partner_id=uuid.UUID(world.seller["id"]))
    ).headers
    seen = await client.get(f"{CONTRACTS}/{own['id']}", headers=seller_user)
    assert seen.status_code == 200
    body = seen.json()
    assert body["commissions"] == [c for c in own["commissions"] if c["side"] == "seller"]
    assert len(body["commissions"]) == 1
    assert body["buyer_commission_structure_id"] is None
    assert body["seller_commission_structure_id"] == world.percentage_id
    assert body["created_by_id"] is None

    hidden = await client.get(f"{CONTRACTS}/{others['id']}", headers=seller_user)
    assert hidden.status_code == 404 and hidden.json()["code"] == "contract.not_found"
    assert (
        await client.get(f"{CONTRACTS}/{others['id']}/versions", headers=seller_user)
    ).status_code == 404

    listed = await client.get(CONTRACTS, headers=seller_user)
    assert [c["id"] for c in listed.json()["items"]] == [own["id"]]
    assert all(len(c["commissions"]) <= 1 for c in listed.json()["items"])

    versions = await client.get(f"{CONTRACTS}/{own['id']}/versions", headers=seller_user)
    snapshot = versions.json()["items"][0]["contract"]
    assert [c["side"] for c in snapshot["commissions"]] == ["seller"]
    assert snapshot["buyer_commission_structure_id"] is None

    buyer_user = (await sign_in(roles=["partner"], partner_id=uuid.UUID(world.buyer["id"]))).headers
    as_buyer = await client.get(f"{CONTRACTS}/{own['id']}", headers=buyer_user)
    assert [c["side"] for c in as_buyer.json()["commissions"]] == ["buyer"]
    seen_by_buyer = await client.get(CONTRACTS, headers=buyer_user)
    assert {c["id"] for c in seen_by_buyer.json()["items"]} == {own["id"], others["id"]}

    # Partners read; they never write or approve.
    denied = await client.post(
        f"{CONTRACTS}/{own['id']}/cancel", json={"reason": "r"}, headers=seller_user
    )
    assert denied.status_code == 403


async def test_list_filters_and_sorts(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str], world: World
) -> None:
    small = await confirmed_contract(
        client, sales, manager, world, bales=10, contract_date="2026-06-01"
    )
    big = await create_contract(client, sales, world, bales=500, contract_date="2026-12-01")
    scope = {"organization_id": world.organization_id}

    async def ids(**params: object) -> list[str]:
        answer = await client.get(CONTRACTS, params={**scope, **params}, headers=sales)
        assert answer.status_code == 200, answer.text
        return [c["id"] for c in answer.json()["items"]]

    assert await ids(status="confirmed") == [small["id"]]
    assert await ids(status="draft") == [big["id"]]
    assert await ids(sort="contract_value") == [small["id"], big["id"]]
    assert await ids(sort="-contract_value") == [big["id"], small["id"]]
    assert await ids(sort="contract_date") == [small["id"], big["id"]]
    assert await ids(date_from="2026-07-01") == [big["id"]]
    assert await ids(date_to="2026-07-01") == [small["id"]]
    assert set(await ids(party_id=world.buyer["id"])) == {small["id"], big["id"]}
    assert set(await ids(seller_id=world.seller["id"], buyer_id=world.buyer["id"])) == {
        small["id"],
        big["id"],
    }
    assert await ids(seller_id=world.buyer["id"]) == []
    assert await ids(commodity_id=str(uuid.uuid4())) == []
    assert await ids(contract_no="SC/26-27/00001") == [small["id"]]
    for bad in ({"sort": "bales"}, {"limit": 0}, {"limit": 201}, {"page": 0}, {"status": "x"}):
        answer = await client.get(CONTRACTS, params=bad, headers=sales)
        assert answer.status_code == 422, bad
    past = await client.get(CONTRACTS, params={**scope, "page": 9}, headers=sales)
    assert past.status_code == 200 and past.json()["items"] == [] and past.json()["total"] == 2


async def test_list_query_count_does_not_grow_with_the_page(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    query_counter: QueryCounter,
) -> None:
    for _ in range(3):
        await confirmed_contract(client, sales, manager, world)
    for _ in range(5):
        await create_contract(client, sales, world)
    query_counter.reset()
    await client.get(CONTRACTS, params={"limit": 2}, headers=sales)
    small = query_counter.count
    query_counter.reset()
    answer = await client.get(CONTRACTS, params={"limit": 8}, headers=sales)
    assert len(answer.json()["items"]) == 8
    assert query_counter.count == small
