"""A real server on a loopback port, real WebSocket clients, committed users.

The server (uvicorn) runs as a task on the test's own event loop, so the app shares the test
engine's pool with the test; its requests commit for real, and ``live_world`` empties every
table afterwards (as ``live_client`` does).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.auth_helpers import DEFAULT_PASSWORD
from tests.conftest import build_test_app, empty_all_tables
from tests.numbering.helpers import add_organization
from tests.partner.helpers import ensure_partner_row
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.auth import service, users_service
from tradehub.auth.schemas import UserCreate
from tradehub.config import Settings
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.live.domain import LiveLimits
from tradehub.organization.models import Branch

REDIS_URL = "redis://127.0.0.1:6379/0"
# Short enough that the timeout tests are quick, long enough for a loaded CI machine.
TEST_LIMITS = LiveLimits(auth_timeout_seconds=2.0, recheck_seconds=60.0)
RECEIVE_SECONDS = 30.0  # only a failing test waits this long


def dial(url: str) -> connect:
    """A client connection (await it, or ``async with`` it), patient with a busy machine."""
    return connect(url, open_timeout=120, close_timeout=10)


@dataclass(frozen=True)
class Member:
    user_id: uuid.UUID
    session_id: uuid.UUID
    token: str

    @property
    def auth(self) -> str:
        return json.dumps({"type": "auth", "token": f"Bearer {self.token}"})


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """Run ``app`` (lifespan included) on a free loopback port; yields the socket's URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, lifespan="on", log_config=None, access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    try:
        while not server.started:
            if task.done():
                task.result()  # startup failed: raise its error
                raise RuntimeError("the server stopped during startup")
            await asyncio.sleep(0.01)
        url = f"ws://127.0.0.1:{port}/api/v1/ws"
        # FastAPI resolves its routes lazily on an app's first match: seconds for ~200 routes
        # on a busy machine. Pay it here, not inside a test's timing (auth and token expiry).
        async with dial(url):
            pass
        yield url
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 30)
        listener.close()


async def receive(client: ClientConnection, timeout: float = RECEIVE_SECONDS) -> dict[str, Any]:
    raw = await asyncio.wait_for(client.recv(), timeout)
    message: dict[str, Any] = json.loads(raw)
    return message


async def signed_in(url: str, member: Member) -> ClientConnection:
    """A socket past auth (its ``auth_success`` read and checked)."""
    client = await dial(url)
    await client.send(member.auth)
    answer = await receive(client)
    assert answer["type"] == "auth_success", answer
    return client


async def close_code(client: ClientConnection, timeout: float = RECEIVE_SECONDS) -> int | None:
    """Read until the server closes; the close code it sent."""
    async with asyncio.timeout(timeout):
        with contextlib.suppress(ConnectionClosed):
            while True:
                await client.recv()
    return client.close_code


def app_with(settings: Settings, engine: AsyncEngine, limits: LiveLimits = TEST_LIMITS) -> FastAPI:
    app = build_test_app(settings, engine)
    app.state.live_limits = limits
    return app


@pytest.fixture
def redis_settings(test_settings: Settings) -> Settings:
    """Settings with Redis and a channel prefix of this test alone: parallel runs never cross."""
    prefix = f"tradehub-test:{uuid.uuid4().hex}:"
    return test_settings.model_copy(update={"redis_url": REDIS_URL, "live_channel_prefix": prefix})


@dataclass
class World:
    engine: AsyncEngine
    app: FastAPI
    url: str

    async def member(
        self,
        *,
        roles: Sequence[str] = ("sales",),
        branch_ids: Sequence[uuid.UUID] = (),
        partner_id: uuid.UUID | None = None,
        must_change_password: bool = False,
    ) -> Member:
        """A committed user with a live session and its access token."""
        return await committed_member(
            self.engine,
            self.app,
            roles=roles,
            branch_ids=branch_ids,
            partner_id=partner_id,
            must_change_password=must_change_password,
        )

    async def organization(self, branches: int = 0) -> tuple[uuid.UUID, list[uuid.UUID]]:
        async with session_scope(create_sessionmaker(self.engine)) as session:
            organization_id = await add_organization(session)
            made = [
                Branch(
                    organization_id=organization_id,
                    name=f"Branch {index}",
                    code=f"B{index}",
                    state_code="27",
                )
                for index in range(branches)
            ]
            session.add_all(made)
            await session.flush()
            return organization_id, [branch.id for branch in made]


async def committed_member(
    engine: AsyncEngine,
    app: FastAPI,
    *,
    roles: Sequence[str] = ("sales",),
    branch_ids: Sequence[uuid.UUID] = (),
    partner_id: uuid.UUID | None = None,
    must_change_password: bool = False,
) -> Member:
    maker = create_sessionmaker(engine)
    email = f"live-{uuid.uuid4().hex[:10]}@example.com"
    async with session_scope(maker) as session:
        if partner_id is not None:
            await ensure_partner_row(session, partner_id)
        body = UserCreate(
            email=email,
            name="Live",
            password=DEFAULT_PASSWORD,
            roles=list(roles),
            branch_ids=list(branch_ids),
            must_change_password=must_change_password,
        )
        await users_service.create_user(
            session, app.state.identity, SYSTEM_ACTOR, body, partner_id=partner_id
        )
    async with session_scope(maker) as session:
        caller = service.Caller(ip="127.0.0.1", user_agent="tests", request_id=None)
        tokens = await service.login(
            session, app.state.identity, caller, email=email, password=DEFAULT_PASSWORD
        )
    return Member(tokens.user.id, tokens.session_id, tokens.access_token)


@pytest.fixture(scope="module")
async def live_server(test_settings: Settings, engine: AsyncEngine) -> AsyncIterator[World]:
    """One in-process-hub server per test module (an app's first request costs seconds)."""
    app = app_with(test_settings, engine)
    async with serving(app) as url:
        yield World(engine, app, url)


@pytest.fixture
async def live_world(live_server: World, engine: AsyncEngine) -> AsyncIterator[World]:
    """The module's server with the test limits; every table emptied afterwards."""
    live_server.app.state.live_limits = TEST_LIMITS
    try:
        yield live_server
    finally:
        await empty_all_tables(engine)


def limits(**changes: Any) -> LiveLimits:
    return replace(TEST_LIMITS, **changes)
