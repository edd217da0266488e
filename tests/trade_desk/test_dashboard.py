"""GET /trade-desk/dashboard as staff: every figure on the desk of ``dashboard_helpers`` (its
table gives the posting times, scores and outcomes the answers below are computed from), the
date, commodity and organization filters, bad periods and the query bound."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import QueryCounter
from tests.contract.helpers import World
from tests.trade_desk.dashboard_helpers import (
    DASHBOARD,
    O1_VALUE,
    O4_VALUE,
    Desk,
    build_desk,
    commodity,
    dashboard,
    offer_counts,
    requirement_counts,
    seller,
)
from tests.trade_desk.helpers import CONTRACTS, OFFERS, REQUIREMENTS, india_today


@pytest.fixture
async def desk(
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: World,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> Desk:
    return await build_desk(client, db, world, admin=admin, sales=sales, manager=manager)


async def test_the_desk_ends_as_its_table_says(
    client: httpx.AsyncClient, desk: Desk, sales: dict[str, str]
) -> None:
    """The figures below rest on these outcomes of the trade desk's own state machines."""
    expected = {
        "R1": "contract_created",
        "R2": "negotiation",
        "R3": "offers_received",
        "R4": "cancelled",
        "R5": "open",
        "R8": "open",
        "R7": "contract_created",
    }
    for name, status in expected.items():
        requirement_id = desk.requirements[name]["id"]
        got = (await client.get(f"{REQUIREMENTS}/{requirement_id}", headers=sales)).json()
        assert got["status"] == status, name
    offers = {"O1": "accepted", "O2": "rejected", "O3": "countered", "O4": "accepted"}
    offers |= {"O5": "pending", "O7": "pending", "O8": "withdrawn", "O9": "accepted"}
    for name, status in offers.items():
        got = await client.get(f"{OFFERS}/{desk.offers[name]['id']}", headers=sales)
        assert got.json()["status"] == status, name


async def test_staff_see_every_figure_of_the_last_30_days(
    client: httpx.AsyncClient, desk: Desk, sales: dict[str, str]
) -> None:
    got = await dashboard(client, sales)
    assert got["period"] == {"from": desk.day(29), "to": desk.day(0)}
    # R7 and O9 (40 days ago) are outside; R5 and R8 are open.
    assert got["requirements"] == requirement_counts(
        open=2, offers_received=1, negotiation=1, contract_created=1, cancelled=1, expired=1
    )
    assert got["offers"] == offer_counts(
        pending=2, countered=1, accepted=2, rejected=1, expired=1, withdrawn=1
    )
    assert got["total_value"] == "16386310.46"  # O1 + O4
    assert got["average_match_score"] == "74.0"  # (90+70+80+75+60+69) / 6; O7, O8 are open
    # First offers: R1 7200, R2 1802, R3 14400, R6 3600 → 6750.5 → 6751 (half-up)
    assert got["average_response_time_seconds"] == 6751
    assert got["top_commodities"] == [
        commodity(desk, "A", 5, 5, O1_VALUE),
        commodity(desk, "B", 2, 3, O4_VALUE),
    ]
    assert got["seller_performance"] == [
        # O1, O4, O6, O7; scores 90, 75, 69; waits 7200, 14400, 3600
        seller(desk.world.seller, 4, 2, "50.0", "78.0", 8400, "16386310.46"),
        # O2, O3, O5, O8; scores 70, 80, 60; waits 10800, 1802, 18000 → 10200.67
        seller(desk.seller_b, 4, 0, "0.0", "70.0", 10201, "0.00"),
    ]


async def test_commodity_filter(
    client: httpx.AsyncClient, desk: Desk, sales: dict[str, str]
) -> None:
    got = await dashboard(client, sales, commodity_id=desk.commodity_a)
    assert got["requirements"] == requirement_counts(
        open=1, negotiation=1, contract_created=1, cancelled=1, expired=1
    )
    assert got["offers"] == offer_counts(pending=1, countered=1, accepted=1, rejected=1, expired=1)
    assert got["total_value"] == O1_VALUE
    assert got["average_match_score"] == "77.3"  # 309 / 4 = 77.25, half-up (not 77.2)
    assert got["average_response_time_seconds"] == 4201  # (7200 + 1802 + 3600) / 3
    assert got["top_commodities"] == [commodity(desk, "A", 5, 5, O1_VALUE)]
    assert got["seller_performance"] == [
        seller(desk.world.seller, 3, 1, "33.3", "79.5", 5400, O1_VALUE),
        seller(desk.seller_b, 2, 0, "0.0", "75.0", 6301, "0.00"),
    ]

    other = await dashboard(client, sales, commodity_id=desk.commodity_b)
    assert other["requirements"] == requirement_counts(open=1, offers_received=1)
    assert other["offers"] == offer_counts(pending=1, accepted=1, withdrawn=1)
    assert (other["total_value"], other["average_match_score"]) == (O4_VALUE, "67.5")
    assert other["average_response_time_seconds"] == 14400
    assert [c["commodity_id"] for c in other["top_commodities"]] == [desk.commodity_b]


