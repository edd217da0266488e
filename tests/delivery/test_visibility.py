"""Who sees delivery orders and CCI figures: staff all; a partner's users only those of their
own contracts (404 otherwise, never 403); permissions per role."""

from __future__ import annotations

import uuid

import httpx

from tests.auth_helpers import SignIn
from tests.contract.helpers import World, confirmed_contract
from tests.delivery.helpers import (
    DOS,
    cci_contract,
    cci_path,
    create_do,
    deposit,
    deposits_path,
    do_body,
    profile_path,
)
from tests.partner.helpers import active_partner


async def test_portal_users_see_only_their_own_contracts_dos(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await cci_contract(client, admin, sales, manager, world)
    assert (await deposit(client, manager, contract, "2976000", "2026-10-02")).status_code == 201
    order = await create_do(client, sales, contract)
    outsider = await active_partner(client, sales, manager, kind="buyer", state="27")
    for party in (world.buyer, world.seller):
        user = await sign_in(roles=["partner"], partner_id=uuid.UUID(party["id"]))
        seen = await client.get(f"{DOS}/{order['id']}", headers=user.headers)
        assert seen.status_code == 200, party["kind"]
        listed = (await client.get(DOS, headers=user.headers)).json()
        assert [i["id"] for i in listed["items"]] == [order["id"]]
        emd = await client.get(cci_path(contract, "emd"), headers=user.headers)
        assert emd.status_code == 200
        advice = await client.get(f"{DOS}/{order['id']}/payment-advice", headers=user.headers)
        assert advice.status_code == 200
        # seeing is not changing: a partner has no delivery:write
        refused = await client.post(
            f"{DOS}/{order['id']}/cancel", json={"reason": "x"}, headers=user.headers
        )
        assert refused.status_code == 403
    stranger = await sign_in(roles=["partner"], partner_id=uuid.UUID(outsider["id"]))
    for path in (
        f"{DOS}/{order['id']}",
        f"{DOS}/{order['id']}/payment-advice",
        cci_path(contract, "emd"),
        cci_path(contract, "carrying-charges") + "?lifting_date=2026-10-20",
        cci_path(contract, "late-lifting") + "?lifting_date=2026-10-20",
        deposits_path(contract),
        profile_path(world.buyer["id"]),
    ):
        response = await client.get(path, headers=stranger.headers)
        assert response.status_code == 404, path
    moisture = await client.post(
        cci_path(contract, "moisture-adjustment"),
        json={"moisture_pct": "10", "net_weight_kg": "1000"},
        headers=stranger.headers,
    )
    assert moisture.status_code == 404
    assert (await client.get(DOS, headers=stranger.headers)).json()["total"] == 0
    filtered = await client.get(
        DOS, params={"contract_id": contract["id"]}, headers=stranger.headers
    )
    assert filtered.json()["items"] == []


async def test_branch_limited_portal_user_sees_only_its_branches(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    order = await create_do(client, sales, contract)
    own_branch = uuid.UUID(world.buyer["branches"][0]["id"])
    limited = await sign_in(
        roles=["partner"], partner_id=uuid.UUID(world.buyer["id"]), branch_ids=[own_branch]
    )
    assert (await client.get(f"{DOS}/{order['id']}", headers=limited.headers)).status_code == 200
    elsewhere = await sign_in(
        roles=["partner"], partner_id=uuid.UUID(world.buyer["id"]), branch_ids=[uuid.uuid4()]
    )
    assert (await client.get(f"{DOS}/{order['id']}", headers=elsewhere.headers)).status_code == 404
    assert (await client.get(DOS, headers=elsewhere.headers)).json()["total"] == 0


async def test_staff_roles_and_permissions(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    accounts: dict[str, str],
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await cci_contract(client, admin, sales, manager, world)
    # accounts records EMD (payment:write) and reads DOs, but does not schedule them
    assert (await deposit(client, accounts, contract, "2976000", "2026-10-02")).status_code == 201
    refused = await client.post(DOS, json=do_body(contract), headers=accounts)
    assert (refused.status_code, refused.json()["code"]) == (403, "auth.forbidden")
    order = await create_do(client, sales, contract)
    assert (await client.get(f"{DOS}/{order['id']}", headers=accounts)).status_code == 200
    # sales schedules DOs but records no EMD and changes no CCI profile
    assert (await deposit(client, sales, contract, "1", "2026-10-02")).status_code == 403
    put = await client.put(profile_path(world.buyer["id"]), json={"is_cci": False}, headers=sales)
    assert put.status_code == 403
    dispute_manager = await sign_in(roles=["dispute_manager"])
    assert (await client.get(DOS, headers=dispute_manager.headers)).status_code == 200
    assert (
        await client.post(
            f"{DOS}/{order['id']}/cancel", json={"reason": "x"}, headers=dispute_manager.headers
        )
    ).status_code == 403
