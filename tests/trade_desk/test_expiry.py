"""The ``offer_expiry`` job (every 5 minutes) across validity boundaries with time-machine:
requirements, their offers and tested lots expire once, audited as the system, and a second
run changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from tests.conftest import savepoint_sessionmaker
from tests.contract.helpers import World
from tests.partner.helpers import active_partner
from tests.trade_desk.helpers import (
    LOTS,
    OFFERS,
    REQUIREMENTS,
    created,
    lot_body,
    offer_body,
    requirement_body,
)
from tradehub.audit.models import AuditEvent
from tradehub.config import Settings
from tradehub.jobs import service as jobs
from tradehub.jobs.catalog import application_registry
from tradehub.jobs.registry import Registry
from tradehub.trade_desk import tasks
from tradehub.trade_desk.models import Offer, Requirement, TestedLot

JOB = "offer_expiry"
Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> Sessions:
    """Job transactions as savepoints of the test's rolled-back transaction."""
    return savepoint_sessionmaker(connection)


def expiry_registry() -> Registry:
    registry = Registry()
    registry.jobs[JOB] = application_registry().jobs[JOB]
    return registry


async def scheduled_run(sessionmaker: Sessions, settings: Settings, at: datetime) -> Any:
    with time_machine.travel(at, tick=False):
        results = await jobs.run_due_jobs(
            sessionmaker, settings, expiry_registry(), worker="test", done={}
        )
    if not results:
        return None
    [result] = results
    assert result.status == "succeeded", result.error
    return result.summary


def in_minutes(minutes: int) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


async def _statuses(db: AsyncSession, made: dict[str, dict[str, Any]]) -> dict[str, str]:
    db.expire_all()
    models = {"requirement": Requirement, "offer": Offer, "lot": TestedLot}
    found = {}
    for name, row in made.items():
        model = models[name.split("_")[0]]
        entity = await db.get(model, uuid.UUID(row["id"]))
        assert entity is not None
        found[name] = entity.status
    return found


async def test_the_job_expires_what_outlived_its_validity_once(
    client: httpx.AsyncClient,
    db: AsyncSession,
    sessionmaker: Sessions,
    test_settings: Settings,
    world: World,
    sales: dict[str, str],
    manager: dict[str, str],
) -> None:
    trader = await active_partner(client, sales, manager, kind="trader")
    short = await created(
        client, REQUIREMENTS, requirement_body(world, valid_until=in_minutes(10)), sales
    )
    long = await created(client, REQUIREMENTS, requirement_body(world), sales)
    made = {
        "requirement_short": short,
        "requirement_long": long,
        # Valid for days, but its requirement expires: it expires with it.
        "offer_on_short": await created(client, OFFERS, offer_body(world, short["id"]), sales),
        "offer_short": await created(
            client, OFFERS, offer_body(world, long["id"], valid_until=in_minutes(10)), sales
        ),
        "offer_long": await created(
            client, OFFERS, offer_body(world, long["id"], seller_id=trader["id"]), sales
        ),
        "offer_open_short": await created(
            client, OFFERS, offer_body(world, None, valid_until=in_minutes(10)), sales
        ),
        "lot_short": await created(
            client, LOTS, lot_body(world, valid_until=in_minutes(10)), sales
        ),
        "lot_long": await created(client, LOTS, lot_body(world), sales),
    }
    # Before the boundary nothing expires.
    early = await scheduled_run(
        sessionmaker, test_settings, datetime.now(UTC) + timedelta(minutes=5)
    )
    assert early == {"requirements_expired": 0, "offers_expired": 0, "tested_lots_expired": 0}

    after = datetime.now(UTC) + timedelta(minutes=16)
    summary = await scheduled_run(sessionmaker, test_settings, after)
    assert summary == {"requirements_expired": 1, "offers_expired": 3, "tested_lots_expired": 1}
    assert await _statuses(db, made) == {
        "requirement_short": "expired",
        "requirement_long": "offers_received",
        "offer_on_short": "expired",
        "offer_short": "expired",
        "offer_long": "pending",
        "offer_open_short": "expired",
        "lot_short": "expired",
        "lot_long": "active",
    }
    # The same period again is not run; a later run finds nothing more to do.
    assert await scheduled_run(sessionmaker, test_settings, after) is None
    later = await scheduled_run(sessionmaker, test_settings, after + timedelta(minutes=5))
    assert later == {"requirements_expired": 0, "offers_expired": 0, "tested_lots_expired": 0}

    events = list(
        await db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "expire", AuditEvent.entity_id == short["id"]
            )
        )
    )
    assert len(events) == 1
    assert (events[0].actor_id, events[0].entity_type) == (None, "requirement")
    assert events[0].changes["status"] == {"old": "offers_received", "new": "expired"}


async def test_acting_after_the_job_still_answers_410(
    client: httpx.AsyncClient,
    sessionmaker: Sessions,
    test_settings: Settings,
    world: World,
    sales: dict[str, str],
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    offer = await created(
        client, OFFERS, offer_body(world, requirement["id"], valid_until=in_minutes(2)), sales
    )
    at = datetime.now(UTC) + timedelta(minutes=6)
    assert (await scheduled_run(sessionmaker, test_settings, at))["offers_expired"] == 1
    with time_machine.travel(at + timedelta(seconds=30), tick=False):
        response = await client.post(
            f"{OFFERS}/{offer['id']}/accept", json={"side": "buyer"}, headers=sales
        )
        twin = await client.post(OFFERS, json=offer_body(world, requirement["id"]), headers=sales)
    assert (response.status_code, response.json()["code"]) == (410, "offer.expired")
    assert twin.status_code == 201, twin.text  # the expired offer no longer blocks a new one


async def test_expiry_works_in_batches(
    client: httpx.AsyncClient, db: AsyncSession, world: World, sales: dict[str, str]
) -> None:
    for _ in range(5):
        await created(client, LOTS, lot_body(world, valid_until=in_minutes(1)), sales)
    summary = await tasks.expire_due(db, now=datetime.now(UTC) + timedelta(minutes=2), batch_size=2)
    assert summary["tested_lots_expired"] == 5
    again = await tasks.expire_due(db, now=datetime.now(UTC) + timedelta(minutes=3), batch_size=2)
    assert again["tested_lots_expired"] == 0


def test_the_job_is_registered_every_five_minutes() -> None:
    spec = application_registry().jobs[JOB]
    start = datetime(2026, 11, 28, 10, 7, tzinfo=UTC)
    assert spec.schedule.period_start(start) == datetime(2026, 11, 28, 10, 5, tzinfo=UTC)
    assert spec.schedule.next_start(start) == datetime(2026, 11, 28, 10, 10, tzinfo=UTC)


async def test_a_lapsed_offer_makes_room_for_a_new_one_before_the_job_runs(
    client: httpx.AsyncClient, db: AsyncSession, world: World, sales: dict[str, str]
) -> None:
    requirement = await created(client, REQUIREMENTS, requirement_body(world), sales)
    lapsed = await created(
        client, OFFERS, offer_body(world, requirement["id"], valid_until=in_minutes(1)), sales
    )
    with time_machine.travel(datetime.now(UTC) + timedelta(minutes=2), tick=False):
        fresh = await client.post(OFFERS, json=offer_body(world, requirement["id"]), headers=sales)
    assert fresh.status_code == 201, fresh.text
    assert await _statuses(db, {"offer_old": lapsed, "offer_new": fresh.json()}) == {
        "offer_old": "expired",
        "offer_new": "pending",
    }
