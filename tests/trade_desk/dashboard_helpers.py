"""A small trade desk built through the HTTP API for the dashboard tests, with known posting
times and match scores (set afterwards, so every figure has a hand-computed answer).

Two buyers (B1 = the world's buyer, B2), two sellers (S1 = the world's seller, S2), two
commodities (CA = the world's, CB). Days are India calendar days counted back from today (T):

| row | who       | what                              | posted (IST)      | ends as          |
|-----|-----------|-----------------------------------|-------------------|------------------|
| R1  | B1, CA    | 500 bales, candy                  | T-10 10:00:00     | contract_created |
| O1  | S1 on R1  | 500 @ 55500/candy, score 90       | R1 + 7200 s       | accepted (500)   |
| O2  | S2 on R1  | 500 @ 56000/candy, score 70       | R1 + 10800 s      | rejected         |
| R2  | B1, CA    | 100 bales, quintal                | T-9 01:00:00      | negotiation      |
| O3  | S2 on R2  | 100 @ 16000/quintal, score 80     | R2 + 1802 s       | countered        |
| R3  | B2, CB    | 200 bales, per bale               | T-8 10:00:00      | offers_received  |
| O4  | S1 on R3  | 200 @ 26000/bale, score 75        | R3 + 14400 s      | accepted (120)   |
| O5  | S2 on R3  | 80 @ 26500/bale, score 60         | R3 + 18000 s      | pending          |
| R4  | B2, CA    |                                   | T-7 23:59:59      | cancelled        |
| R5  | B1, CA    |                                   | T-6 02:00:00      | open             |
| R6  | B2, CA    |                                   | T-5 10:00:00      | expired          |
| O6  | S1 on R6  | score 69                          | R6 + 3600 s       | expired          |
| O7  | S1, open  | CA                                | T-4 10:00:00      | pending          |
| O8  | S2, open  | CB                                | T-3 10:00:00      | withdrawn        |
| R8  | B2, CB    |                                   | T-2 10:00:00      | open             |
| R7  | B1, CA    | 100 bales, candy (outside 30 days)| T-40 10:00:00     | contract_created |
| O9  | S1 on R7  | 100 @ 50000/candy, score 50       | R7 + 3600 s       | accepted (100)   |
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.contract.helpers import World
from tests.masters.helpers import COMMODITIES, cotton
from tests.partner.helpers import active_partner
from tests.trade_desk.helpers import (
    OFFERS,
    REQUIREMENTS,
    created,
    india_today,
    offer_body,
    requirement_body,
    step,
)
from tradehub.trade_desk.dashboard_domain import INDIA
from tradehub.trade_desk.models import Offer, Requirement

DASHBOARD = "/api/v1/trade-desk/dashboard"

# O1: 500 bales × 170 / 355.6 × 55500 = 13,266,310.4611… → 13266310.46
# O4: 120 bales × 26000 per bale = 3120000.00;  O9: 100 × 170 / 355.6 × 50000 → 2390326.21
O1_VALUE, O4_VALUE, O9_VALUE = "13266310.46", "3120000.00", "2390326.21"


@dataclass
class Desk:
    world: World
    today: date
    commodity_b: str
    buyer_b: dict[str, Any]
    seller_b: dict[str, Any]
    names: dict[str, str] = field(default_factory=dict)  # commodity id → name
    requirements: dict[str, dict[str, Any]] = field(default_factory=dict)
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def commodity_a(self) -> str:
        return self.world.commodity_id

    def day(self, days_back: int) -> str:
        return (self.today - timedelta(days=days_back)).isoformat()


def ist(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), INDIA).astimezone(UTC)


class _Builder:
    def __init__(
        self, client: httpx.AsyncClient, sales: dict[str, str], desk: Desk, world: World
    ) -> None:
        self.client, self.sales, self.desk, self.world = client, sales, desk, world

    async def requirement(self, name: str, buyer: dict[str, Any], **overrides: Any) -> None:
        body = requirement_body(self.world, buyer_id=buyer["id"], certificates=[], **overrides)
        self.desk.requirements[name] = await created(self.client, REQUIREMENTS, body, self.sales)

    async def offer(
        self, name: str, requirement: str | None, seller: dict[str, Any], **overrides: Any
    ) -> None:
        requirement_id = self.desk.requirements[requirement]["id"] if requirement else None
        body = offer_body(self.world, requirement_id, seller_id=seller["id"], **overrides)
        self.desk.offers[name] = await created(self.client, OFFERS, body, self.sales)

    async def act(self, offer: str, action: str, body: dict[str, Any]) -> None:
        await step(self.client, self.desk.offers[offer]["id"], action, body, self.sales)


async def build_desk(
    client: httpx.AsyncClient,
    db: AsyncSession,
    world: World,
    *,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> Desk:
    commodity_b = await created(client, COMMODITIES, cotton(), admin)
    desk = Desk(
        world=world,
        today=india_today(),
        commodity_b=commodity_b["id"],
        buyer_b=await active_partner(client, sales, manager, kind="buyer", state="27"),
        seller_b=await active_partner(client, sales, manager, kind="seller", state="24"),
    )
    commodity_a = await client.get(f"{COMMODITIES}/{world.commodity_id}", headers=admin)
    desk.names = {world.commodity_id: commodity_a.json()["name"]}
    desk.names[commodity_b["id"]] = commodity_b["name"]
    b1, b2, s1, s2 = world.buyer, desk.buyer_b, world.seller, desk.seller_b
    cb = {"commodity_id": desk.commodity_b}
    make = _Builder(client, sales, desk, world)

    await make.requirement("R1", b1, bales=500)
    await make.offer("O1", "R1", s1, bales=500, price="55500", price_unit="candy")
    await make.offer("O2", "R1", s2, bales=500, price="56000", price_unit="candy")
    await make.act("O1", "accept", {"side": "buyer"})  # R1 fulfilled: O2 rejected

    await make.requirement("R2", b1, bales=100, price_unit="quintal", target_price="16000")
    await make.offer("O3", "R2", s2, bales=100, price="16000", price_unit="quintal")
    await make.act("O3", "counter", {"side": "buyer", "price": "15500"})

    await make.requirement("R3", b2, bales=200, price_unit="bales", target_price="26000", **cb)
    await make.offer("O4", "R3", s1, bales=200, price="26000", price_unit="bales", **cb)
    await make.act("O4", "accept", {"side": "buyer", "bales": 120})
    await make.offer("O5", "R3", s2, bales=80, price="26500", price_unit="bales", **cb)

    await make.requirement("R4", b2)
    cancelled = await client.post(
        f"{REQUIREMENTS}/{desk.requirements['R4']['id']}/cancel",
        json={"reason": "No longer needed"},
        headers=sales,
    )
    assert cancelled.status_code == 200, cancelled.text
    await make.requirement("R5", b1)
    await make.requirement("R6", b2)
    await make.offer("O6", "R6", s1)
    await make.offer("O7", None, s1)
    await make.offer("O8", None, s2, **cb)
    await make.act("O8", "withdraw", {})
    await make.requirement("R8", b2, **cb)

    await make.requirement("R7", b1, bales=100)
    await make.offer("O9", "R7", s1, bales=100, price="50000", price_unit="candy")
    await make.act("O9", "accept", {"side": "buyer"})

    await _stamp(db, desk)
    return desk


POSTED = {  # requirement: (days back, hour, minute, second) in IST
    "R1": (10, 10, 0, 0),
    "R2": (9, 1, 0, 0),
    "R3": (8, 10, 0, 0),
    "R4": (7, 23, 59, 59),
    "R5": (6, 2, 0, 0),
    "R6": (5, 10, 0, 0),
    "R8": (2, 10, 0, 0),
    "R7": (40, 10, 0, 0),
}
ANSWERED = {  # offer on a requirement: (requirement, seconds after its posting, match score)
    "O1": ("R1", 7200, 90),
    "O2": ("R1", 10800, 70),
    "O3": ("R2", 1802, 80),
    "O4": ("R3", 14400, 75),
    "O5": ("R3", 18000, 60),
    "O6": ("R6", 3600, 69),
    "O9": ("R7", 3600, 50),
}
OPEN_OFFERS = {"O7": 4, "O8": 3}  # days back, at 10:00 IST


async def _stamp(db: AsyncSession, desk: Desk) -> None:
    """Posting times and scores of the table above; R6 and O6 expire."""
    posted: dict[str, datetime] = {}
    for name, (back, hour, minute, second) in POSTED.items():
        posted[name] = ist(desk.today - timedelta(days=back), hour, minute, second)
        await _set(db, Requirement, desk.requirements[name]["id"], created_at=posted[name])
    for name, (requirement, seconds, score) in ANSWERED.items():
        at = posted[requirement] + timedelta(seconds=seconds)
        await _set(db, Offer, desk.offers[name]["id"], created_at=at, match_score=score)
    for name, back in OPEN_OFFERS.items():
        at = ist(desk.today - timedelta(days=back), 10)
        await _set(db, Offer, desk.offers[name]["id"], created_at=at, match_score=None)
    await _set(db, Requirement, desk.requirements["R6"]["id"], status="expired")
    await _set(db, Offer, desk.offers["O6"]["id"], status="expired")


async def _set(
    db: AsyncSession, model: type[Requirement] | type[Offer], id_: str, **values: Any
) -> None:
    await db.execute(
        update(model)
        .where(model.id == uuid.UUID(id_))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def dashboard(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = await client.get(DASHBOARD, params=params, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def counts(**given: int) -> dict[str, int]:
    return {**given, "total": sum(given.values())}


def requirement_counts(**given: int) -> dict[str, int]:
    names = ("open", "offers_received", "negotiation", "contract_created", "cancelled", "expired")
    return counts(**{name: given.get(name, 0) for name in names})


def offer_counts(**given: int) -> dict[str, int]:
    names = ("pending", "countered", "accepted", "rejected", "expired", "withdrawn")
    return counts(**{name: given.get(name, 0) for name in names})


def seller(partner: dict[str, Any], submitted: int, accepted: int, *figures: Any) -> dict[str, Any]:
    rate, score, wait, value = figures
    return {
        "seller_id": partner["id"],
        "seller_name": partner["legal_name"],
        "offers_submitted": submitted,
        "offers_accepted": accepted,
        "acceptance_rate": rate,
        "average_match_score": score,
        "average_response_time_seconds": wait,
        "accepted_value": value,
    }


def commodity(desk: Desk, which: str, requirements: int, offers: int, value: str) -> dict[str, Any]:
    commodity_id = desk.commodity_a if which == "A" else desk.commodity_b
    return {
        "commodity_id": commodity_id,
        "name": desk.names[commodity_id],
        "requirements": requirements,
        "offers": offers,
        "value": value,
    }
