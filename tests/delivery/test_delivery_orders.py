"""Delivery orders: create, bales within the contract, lifecycle, If-Match, numbers, audit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import CONTRACTS, World, confirmed_contract, create_contract
from tests.delivery.helpers import DOS, create_do, do_body
from tradehub.audit.models import AuditEvent
from tradehub.contract.models import Contract
from tradehub.financial_year.domain import INDIA, fy_code_for


async def test_create_schedules_a_numbered_do(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    response = await client.post(
        DOS, json=do_body(contract, bales=40, vehicle="gj03 ab 1234"), headers=sales
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "scheduled"
    assert order["do_no"] == "DO/26-27/00001"
    assert (order["bales"], order["contract_id"]) == (40, contract["id"])
    assert (order["lifting_from"], order["lifting_to"]) == ("2026-12-01", "2026-12-10")
    assert order["station_id"] == contract["station_id"]  # the contract's when not given
    assert order["vehicle"] == "GJ03 AB 1234"
    assert (order["financial_year"], order["organization_id"]) == (
        "2026-27",
        contract["organization_id"],
    )
    assert response.headers["ETag"] == f'"{order["version"]}"'
    second = await create_do(client, sales, contract)
    assert second["do_no"] == "DO/26-27/00002"
    got = await client.get(f"{DOS}/{order['id']}", headers=sales)
    assert got.status_code == 200 and got.json() == order
    assert got.headers["ETag"] == f'"{order["version"]}"'


async def test_do_date_defaults_to_today_in_india(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    today = datetime.now(UTC).astimezone(INDIA).date()
    if fy_code_for(today) != "2026-27":  # the world only opens 2026-27
        await client.post(
            "/api/v1/financial-years",
            json={"organization_id": world.organization_id, "code": fy_code_for(today)},
            headers=admin,
        )
    contract = await confirmed_contract(client, sales, manager, world)
    body = do_body(contract)
    del body["do_date"]
    response = await client.post(DOS, json=body, headers=sales)
    assert response.status_code == 201, response.text
    assert response.json()["do_date"] == today.isoformat()
    assert response.json()["do_no"].split("/")[1] == fy_code_for(today)[2:]


async def test_bales_never_exceed_the_contract_and_cancelled_dos_give_them_back(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world, bales=100)
    first = await create_do(client, sales, contract, bales=60)
    await create_do(client, sales, contract, bales=40)
    over = await client.post(DOS, json=do_body(contract, bales=1), headers=sales)
    assert over.status_code == 422
    problem = over.json()
    assert problem["code"] == "delivery_order.exceeds_contract"
    assert problem["errors"][0]["loc"] == ["body", "bales"]
    assert "0 remain" in problem["detail"]
    # a dispatched and then cancelled DO frees its bales; delivered ones keep theirs
    dispatched = await client.post(
        f"{DOS}/{first['id']}/dispatch", json={"vehicle": "MH40AB1234"}, headers=sales
    )
    assert dispatched.status_code == 200, dispatched.text
    cancelled = await client.post(
        f"{DOS}/{first['id']}/cancel", json={"reason": "lorry broke down"}, headers=sales
    )
    assert cancelled.status_code == 200, cancelled.text
    again = await create_do(client, sales, contract, bales=60)
    assert again["do_no"] == "DO/26-27/00003"  # numbers of cancelled DOs are not reused
    still_over = await client.post(DOS, json=do_body(contract, bales=1), headers=sales)
    assert still_over.json()["code"] == "delivery_order.exceeds_contract"


async def test_lifecycle_and_invalid_transitions(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    order = await create_do(client, sales, contract)
    path = f"{DOS}/{order['id']}"
    no_vehicle = await client.post(f"{path}/dispatch", headers=sales)
    assert no_vehicle.status_code == 422
    assert no_vehicle.json()["code"] == "delivery_order.vehicle_required"
    early = await client.post(f"{path}/deliver", headers=sales)
    assert (early.status_code, early.json()["code"]) == (409, "delivery_order.invalid_transition")
    dispatched = await client.post(
        f"{path}/dispatch", json={"vehicle": "GJ03AB1234"}, headers=sales
    )
    assert dispatched.status_code == 200, dispatched.text
    assert dispatched.json()["status"] == "dispatched"
    assert dispatched.json()["dispatched_at"] is not None
    assert dispatched.json()["version"] == order["version"] + 1
    delivered = await client.post(f"{path}/deliver", headers=sales)
    assert delivered.status_code == 200
    assert (delivered.json()["status"], delivered.json()["delivered_at"] is not None) == (
        "delivered",
        True,
    )
    for action, body in (("dispatch", {}), ("deliver", None), ("cancel", {"reason": "late"})):
        refused = await client.post(f"{path}/{action}", json=body, headers=sales)
        assert refused.status_code == 409, action
        assert refused.json()["code"] == "delivery_order.invalid_transition"
    actions = await db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == "delivery_order", AuditEvent.entity_id == order["id"])
        .order_by(AuditEvent.seq)
    )
    assert list(actions) == ["create", "dispatch", "deliver"]


async def test_cancel_from_scheduled_records_the_reason_and_is_final(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    order = await create_do(client, sales, contract, vehicle="GJ01XY0001")
    path = f"{DOS}/{order['id']}"
    blank = await client.post(f"{path}/cancel", json={"reason": " "}, headers=sales)
    assert blank.status_code == 422
    cancelled = await client.post(f"{path}/cancel", json={"reason": "buyer asked"}, headers=sales)
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["status_reason"]) == (
        "cancelled",
        "buyer asked",
    )
    refused = await client.post(f"{path}/dispatch", json={}, headers=sales)
    assert refused.json()["code"] == "delivery_order.invalid_transition"
    event = await db.scalar(
        select(AuditEvent).where(AuditEvent.entity_id == order["id"], AuditEvent.action == "cancel")
    )
    assert event is not None and event.reason == "buyer asked"
    assert event.changes["status"] == {"old": "scheduled", "new": "cancelled"}


async def test_if_match_guards_every_transition(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    order = await create_do(client, sales, contract, vehicle="GJ01XY0001")
    path = f"{DOS}/{order['id']}"
    stale = {**sales, "If-Match": f'"{order["version"] + 5}"'}
    for action, body in (("dispatch", {}), ("deliver", None), ("cancel", {"reason": "x"})):
        response = await client.post(f"{path}/{action}", json=body, headers=stale)
        assert response.status_code == 412, action
        assert response.json()["code"] == "version.conflict"
    fresh = {**sales, "If-Match": f'"{order["version"]}"'}
    moved = await client.post(f"{path}/dispatch", headers=fresh)
    assert moved.status_code == 200
    assert moved.headers["ETag"] == f'"{order["version"] + 1}"'
    again = await client.post(f"{path}/deliver", headers=fresh)  # the old tag is stale now
    assert again.status_code == 412


async def test_only_confirmed_or_disputed_contracts_take_dos(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    draft = await create_contract(client, sales, world)
    refused = await client.post(DOS, json=do_body(draft), headers=sales)
    assert refused.status_code == 422
    assert refused.json()["code"] == "delivery_order.contract_not_confirmed"
    assert refused.json()["errors"][0]["loc"] == ["body", "contract_id"]
    confirmed = await confirmed_contract(client, sales, manager, world)
    cancelled = await client.post(
        f"{CONTRACTS}/{confirmed['id']}/cancel", json={"reason": "void"}, headers=sales
    )
    assert cancelled.status_code == 200
    refused = await client.post(DOS, json=do_body(confirmed), headers=sales)
    assert refused.json()["code"] == "delivery_order.contract_not_confirmed"
    # a dispute does not stop deliveries against the contract
    disputed = await confirmed_contract(client, sales, manager, world)
    row = await db.get(Contract, uuid.UUID(disputed["id"]))
    assert row is not None
    row.status = "disputed"
    await db.flush()
    assert (await client.post(DOS, json=do_body(disputed), headers=sales)).status_code == 201


async def test_refusals_of_bad_bodies(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    cases: list[tuple[dict[str, Any], str, list[Any]]] = [
        ({"bales": 0}, "validation.invalid", ["body", "bales"]),
        ({"bales": "5"}, "validation.invalid", ["body", "bales"]),
        ({"lifting_from": "2026-12-11"}, "validation.invalid", ["body"]),
        ({"vehicle": "GJ/03"}, "validation.invalid", ["body", "vehicle"]),
        ({"extra": 1}, "validation.invalid", ["body", "extra"]),
        (
            {"lifting_from": "2026-11-27", "lifting_to": "2026-11-30"},
            "delivery_order.lifting_before_contract",
            ["body", "lifting_from"],
        ),
        (
            {"station_id": "00000000-0000-4000-8000-000000000000"},
            "delivery_order.station_unknown",
            ["body", "station_id"],
        ),
        ({"do_date": "2027-04-02"}, "financial_year.closed_or_missing", ["body", "do_date"]),
    ]
    for overrides, code, loc in cases:
        response = await client.post(DOS, json=do_body(contract, **overrides), headers=sales)
        assert response.status_code == 422, (overrides, response.text)
        assert response.json()["code"] == code, overrides
        assert response.json()["errors"][0]["loc"][: len(loc)] == loc, overrides
    unknown = await client.post(
        DOS,
        json=do_body({"id": "00000000-0000-4000-8000-000000000000"}),
        headers=sales,
    )
    assert (unknown.status_code, unknown.json()["code"]) == (404, "contract.not_found")


async def test_list_filters_sorts_and_pages(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    first = await confirmed_contract(client, sales, manager, world)
    second = await confirmed_contract(client, sales, manager, world)
    a = await create_do(client, sales, first, lifting_from="2026-12-05")
    b = await create_do(client, sales, first, lifting_from="2026-12-01")
    c = await create_do(client, sales, second, lifting_from="2026-12-03", vehicle="GJ01AA0001")
    await client.post(f"{DOS}/{c['id']}/dispatch", headers=sales)

    async def ids(**params: Any) -> list[str]:
        response = await client.get(DOS, params=params, headers=sales)
        assert response.status_code == 200, response.text
        return [item["id"] for item in response.json()["items"]]

    assert await ids(contract_id=first["id"], sort="lifting_from") == [b["id"], a["id"]]
    assert await ids(status="dispatched") == [c["id"]]
    assert await ids(contract_id=first["id"], sort="-do_no") == [b["id"], a["id"]]
    everything = (await client.get(DOS, params={"limit": 2}, headers=sales)).json()
    assert (everything["total"], len(everything["items"]), everything["limit"]) == (3, 2, 2)
    past_end = (await client.get(DOS, params={"page": 999}, headers=sales)).json()
    assert past_end["items"] == []
    for bad in ({"sort": "bales"}, {"limit": 0}, {"limit": 201}, {"page": 0}, {"status": "x"}):
        response = await client.get(DOS, params=bad, headers=sales)
        assert response.status_code == 422, bad


async def test_list_query_count_does_not_grow_with_the_page(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
    query_counter: Any,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    for _ in range(4):
        await create_do(client, sales, contract, bales=2)
    query_counter.reset()
    await client.get(DOS, params={"limit": 1, "contract_id": contract["id"]}, headers=sales)
    one = query_counter.count
    query_counter.reset()
    response = await client.get(
        DOS, params={"limit": 50, "contract_id": contract["id"]}, headers=sales
    )
    assert response.json()["total"] == 4
    assert query_counter.count == one


async def test_idempotency_key_replays_the_first_answer(
    client: httpx.AsyncClient,
    sales: dict[str, str],
    manager: dict[str, str],
    world: World,
) -> None:
    contract = await confirmed_contract(client, sales, manager, world)
    keyed = {**sales, "Idempotency-Key": f"do-{uuid.uuid4()}"}
    first = await client.post(DOS, json=do_body(contract, bales=7), headers=keyed)
    again = await client.post(DOS, json=do_body(contract, bales=7), headers=keyed)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    listed = await client.get(DOS, params={"contract_id": contract["id"]}, headers=sales)
    assert listed.json()["total"] == 1
    reused = await client.post(DOS, json=do_body(contract, bales=8), headers=keyed)
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency.key_reused")
