"""The dashboard of a partner's users: only their partner's requirements, the offers on them
and their partner's own offers, in every figure. Two buyers and two sellers share one desk
(``dashboard_helpers``), so anything leaking from the other partner changes an answer."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import SignIn
from tests.contract.helpers import World
from tests.partner.helpers import active_partner
from tests.trade_desk.dashboard_helpers import (
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


async def portal(sign_in: SignIn, partner: dict[str, Any]) -> dict[str, str]:
    return (await sign_in(roles=["partner"], partner_id=uuid.UUID(partner["id"]))).headers


async def test_a_buyer_sees_its_requirements_and_the_offers_on_them(
    client: httpx.AsyncClient, desk: Desk, sign_in: SignIn
) -> None:
    """B1 may also see S1's open offer O7 (buyers browse open offers), but it is not B1's
    business: it counts nowhere."""
    got = await dashboard(client, await portal(sign_in, desk.world.buyer))
    assert got["requirements"] == requirement_counts(open=1, negotiation=1, contract_created=1)
    assert got["offers"] == offer_counts(accepted=1, rejected=1, countered=1)  # O1, O2, O3
    assert got["total_value"] == O1_VALUE
    assert got["average_match_score"] == "80.0"  # (90 + 70 + 80) / 3
    assert got["average_response_time_seconds"] == 4501  # (7200 + 1802) / 2
    assert got["top_commodities"] == [commodity(desk, "A", 3, 3, O1_VALUE)]
    assert got["seller_performance"] == [
        seller(desk.world.seller, 1, 1, "100.0", "90.0", 7200, O1_VALUE),
        seller(desk.seller_b, 2, 0, "0.0", "75.0", 6301, "0.00"),  # (10800 + 1802) / 2
    ]


async def test_the_other_buyer_sees_only_its_own(
    client: httpx.AsyncClient, desk: Desk, sign_in: SignIn
) -> None:
    got = await dashboard(client, await portal(sign_in, desk.buyer_b))
    assert got["requirements"] == requirement_counts(
        open=1, offers_received=1, cancelled=1, expired=1
    )
    assert got["offers"] == offer_counts(accepted=1, pending=1, expired=1)  # O4, O5, O6
    assert got["total_value"] == O4_VALUE
    assert got["average_match_score"] == "68.0"  # (75 + 60 + 69) / 3
    assert got["average_response_time_seconds"] == 9000  # (14400 + 3600) / 2
    assert got["top_commodities"] == [
        commodity(desk, "B", 2, 2, O4_VALUE),
        commodity(desk, "A", 2, 1, "0.00"),
    ]
    assert got["seller_performance"] == [
        seller(desk.world.seller, 2, 1, "50.0", "72.0", 9000, O4_VALUE),
        seller(desk.seller_b, 1, 0, "0.0", "60.0", 18000, "0.00"),
    ]


async def test_a_seller_sees_only_its_own_offers(
    client: httpx.AsyncClient, desk: Desk, sign_in: SignIn
) -> None:
    """S1 may see every active requirement (to answer it) and those it offered on; none of
    them is its own, so its requirement counts are zero."""
    got = await dashboard(client, await portal(sign_in, desk.world.seller))
    assert got["requirements"] == requirement_counts()
    assert got["offers"] == offer_counts(accepted=2, expired=1, pending=1)  # O1, O4, O6, O7
    assert got["total_value"] == "16386310.46"
    assert got["average_match_score"] == "78.0"
    assert got["average_response_time_seconds"] == 8400  # its own first offers only
    assert got["top_commodities"] == [
        commodity(desk, "A", 0, 3, O1_VALUE),
        commodity(desk, "B", 0, 1, O4_VALUE),
    ]
    assert got["seller_performance"] == [
        seller(desk.world.seller, 4, 2, "50.0", "78.0", 8400, "16386310.46")
    ]


async def test_the_other_seller_sees_only_itself(
    client: httpx.AsyncClient, desk: Desk, sign_in: SignIn
) -> None:
    got = await dashboard(client, await portal(sign_in, desk.seller_b))
    assert got["requirements"] == requirement_counts()
    assert got["offers"] == offer_counts(rejected=1, countered=1, pending=1, withdrawn=1)
    assert got["total_value"] == "0.00"
    assert got["average_match_score"] == "70.0"
    # R1: 10800 although O1 came first (S1's, unseen); R2 1802; R3 18000
    assert got["average_response_time_seconds"] == 10201
    tie = [commodity(desk, "A", 0, 2, "0.00"), commodity(desk, "B", 0, 2, "0.00")]
    assert got["top_commodities"] == sorted(tie, key=lambda c: c["name"])  # then by name
    assert got["seller_performance"] == [seller(desk.seller_b, 4, 0, "0.0", "70.0", 10201, "0.00")]


async def test_a_partner_with_no_dealings_sees_nothing(
    client: httpx.AsyncClient,
    desk: Desk,
    sign_in: SignIn,
    sales: dict[str, str],
    manager: dict[str, str],
) -> None:
    """A trader could answer every active requirement and browse every open offer; it made
    and received none, so every figure is empty, even filtered to the desk's commodity."""
    trader = await active_partner(client, sales, manager, kind="trader", state="24")
    got = await dashboard(client, await portal(sign_in, trader), commodity_id=desk.commodity_a)
    assert got["requirements"] == requirement_counts()
    assert got["offers"] == offer_counts()
    assert got["total_value"] == "0.00"
    assert got["average_match_score"] is None
    assert got["average_response_time_seconds"] is None
    assert (got["top_commodities"], got["seller_performance"]) == ([], [])
