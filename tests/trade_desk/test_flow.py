"""The whole trade desk flow over HTTP (api.md §9): a buyer's requirement, a seller's scored
offer, counters by each side, acceptance into a draft contract that staff submit and a
different user approves into ``SC/..``."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import World
from tests.trade_desk.helpers import (
    CONTRACTS,
    OFFERS,
    REQUIREMENTS,
    created,
    financial_year_code,
    india_today,
    offer_body,
    requirement_body,
    step,
)
from tradehub.audit.models import AuditEvent


async def _audited_actions(db: AsyncSession, entity_type: str, entity_id: str) -> list[str]:
    rows = await db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
        .order_by(AuditEvent.seq)
    )
    return list(rows)


async def test_requirement_offer_counters_accept_contract_submit_approve(
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: World,
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> None:
    # The buyer posts what it needs (its own partner is implied).
    body = requirement_body(world)
    del body["buyer_id"]
    requirement = await created(client, REQUIREMENTS, body, buyer_user)
    assert requirement["status"] == "open"
    assert requirement["buyer_id"] == world.buyer["id"]
    assert requirement["variety"] == "Shankar-6"
    assert requirement["parameters"]["mic"] == {"min": "3.8", "max": "4.2"}

    # The seller answers; the offer is scored against the requirement.
    offer_in = offer_body(world, requirement["id"])
    del offer_in["seller_id"]
    offer = await created(client, OFFERS, offer_in, seller_user)
    assert offer["status"] == "pending"
    assert isinstance(offer["match_score"], int)
    assert 0 <= offer["match_score"] <= 100
    assert offer["score_breakdown"]["total"] == offer["match_score"]
    assert (offer["last_side"], offer["awaiting"], offer["rounds_count"]) == ("seller", "buyer", 1)
    seen = (await client.get(f"{REQUIREMENTS}/{requirement['id']}", headers=buyer_user)).json()
    assert (seen["status"], seen["offers_count"]) == ("offers_received", 1)
    assert seen["best_match_score"] == offer["match_score"]

    # Buyer counters lower, seller meets halfway, buyer accepts.
    countered = await step(
        client, offer["id"], "counter", {"price": "54500", "message": "Best I can do"}, buyer_user
    )
    assert (countered["status"], countered["last_side"], countered["awaiting"]) == (
        "countered",
        "buyer",
        "seller",
    )
    await step(client, offer["id"], "counter", {"price": "55000", "bales": 500}, seller_user)
    accepted = await step(client, offer["id"], "accept", {}, buyer_user)
    assert accepted["status"] == "accepted"
    assert accepted["accepted_bales"] == 500
    assert accepted["awaiting"] is None
    contract_id = accepted["contract_id"]
    assert contract_id

    rounds = (await client.get(f"{OFFERS}/{offer['id']}/rounds", headers=seller_user)).json()
    assert [(r["round_no"], r["side"], r["price"]) for r in rounds["items"]] == [
        (1, "seller", "55500.00"),
        (2, "buyer", "54500.00"),
        (3, "seller", "55000.00"),
    ]
    done = (await client.get(f"{REQUIREMENTS}/{requirement['id']}", headers=buyer_user)).json()
    assert (done["status"], done["contracted_bales"]) == ("contract_created", 500)

    # The draft contract carries the agreed terms; the buyer's users see it too.
    contract = (await client.get(f"{CONTRACTS}/{contract_id}", headers=sales)).json()
    assert contract["status"] == "draft"
    assert contract["contract_no"] is None
    assert (contract["seller_id"], contract["buyer_id"]) == (world.seller["id"], world.buyer["id"])
    assert contract["seller_branch_id"] == world.seller["branches"][0]["id"]
    assert contract["buyer_branch_id"] == world.buyer["branches"][0]["id"]
    assert (contract["bales"], contract["rate"], contract["rate_unit"]) == (500, "55000", "candy")
    assert contract["variety"] == "Shankar-6"
    assert contract["station_id"] == world.station_id
    assert contract["quality"]["staple_mm"] == {"min": "28", "max": "30"}
    assert contract["payment_term_id"] == world.payment["id"]  # credit 30 days
    assert contract["delivery_term_id"] == world.delivery["id"]
    assert contract["contract_date"] == india_today().isoformat()
    assert (await client.get(f"{CONTRACTS}/{contract_id}", headers=buyer_user)).status_code == 200

    # Staff submit; a different user approves and the number is given.
    submitted = await client.post(f"{CONTRACTS}/{contract_id}/submit", headers=sales)
    assert submitted.status_code == 200, submitted.text
    approved = await client.post(f"{CONTRACTS}/{contract_id}/approve", headers=manager)
    assert approved.status_code == 200, approved.text
    number = approved.json()["contract_no"]
    assert re.fullmatch(rf"SC/{financial_year_code(india_today())[2:]}/\d{{5}}", number), number

    # Every step is audited.
    assert await _audited_actions(db, "requirement", requirement["id"]) == [
        "create",
        "offer",
        "counter",
        "counter",
        "accept",
    ]
    assert await _audited_actions(db, "offer", offer["id"]) == [
        "create",
        "counter",
        "counter",
        "accept",
    ]


async def test_staff_run_the_negotiation_stating_sides(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    offer = await created(client, OFFERS, offer_body(world, requirement["id"]), sales)
    await step(client, offer["id"], "counter", {"side": "buyer", "price": "54800"}, sales)
    accepted: dict[str, Any] = await step(
        client, offer["id"], "accept", {"side": "seller", "bales": 200}, sales
    )
    assert (accepted["accepted_bales"], accepted["decided_side"]) == (200, "seller")
    contract = (await client.get(f"{CONTRACTS}/{accepted['contract_id']}", headers=sales)).json()
    assert (contract["bales"], contract["rate"]) == (200, "54800")
    # 200 of 500 bales contracted: the requirement stays open for the rest.
    seen = (await client.get(f"{REQUIREMENTS}/{requirement['id']}", headers=sales)).json()
    assert (seen["status"], seen["contracted_bales"]) == ("negotiation", 200)
