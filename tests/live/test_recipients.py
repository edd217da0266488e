"""Partner ids → their active portal users, in one query."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from tests.auth_helpers import MakeUser
from tests.conftest import QueryCounter
from tradehub.live.recipients import portal_user_ids


async def test_portal_users_of_the_partners_and_no_one_else(
    db: AsyncSession, make_user: MakeUser, query_counter: QueryCounter
) -> None:
    seller, buyer, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    seller_users = [await make_user(roles=["partner"], partner_id=seller) for _ in range(2)]
    buyer_user = await make_user(roles=["partner"], partner_id=buyer)
    gone = await make_user(roles=["partner"], partner_id=buyer)
    gone.is_active = False
    await make_user(roles=["partner"], partner_id=other)
    await make_user(roles=["sales"])
    await db.flush()

    query_counter.reset()
    found = await portal_user_ids(db, [seller, buyer, seller])
    assert query_counter.count == 1
    assert found == tuple(sorted([*(user.id for user in seller_users), buyer_user.id]))
    assert await portal_user_ids(db, []) == ()
