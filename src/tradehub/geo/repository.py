"""Queries over states and stations. Masters are visible to every signed-in user: the
permission on the route is the visibility rule."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.geo.models import State, Station


async def all_states(session: AsyncSession) -> list[State]:
    return list((await session.scalars(select(State).order_by(State.code))).all())


async def state(session: AsyncSession, code: str) -> State | None:
    return await session.get(State, code)


async def station(session: AsyncSession, station_id: uuid.UUID) -> Station | None:
    return await session.get(Station, station_id)


async def station_named(session: AsyncSession, state_code: str, name_key: str) -> Station | None:
    return await session.scalar(
        select(Station).where(Station.state_code == state_code, Station.name_key == name_key)
    )


def station_list_statement(
    *, q: str | None, state_code: str | None, region: str | None, include_inactive: bool
) -> Select[Any]:
    statement: Select[Any] = select(Station)
    if state_code:
        statement = statement.where(Station.state_code == state_code)
    if q:
        escaped = q.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(Station.name_key.like(f"%{escaped}%", escape="\\"))
    if region:
        statement = statement.where(Station.region == region)
    if not include_inactive:
        statement = statement.where(Station.is_active.is_(True))
    return statement
