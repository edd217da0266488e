"""Offers: scoring against the requirement, one open offer per seller and requirement,
validation, expired and closed requirements, idempotency, open offers, lists and visibility."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import time_machine

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tests.contract.helpers import World
from tests.partner.helpers import active_partner
from tests.trade_desk.helpers import (
    OFFERS,
    REQUIREMENTS,
    created,
    offer_body,
    requirement_body,
    step,
)


def _locs(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    return [e["loc"] for e in response.json()["errors"]]


async def test_an_offer_is_scored_and_counted_on_its_requirement(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    # Inside every band, at the target price, same station, agreed terms: the best score.
    exact = await created(
        client, OFFERS, offer_body(world, requirement["id"], price="55000"), sales
    )
    assert exact["match_score"] == 100
    breakdown = exact["score_breakdown"]
    assert breakdown["total"] == 100
    assert {"parameters", "price", "location", "payment", "label"} <= set(breakdown)
    assert exact["organization_id"] == world.organization_id
    assert exact["rounds_count"] == 1
    assert exact["last_price"] == exact["price"] == "55000.00"


async def test_scores_rank_offers_and_keep_the_requirement_best(
    client: httpx.AsyncClient, world: World, sales: dict[str, str], manager: dict[str, str]
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    trader = await active_partner(client, sales, manager, kind="trader", state="27")
    worse = await created(
        client,
        OFFERS,
        offer_body(
            world,
            requirement["id"],
            seller_id=trader["id"],
            price="60500",
            parameters={"staple_mm": "29", "mic": "4.6", "trash_pct": "2"},
        ),
        sales,
    )
    best = await created(client, OFFERS, offer_body(world, requirement["id"], price="55000"), sales)
    assert best["match_score"] == 100
    assert worse["match_score"] < best["match_score"]
    assert worse["score_breakdown"]["deviations"]["mic"] == "0.4"
    seen = (await client.get(f"{REQUIREMENTS}/{requirement['id']}", headers=sales)).json()
    assert (seen["offers_count"], seen["best_match_score"]) == (2, 100)
    ranked = await client.get(
        OFFERS, params={"requirement_id": requirement["id"], "sort": "-match_score"}, headers=sales
    )
    assert [o["id"] for o in ranked.json()["items"]] == [best["id"], worse["id"]]


async def test_one_open_offer_per_seller_and_requirement(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    first = await created(client, OFFERS, offer_body(world, requirement["id"]), sales)
    twin = await client.post(OFFERS, json=offer_body(world, requirement["id"]), headers=sales)
    assert (twin.status_code, twin.json()["code"]) == (409, "offer.duplicate")
    # Still open while countered; free again once it is decided.
    await step(client, first["id"], "counter", {"side": "buyer", "price": "54000"}, sales)
    again = await client.post(OFFERS, json=offer_body(world, requirement["id"]), headers=sales)
    assert again.status_code == 409
    await step(client, first["id"], "reject", {"side": "buyer", "reason": "too dear"}, sales)
    await created(client, OFFERS, offer_body(world, requirement["id"], price="54900"), sales)


async def test_offer_validation_names_each_bad_field(
    client: httpx.AsyncClient, world: World, sales: dict[str, str], manager: dict[str, str]
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    bad = offer_body(
        world,
        requirement["id"],
        parameters={"mic": "6.1", "colour": "2"},
        variety="DCH-32",  # the buyer asked for Shankar-6
        station_id=str(uuid.uuid4()),
        payment_terms="advance",
        payment_days=10,
        valid_until=(datetime.now(UTC) - timedelta(hours=1)).isoformat(),
    )
    assert sorted(map(tuple, _locs(await client.post(OFFERS, json=bad, headers=sales)))) == sorted(
        [
            ("body", "parameters", "mic"),
            ("body", "parameters", "colour"),
            ("body", "variety"),
            ("body", "station_id"),
            ("body", "payment_days"),
            ("body", "valid_until"),
        ]
    )
    mic = await client.post(
        OFFERS, json=offer_body(world, requirement["id"], parameters={"mic": "6.1"}), headers=sales
    )
    assert (_locs(mic), mic.json()["code"]) == (
        [["body", "parameters", "mic"]],
        "trade_desk.parameter_out_of_bounds",
    )
    # The buyer cannot sell; the commodity must be the requirement's.
    as_buyer = offer_body(world, requirement["id"], seller_id=world.buyer["id"])
    assert ["body", "seller_id"] in _locs(await client.post(OFFERS, json=as_buyer, headers=sales))
    other = offer_body(world, requirement["id"], commodity_id=str(uuid.uuid4()))
    assert ["body", "commodity_id"] in _locs(await client.post(OFFERS, json=other, headers=sales))
    for price in ("0", "-5", "1.234"):
        body = offer_body(world, requirement["id"], price=price)
        assert (await client.post(OFFERS, json=body, headers=sales)).status_code == 422


async def test_terms_and_commodity_left_out_are_the_requirements(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    body = offer_body(world, requirement["id"])
    for name in ("commodity_id", "payment_terms", "payment_days", "delivery_days", "price_unit"):
        del body[name]
    offer = await created(client, OFFERS, body, sales)
    assert offer["commodity_id"] == world.commodity_id
    assert (offer["payment_terms"], offer["payment_days"], offer["delivery_days"]) == (
        "credit",
        30,
        0,
    )
    assert offer["price_unit"] == "candy"


async def test_an_offer_on_an_expired_requirement_is_410_and_on_a_fulfilled_one_409(
    client: httpx.AsyncClient, world: World, sales: dict[str, str], manager: dict[str, str]
) -> None:
    soon = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    expiring = await created(client, REQUIREMENTS, requirement_body(world, valid_until=soon), sales)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2), tick=False):
        body = offer_body(world, expiring["id"])
        late = await client.post(OFFERS, json=body, headers=sales)
    assert (late.status_code, late.json()["code"]) == (410, "requirement.expired")

    requirement = await created(client, REQUIREMENTS, requirement_body(world, bales=100), sales)
    offer = await created(client, OFFERS, offer_body(world, requirement["id"], bales=100), sales)
    await step(client, offer["id"], "accept", {"side": "buyer"}, sales)
    trader = await active_partner(client, sales, manager, kind="trader")
    after = await client.post(
        OFFERS, json=offer_body(world, requirement["id"], seller_id=trader["id"]), headers=sales
    )
    assert (after.status_code, after.json()["code"]) == (409, "requirement.closed")


async def test_idempotency_key_replays_the_first_answer(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    headers = {**sales, "Idempotency-Key": f"offer-{uuid.uuid4()}"}
    body = offer_body(world, requirement["id"])
    first = await client.post(OFFERS, json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = await client.post(OFFERS, json=body, headers=headers)
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers.get("Idempotent-Replayed") == "true"
    reused = await client.post(OFFERS, json={**body, "price": "1"}, headers=headers)
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency.key_reused")
    listed = await client.get(OFFERS, params={"requirement_id": requirement["id"]}, headers=sales)
    assert listed.json()["total"] == 1


async def test_open_offers_are_seen_by_buyers_and_not_negotiated(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    world: World,
    seller_user: dict[str, str],
    buyer_user: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> None:
    body = offer_body(world, None)
    del body["seller_id"]
    offer = await created(client, OFFERS, body, seller_user)
    assert (offer["requirement_id"], offer["match_score"], offer["score_breakdown"]) == (
        None,
        None,
        None,
    )
    assert (await client.get(f"{OFFERS}/{offer['id']}", headers=buyer_user)).status_code == 200
    listed = await client.get(OFFERS, params={"open": "true"}, headers=buyer_user)
    assert [o["id"] for o in listed.json()["items"]] == [offer["id"]]
    counter = await client.post(
        f"{OFFERS}/{offer['id']}/counter", json={"price": "50000"}, headers=buyer_user
    )
    assert (counter.status_code, counter.json()["code"]) == (409, "offer.open_offer")
    # Another seller does not see it.
    rival = await active_partner(client, sales, manager, kind="seller")
    rival_user = (await sign_in(roles=["partner"], partner_id=uuid.UUID(rival["id"]))).headers
    assert (await client.get(f"{OFFERS}/{offer['id']}", headers=rival_user)).status_code == 404
    # The seller withdraws it; then buyers no longer see it.
    withdrawn = await step(client, offer["id"], "withdraw", {"reason": "sold"}, seller_user)
    assert withdrawn["status"] == "withdrawn"
    assert (await client.get(f"{OFFERS}/{offer['id']}", headers=buyer_user)).status_code == 404


async def test_visibility_of_offers_on_requirements(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    world: World,
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), buyer_user)
    body = offer_body(world, requirement["id"])
    offer = await created(client, OFFERS, body, seller_user)
    other_buyer = await active_partner(client, sales, manager, kind="buyer", state="27")
    other_seller = await active_partner(client, sales, manager, kind="seller")
    strangers = [
        (await sign_in(roles=["partner"], partner_id=uuid.UUID(p["id"]))).headers
        for p in (other_buyer, other_seller)
    ]
    one = f"{OFFERS}/{offer['id']}"
    for headers in (buyer_user, seller_user, sales):
        assert (await client.get(one, headers=headers)).status_code == 200
        assert (await client.get(f"{one}/rounds", headers=headers)).status_code == 200
    for headers in strangers:
        assert (await client.get(one, headers=headers)).status_code == 404
        assert (await client.get(f"{one}/rounds", headers=headers)).status_code == 404
        counter = await client.post(f"{one}/counter", json={"price": "1"}, headers=headers)
        assert counter.status_code == 404
        assert (await client.get(OFFERS, headers=headers)).json()["total"] == 0
    # A portal user offers only as its own partner.
    mine = offer_body(world, requirement["id"], seller_id=other_seller["id"])
    response = await client.post(OFFERS, json=mine, headers=seller_user)
    assert (response.status_code, response.json()["code"]) == (403, "trade_desk.not_your_partner")


async def test_list_filters_and_query_count(
    client: httpx.AsyncClient,
    world: World,
    sales: dict[str, str],
    buyer_user: dict[str, str],
    manager: dict[str, str],
    query_counter: QueryCounter,
) -> None:
    requirements = [
        await created(client, REQUIREMENTS, requirement_body(world), sales) for _ in range(3)
    ]
    for requirement in requirements:
        await created(client, OFFERS, offer_body(world, requirement["id"]), sales)
    by_requirement = await client.get(
        OFFERS, params={"requirement_id": requirements[0]["id"]}, headers=sales
    )
    assert by_requirement.json()["total"] == 1
    by_buyer = await client.get(OFFERS, params={"buyer_id": world.buyer["id"]}, headers=sales)
    assert by_buyer.json()["total"] == 3
    by_status = await client.get(OFFERS, params={"status": "accepted"}, headers=sales)
    assert by_status.json()["total"] == 0
    assert (await client.get(OFFERS, params={"sort": "bales"}, headers=sales)).status_code == 422
    counts = []
    for _ in range(2):
        query_counter.reset()
        response = await client.get(OFFERS, headers=buyer_user)
        assert response.status_code == 200
        counts.append(query_counter.count)
        trader = await active_partner(client, sales, manager, kind="trader")
        for requirement in requirements:
            body = offer_body(world, requirement["id"], seller_id=trader["id"])
            await created(client, OFFERS, body, sales)
    assert counts[0] == counts[1] <= 6
    assert (await client.get(OFFERS, headers=buyer_user)).json()["total"] == 9
