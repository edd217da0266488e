"""Requirements: validation against the commodity's bounds and the masters, defaults, the
buyer a portal user may post for, cancel, lists and visibility (api.md §9)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.auth_helpers import SignIn
from tests.conftest import QueryCounter
from tests.contract.helpers import World
from tests.partner.helpers import active_partner, create_partner
from tests.trade_desk.helpers import (
    OFFERS,
    REQUIREMENTS,
    created,
    offer_body,
    requirement_body,
)


async def _post(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]
) -> httpx.Response:
    return await client.post(REQUIREMENTS, json=body, headers=headers)


def _locs(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 422, response.text
    return [e["loc"] for e in response.json()["errors"]]


async def test_create_answers_open_with_canonical_values(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    body = requirement_body(world, certificates=["organic", "Fair Trade", "npop", "Organic"])
    response = await _post(client, sales, body)
    assert response.status_code == 201, response.text
    made = response.json()
    assert response.headers["ETag"] == f'"{made["version"]}"'
    assert made["status"] == "open"
    assert (made["offers_count"], made["best_match_score"], made["contracted_bales"]) == (
        0,
        None,
        0,
    )
    assert made["certificates"] == ["Organic", "Fairtrade", "NPOP"]
    assert made["target_price"] == "55000.00"
    assert made["parameters"]["trash_pct"] == {"min": None, "max": "3"}
    assert (made["payment_terms"], made["payment_days"]) == ("credit", 30)


async def test_defaults_validity_unit_and_the_only_organization(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    body = requirement_body(world)
    for name in ("valid_until", "price_unit", "organization_id", "variety", "target_price"):
        del body[name]
    before = datetime.now(UTC)
    response = await _post(client, sales, body)
    assert response.status_code == 201, response.text
    made = response.json()
    valid_until = datetime.fromisoformat(made["valid_until"])
    assert before + timedelta(days=7) <= valid_until <= datetime.now(UTC) + timedelta(days=7)
    assert made["price_unit"] == "candy"  # the commodity's rate unit
    assert made["organization_id"] == world.organization_id
    assert (made["variety"], made["target_price"]) == (None, None)


BOUNDS_CASES: list[tuple[dict[str, Any], list[str]]] = [
    ({"mic": {"min": "3.8", "max": "6"}}, ["body", "parameters", "mic", "max"]),
    ({"mic": {"min": "2.9"}}, ["body", "parameters", "mic", "min"]),
    ({"staple_mm": {"min": "25", "max": "35"}}, ["body", "parameters", "staple_mm", "min"]),
    ({"colour": {"min": "1"}}, ["body", "parameters", "colour"]),
]


async def test_parameter_ranges_outside_the_commodity_bounds_are_422(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    for parameters, loc in BOUNDS_CASES:
        response = await _post(client, sales, requirement_body(world, parameters=parameters))
        assert loc in _locs(response), (parameters, response.text)
        assert response.json()["code"].startswith("trade_desk.parameter_")
    both = await _post(
        client,
        sales,
        requirement_body(world, parameters={"mic": {"max": "6"}, "staple_mm": {"min": "20"}}),
    )
    assert _locs(both) == [
        ["body", "parameters", "mic", "max"],
        ["body", "parameters", "staple_mm", "min"],
    ]


async def test_min_above_max_and_an_empty_band_are_422(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    inverted = await _post(
        client, sales, requirement_body(world, parameters={"mic": {"min": "4.2", "max": "3.8"}})
    )
    assert _locs(inverted)[0][:3] == ["body", "parameters", "mic"]
    empty = await _post(client, sales, requirement_body(world, parameters={"mic": {}}))
    assert _locs(empty)[0][:3] == ["body", "parameters", "mic"]


PAYMENT_CASES: list[tuple[str | None, int | None, bool]] = [
    ("credit", 30, True),
    ("credit", None, False),
    ("credit", 0, False),
    ("advance", 0, True),
    ("advance", None, True),
    ("advance", 15, False),
    ("against_delivery", 7, False),
    (None, None, True),
]


async def test_payment_days_only_for_credit(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    for terms, days, ok in PAYMENT_CASES:
        body = requirement_body(world, payment_terms=terms, payment_days=days)
        response = await _post(client, sales, body)
        if ok:
            assert response.status_code == 201, (terms, days, response.text)
        else:
            assert _locs(response) == [["body", "payment_days"]], (terms, days)
            assert response.json()["code"] == "trade_desk.payment_days"


async def test_other_bad_fields_are_named_in_one_422(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    body = requirement_body(
        world,
        buyer_id=world.seller["id"],  # a seller cannot buy
        variety="Suvin",
        station_id=str(uuid.uuid4()),
        certificates=["BCI", "Rainforest"],
        valid_until=(datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        payment_terms="cash",
    )
    response = await _post(client, sales, body)
    assert response.status_code == 422
    assert ["body", "payment_terms"] in _locs(response)  # schema: not one of the three
    body.update(payment_terms=None, payment_days=None)
    response = await _post(client, sales, body)
    assert sorted(map(tuple, _locs(response))) == sorted(
        [
            ("body", "buyer_id"),
            ("body", "variety"),
            ("body", "station_id"),
            ("body", "certificates", "1"),
            ("body", "valid_until"),
        ]
    )


async def test_an_inactive_buyer_or_unknown_commodity_is_422(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    draft = await create_partner(client, sales, kind="buyer")
    response = await _post(client, sales, requirement_body(world, buyer_id=draft["id"]))
    assert _locs(response) == [["body", "buyer_id"]]
    assert response.json()["code"] == "partner.not_active"
    response = await _post(client, sales, requirement_body(world, commodity_id=str(uuid.uuid4())))
    assert ["body", "commodity_id"] in _locs(response)


async def test_a_portal_user_posts_only_for_its_own_partner(
    client: httpx.AsyncClient,
    world: World,
    buyer_user: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> None:
    other = await active_partner(client, sales, manager, kind="buyer", state="27")
    response = await _post(client, buyer_user, requirement_body(world, buyer_id=other["id"]))
    assert response.status_code == 403
    assert response.json()["code"] == "trade_desk.not_your_partner"
    own = await _post(client, buyer_user, requirement_body(world, buyer_id=world.buyer["id"]))
    assert own.status_code == 201, own.text
    assert own.json()["created_by_id"] is None  # internal to the broker


async def test_cancel_by_the_buyer_rejects_open_offers(
    client: httpx.AsyncClient,
    world: World,
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
    sales: dict[str, str],
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    offer = await created(client, OFFERS, offer_body(world, requirement["id"]), sales)
    url = f"{REQUIREMENTS}/{requirement['id']}/cancel"
    by_seller = await client.post(url, json={"reason": "no"}, headers=seller_user)
    assert by_seller.status_code == 403  # the seller sees it but it is not theirs
    # The offer moved the requirement on (offers_count): the version read first is stale.
    stale = await client.post(
        url, json={"reason": "x"}, headers={**buyer_user, "If-Match": f'"{requirement["version"]}"'}
    )
    assert stale.status_code == 412
    etag = (await client.get(f"{REQUIREMENTS}/{requirement['id']}", headers=buyer_user)).headers
    response = await client.post(
        url, json={"reason": "Bought elsewhere"}, headers={**buyer_user, "If-Match": etag["ETag"]}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["status_reason"]) == (
        "cancelled",
        "Bought elsewhere",
    )
    seen = (await client.get(f"{OFFERS}/{offer['id']}", headers=sales)).json()
    assert (seen["status"], seen["status_reason"]) == ("rejected", "requirement cancelled")
    again = await client.post(url, json={"reason": "again"}, headers=sales)
    assert (again.status_code, again.json()["code"]) == (409, "requirement.invalid_transition")
    late = await client.post(OFFERS, json=offer_body(world, requirement["id"]), headers=sales)
    assert (late.status_code, late.json()["code"]) == (409, "requirement.closed")


async def test_visibility_of_requirements(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    world: World,
    buyer_user: dict[str, str],
    seller_user: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> None:
    mine = await created(client, REQUIREMENTS, requirement_body(world), buyer_user)
    other_buyer = await active_partner(client, sales, manager, kind="buyer", state="27")
    rival = (await sign_in(roles=["partner"], partner_id=uuid.UUID(other_buyer["id"]))).headers
    one = f"{REQUIREMENTS}/{mine['id']}"
    # Another buyer does not see it (404, no existence leak); a seller may answer it.
    assert (await client.get(one, headers=rival)).status_code == 404
    assert (await client.get(one, headers=seller_user)).status_code == 200
    listed = (await client.get(REQUIREMENTS, headers=rival)).json()
    assert mine["id"] not in [r["id"] for r in listed["items"]]
    # Once cancelled, sellers that never offered no longer see it; its buyer still does.
    await client.post(f"{one}/cancel", json={"reason": "done"}, headers=buyer_user)
    assert (await client.get(one, headers=seller_user)).status_code == 404
    assert (await client.get(one, headers=buyer_user)).status_code == 200


async def test_list_filters_sort_and_paging(
    client: httpx.AsyncClient, world: World, sales: dict[str, str]
) -> None:
    for bales in (100, 300, 200):
        await created(client, REQUIREMENTS, requirement_body(world, bales=bales), sales)
    query = {"buyer_id": world.buyer["id"], "sort": "bales", "status": "open", "limit": 2}
    page = (await client.get(REQUIREMENTS, params=query, headers=sales)).json()
    assert [r["bales"] for r in page["items"]] == [100, 200]
    assert (page["total"], page["page"], page["limit"]) == (3, 1, 2)
    second = (await client.get(REQUIREMENTS, params={**query, "page": 2}, headers=sales)).json()
    assert [r["bales"] for r in second["items"]] == [300]
    past = (await client.get(REQUIREMENTS, params={**query, "page": 9}, headers=sales)).json()
    assert (past["items"], past["total"]) == ([], 3)
    for bad in ({"sort": "price"}, {"limit": 0}, {"limit": 201}, {"page": 0}):
        assert (await client.get(REQUIREMENTS, params=bad, headers=sales)).status_code == 422
    none = await client.get(REQUIREMENTS, params={"commodity_id": str(uuid.uuid4())}, headers=sales)
    assert none.json()["total"] == 0


async def test_list_query_count_does_not_grow(
    client: httpx.AsyncClient,
    world: World,
    sales: dict[str, str],
    seller_user: dict[str, str],
    query_counter: QueryCounter,
) -> None:
    await created(client, REQUIREMENTS, requirement_body(world), sales)
    counts = []
    for _ in range(2):
        query_counter.reset()
        response = await client.get(REQUIREMENTS, headers=seller_user)
        assert response.status_code == 200
        counts.append((query_counter.count, response.json()["total"]))
        for _ in range(5):
            await created(client, REQUIREMENTS, requirement_body(world), sales)
    (first, total_1), (second, total_2) = counts
    assert total_2 == total_1 + 5
    assert first == second <= 6


async def test_unknown_requirement_is_404(client: httpx.AsyncClient, sales: dict[str, str]) -> None:
    response = await client.get(f"{REQUIREMENTS}/{uuid.uuid4()}", headers=sales)
    assert (response.status_code, response.json()["code"]) == (404, "requirement.not_found")
