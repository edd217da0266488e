"""Who receives an event addressed to business partners: their portal users.

The trade desk decides which partners are told (matching sellers, the buyer, matching buyers)
and passes their users to ``trade_desk.events.publish(..., user_ids=...)``; this turns partner
ids into those user ids in one query, inside the caller's transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.auth.models import User


async def portal_user_ids(
    session: AsyncSession, partner_ids: Iterable[uuid.UUID]
) -> tuple[uuid.UUID, ...]:
    """Active portal users (primary users and sub-users) of ``partner_ids``, ordered by id."""
    ids = sorted(set(partner_ids))
    if not ids:
        return ()
    rows = await session.scalars(
        select(User.id).where(User.partner_id.in_(ids), User.is_active.is_(True)).order_by(User.id)
    )
    return tuple(rows)
