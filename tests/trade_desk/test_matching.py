"""GET /trade-desk/requirements/{id}/matches: ranking, certificates, tested lots, location
scope, visibility and a bounded number of queries (on both databases)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tests.contract.helpers import World
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
)
from tradehub.kit.types import utcnow
from tradehub.masters.models import Commodity
from tradehub.partner.models import Certification
from tradehub.trade_desk.matching_service import template_for
from tradehub.trade_desk.models import Offer, TestedLot

D = Decimal


def matches_url(requirement_id: str) -> str:
    return f"{REQUIREMENTS}/{requirement_id}/matches"


async def certify(db: AsyncSession, partner_id: str, *kinds: str, visible: bool = True) -> None:
    for kind in kinds:
        db.add(
            Certification(
                partner_id=uuid.UUID(partner_id),
                kind=kind,
                number=f"{kind}-{uuid.uuid4().hex[:8]}",
                issuing_body="Control Union",
                issued_on=india_today() - timedelta(days=30),
                expires_on=india_today() + timedelta(days=300),
                status="verified",
                is_visible_in_trade=visible,
            )
        )
    await db.flush()


async def station(client: httpx.AsyncClient, admin: dict[str, str], state: str) -> str:
    body = {"name": f"Station {uuid.uuid4().hex[:6]}", "state_code": state}
    made = await created(client, "/api/v1/stations", body, admin)
    return str(made["id"])


@dataclass
class Market:
    requirement: dict[str, Any]
    ids: dict[str, str] = field(default_factory=dict)
    partners: dict[str, dict[str, Any]] = field(default_factory=dict)


async def build_market(
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: World,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> Market:
    """A BCI requirement at Rajkot (Gujarat, 24) for 28–30 mm, mic 3.8–4.2, trash ≤ 3 at
    ₹55,000/candy on 30 days' credit, and candidates around it."""
    # The premium table is keyed by the commodity's name: make this world's commodity cotton.
    await db.execute(
        update(Commodity)
        .where(Commodity.id == uuid.UUID(world.commodity_id))
        .values(name="Cotton", name_key="cotton")
    )
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    market = Market(requirement=requirement)
    gondal = await station(client, admin, "24")
    akola = await station(client, admin, "27")
    seller = world.seller
    other = await active_partner(client, sales, manager, kind="seller", state="24")
    uncertified = await active_partner(client, sales, manager, kind="seller", state="24")
    trader = await active_partner(client, sales, manager, kind="trader", state="27")
    market.partners = {"seller": seller, "other": other, "uncertified": uncertified}
    market.partners["trader"] = trader
    for partner in (seller, other, trader):
        await certify(db, partner["id"], "bci", "gots")
    await certify(db, uncertified["id"], "organic_cotton")
    await certify(db, uncertified["id"], "bci", visible=False)  # not shown in trade: no

    async def offer(name: str, requirement_id: str | None, **overrides: Any) -> None:
        made = await created(client, OFFERS, offer_body(world, requirement_id, **overrides), sales)
        market.ids[name] = made["id"]

    on = requirement["id"]
    # Inside every band, at the target, same station, the terms asked: 100.
    await offer("perfect", on, price="55000")
    # Same score (99), both 2 % off the target: the cheaper at the buyer's spec ranks first.
    await offer("cheap", None, price="53900")
    await offer("dear", on, seller_id=other["id"], price="56100")
    # Short staple (27 mm, 1 below the band): discounted and scored lower; same state.
    await offer(
        "short",
        None,
        seller_id=other["id"],
        station_id=gondal,
        parameters={"staple_mm": "27", "mic": "4.0", "trash_pct": "2.5"},
    )
    # Perfect, but the seller's BCI is not shown in trade: excluded.
    await offer("uncertified", on, seller_id=uncertified["id"], price="55000")
    # A trader in Maharashtra: in (traders source anywhere), location 60.
    await offer("trader", None, seller_id=trader["id"], station_id=akola)
    # A seller's open offer in Maharashtra: out, unless staff ask for scope=all.
    await offer("far", None, seller_id=other["id"], station_id=akola)
    # Another variety than the requirement's (Shankar-6): out.
    await offer("dch", None, variety="DCH-32", price="50000")
    # Offers that are not open or no longer valid: out.
    await offer("withdrawn", None, price="50000")
    await offer("stale", None, price="50000")
    await db.execute(
        update(Offer)
        .where(Offer.id == uuid.UUID(market.ids["withdrawn"]))
        .values(status="withdrawn")
    )
    await db.execute(
        update(Offer)
        .where(Offer.id == uuid.UUID(market.ids["stale"]))
        .values(valid_until=utcnow() - timedelta(minutes=1))
    )

    async def lot(name: str, **overrides: Any) -> None:
        made = await created(client, LOTS, lot_body(world, **overrides), sales)
        market.ids[name] = made["id"]

    await lot("lot", parameters={"staple_mm": "29.2", "mic": "4.1", "trash_pct": "2"})
    await lot("depleted")
    await lot("uncertified_lot", seller_id=uncertified["id"])
    await db.execute(
        update(TestedLot)
        .where(TestedLot.id == uuid.UUID(market.ids["depleted"]))
        .values(available_bales=0)
    )
    await db.flush()
    return market


