from __future__ import annotations

import httpx
import pytest

from tests.auth_helpers import SignIn
from tests.contract.helpers import World, build_world


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
    return await build_world(client, admin, sales, manager)
