"""Users and signed-in headers for tests of any module."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from tests.partner.helpers import ensure_partner_row
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.auth import service, users_service
from tradehub.auth.models import User
from tradehub.auth.schemas import UserCreate

DEFAULT_PASSWORD = "Cotton#Bale2026"


@dataclass
class SignedIn:
    user: User
    password: str
    access_token: str
    refresh_token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


MakeUser = Callable[..., Awaitable[User]]
SignIn = Callable[..., Awaitable[SignedIn]]


@pytest.fixture
def make_user(db: AsyncSession, app: FastAPI) -> MakeUser:
    async def make(
        *,
        roles: Sequence[str] = ("admin",),
        email: str | None = None,
        password: str = DEFAULT_PASSWORD,
        name: str = "Test User",
        branch_ids: Sequence[uuid.UUID] = (),
        partner_id: uuid.UUID | None = None,
        must_change_password: bool = False,
    ) -> User:
        body = UserCreate(
            email=email or f"user-{uuid.uuid4().hex[:10]}@example.com",
            name=name,
            password=password,
            roles=list(roles),
            branch_ids=list(branch_ids),
            must_change_password=must_change_password,
        )
        if partner_id is not None:
            await ensure_partner_row(db, partner_id)
        user = await users_service.create_user(
            db, app.state.identity, SYSTEM_ACTOR, body, partner_id=partner_id
        )
        await db.flush()
        return user

    return make


@pytest.fixture
def sign_in(db: AsyncSession, app: FastAPI, make_user: MakeUser) -> SignIn:
    """A user with the given roles and a live session, without spending the login rate limit."""

    async def sign(*, roles: Sequence[str] = ("admin",), **options: object) -> SignedIn:
        password = str(options.pop("password", DEFAULT_PASSWORD))
        user = await make_user(roles=roles, password=password, **options)
        caller = service.Caller(ip="127.0.0.1", user_agent="tests", request_id=None)
        tokens = await service.login(
            db, app.state.identity, caller, email=user.email, password=password
        )
        await db.flush()
        return SignedIn(user, password, tokens.access_token, tokens.refresh_token)

    return sign


@pytest.fixture
async def auth_headers(sign_in: SignIn) -> dict[str, str]:
    """Headers of a signed-in admin: the common case."""
    return (await sign_in(roles=("admin",))).headers
