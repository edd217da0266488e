"""Racing requests on committed data: one partner per PAN, one decision per approval."""

from __future__ import annotations

import asyncio
import uuid

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.auth_helpers import DEFAULT_PASSWORD
from tests.partner.helpers import PARTNERS, partner_body
from tradehub.approval.models import ApprovalRequest
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.auth import service, users_service
from tradehub.auth.schemas import UserCreate
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.partner.models import Partner


async def _committed_user(engine: AsyncEngine, app: FastAPI, role: str) -> dict[str, str]:
    maker = create_sessionmaker(engine)
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    async with session_scope(maker) as session:
        body = UserCreate(email=email, name=role, password=DEFAULT_PASSWORD, roles=[role])
        await users_service.create_user(session, app.state.identity, SYSTEM_ACTOR, body)
    async with session_scope(maker) as session:
        caller = service.Caller(ip="127.0.0.1", user_agent="tests", request_id=None)
        tokens = await service.login(
            session, app.state.identity, caller, email=email, password=DEFAULT_PASSWORD
        )
    return {"Authorization": f"Bearer {tokens.access_token}"}


async def test_racing_creates_with_one_pan_make_one_partner(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    sales = await _committed_user(engine, live_app, "sales")
    body = partner_body()
    answers = await asyncio.gather(
        *(
            live_client.post(PARTNERS, json={**body, "email": f"r{i}@example.in"}, headers=sales)
            for i in range(8)
        )
    )
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] + [409] * 7, [a.text for a in answers]
    async with create_sessionmaker(engine)() as session:
        count = select(func.count()).where(Partner.pan == body["pan"])
        assert await session.scalar(count) == 1


async def test_racing_checkers_decide_once(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    sales = await _committed_user(engine, live_app, "sales")
    checkers = [await _committed_user(engine, live_app, "manager") for _ in range(4)]
    created = await live_client.post(PARTNERS, json=partner_body(), headers=sales)
    partner_id = created.json()["id"]
    assert (await live_client.post(f"{PARTNERS}/{partner_id}/submit", headers=sales)).is_success
    answers = await asyncio.gather(
        *(
            live_client.post(f"{PARTNERS}/{partner_id}/approve", headers=headers)
            if index % 2 == 0
            else live_client.post(
                f"{PARTNERS}/{partner_id}/reject", json={"reason": "race"}, headers=headers
            )
            for index, headers in enumerate(checkers)
        )
    )
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409], [a.text for a in answers]
    winner = next(a.json() for a in answers if a.status_code == 200)
    async with create_sessionmaker(engine)() as session:
        partner = await session.get(Partner, uuid.UUID(partner_id))
        assert partner is not None and partner.status == winner["status"]
        decided = await session.scalars(
            select(ApprovalRequest.status).where(ApprovalRequest.entity_id == uuid.UUID(partner_id))
        )
        expected = "approved" if winner["status"] == "active" else "rejected"
        assert list(decided) == [expected]
