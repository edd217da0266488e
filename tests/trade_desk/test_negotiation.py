"""Negotiation: alternating sides, who may act for which side, decided and expired offers,
partial acceptance, rejection, withdrawal and If-Match (api.md §9, domain.md §4.5)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import time_machine

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


async def _negotiation(
    client: httpx.AsyncClient, world: World, headers: dict[str, str], **offer: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), headers)
    made = await created(client, OFFERS, offer_body(world, requirement["id"], **offer), headers)
    return requirement, made


async def _post(
    client: httpx.AsyncClient, offer: dict[str, Any], action: str, body: Any, headers: Any
) -> httpx.Response:
    return await client.post(f"{OFFERS}/{offer['id']}/{action}", json=body, headers=headers)


async def test_sides_alternate(
    client: httpx.AsyncClient,
    world: World,
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
    sales: dict[str, str],
) -> None:
    _, offer = await _negotiation(client, world, sales)
    # The seller made round 1: it may neither counter again nor accept its own proposal.
    for action, body in (("counter", {"price": "55400"}), ("accept", {})):
        response = await _post(client, offer, action, body, seller_user)
        assert (response.status_code, response.json()["code"]) == (409, "offer.not_your_turn")
    await step(client, offer["id"], "counter", {"price": "54000"}, buyer_user)
    for action, body in (("counter", {"price": "54100"}), ("accept", {})):
        response = await _post(client, offer, action, body, buyer_user)
        assert (response.status_code, response.json()["code"]) == (409, "offer.not_your_turn")
    # Staff acting for the side whose turn it is not: the same 409.
    staff = await _post(client, offer, "counter", {"side": "buyer", "price": "1"}, sales)
    assert staff.status_code == 409
    countered = await step(
        client, offer["id"], "counter", {"price": "54600", "bales": 450}, seller_user
    )
    assert (countered["last_price"], countered["last_bales"], countered["rounds_count"]) == (
        "54600.00",
        450,
        3,
    )
    assert countered["price"] == "55500.00"  # the seller's first proposal stays


async def test_who_acts_for_which_side(
    client: httpx.AsyncClient,
    world: World,
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
    sales: dict[str, str],
) -> None:
    _, offer = await _negotiation(client, world, sales)
    # A portal user naming the other side: 403 (it sees the offer but may not act for them).
    wrong = await _post(client, offer, "counter", {"side": "seller", "price": "1"}, buyer_user)
    assert (wrong.status_code, wrong.json()["code"]) == (403, "offer.not_your_side")
    # Staff must say which side they act for.
    unsaid = await _post(client, offer, "counter", {"price": "54000"}, sales)
    assert (unsaid.status_code, unsaid.json()["code"]) == (422, "offer.side_required")
    assert unsaid.json()["errors"][0]["loc"] == ["body", "side"]
    said = await _post(client, offer, "counter", {"side": "buyer", "price": "54000"}, buyer_user)
    assert said.status_code == 200, said.text
    assert said.json()["created_by_id"] is None
    withdraw = await _post(client, offer, "withdraw", {}, buyer_user)
    assert withdraw.status_code == 403


async def test_decided_offers_are_409(
    client: httpx.AsyncClient, world: World, buyer_user: dict[str, str], sales: dict[str, str]
) -> None:
    _, accepted = await _negotiation(client, world, sales, bales=100)
    await step(client, accepted["id"], "accept", {"bales": 100}, buyer_user)
    _, rejected = await _negotiation(client, world, sales)
    done = await step(client, rejected["id"], "reject", {"reason": "quality"}, buyer_user)
    assert (done["status"], done["status_reason"], done["decided_side"]) == (
        "rejected",
        "quality",
        "buyer",
    )
    for offer in (accepted, rejected):
        for action, body in (
            ("counter", {"side": "seller", "price": "1"}),
            ("accept", {"side": "seller"}),
            ("reject", {"side": "seller", "reason": "x"}),
            ("withdraw", {}),
        ):
            response = await _post(client, offer, action, body, sales)
            assert response.status_code == 409, (action, response.text)
            assert response.json()["code"] in ("offer.decided", "requirement.closed")


async def test_an_offer_past_its_validity_is_410_before_the_job_runs(
    client: httpx.AsyncClient,
    world: World,
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
    sales: dict[str, str],
) -> None:
    soon = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    _, offer = await _negotiation(client, world, sales, valid_until=soon)
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2), tick=False):
        for action, body, headers in (
            ("counter", {"price": "54000"}, buyer_user),
            ("accept", {}, buyer_user),
            ("reject", {"reason": "late"}, buyer_user),
            ("withdraw", {}, seller_user),
        ):
            response = await _post(client, offer, action, body, headers)
            assert (response.status_code, response.json()["code"]) == (410, "offer.expired")
        seen = await client.get(f"{OFFERS}/{offer['id']}", headers=sales)
    assert seen.json()["status"] == "pending"  # not marked yet: the job does that


async def test_a_counter_may_extend_the_validity(
    client: httpx.AsyncClient, world: World, buyer_user: dict[str, str], sales: dict[str, str]
) -> None:
    soon = datetime.now(UTC) + timedelta(minutes=1)
    _, offer = await _negotiation(client, world, sales, valid_until=soon.isoformat())
    later = soon + timedelta(days=1)
    past = await _post(
        client,
        offer,
        "counter",
        {"price": "54000", "valid_until": (soon - timedelta(hours=1)).isoformat()},
        buyer_user,
    )
    assert past.json()["errors"][0]["loc"] == ["body", "valid_until"]
    countered = await step(
        client,
        offer["id"],
        "counter",
        {"price": "54000", "valid_until": later.isoformat(), "message": "till tomorrow"},
        buyer_user,
    )
    assert datetime.fromisoformat(countered["valid_until"]) == later
    rounds = (await client.get(f"{OFFERS}/{offer['id']}/rounds", headers=sales)).json()["items"]
    assert rounds[-1]["message"] == "till tomorrow"


async def test_partial_acceptance_and_its_limits(
    client: httpx.AsyncClient, world: World, buyer_user: dict[str, str], sales: dict[str, str]
) -> None:
    requirement, offer = await _negotiation(client, world, sales, bales=300)
    more = await _post(client, offer, "accept", {"bales": 301}, buyer_user)
    assert (more.status_code, more.json()["code"]) == (422, "offer.bales_exceed")
    accepted = await step(client, offer["id"], "accept", {"bales": 120}, buyer_user)
    assert accepted["accepted_bales"] == 120
    contract = await client.get(f"/api/v1/contracts/{accepted['contract_id']}", headers=sales)
    assert contract.json()["bales"] == 120
    seen = (await client.get(f"{REQUIREMENTS}/{requirement['id']}", headers=sales)).json()
    assert (seen["contracted_bales"], seen["status"]) == (120, "offers_received")


async def test_accepting_the_last_bales_closes_the_requirement_and_its_other_offers(
    client: httpx.AsyncClient,
    world: World,
    buyer_user: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world, bales=200), sales)
    first = await created(client, OFFERS, offer_body(world, requirement["id"], bales=200), sales)
    trader = await active_partner(client, sales, manager, kind="trader")
    second = await created(
        client,
        OFFERS,
        offer_body(world, requirement["id"], seller_id=trader["id"], bales=200),
        sales,
    )
    await step(client, first["id"], "accept", {}, buyer_user)
    closed = (await client.get(f"{OFFERS}/{second['id']}", headers=sales)).json()
    assert (closed["status"], closed["status_reason"]) == ("rejected", "requirement fulfilled")
    late = await _post(client, second, "accept", {}, buyer_user)
    assert late.status_code == 409


async def test_stale_if_match_is_412_and_the_etag_moves(
    client: httpx.AsyncClient, world: World, buyer_user: dict[str, str], sales: dict[str, str]
) -> None:
    _, offer = await _negotiation(client, world, sales)
    stale = await _post(
        client, offer, "counter", {"price": "54000"}, {**buyer_user, "If-Match": '"77"'}
    )
    assert (stale.status_code, stale.json()["code"]) == (412, "version.conflict")
    fresh = await client.post(
        f"{OFFERS}/{offer['id']}/counter",
        json={"price": "54000"},
        headers={**buyer_user, "If-Match": f'"{offer["version"]}"'},
    )
    assert fresh.status_code == 200, fresh.text
    assert fresh.headers["ETag"] == f'"{fresh.json()["version"]}"' != f'"{offer["version"]}"'


async def test_unknown_offer_is_404(client: httpx.AsyncClient, sales: dict[str, str]) -> None:
    for action, body in (
        ("counter", {"side": "buyer", "price": "1"}),
        ("accept", {"side": "buyer"}),
        ("reject", {"side": "buyer", "reason": "x"}),
        ("withdraw", {}),
    ):
        response = await client.post(f"{OFFERS}/{uuid.uuid4()}/{action}", json=body, headers=sales)
        assert (response.status_code, response.json()["code"]) == (404, "offer.not_found")
