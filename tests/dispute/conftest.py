"""A trading world with a confirmed contract, staff of each role and the parties' users."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.auth_helpers import SignIn
from tests.contract.conftest import admin, manager, sales, world
from tests.contract.helpers import World, confirmed_contract

__all__ = ["admin", "manager", "sales", "world"]


@pytest.fixture
async def contract(
    client: httpx.AsyncClient, sales: dict[str, str], manager: dict[str, str], world: World
) -> dict[str, Any]:
    return await confirmed_contract(client, sales, manager, world)


@pytest.fixture
async def resolver(sign_in: SignIn) -> dict[str, str]:
    """A dispute manager: reviews, resolves and closes."""
    return (await sign_in(roles=["dispute_manager"])).headers


@pytest.fixture
async def buyer_user(sign_in: SignIn, world: World) -> dict[str, str]:
    return (await sign_in(roles=["partner"], partner_id=uuid.UUID(world.buyer["id"]))).headers


@pytest.fixture
async def seller_user(sign_in: SignIn, world: World) -> dict[str, str]:
    return (await sign_in(roles=["partner"], partner_id=uuid.UUID(world.seller["id"]))).headers
