from __future__ import annotations

import uuid

import httpx
import pytest

from tests.auth_helpers import SignIn
from tests.contract.helpers import World
from tests.trade_desk.helpers import trade_world


@pytest.fixture
async def admin(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["admin"])).headers


@pytest.fixture
async def sales(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["sales"])).headers


@pytest.fixture
async def manager(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["manager"])).headers


@pytest.fixture
async def world(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    sales: dict[str, str],
    manager: dict[str, str],
) -> World:
    return await trade_world(client, admin, sales, manager)


@pytest.fixture
async def seller_user(sign_in: SignIn, world: World) -> dict[str, str]:
    """A portal user of the world's seller."""
    return (await sign_in(roles=["partner"], partner_id=uuid.UUID(world.seller["id"]))).headers


@pytest.fixture
async def buyer_user(sign_in: SignIn, world: World) -> dict[str, str]:
    """A portal user of the world's buyer."""
    return (await sign_in(roles=["partner"], partner_id=uuid.UUID(world.buyer["id"]))).headers