@pytest.fixture
async def market(
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: World,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> Market:
    return await build_market(client, db, world, admin, sales, manager)


def _by_id(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in page["items"]}


async def _matches(
    client: httpx.AsyncClient, market: Market, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await client.get(
        matches_url(market.requirement["id"]), params=params, headers=headers
    )
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def test_offers_and_tested_lots_are_ranked_by_score_then_normalised_price(
    client: httpx.AsyncClient, market: Market, sales: dict[str, str]
) -> None:
    page = await _matches(client, market, sales)
    names = {v: k for k, v in market.ids.items()}
    ranked = [names[item["id"]] for item in page["items"]]
    assert ranked[:3] == ["perfect", "cheap", "dear"]
    assert set(ranked) == {"perfect", "cheap", "dear", "short", "trader", "lot"}
    assert page["total"] == 6 and page["page"] == 1 and page["limit"] == 50
    scores = [item["match_score"] for item in page["items"]]
    assert scores == sorted(scores, reverse=True)
    items = _by_id(page)
    perfect = items[market.ids["perfect"]]
    assert perfect["match_score"] == 100 and perfect["label"] == "best"
    assert perfect["kind"] == "offer"
    assert perfect["requirement_id"] == market.requirement["id"]
    assert perfect["seller_id"] == market.partners["seller"]["id"]
    assert perfect["seller_name"] == market.partners["seller"]["legal_name"]
    assert perfect["price"] == "55000.00" and perfect["price_unit"] == "candy"
    assert perfect["normalised_price"] == "55000.00"
    assert perfect["normalised_price_unit"] == "candy"
    assert perfect["parameter_deviations"] == {"staple_mm": "0", "mic": "0", "trash_pct": "0"}
    assert perfect["score_breakdown"]["total"] == 100
    cheap, dear = items[market.ids["cheap"]], items[market.ids["dear"]]
    assert cheap["match_score"] == dear["match_score"]
    assert cheap["score_breakdown"]["price"] == dear["score_breakdown"]["price"] == "98.00"
    assert D(cheap["normalised_price"]) < D(dear["normalised_price"])


async def test_the_breakdown_deviations_and_premiums_of_a_short_staple(
    client: httpx.AsyncClient, market: Market, sales: dict[str, str]
) -> None:
    short = _by_id(await _matches(client, market, sales))[market.ids["short"]]
    assert short["parameter_deviations"]["staple_mm"] == "-1"
    breakdown = short["score_breakdown"]
    # staple 1 mm below a 2 mm band: 100 − 1/6·100 = 83.33; weighted with mic and trash.
    assert breakdown["parameter_scores"]["staple_mm"] == "83.33"
    assert breakdown["location"] == "70.00"  # same state, another station
    # ₹55,500 quoted; 1 mm short at ₹800/candy a mm → ₹56,300 at the buyer's spec.
    assert short["price"] == "55500.00"
    assert short["normalised_price"] == "56300.00"
    assert short["match_score"] < 100


async def test_a_trader_anywhere_scores_location_60(
    client: httpx.AsyncClient, market: Market, sales: dict[str, str]
) -> None:
    trader = _by_id(await _matches(client, market, sales))[market.ids["trader"]]
    assert trader["score_breakdown"]["location"] == "60.00"


async def test_tested_lots_are_in_with_their_available_bales_and_ready_delivery(
    client: httpx.AsyncClient, market: Market, sales: dict[str, str]
) -> None:
    lot = _by_id(await _matches(client, market, sales))[market.ids["lot"]]
    assert lot["kind"] == "tested_lot"
    assert lot["bales"] == 300
    assert lot["delivery_days"] == 0
    assert lot["requirement_id"] is None
    # The requirement asks 30 days' credit; a lot's terms are still to be agreed.
    assert lot["score_breakdown"]["payment"] == "0.00"
    assert lot["score_breakdown"]["parameters"] == "100.00"


async def test_sellers_without_the_verified_certificates_are_left_out(
    client: httpx.AsyncClient, market: Market, sales: dict[str, str], db: AsyncSession
) -> None:
    ids = set(_by_id(await _matches(client, market, sales)))
    assert market.ids["uncertified"] not in ids
    assert market.ids["uncertified_lot"] not in ids
    # Once its BCI certificate is verified and shown, the seller is in.
    await certify(db, market.partners["uncertified"]["id"], "bci")
    ids = set(_by_id(await _matches(client, market, sales)))
    assert {market.ids["uncertified"], market.ids["uncertified_lot"]} <= ids


async def test_npop_organic_and_several_certificates_must_all_be_held(
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: World,
    sales: dict[str, str],
) -> None:
    requirement = await created(
        client, REQUIREMENTS, requirement_body(world, certificates=["NPOP", "Organic"]), sales
    )
    offer = await created(client, OFFERS, offer_body(world, requirement["id"]), sales)
    url = matches_url(requirement["id"])
    await certify(db, world.seller["id"], "npop")
    assert (await client.get(url, headers=sales)).json()["total"] == 0  # organic missing
    await certify(db, world.seller["id"], "organic_cotton")
    page = (await client.get(url, headers=sales)).json()
    assert [item["id"] for item in page["items"]] == [offer["id"]]


async def test_other_varieties_offers_not_open_expired_and_depleted_lots_are_left_out(
    client: httpx.AsyncClient, market: Market, sales: dict[str, str]
) -> None:
    ids = set(_by_id(await _matches(client, market, sales, scope="all")))
    for name in ("withdrawn", "stale", "depleted", "dch"):
        assert market.ids[name] not in ids, name


async def test_staff_may_look_beyond_the_requirements_state(
    client: httpx.AsyncClient,
    market: Market,
    sales: dict[str, str],
    sign_in: SignIn,
) -> None:
    local = set(_by_id(await _matches(client, market, sales)))
    assert market.ids["far"] not in local
    everywhere = _by_id(await _matches(client, market, sales, scope="all"))
    assert market.ids["far"] in everywhere
    assert everywhere[market.ids["far"]]["score_breakdown"]["location"] == "0.00"
    buyer = await sign_in(roles=["partner"], partner_id=uuid.UUID(market.requirement["buyer_id"]))
    response = await client.get(
        matches_url(market.requirement["id"]), params={"scope": "all"}, headers=buyer.headers
    )
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "trade_desk.scope_staff_only"


async def test_the_buyer_sees_its_matches_and_a_seller_only_its_own(
    client: httpx.AsyncClient, market: Market, sign_in: SignIn
) -> None:
    buyer = await sign_in(roles=["partner"], partner_id=uuid.UUID(market.requirement["buyer_id"]))
    seen = set(_by_id(await _matches(client, market, buyer.headers)))
    assert {market.ids["perfect"], market.ids["cheap"], market.ids["lot"]} <= seen
    seller = await sign_in(roles=["partner"], partner_id=uuid.UUID(market.partners["seller"]["id"]))
    own = {market.ids[name] for name in ("perfect", "cheap", "lot")}
    assert set(_by_id(await _matches(client, market, seller.headers))) == own


async def test_a_requirement_the_caller_may_not_see_is_404(
    client: httpx.AsyncClient,
    market: Market,
    sign_in: SignIn,
    sales: dict[str, str],
    manager: dict[str, str],
) -> None:
    stranger = await active_partner(client, sales, manager, kind="buyer", state="24")
    outsider = await sign_in(roles=["partner"], partner_id=uuid.UUID(stranger["id"]))
    hidden = await client.get(matches_url(market.requirement["id"]), headers=outsider.headers)
    assert hidden.status_code == 404, hidden.text
    assert hidden.json()["code"] == "requirement.not_found"
    missing = await client.get(matches_url(str(uuid.uuid4())), headers=sales)
    assert missing.status_code == 404
    anonymous = await client.get(matches_url(market.requirement["id"]))
    assert anonymous.status_code == 401


async def test_pages_sort_and_bad_parameters(
    client: httpx.AsyncClient, market: Market, sales: dict[str, str]
) -> None:
    everything = await _matches(client, market, sales)
    first = await _matches(client, market, sales, limit=2, page=1)
    second = await _matches(client, market, sales, limit=2, page=2)
    ids = [item["id"] for item in everything["items"]]
    assert [item["id"] for item in first["items"] + second["items"]] == ids[:4]
    assert first["total"] == 6 and first["limit"] == 2
    assert (await _matches(client, market, sales, page=9))["items"] == []
    by_price = await _matches(client, market, sales, sort="normalised_price")
    prices = [D(item["normalised_price"]) for item in by_price["items"]]
    assert prices == sorted(prices)
    worst_first = await _matches(client, market, sales, sort="match_score")
    scores = [item["match_score"] for item in worst_first["items"]]
    assert scores == sorted(scores)
    url = matches_url(market.requirement["id"])
    for params in ({"sort": "seller_name"}, {"limit": 0}, {"limit": 201}, {"page": 0}):
        response = await client.get(url, params=params, headers=sales)
        assert response.status_code == 422, (params, response.text)
    bad_scope = await client.get(url, params={"scope": "galaxy"}, headers=sales)
    assert bad_scope.status_code == 422


async def test_the_query_count_does_not_grow_with_the_candidates(
    client: httpx.AsyncClient,
    market: Market,
    world: World,
    sales: dict[str, str],
    manager: dict[str, str],
    db: AsyncSession,
    query_counter: QueryCounter,
) -> None:
    url = matches_url(market.requirement["id"])
    counts = []
    for _ in range(2):
        query_counter.reset()
        response = await client.get(url, headers=sales)
        assert response.status_code == 200
        counts.append((query_counter.count, response.json()["total"]))
        for _ in range(3):  # more sellers, offers and lots for the next round
            partner = await active_partner(client, sales, manager, kind="seller", state="24")
            await certify(db, partner["id"], "bci")
            await created(client, OFFERS, offer_body(world, None, seller_id=partner["id"]), sales)
            await created(client, LOTS, lot_body(world, seller_id=partner["id"]), sales)
    (few, few_total), (many, many_total) = counts
    assert many_total == few_total + 6
    assert many == few
    assert few <= 12


async def test_the_template_reads_the_commodity_weights(db: AsyncSession, world: World) -> None:
    commodity_id = uuid.UUID(world.commodity_id)
    default = await template_for(db, commodity_id)
    assert default.parameters_weight == D("0.45") and default.price_weight == D("0.35")
    assert default.parameter_weights["staple_mm"] == D("1.0")
    await db.execute(
        update(Commodity)
        .where(Commodity.id == commodity_id)
        .values(
            match_parameters_weight=D("0.6"),
            match_price_weight=D("0.2"),
            match_location_weight=D("0.1"),
            match_payment_weight=D("0.1"),
        )
    )
    configured = await template_for(db, commodity_id)
    assert (configured.parameters_weight, configured.price_weight) == (D("0.6"), D("0.2"))


@pytest.mark.parametrize(
    "weights",
    [
        ("0.5", "0.5", "0.1", "0.1"),  # sums to 1.2
        ("0.5", None, None, None),  # some but not all
        ("-0.1", "0.9", "0.1", "0.1"),
    ],
)
async def test_commodity_weights_are_all_or_none_and_sum_to_1(
    db: AsyncSession, world: World, weights: tuple[str | None, ...]
) -> None:
    values = [None if w is None else D(w) for w in weights]
    with pytest.raises(IntegrityError):
        async with db.begin_nested():
            await db.execute(
                update(Commodity)
                .where(Commodity.id == uuid.UUID(world.commodity_id))
                .values(
                    match_parameters_weight=values[0],
                    match_price_weight=values[1],
                    match_location_weight=values[2],
                    match_payment_weight=values[3],
                )
            )
