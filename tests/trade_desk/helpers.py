"""A trading world for the trade desk (the contracts world plus a financial year holding
today, for contracts dated on acceptance) and bodies for requirements, offers and lots; works
with the rolled-back ``client`` and with ``live_client``."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.auth_helpers import DEFAULT_PASSWORD
from tests.contract.helpers import World, build_world
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.auth import service, users_service
from tradehub.auth.schemas import UserCreate
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.trade_desk.acceptance_service import INDIA

TRADE = "/api/v1/trade-desk"
REQUIREMENTS = f"{TRADE}/requirements"
OFFERS = f"{TRADE}/offers"
LOTS = f"{TRADE}/tested-lots"
CONTRACTS = "/api/v1/contracts"


def financial_year_code(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def india_today() -> date:
    return datetime.now(UTC).astimezone(INDIA).date()


async def trade_world(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> World:
    """``build_world`` (its year is 2026-27) plus the year of today, should that differ."""
    world = await build_world(client, admin, sales, manager)
    code = financial_year_code(india_today())
    if code != "2026-27":
        response = await client.post(
            "/api/v1/financial-years",
            json={"organization_id": world.organization_id, "code": code},
            headers=admin,
        )
        assert response.status_code == 201, response.text
    return world


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def requirement_body(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organization_id": world.organization_id,
        "buyer_id": world.buyer["id"],
        "commodity_id": world.commodity_id,
        "variety": "S-6",
        "bales": 500,
        "parameters": {
            "staple_mm": {"min": "28", "max": "30"},
            "mic": {"min": "3.8", "max": "4.2"},
            "trash_pct": {"max": "3"},
        },
        "station_id": world.station_id,
        "target_price": "55000",
        "price_unit": "candy",
        "payment_terms": "credit",
        "payment_days": 30,
        "delivery_days": 0,
        "certificates": ["BCI"],
        "valid_until": in_days(7),
    }
    body.update(overrides)
    return body


def offer_body(world: World, requirement_id: str | None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "requirement_id": requirement_id,
        "seller_id": world.seller["id"],
        "commodity_id": world.commodity_id,
        "variety": "Shankar-6",
        "bales": 500,
        "parameters": {"staple_mm": "29", "mic": "4.0", "trash_pct": "2.5"},
        "price": "55500",
        "price_unit": "candy",
        "station_id": world.station_id,
        "payment_terms": "credit",
        "payment_days": 30,
        "delivery_days": 0,
        "valid_until": in_days(3),
    }
    body.update(overrides)
    return body


def lot_body(world: World, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "seller_id": world.seller["id"],
        "commodity_id": world.commodity_id,
        "variety": "S-6",
        "station_id": world.station_id,
        "bales": 300,
        "parameters": {"staple_mm": "29.2", "mic": "4.1", "strength_gpt": "29"},
        "price": "55200",
        "price_unit": "candy",
        "lab": "Cotton Research Lab, Rajkot",
        "test_date": india_today().isoformat(),
        "valid_until": in_days(30),
    }
    body.update(overrides)
    return body


async def created(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def step(
    client: httpx.AsyncClient,
    offer_id: str,
    action: str,
    body: dict[str, Any],
    headers: dict[str, str],
    expected: int = 200,
) -> dict[str, Any]:
    response = await client.post(f"{OFFERS}/{offer_id}/{action}", json=body, headers=headers)
    assert response.status_code == expected, response.text
    result: dict[str, Any] = response.json()
    return result


async def committed_user(
    engine: AsyncEngine, app: FastAPI, role: str, partner_id: str | None = None
) -> dict[str, str]:
    """A user committed for real (for ``live_client``), signed in; a portal user when
    ``partner_id`` is given."""
    maker = create_sessionmaker(engine)
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    async with session_scope(maker) as session:
        body = UserCreate(email=email, name=role, password=DEFAULT_PASSWORD, roles=[role])
        await users_service.create_user(
            session,
            app.state.identity,
            SYSTEM_ACTOR,
            body,
            partner_id=uuid.UUID(partner_id) if partner_id else None,
        )
    async with session_scope(maker) as session:
        caller = service.Caller(ip="127.0.0.1", user_agent="tests", request_id=None)
        tokens = await service.login(
            session, app.state.identity, caller, email=email, password=DEFAULT_PASSWORD
        )
    return {"Authorization": f"Bearer {tokens.access_token}"}
