"""Concurrent approvals on committed data: numbers stay unique and gapless per organization."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.auth_helpers import DEFAULT_PASSWORD
from tests.contract.helpers import CONTRACTS, World, build_world, create_contract
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.auth import service, users_service
from tradehub.auth.schemas import UserCreate
from tradehub.contract.models import Contract
from tradehub.kit.db import create_sessionmaker, session_scope


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


async def _pending(
    client: httpx.AsyncClient, sales: dict[str, str], world: World, count: int
) -> list[str]:
    ids = []
    for _ in range(count):
        contract = await create_contract(client, sales, world)
        submitted = await client.post(f"{CONTRACTS}/{contract['id']}/submit", headers=sales)
        assert submitted.status_code == 200, submitted.text
        ids.append(contract["id"])
    return ids


@pytest.mark.live
async def test_50_concurrent_approvals_get_00001_to_00050_per_organization(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    admin = await _committed_user(engine, live_app, "admin")
    sales = await _committed_user(engine, live_app, "sales")
    managers = [await _committed_user(engine, live_app, "manager") for _ in range(3)]
    first = await build_world(live_client, admin, sales, managers[0])
    second = await build_world(live_client, admin, sales, managers[0])
    first_ids = await _pending(live_client, sales, first, 50)
    second_ids = await _pending(live_client, sales, second, 10)
    racing = first_ids + second_ids
    answers = await asyncio.gather(
        *(
            live_client.post(
                f"{CONTRACTS}/{contract_id}/approve", headers=managers[index % len(managers)]
            )
            for index, contract_id in enumerate(racing)
        )
    )
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers if a.is_error]
    numbers = {a.json()["id"]: a.json()["contract_no"] for a in answers}
    assert sorted(numbers[i] for i in first_ids) == [f"SC/26-27/{n:05d}" for n in range(1, 51)]
    assert sorted(numbers[i] for i in second_ids) == [f"SC/26-27/{n:05d}" for n in range(1, 11)]
    async with create_sessionmaker(engine)() as session:
        stored = await session.execute(
            select(Contract.id, Contract.contract_no, Contract.status).where(
                Contract.id.in_([uuid.UUID(i) for i in racing])
            )
        )
        rows = list(stored)
    assert {str(row.id): row.contract_no for row in rows} == numbers
    assert {row.status for row in rows} == {"confirmed"}
