"""Sub-user invitations: a partner's primary user invites colleagues by e-mail (domain.md §1).

Invariants:
- Only a partner's *primary* user (a portal user nobody invited: ``invited_by_id IS NULL``)
  invites; a sub-user gets 403 ``invitation.not_primary`` on every invitation route. Staff
  (no partner) cannot invite; those holding ``user:read`` see every partner's invitations and
  those holding ``user:write`` may revoke them (back-office oversight).
- A partner has at most ``max_sub_users`` active sub-users plus pending invitations. The count
  and the insert run under a per-partner transaction lock, so racing invitations cannot
  overshoot it.
- An invitee is limited to chosen branches: at least one, and only branches of the inviter's
  own when the inviter is branch-limited.
- The token goes out only in the e-mail (through the outbox) and is stored as its SHA-256; it
  works once, within ``invitation_days``. Status is derived: accepted, revoked, expired, pending.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import record as audit
from tradehub.auth import repository, users_service
from tradehub.auth.errors import (
    InvalidToken,
    InvitationNotFound,
    NotPrimaryUser,
    PermissionDenied,
    field_error,
)
from tradehub.auth.models import Invitation, User
from tradehub.auth.permissions import BuiltinRole
from tradehub.auth.principal import Principal
from tradehub.auth.schemas import UserCreate
from tradehub.auth.service import Caller, Identity, check_new_password
from tradehub.kit import outbox
from tradehub.kit.errors import Conflict
from tradehub.kit.locks import transaction_lock
from tradehub.kit.pagination import PageParams, paginate
from tradehub.kit.security import digest, random_token
from tradehub.kit.types import utcnow

LOCK_NAMESPACE = "sub_users"
INVALID_LINK = "The invitation link is invalid, used, revoked or expired"


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


def status_of(invitation: Invitation, now: datetime) -> InvitationStatus:
    if invitation.accepted_at is not None:
        return InvitationStatus.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.expires_at <= now:
        return InvitationStatus.EXPIRED
    return InvitationStatus.PENDING


def _status_condition(status: InvitationStatus, now: datetime) -> ColumnElement[bool]:
    open_ = and_(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    conditions: dict[InvitationStatus, ColumnElement[bool]] = {
        InvitationStatus.PENDING: and_(open_, Invitation.expires_at > now),
        InvitationStatus.ACCEPTED: Invitation.accepted_at.is_not(None),
        InvitationStatus.REVOKED: and_(
            Invitation.accepted_at.is_(None), Invitation.revoked_at.is_not(None)
        ),
        InvitationStatus.EXPIRED: and_(open_, Invitation.expires_at <= now),
    }
    return conditions[status]


# --- who may do what -------------------------------------------------------------------------


async def _caller_user(session: AsyncSession, principal: Principal) -> User:
    # Already in the session's identity map: authentication loaded it in this transaction.
    user = await repository.user_by_id(session, principal.user_id)
    if user is None:  # pragma: no cover - authentication just found it
        raise NotPrimaryUser()
    return user


async def _refuse_sub_users(session: AsyncSession, principal: Principal) -> None:
    if (
        principal.partner_id is not None
        and (await _caller_user(session, principal)).invited_by_id is not None
    ):
        raise NotPrimaryUser("Only your partner's primary user manages invitations")


def visible_invitations(principal: Principal) -> Select[Any]:
    """A partner user sees its partner's invitations; staff with ``user:read`` see all."""
    statement = select(Invitation)
    if principal.partner_id is not None:
        return statement.where(Invitation.partner_id == principal.partner_id)
    if principal.can("user:read"):
        return statement
    return statement.where(false())


# --- use cases -------------------------------------------------------------------------------


async def create_invitation(
    session: AsyncSession,
    identity: Identity,
    principal: Principal,
    actor: AuditActor,
    *,
    email: str,
    name: str,
    branch_ids: Sequence[uuid.UUID],
) -> Invitation:
    partner_id = principal.partner_id
    if partner_id is None:
        raise NotPrimaryUser("Invitations are sent by a business partner's primary user")
    await _refuse_sub_users(session, principal)
    branches = list(dict.fromkeys(branch_ids))
    outside = [b for b in branches if principal.branch_ids and b not in principal.branch_ids]
    if outside:
        raise field_error(
            "branch_ids",
            "You can only give branches you are limited to yourself: "
            + ", ".join(str(b) for b in outside),
            "invitation.branch_not_allowed",
        )
    email = repository.normalise_email(email)
    settings = identity.settings
    now = utcnow()
    await transaction_lock(session, LOCK_NAMESPACE, str(partner_id))
    if await repository.user_by_email(session, email) is not None:
        raise Conflict("A user with this e-mail exists", code="user.email_taken")
    pending = _status_condition(InvitationStatus.PENDING, now)
    mine = Invitation.partner_id == partner_id
    if await session.scalar(select(Invitation.id).where(mine, pending, Invitation.email == email)):
        raise Conflict(
            "A pending invitation for this e-mail exists; revoke it first",
            code="invitation.duplicate",
        )
    used = await sub_user_count(session, partner_id, now=now)
    if used >= settings.max_sub_users:
        raise Conflict(
            f"Your partner already has {used} of {settings.max_sub_users} sub-users "
            "(active or invited)",
            code="invitation.limit_reached",
            limit=settings.max_sub_users,
        )
    token = random_token()
    invitation = Invitation(
        partner_id=partner_id,
        inviter_id=principal.user_id,
        email=email,
        name=name.strip(),
        branch_ids=[str(b) for b in branches],
        token_hash=digest(token),
        created_at=now,
        updated_at=now,
        expires_at=now + timedelta(days=settings.invitation_days),
    )
    session.add(invitation)
    await session.flush()
    await outbox.enqueue(
        session,
        channel="email",
        recipient=email,
        template="invitation",
        context={
            "name": invitation.name,
            "inviter_name": principal.name,
            "inviter": principal.name,  # the name the "invitation" template reads
            "link": f"{settings.public_url.rstrip('/')}/accept-invitation?token={token}",
            "days": settings.invitation_days,
        },
    )
    await audit(
        session,
        actor=actor,
        action="create",
        entity_type="invitation",
        entity_id=invitation.id,
        changes={
            "email": {"old": None, "new": email},
            "name": {"old": None, "new": invitation.name},
            "partner_id": {"old": None, "new": partner_id},
            "branch_ids": {"old": None, "new": sorted(invitation.branch_ids)},
            "expires_at": {"old": None, "new": invitation.expires_at},
        },
    )
    return invitation


