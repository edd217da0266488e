"""Tested lots: lab values within the commodity's bounds, the test report as an attached
document, visibility, offers from a lot and the bales accepted out of it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tests.contract.helpers import World
from tests.document.helpers import DOCUMENTS, uploaded
from tests.partner.helpers import active_partner
from tests.trade_desk.helpers import (
    LOTS,
    OFFERS,
    REQUIREMENTS,
    created,
    india_today,
    lot_body,
    offer_body,
    requirement_body,
    step,
)


def _locs(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    return [e["loc"] for e in response.json()["errors"]]


async def test_create_a_lot_and_name_its_test_report(
    client: httpx.AsyncClient, world: World, seller_user: dict[str, str], sales: dict[str, str]
) -> None:
    body = lot_body(world)
    del body["seller_id"]
    lot = await created(client, LOTS, body, seller_user)
    assert (lot["status"], lot["bales"], lot["available_bales"]) == ("active", 300, 300)
    assert (lot["variety"], lot["price"], lot["test_report_document_id"]) == (
        "Shankar-6",
        "55200.00",
        None,
    )
    report = await uploaded(
        client,
        seller_user,
        entity_type="tested_lot",
        entity_id=lot["id"],
        document_type="test_report",
        filename="hvi.pdf",
    )
    patched = await client.patch(
        f"{LOTS}/{lot['id']}",
        json={"test_report_document_id": report["id"]},
        headers={**seller_user, "If-Match": f'"{lot["version"]}"'},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["test_report_document_id"] == report["id"]
    # A document attached elsewhere is not this lot's report.
    elsewhere = await uploaded(client, sales, entity_type="partner", entity_id=world.seller["id"])
    wrong = await client.patch(
        f"{LOTS}/{lot['id']}", json={"test_report_document_id": elsewhere["id"]}, headers=sales
    )
    assert _locs(wrong) == [["body", "test_report_document_id"]]
    for bad in ({"valid_until": None}, {"price": "0"}, {"bales": 10}):
        refused = await client.patch(f"{LOTS}/{lot['id']}", json=bad, headers=sales)
        assert refused.status_code == 422, (bad, refused.text)
    listed = await client.get(
        DOCUMENTS, params={"entity_type": "tested_lot", "entity_id": lot["id"]}, headers=sales
    )
    assert [d["id"] for d in listed.json()["items"]] == [report["id"]]


async def test_lab_values_outside_the_bounds_and_other_bad_fields_are_422(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    body = lot_body(
        world,
        parameters={"mic": "5.6", "staple_mm": "25.9", "grade": "1"},
        seller_id=world.buyer["id"],
        test_date=(india_today() + timedelta(days=2)).isoformat(),
        variety="Suvin",
    )
    assert sorted(map(tuple, _locs(await client.post(LOTS, json=body, headers=sales)))) == sorted(
        [
            ("body", "seller_id"),
            ("body", "variety"),
            ("body", "parameters", "mic"),
            ("body", "parameters", "staple_mm"),
            ("body", "parameters", "grade"),
            ("body", "test_date"),
        ]
    )
    empty = await client.post(LOTS, json=lot_body(world, parameters={}), headers=sales)
    assert ["body", "parameters"] in _locs(empty)


async def test_visibility_of_lots(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    world: World,
    seller_user: dict[str, str],
    buyer_user: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> None:
    lot = await created(client, LOTS, lot_body(world), seller_user)
    other_seller = await active_partner(client, sales, manager, kind="seller")
    rival = (await sign_in(roles=["partner"], partner_id=uuid.UUID(other_seller["id"]))).headers
    one = f"{LOTS}/{lot['id']}"
    assert (await client.get(one, headers=buyer_user)).status_code == 200  # buyers see stock
    assert (await client.get(one, headers=rival)).status_code == 404  # competitors do not
    assert (await client.get(LOTS, headers=rival)).json()["total"] == 0
    # A buyer sees it but may not change it; another seller's user may not post for it.
    assert (await client.patch(one, json={"price": "1"}, headers=buyer_user)).status_code == 403
    foreign = await client.post(LOTS, json=lot_body(world), headers=rival)
    assert foreign.status_code == 403
    report = await client.get(
        DOCUMENTS, params={"entity_type": "tested_lot", "entity_id": lot["id"]}, headers=rival
    )
    assert report.status_code == 404


async def test_an_offer_from_a_lot_takes_its_values_and_accepting_it_takes_its_bales(
    client: httpx.AsyncClient, world: World, buyer_user: dict[str, str], sales: dict[str, str]
) -> None:
    lot = await created(client, LOTS, lot_body(world, bales=300), sales)
    requirement = await created(client, REQUIREMENTS, requirement_body(world, bales=300), sales)
    body = offer_body(world, requirement["id"], tested_lot_id=lot["id"], bales=300)
    for name in ("parameters", "variety", "station_id"):
        del body[name]
    too_many = await client.post(OFFERS, json={**body, "bales": 301}, headers=sales)
    assert ["body", "bales"] in _locs(too_many)
    offer = await created(client, OFFERS, body, sales)
    assert offer["parameters"] == lot["parameters"]
    assert (offer["tested_lot_id"], offer["station_id"]) == (lot["id"], world.station_id)
    await step(client, offer["id"], "accept", {"bales": 200}, buyer_user)
    seen = (await client.get(f"{LOTS}/{lot['id']}", headers=sales)).json()
    assert (seen["available_bales"], seen["status"]) == (100, "active")

    second_requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    second = await created(
        client, OFFERS, {**body, "requirement_id": second_requirement["id"], "bales": 100}, sales
    )
    await step(client, second["id"], "accept", {}, buyer_user)
    depleted = (await client.get(f"{LOTS}/{lot['id']}", headers=sales)).json()
    assert (depleted["available_bales"], depleted["status"]) == (0, "depleted")
    gone = await client.post(OFFERS, json={**body, "bales": 1}, headers=sales)
    assert ["body", "tested_lot_id"] in _locs(gone)


async def test_a_lot_emptied_meanwhile_refuses_the_acceptance(
    client: httpx.AsyncClient,
    world: World,
    buyer_user: dict[str, str],
    sales: dict[str, str],
) -> None:
    lot = await created(client, LOTS, lot_body(world, bales=100), sales)
    offers = []
    for _ in range(2):
        requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
        body = offer_body(world, requirement["id"], tested_lot_id=lot["id"], bales=80)
        offers.append(await created(client, OFFERS, body, sales))
    await step(client, offers[0]["id"], "accept", {}, buyer_user)
    refused = await client.post(f"{OFFERS}/{offers[1]['id']}/accept", json={}, headers=buyer_user)
    assert (refused.status_code, refused.json()["code"]) == (409, "tested_lot.insufficient")
    partly = await step(client, offers[1]["id"], "accept", {"bales": 20}, buyer_user)
    assert partly["accepted_bales"] == 20


async def test_list_filters_and_query_count(
    client: httpx.AsyncClient,
    world: World,
    sales: dict[str, str],
    buyer_user: dict[str, str],
    query_counter: QueryCounter,
) -> None:
    counts = []
    for _ in range(2):
        for _ in range(3):
            await created(client, LOTS, lot_body(world), sales)
        query_counter.reset()
        response = await client.get(LOTS, params={"status": "active"}, headers=buyer_user)
        assert response.status_code == 200
        counts.append((query_counter.count, response.json()["total"]))
    assert counts[0][0] == counts[1][0] <= 6
    assert (counts[0][1], counts[1][1]) == (3, 6)
    by_seller = await client.get(LOTS, params={"seller_id": world.seller["id"]}, headers=sales)
    assert by_seller.json()["total"] == 6
    assert (await client.get(LOTS, params={"sort": "price"}, headers=sales)).status_code == 422
    missing = await client.get(f"{LOTS}/{uuid.uuid4()}", headers=sales)
    assert (missing.status_code, missing.json()["code"]) == (404, "tested_lot.not_found")
