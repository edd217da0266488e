from __future__ import annotations

import pytest

from tests.auth_helpers import SignIn
from tests.contract.conftest import admin, manager, sales, world

__all__ = ["accounts", "admin", "manager", "sales", "world"]


@pytest.fixture
async def accounts(sign_in: SignIn) -> dict[str, str]:
    return (await sign_in(roles=["accounts"])).headers