async def test_dates_are_india_calendar_days_both_included(
    client: httpx.AsyncClient, desk: Desk, sales: dict[str, str]
) -> None:
    """R2 (T-9 01:00 IST) is T-10 in UTC and R5 (T-6 02:00 IST) is T-7 in UTC: a UTC day
    filter would swap them; R4 at T-7 23:59:59 IST is the last second of ``to``."""
    got = await dashboard(client, sales, **{"from": desk.day(9), "to": desk.day(7)})
    assert got["period"] == {"from": desk.day(9), "to": desk.day(7)}
    assert got["requirements"] == requirement_counts(negotiation=1, offers_received=1, cancelled=1)
    assert got["offers"] == offer_counts(countered=1, accepted=1, pending=1)  # O3, O4, O5
    assert got["total_value"] == O4_VALUE
    assert got["average_match_score"] == "71.7"  # (80 + 75 + 60) / 3
    assert got["average_response_time_seconds"] == 8101  # R2 1802, R3 14400

    one_day = await dashboard(client, sales, **{"from": desk.day(6), "to": desk.day(6)})
    assert one_day["requirements"] == requirement_counts(open=1)  # R5 only
    assert one_day["offers"] == offer_counts()
    assert (one_day["average_match_score"], one_day["average_response_time_seconds"]) == (
        None,
        None,
    )


async def test_a_longer_period_takes_in_older_deals(
    client: httpx.AsyncClient, desk: Desk, sales: dict[str, str]
) -> None:
    got = await dashboard(client, sales, **{"from": desk.day(45)})
    assert got["period"] == {"from": desk.day(45), "to": desk.day(0)}
    assert got["requirements"]["contract_created"] == 2
    assert got["requirements"]["total"] == 8
    assert got["offers"]["accepted"] == 3
    assert got["total_value"] == "18776636.67"  # + O9 2390326.21
    assert got["average_match_score"] == "70.6"  # 494 / 7
    assert got["average_response_time_seconds"] == 6120  # (27002 + 3600) / 5
    assert got["seller_performance"][0]["offers_accepted"] == 3


async def test_organization_filter(
    client: httpx.AsyncClient, desk: Desk, sales: dict[str, str]
) -> None:
    """Open offers (O7, O8) belong to no organization."""
    got = await dashboard(client, sales, organization_id=desk.world.organization_id)
    assert got["requirements"]["total"] == 7
    assert got["offers"] == offer_counts(pending=1, countered=1, accepted=2, rejected=1, expired=1)
    assert got["total_value"] == "16386310.46"

    nobody = await dashboard(client, sales, organization_id=str(uuid.uuid4()))
    assert nobody["requirements"] == requirement_counts()
    assert nobody["offers"] == offer_counts()
    assert nobody["total_value"] == "0.00"
    assert nobody["average_match_score"] is None
    assert nobody["average_response_time_seconds"] is None
    assert (nobody["top_commodities"], nobody["seller_performance"]) == ([], [])


async def test_accepted_value_is_the_draft_contracts_value(
    client: httpx.AsyncClient, desk: Desk, sales: dict[str, str]
) -> None:
    values = []
    for name in ("O1", "O4"):
        offer = await client.get(f"{OFFERS}/{desk.offers[name]['id']}", headers=sales)
        contract_id = offer.json()["contract_id"]
        contract = await client.get(f"{CONTRACTS}/{contract_id}", headers=sales)
        values.append(contract.json()["contract_value"])
    assert values == [O1_VALUE, O4_VALUE]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-11-10", "to": "2026-11-09"},
        {"from": (india_today() + timedelta(days=1)).isoformat()},  # after today, the default to
        {"from": "2026-13-01"},
        {"to": "yesterday"},
        {"commodity_id": "not-a-uuid"},
    ],
)
async def test_bad_periods_and_ids_are_422(
    client: httpx.AsyncClient, sales: dict[str, str], params: dict[str, str]
) -> None:
    response = await client.get(DASHBOARD, params=params, headers=sales)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_the_same_day_is_a_period_and_nothing_is_all_zeros(
    client: httpx.AsyncClient, sales: dict[str, str]
) -> None:
    today = india_today().isoformat()
    got = await dashboard(client, sales, **{"from": today, "to": today})
    assert got == {
        "period": {"from": today, "to": today},
        "requirements": requirement_counts(),
        "offers": offer_counts(),
        "total_value": "0.00",
        "average_match_score": None,
        "average_response_time_seconds": None,
        "top_commodities": [],
        "seller_performance": [],
    }


async def test_sign_in_is_required(client: httpx.AsyncClient) -> None:
    response = await client.get(DASHBOARD)
    assert response.status_code == 401
    assert response.json()["code"] == "auth.not_authenticated"


async def test_the_number_of_queries_does_not_grow_with_the_data(
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: World,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
    buyer_user: dict[str, str],
    query_counter: QueryCounter,
) -> None:
    async def queries(headers: dict[str, str]) -> int:
        query_counter.reset()
        await dashboard(client, headers)
        return query_counter.count

    before = (await queries(sales), await queries(buyer_user))
    desk = await build_desk(client, db, world, admin=admin, sales=sales, manager=manager)
    after = (await queries(sales), await queries(buyer_user))
    assert (await dashboard(client, sales))["offers"]["total"] == 8
    assert desk.requirements
    assert before == after
    # the caller's session and user (auth), then five aggregates
    assert max(after) <= 8, after
