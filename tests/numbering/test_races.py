"""Gapless numbers under real races: separate sessions and connections, real commits.

Each racer opens its own write transaction (``session_scope(writes=True)``: ``BEGIN
IMMEDIATE`` on SQLite), takes a number, keeps it a moment so the others pile up behind it, and
then commits or, at random, rolls back. The committed numbers must be exactly 1..N.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import empty_all_tables
from tests.numbering.helpers import add_organization
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.numbering import service
from tradehub.numbering.domain import format_number, parse_number
from tradehub.numbering.models import NumberSeries


class _Abandon(Exception):
    """Rolls a racer's transaction back after it took a number."""


@pytest.fixture
async def live_engine(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    try:
        yield engine
    finally:
        await empty_all_tables(engine)


async def _race(
    engine: AsyncEngine, *, racers: int, rollback_share: float, seed: int
) -> tuple[uuid.UUID, list[str], int]:
    maker = create_sessionmaker(engine)
    async with session_scope(maker) as session:
        organization_id = await add_organization(session)
    rng = random.Random(seed)
    plan = [(rng.random() < rollback_share, rng.random() / 500) for _ in range(racers)]

    async def racer(index: int) -> str | None:
        abandon, hold = plan[index]
        try:
            async with session_scope(maker, writes=True) as session:
                number = await service.next_number(
                    session, organization_id=organization_id, financial_year="2026-27", series="SC"
                )
                await asyncio.sleep(hold)
                if abandon:
                    raise _Abandon(number)
        except _Abandon:
            return None
        return number

    results = await asyncio.gather(*(racer(index) for index in range(racers)))
    committed = [number for number in results if number is not None]
    async with maker() as session:
        last = await session.scalar(
            select(NumberSeries.last_number).where(NumberSeries.organization_id == organization_id)
        )
    return organization_id, committed, int(last or 0)


def _assert_gapless(committed: list[str], last: int) -> None:
    assert len(set(committed)) == len(committed), "a number was given twice"
    assert sorted(parse_number(n).sequence for n in committed) == list(range(1, last + 1))
    assert sorted(committed) == [format_number("SC", "2026-27", n) for n in range(1, last + 1)]


@pytest.mark.live
async def test_50_concurrent_confirmations_get_1_to_50(live_engine: AsyncEngine) -> None:
    _, committed, last = await _race(live_engine, racers=50, rollback_share=0.0, seed=5)
    assert last == 50
    _assert_gapless(committed, last)


@pytest.mark.live
@pytest.mark.parametrize("seed", [400, 401])
async def test_400_concurrent_confirmations_with_random_rollbacks_stay_gapless(
    live_engine: AsyncEngine, seed: int
) -> None:
    """security-reliability.md: 400 racers, about a third of them rolling back."""
    _, committed, last = await _race(live_engine, racers=400, rollback_share=0.33, seed=seed)
    assert 0 < last < 400
    assert len(committed) == last
    _assert_gapless(committed, last)


@pytest.mark.live
async def test_racers_creating_the_first_counter_when_its_creator_rolls_back(
    live_engine: AsyncEngine,
) -> None:
    """Everyone rolls back except the last few: the counter row may itself be rolled back
    while others wait to create it."""
    _, committed, last = await _race(live_engine, racers=30, rollback_share=0.9, seed=7)
    assert len(committed) == last
    _assert_gapless(committed, last)