async def sub_user_count(session: AsyncSession, partner_id: uuid.UUID, *, now: datetime) -> int:
    """Active sub-users plus pending invitations of a partner: what the limit counts."""
    active = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            User.partner_id == partner_id,
            User.invited_by_id.is_not(None),
            User.is_active.is_(True),
        )
    )
    pending = await session.scalar(
        select(func.count())
        .select_from(Invitation)
        .where(
            Invitation.partner_id == partner_id,
            _status_condition(InvitationStatus.PENDING, now),
        )
    )
    return int(active or 0) + int(pending or 0)


async def list_invitations(
    session: AsyncSession,
    principal: Principal,
    paging: PageParams,
    ordering: list[Any],
    *,
    status: InvitationStatus | None = None,
    partner_id: uuid.UUID | None = None,
) -> tuple[list[Invitation], int]:
    await _refuse_sub_users(session, principal)
    statement = visible_invitations(principal)
    if status is not None:
        statement = statement.where(_status_condition(status, utcnow()))
    if partner_id is not None:
        statement = statement.where(Invitation.partner_id == partner_id)
    return await paginate(session, statement, paging, ordering)


async def get_invitation(
    session: AsyncSession, principal: Principal, invitation_id: uuid.UUID
) -> Invitation:
    await _refuse_sub_users(session, principal)
    invitation: Invitation | None = await session.scalar(
        visible_invitations(principal).where(Invitation.id == invitation_id)
    )
    if invitation is None:
        raise InvitationNotFound("No such invitation")
    return invitation


async def revoke_invitation(
    session: AsyncSession, principal: Principal, actor: AuditActor, invitation: Invitation
) -> Invitation:
    if principal.partner_id is None and not principal.can("user:write"):
        raise PermissionDenied("Revoking another partner's invitation needs user:write")
    now = utcnow()
    status = status_of(invitation, now)
    if status is not InvitationStatus.PENDING:
        raise Conflict(f"The invitation is {status}, not pending", code="invitation.not_pending")
    invitation.revoked_at = now
    invitation.updated_at = now
    await session.flush()
    await audit(
        session,
        actor=actor,
        action="revoke",
        entity_type="invitation",
        entity_id=invitation.id,
        changes={"status": {"old": status.value, "new": InvitationStatus.REVOKED.value}},
    )
    return invitation


async def accept_invitation(
    session: AsyncSession, identity: Identity, caller: Caller, *, token: str, password: str
) -> User:
    """Create the invited user; the token is spent only when the user is created."""
    now = utcnow()
    invitation = await session.scalar(
        select(Invitation).where(Invitation.token_hash == digest(token)).with_for_update()
    )
    if invitation is None or status_of(invitation, now) is not InvitationStatus.PENDING:
        raise InvalidToken(INVALID_LINK)
    inviter = await repository.user_by_id(session, invitation.inviter_id)
    if inviter is None or not inviter.is_active:
        raise InvalidToken(INVALID_LINK)
    await check_new_password(
        session, identity, None, password, email=invitation.email, field="password"
    )
    body = UserCreate(
        email=invitation.email,
        name=invitation.name,
        password=password,
        roles=[BuiltinRole.PARTNER.value],
        branch_ids=[uuid.UUID(b) for b in invitation.branch_ids],
    )
    user = await users_service.create_user(
        session,
        identity,
        caller.actor(label=invitation.email),
        body,
        partner_id=invitation.partner_id,
        invited_by_id=invitation.inviter_id,
    )
    user.email_verified_at = now  # the token came by e-mail to this address
    invitation.accepted_at = now
    invitation.accepted_user_id = user.id
    invitation.updated_at = now
    await session.flush()
    await audit(
        session,
        actor=caller.actor(user),
        action="accept",
        entity_type="invitation",
        entity_id=invitation.id,
        changes={
            "status": {"old": InvitationStatus.PENDING.value, "new": "accepted"},
            "accepted_user_id": {"old": None, "new": user.id},
        },
    )
    return user
