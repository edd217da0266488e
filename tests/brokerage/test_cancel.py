"""POST /brokerage-bills/{id}/cancel: only unpaid bills; releases the commissions for a new
bill, enters the number in the cancelled register, deletes nothing; honours If-Match."""

from __future__ import annotations

import httpx

from tests.brokerage.helpers import BILLS, create_bill
from tests.contract.helpers import World, confirmed_contract


async def test_cancel_releases_the_commissions_and_registers_the_number(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    bill = await create_bill(client, admin, world, world.buyer)
    path = f"{BILLS}/{bill['id']}/cancel"
    stale = await client.post(
        path, json={"reason": "wrong period"}, headers={**admin, "If-Match": '"99"'}
    )
    assert stale.status_code == 412 and stale.json()["code"] == "version.conflict"
    cancelled = await client.post(
        path,
        json={"reason": "wrong period"},
        headers={**admin, "If-Match": f'"{bill["version"]}"'},
    )
    assert cancelled.status_code == 200, cancelled.text
    answer = cancelled.json()
    assert (answer["status"], answer["status_reason"]) == ("cancelled", "wrong period")
    assert answer["outstanding_amount"] == "0.00"
    assert answer["cancelled_at"] is not None
    assert answer["lines"] == bill["lines"]  # kept
    assert answer["version"] > bill["version"]

    again = await client.post(path, json={"reason": "twice"}, headers=admin)
    assert again.status_code == 409 and again.json()["code"] == "brokerage.invalid_transition"

    register = await client.get(
        "/api/v1/numbering/cancelled",
        params={"organization_id": world.organization_id, "series": "BRK"},
        headers=admin,
    )
    assert register.status_code == 200, register.text
    entries = register.json()["items"]
    assert [(e["number"], e["document_type"], e["document_id"]) for e in entries] == [
        (bill["bill_no"], "brokerage_bill", bill["id"])
    ]

    rebilled = await create_bill(client, admin, world, world.buyer)
    assert rebilled["bill_no"] == "BRK/26-27/00002"
    assert [line["contract_id"] for line in rebilled["lines"]] == [contract["id"]]
    assert rebilled["total_amount"] == bill["total_amount"]
    old = await client.get(f"{BILLS}/{bill['id']}", headers=admin)
    assert old.status_code == 200 and old.json()["status"] == "cancelled"


async def test_only_brokerage_writers_cancel(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    await confirmed_contract(client, sales, manager, world)
    bill = await create_bill(client, admin, world, world.buyer)
    response = await client.post(
        f"{BILLS}/{bill['id']}/cancel", json={"reason": "no"}, headers=sales
    )
    assert response.status_code == 403
