"""What the socket needs from the database: who the token belongs to, and organization access.

Token checks are the auth module's own (``auth.service.authenticate``: signature, expiry,
issuer/audience, token type, revoked or idle session, inactive user); nothing is re-implemented
here. Each call opens its own short transaction: a socket lives for minutes, a transaction must
not.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradehub.auth import service as auth_service
from tradehub.auth.principal import Principal
from tradehub.auth.service import Identity
from tradehub.kit.db import session_scope
from tradehub.kit.security import decode_jwt
from tradehub.organization.models import Branch, Organization


@dataclass(frozen=True)
class SocketIdentity:
    principal: Principal
    expires_at: datetime  # when the access token stops being valid: the socket closes then


async def authenticate(
    sessionmaker: async_sessionmaker[AsyncSession],
    identity: Identity,
    token: str,
    *,
    touch: bool = True,
) -> SocketIdentity:
    """The principal behind an access token, exactly as for HTTP; raises ``NotAuthenticated``.

    ``touch`` keeps the session's last-seen time fresh like an HTTP request does; the periodic
    re-check of an open socket does not touch (an open socket is not activity).
    """
    async with session_scope(sessionmaker, writes=False) as session:
        check = await auth_service.authenticate(session, identity, token)
    if touch and check.needs_touch:
        async with session_scope(sessionmaker, writes=True) as session:
            await auth_service.touch_session(session, check.principal.session_id)
    # The token was just verified by authenticate(); read its expiry the same way.
    expires = decode_jwt(identity.settings, token)["exp"]
    return SocketIdentity(check.principal, datetime.fromtimestamp(int(expires), tz=UTC))


async def is_organization_member(
    sessionmaker: async_sessionmaker[AsyncSession],
    principal: Principal,
    organization_id: uuid.UUID,
) -> bool:
    """Staff limited to branches belong to those branches' organizations; staff limited to no
    branch belong to every organization. A nonexistent organization has no members."""
    if principal.branch_ids:
        statement = (
            select(Branch.id)
            .where(Branch.organization_id == organization_id)
            .where(Branch.id.in_(sorted(principal.branch_ids)))
            .limit(1)
        )
    else:
        statement = select(Organization.id).where(Organization.id == organization_id)
    async with session_scope(sessionmaker, writes=False) as session:
        return (await session.scalar(statement)) is not None
