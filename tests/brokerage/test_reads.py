"""GET /brokerage-bills and /{id}: partner visibility (404 outside), filters, sorts, paging,
and a query count that does not grow with the page; the sub-broker share (staff only)."""

from __future__ import annotations

import uuid

import httpx

from tests.auth_helpers import SignIn
from tests.brokerage.helpers import BILLS, bill_body, create_bill
from tests.conftest import QueryCounter
from tests.contract.helpers import World, confirmed_contract
from tests.partner.helpers import active_partner


async def test_partner_users_see_only_bills_billed_to_their_partner(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    sign_in: SignIn,
) -> None:
    await confirmed_contract(client, sales, manager, world)
    buyer_bill = await create_bill(client, admin, world, world.buyer)
    seller_bill = await create_bill(client, admin, world, world.seller)
    buyer_user = await sign_in(roles=["partner"], partner_id=uuid.UUID(world.buyer["id"]))
    stranger = await sign_in(roles=["partner"], partner_id=uuid.uuid4())

    mine = await client.get(BILLS, headers=buyer_user.headers)
    assert mine.status_code == 200
    assert [b["id"] for b in mine.json()["items"]] == [buyer_bill["id"]]
    assert mine.json()["items"][0]["created_by_id"] is None
    own = await client.get(f"{BILLS}/{buyer_bill['id']}", headers=buyer_user.headers)
    assert own.status_code == 200 and own.json()["total_amount"] == buyer_bill["total_amount"]
    for path in (f"{BILLS}/{seller_bill['id']}", f"{BILLS}/{seller_bill['id']}/pdf"):
        hidden = await client.get(path, headers=buyer_user.headers)
        assert hidden.status_code == 404, path
        assert hidden.json()["code"] == "brokerage.bill_not_found"
    assert (await client.get(BILLS, headers=stranger.headers)).json()["total"] == 0
    assert (
        await client.get(f"{BILLS}/{buyer_bill['id']}", headers=stranger.headers)
    ).status_code == 404
    assert (await client.get(f"{BILLS}/{uuid.uuid4()}", headers=admin)).status_code == 404


async def test_list_filters_sorts_and_pages(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    await confirmed_contract(client, sales, manager, world)
    buyer_bill = await create_bill(client, admin, world, world.buyer)  # ₹2,950
    seller_bill = await create_bill(client, admin, world, world.seller, bill_date="2026-12-05")
    cancel = await client.post(
        f"{BILLS}/{buyer_bill['id']}/cancel", json={"reason": "redo"}, headers=admin
    )
    assert cancel.status_code == 200

    async def ids(**params: str) -> list[str]:
        response = await client.get(
            BILLS, params={"organization_id": world.organization_id, **params}, headers=sales
        )
        assert response.status_code == 200, response.text
        return [b["id"] for b in response.json()["items"]]

    assert await ids() == [seller_bill["id"], buyer_bill["id"]]  # -created_at
    assert await ids(sort="total_amount") == [buyer_bill["id"], seller_bill["id"]]
    assert await ids(sort="-bill_date") == [seller_bill["id"], buyer_bill["id"]]
    assert await ids(partner_id=world.seller["id"]) == [seller_bill["id"]]
    assert await ids(status="cancelled") == [buyer_bill["id"]]
    assert await ids(status="unpaid") == [seller_bill["id"]]
    assert await ids(date_from="2026-12-02") == [seller_bill["id"]]
    assert await ids(date_to="2026-12-01") == [buyer_bill["id"]]
    assert await ids(bill_no=seller_bill["bill_no"]) == [seller_bill["id"]]
    for bad in ({"sort": "partner_id"}, {"limit": "0"}, {"page": "0"}, {"status": "due"}):
        assert (await client.get(BILLS, params=bad, headers=sales)).status_code == 422
    past = await client.get(BILLS, params={"page": 9, "limit": 1}, headers=sales)
    assert past.status_code == 200 and past.json()["items"] == []


async def test_list_query_count_does_not_grow_with_the_page(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    query_counter: QueryCounter,
) -> None:
    for day in ("2026-11-02", "2026-11-03", "2026-11-04"):
        await confirmed_contract(client, sales, manager, world, contract_date=day)
        await create_bill(client, admin, world, world.buyer, period_from=day, period_to=day)
        await create_bill(client, admin, world, world.seller, period_from=day, period_to=day)
    query_counter.reset()
    await client.get(BILLS, params={"limit": 2}, headers=sales)
    small = query_counter.count
    query_counter.reset()
    answer = await client.get(BILLS, params={"limit": 6}, headers=sales)
    assert len(answer.json()["items"]) == 6
    assert query_counter.count == small


async def test_a_sub_brokers_share_is_of_the_pre_gst_value_and_staff_only(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    sign_in: SignIn,
) -> None:
    await confirmed_contract(client, sales, manager, world)
    broker = await active_partner(client, sales, manager, kind="broker", state="27")
    not_a_broker = bill_body(
        world, world.buyer, sub_broker_id=world.seller["id"], sub_broker_share_percent="10"
    )
    refused = await client.post(BILLS, json=not_a_broker, headers=admin)
    assert refused.status_code == 422 and refused.json()["code"] == "brokerage.sub_broker_unknown"
    alone = bill_body(world, world.buyer, sub_broker_id=broker["id"])
    assert (await client.post(BILLS, json=alone, headers=admin)).status_code == 422
    too_much = bill_body(
        world, world.buyer, sub_broker_id=broker["id"], sub_broker_share_percent="100.5"
    )
    assert (await client.post(BILLS, json=too_much, headers=admin)).status_code == 422

    bill = await create_bill(
        client,
        admin,
        world,
        world.buyer,
        sub_broker_id=broker["id"],
        sub_broker_share_percent="12.5",
    )
    # 12.5 % of the taxable ₹2,500.00, not of the ₹2,950 total.
    assert (bill["sub_broker_id"], bill["sub_broker_share_percent"]) == (broker["id"], "12.5")
    assert bill["sub_broker_share"] == "312.50"
    assert bill["total_amount"] == "2950.00"
    buyer_user = await sign_in(roles=["partner"], partner_id=uuid.UUID(world.buyer["id"]))
    seen = (await client.get(f"{BILLS}/{bill['id']}", headers=buyer_user.headers)).json()
    assert (seen["sub_broker_id"], seen["sub_broker_share"]) == (None, None)
