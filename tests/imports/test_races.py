"""Imports racing POST /partners on committed data: the partner codes stay one gapless
sequence, whoever takes the lock first."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.auth_helpers import DEFAULT_PASSWORD
from tests.imports.helpers import PARTNER_HEADER, Keys, csv_bytes
from tests.partner.helpers import PARTNERS, partner_body
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.auth import service, users_service
from tradehub.auth.schemas import UserCreate
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.partner.models import Partner


async def committed_manager(engine: AsyncEngine, app: FastAPI) -> dict[str, str]:
    maker = create_sessionmaker(engine)
    email = f"importer-{uuid.uuid4().hex[:8]}@example.com"
    async with session_scope(maker) as session:
        body = UserCreate(
            email=email, name="Importer", password=DEFAULT_PASSWORD, roles=["manager"]
        )
        await users_service.create_user(session, app.state.identity, SYSTEM_ACTOR, body)
    async with session_scope(maker) as session:
        caller = service.Caller(ip="127.0.0.1", user_agent="tests", request_id=None)
        tokens = await service.login(
            session, app.state.identity, caller, email=email, password=DEFAULT_PASSWORD
        )
    return {"Authorization": f"Bearer {tokens.access_token}"}


@pytest.mark.live
async def test_imports_and_creates_racing_share_one_gapless_code_sequence(
    live_client: httpx.AsyncClient, live_app: FastAPI, engine: AsyncEngine
) -> None:
    headers = await committed_manager(engine, live_app)
    files = [csv_bytes(PARTNER_HEADER, Keys().partners(150)) for _ in range(2)]
    imports = [
        live_client.post(
            "/api/v1/imports/partners",
            files={"file": (f"partners-{n}.csv", content, "text/csv")},
            headers=headers,
        )
        for n, content in enumerate(files)
    ]
    creates = [live_client.post(PARTNERS, json=partner_body(), headers=headers) for _ in range(6)]
    answers = await asyncio.gather(*imports, *creates)
    assert [a.status_code for a in answers] == [200, 200] + [201] * 6, [a.text for a in answers]
    async with create_sessionmaker(engine)() as session:
        codes = list(await session.scalars(select(Partner.code)))
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert len(numbers) == 306
    assert numbers == list(range(numbers[0], numbers[0] + 306))  # unique and gapless
    for answer in answers[:2]:
        first, last = answer.json()["first_code"], answer.json()["last_code"]
        assert int(last.rsplit("-", 1)[1]) - int(first.rsplit("-", 1)[1]) == 149
