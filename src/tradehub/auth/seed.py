"""Accounts from the command line: ``tradehub users create`` and the demo users."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.auth import repository, users_service
from tradehub.auth.permissions import BuiltinRole
from tradehub.auth.schemas import UserCreate
from tradehub.auth.service import Identity
from tradehub.config import Settings
from tradehub.kit.security import PasswordHasher

DEMO_PASSWORD = "Demo#Cotton2026"  # noqa: S105 - printed by seed-demo for the demo accounts
DEMO_DOMAIN = "demo.tradehub.in"
# Portal users need a business partner; they are created with the partners' demo data.
DEMO_STAFF_ROLES = [role for role in BuiltinRole if role is not BuiltinRole.PARTNER]


def identity_for(settings: Settings) -> Identity:
    return Identity(settings=settings, hasher=PasswordHasher.from_settings(settings))


async def create_user(
    session: AsyncSession, settings: Settings, *, email: str, password: str, name: str, role: str
) -> str:
    body = UserCreate(email=email, name=name, password=password, roles=[role])
    user = await users_service.create_user(session, identity_for(settings), SYSTEM_ACTOR, body)
    return str(user.id)


async def seed_demo_users(session: AsyncSession, console: Console, settings: Settings) -> None:
    identity = identity_for(settings)
    table = Table("role", "e-mail", "password", title="Demo users")
    for role in DEMO_STAFF_ROLES:
        email = f"{role.value.replace('_', '.')}@{DEMO_DOMAIN}"
        if await repository.user_by_email(session, email) is None:
            body = UserCreate(
                email=email,
                name=f"Demo {role.value.replace('_', ' ').title()}",
                password=DEMO_PASSWORD,
                roles=[role.value],
            )
            await users_service.create_user(session, identity, SYSTEM_ACTOR, body)
        table.add_row(role.value, email, DEMO_PASSWORD)
    console.print(table)
