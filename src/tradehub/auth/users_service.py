"""User and role administration (split from service.py, which keeps sessions and passwords)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import record as audit
from tradehub.auth import repository
from tradehub.auth.domain import normalise_mobile
from tradehub.auth.errors import BuiltinRoleImmutable, RoleNotFound, UserNotFound, field_error
from tradehub.auth.models import PasswordHistory, Role, User
from tradehub.auth.permissions import PERMISSIONS
from tradehub.auth.schemas import RoleCreate, RoleRead, RoleUpdate, UserCreate, UserRead, UserUpdate
from tradehub.auth.service import Identity, check_new_password, revoke_all_sessions
from tradehub.kit.errors import Conflict
from tradehub.kit.types import utcnow


async def user_reads(session: AsyncSession, users: list[User]) -> list[UserRead]:
    """Answers for many users in two extra queries, whatever their number."""
    ids = [user.id for user in users]
    roles = await repository.roles_by_user(session, ids)
    branches = await repository.branches_by_user(session, ids)
    return [
        UserRead(
            id=user.id,
            email=user.email,
            name=user.name,
            mobile=user.mobile,
            roles=[role.name for role in roles[user.id]],
            branch_ids=branches[user.id],
            partner_id=user.partner_id,
            is_active=user.is_active,
            must_change_password=user.must_change_password,
            last_login_at=user.last_login_at,
            created_at=user.created_at,
            updated_at=user.updated_at,
            version=user.version,
        )
        for user in users
    ]


def _valid_mobile(mobile: str | None) -> str | None:
    if mobile is None:
        return None
    normalised = normalise_mobile(mobile)
    if normalised is None:
        raise field_error(
            "mobile",
            "A mobile number is ten digits starting 6-9, optionally after +91",
            "user.invalid_mobile",
        )
    return normalised


async def _roles_named(session: AsyncSession, names: list[str], field: str) -> list[Role]:
    roles = await repository.roles_by_names(session, names)
    unknown = sorted(set(names) - {role.name for role in roles})
    if unknown:
        raise field_error(field, f"Unknown roles: {', '.join(unknown)}", "role.unknown")
    return roles


async def create_user(
    session: AsyncSession,
    identity: Identity,
    actor: AuditActor,
    body: UserCreate,
    *,
    partner_id: uuid.UUID | None = None,
    invited_by_id: uuid.UUID | None = None,
) -> User:
    email = repository.normalise_email(str(body.email))
    if await repository.user_by_email(session, email) is not None:
        raise Conflict("A user with this e-mail exists", code="user.email_taken")
    roles = await _roles_named(session, list(dict.fromkeys(body.roles)), "roles")
    await check_new_password(session, identity, None, body.password, email=email, field="password")
    mobile = _valid_mobile(body.mobile)
    now = utcnow()
    user = User(
        email=email,
        name=body.name.strip(),
        mobile=mobile,
        password_hash=await identity.hasher.hash(body.password),
        password_changed_at=now,
        is_active=True,
        must_change_password=body.must_change_password,
        partner_id=partner_id,
        invited_by_id=invited_by_id,
    )
    session.add(user)
    await session.flush()
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, created_at=now))
    await repository.replace_user_roles(session, user.id, roles)
    await repository.replace_user_branches(session, user.id, body.branch_ids)
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="user",
        entity_id=user.id,
        changes={
            "email": {"old": None, "new": email},
            "name": {"old": None, "new": user.name},
            "roles": {"old": None, "new": sorted(r.name for r in roles)},
            "branch_ids": {"old": None, "new": sorted(str(b) for b in body.branch_ids)},
        },
    )
    return user


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await repository.user_by_id(session, user_id)
    if user is None:
        raise UserNotFound("No such user")
    return user


async def update_user(
    session: AsyncSession, actor: AuditActor, user: User, body: UserUpdate
) -> User:
    before = (await user_reads(session, [user]))[0]
    fields = body.model_dump(exclude_unset=True)
    if fields.get("mobile") is not None:
        fields["mobile"] = _valid_mobile(fields["mobile"])
    changes: dict[str, Any] = {}
    for field in ("name", "mobile"):
        if field in fields and fields[field] != getattr(user, field):
            changes[field] = {"old": getattr(user, field), "new": fields[field]}
            setattr(user, field, fields[field])
    if body.roles is not None:
        roles = await _roles_named(session, list(dict.fromkeys(body.roles)), "roles")
        new_names = sorted(role.name for role in roles)
        if new_names != sorted(before.roles):
            changes["roles"] = {"old": sorted(before.roles), "new": new_names}
            await repository.replace_user_roles(session, user.id, roles)
    if body.branch_ids is not None:
        new_branches = sorted(str(b) for b in set(body.branch_ids))
        old_branches = sorted(str(b) for b in before.branch_ids)
        if new_branches != old_branches:
            changes["branch_ids"] = {"old": old_branches, "new": new_branches}
            await repository.replace_user_branches(session, user.id, body.branch_ids)
    if changes:
        user.updated_at = utcnow()  # bumps the version even when only links changed
        await session.flush()
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type="user",
            entity_id=user.id,
            changes=changes,
        )
    return user


async def set_active(session: AsyncSession, actor: AuditActor, user: User, *, active: bool) -> User:
    if user.is_active == active:
        return user
    if not active and actor.user_id == user.id:
        raise Conflict("You cannot deactivate yourself", code="user.self_deactivation")
    user.is_active = active
    await session.flush()
    if not active:
        await revoke_all_sessions(session, user.id, reason="deactivated")
    await audit(
        session,
        actor=actor,
        action="activate" if active else "deactivate",
        entity_type="user",
        entity_id=user.id,
        changes={"is_active": {"old": not active, "new": active}},
    )
    return user


# --- roles -----------------------------------------------------------------------------------


def _check_permissions(permissions: list[str]) -> list[str]:
    unknown = sorted(set(permissions) - set(PERMISSIONS))
    if unknown:
        raise field_error(
            "permissions", f"Unknown permissions: {', '.join(unknown)}", "permission.unknown"
        )
    return sorted(set(permissions))


async def role_reads(session: AsyncSession, roles: list[Role]) -> list[RoleRead]:
    granted = await repository.permissions_of(session, roles)
    return [
        RoleRead(
            id=role.id,
            name=role.name,
            description=role.description,
            is_builtin=role.is_builtin,
            permissions=sorted(granted[role.id]),
            version=role.version,
        )
        for role in roles
    ]


async def create_role(session: AsyncSession, actor: AuditActor, body: RoleCreate) -> Role:
    permissions = _check_permissions(body.permissions)
    if await repository.roles_by_names(session, [body.name]):
        raise Conflict("A role with this name exists", code="role.name_taken")
    role = Role(name=body.name, description=body.description, is_builtin=False)
    session.add(role)
    await session.flush()
    await repository.replace_role_permissions(session, role.id, permissions)
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="role",
        entity_id=role.id,
        changes={
            "name": {"old": None, "new": role.name},
            "permissions": {"old": None, "new": permissions},
        },
    )
    return role


async def get_role(session: AsyncSession, role_id: uuid.UUID) -> Role:
    role = await repository.role_by_id(session, role_id)
    if role is None:
        raise RoleNotFound("No such role")
    return role


async def update_role(
    session: AsyncSession, actor: AuditActor, role: Role, body: RoleUpdate
) -> Role:
    if role.is_builtin:
        raise BuiltinRoleImmutable("Built-in roles are defined by TradeHub and cannot be changed")
    before = (await role_reads(session, [role]))[0]
    changes: dict[str, Any] = {}
    if body.description is not None and body.description != role.description:
        changes["description"] = {"old": role.description, "new": body.description}
        role.description = body.description
    if body.permissions is not None:
        permissions = _check_permissions(body.permissions)
        if permissions != before.permissions:
            changes["permissions"] = {"old": before.permissions, "new": permissions}
            await repository.replace_role_permissions(session, role.id, permissions)
    if changes:
        role.updated_at = utcnow()
        await session.flush()
        await audit(
            session,
            actor=actor,
            action="update",
            entity_type="role",
            entity_id=role.id,
            changes=changes,
        )
    return role
