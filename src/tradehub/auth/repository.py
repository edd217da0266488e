"""Identity queries. Users and roles are staff-managed data: the permission on the route is
the visibility rule, so these queries take no viewer."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.models import (
    AuthSession,
    PasswordHistory,
    Role,
    RolePermission,
    User,
    UserBranch,
    UserRole,
)
from tradehub.auth.permissions import BUILTIN_ROLE_PERMISSIONS, BuiltinRole


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == normalise_email(email)))


async def user_by_id(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def roles_by_user(
    session: AsyncSession, user_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Role]]:
    ids = list(user_ids)
    grouped: dict[uuid.UUID, list[Role]] = defaultdict(list)
    if not ids:
        return grouped
    rows = await session.execute(
        select(UserRole.user_id, Role)
        .join(Role, Role.id == UserRole.role_id)
        .where(UserRole.user_id.in_(ids))
        .order_by(Role.name)
    )
    for user_id, role in rows:
        grouped[user_id].append(role)
    return grouped


async def branches_by_user(
    session: AsyncSession, user_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    ids = list(user_ids)
    grouped: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if not ids:
        return grouped
    rows = await session.execute(
        select(UserBranch.user_id, UserBranch.branch_id)
        .where(UserBranch.user_id.in_(ids))
        .order_by(UserBranch.branch_id)
    )
    for user_id, branch_id in rows:
        grouped[user_id].append(branch_id)
    return grouped


async def permissions_of(session: AsyncSession, roles: Iterable[Role]) -> dict[uuid.UUID, set[str]]:
    """Built-in roles hold what the code grants them; custom roles what is stored."""
    roles = list(roles)
    granted: dict[uuid.UUID, set[str]] = {}
    custom_ids = []
    for role in roles:
        if role.is_builtin and role.name in BuiltinRole.__members__.values():
            granted[role.id] = set(BUILTIN_ROLE_PERMISSIONS[BuiltinRole(role.name)])
        else:
            granted[role.id] = set()
            custom_ids.append(role.id)
    if custom_ids:
        rows = await session.execute(
            select(RolePermission.role_id, RolePermission.permission).where(
                RolePermission.role_id.in_(custom_ids)
            )
        )
        for role_id, permission in rows:
            granted[role_id].add(permission)
    return granted


async def roles_by_names(session: AsyncSession, names: Iterable[str]) -> list[Role]:
    return list((await session.scalars(select(Role).where(Role.name.in_(list(names))))).all())


async def role_by_id(session: AsyncSession, role_id: uuid.UUID) -> Role | None:
    return await session.get(Role, role_id)


async def replace_user_roles(session: AsyncSession, user_id: uuid.UUID, roles: list[Role]) -> None:
    await session.execute(delete(UserRole).where(UserRole.user_id == user_id))
    session.add_all(UserRole(user_id=user_id, role_id=role.id) for role in roles)


async def replace_user_branches(
    session: AsyncSession, user_id: uuid.UUID, branch_ids: Iterable[uuid.UUID]
) -> None:
    await session.execute(delete(UserBranch).where(UserBranch.user_id == user_id))
    session.add_all(UserBranch(user_id=user_id, branch_id=b) for b in dict.fromkeys(branch_ids))


async def replace_role_permissions(
    session: AsyncSession, role_id: uuid.UUID, permissions: Iterable[str]
) -> None:
    await session.execute(delete(RolePermission).where(RolePermission.role_id == role_id))
    session.add_all(RolePermission(role_id=role_id, permission=p) for p in sorted(set(permissions)))


async def recent_password_hashes(
    session: AsyncSession, user_id: uuid.UUID, count: int
) -> list[str]:
    rows = await session.scalars(
        select(PasswordHistory.password_hash)
        .where(PasswordHistory.user_id == user_id)
        .order_by(PasswordHistory.created_at.desc())
        .limit(count)
    )
    return list(rows.all())


def user_list_statement(*, q: str | None, role: str | None, is_active: bool | None) -> Select[Any]:
    statement: Select[Any] = select(User)
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            (func.lower(User.email).like(pattern)) | (func.lower(User.name).like(pattern))
        )
    if role:
        statement = statement.where(
            User.id.in_(
                select(UserRole.user_id)
                .join(Role, Role.id == UserRole.role_id)
                .where(Role.name == role)
            )
        )
    if is_active is not None:
        statement = statement.where(User.is_active == is_active)
    return statement


async def session_for_update(session: AsyncSession, session_id: uuid.UUID) -> AuthSession | None:
    statement = select(AuthSession).where(AuthSession.id == session_id).with_for_update()
    auth_session: AuthSession | None = await session.scalar(statement)
    return auth_session
