"""The runner: in ``tradehub serve`` (embedded), alone, and robust to a failing tick."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.mail import MailServer
from tradehub.config import Environment, Settings
from tradehub.jobs.domain import Every
from tradehub.jobs.models import JobRun
from tradehub.jobs.registry import JobContext, PollContext, Registry
from tradehub.jobs.runner import Runner
from tradehub.kit import outbox
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.kit.outbox import OutboxMessage
from tradehub.main import create_app


def test_the_embedded_runner_is_on_by_default_except_in_tests(test_settings: Settings) -> None:
    assert Settings(env=Environment.DEVELOPMENT).runs_embedded_worker
    assert Settings(env=Environment.PRODUCTION, secret_key="x" * 40).runs_embedded_worker
    assert not Settings(env=Environment.TEST).runs_embedded_worker
    assert not Settings(env=Environment.DEVELOPMENT, embedded_worker=False).runs_embedded_worker
    assert Settings(env=Environment.TEST, embedded_worker=True).runs_embedded_worker


async def test_serve_delivers_queued_mail_through_its_embedded_runner(
    committed: AsyncEngine, test_settings: Settings, mail_server: MailServer
) -> None:
    settings = test_settings.model_copy(
        update={
            "embedded_worker": True,
            "worker_poll_seconds": 0.1,
            "smtp_host": mail_server.host,
            "smtp_port": mail_server.port,
        }
    )
    sessionmaker = create_sessionmaker(committed)
    async with session_scope(sessionmaker) as session:
        message = await outbox.enqueue(
            session, channel="email", recipient="a@example.com", template="welcome", context={}
        )
    app = create_app(settings, engine=committed)
    async with app.router.lifespan_context(app):
        for _ in range(100):
            if mail_server.received:
                break
            await asyncio.sleep(0.05)
        for _ in range(100):  # the jobs due now run on the same tick
            async with sessionmaker() as session:
                names = set((await session.scalars(select(JobRun.job_name))).all())
            if {"session_cleanup", "notification_retry"} <= names:
                break
            await asyncio.sleep(0.05)
    assert [received.message_id for received in mail_server.received] == [
        f"<{message.id}@tradehub.local>"
    ]
    assert {"session_cleanup", "notification_retry"} <= names
    async with sessionmaker() as session:
        row = await session.get(OutboxMessage, message.id)
    assert row is not None and row.status == "sent"


async def test_a_failing_tick_is_logged_and_the_runner_keeps_going(
    sessionmaker: async_sessionmaker[AsyncSession], test_settings: Settings
) -> None:
    registry = Registry()
    polls: list[int] = []
    stop = asyncio.Event()

    @registry.poller("flaky", every=timedelta(seconds=5), description="fails twice")
    async def flaky(ctx: PollContext) -> Mapping[str, Any]:
        polls.append(1)
        if len(polls) <= 2:
            raise ConnectionError("database went away")
        if len(polls) == 5:
            stop.set()
        return {"more": len(polls) == 3}

    settings = test_settings.model_copy(update={"worker_poll_seconds": 0.01})
    runner = Runner(settings, sessionmaker, registry=registry, schedule=False, name="t")
    await asyncio.wait_for(runner.run(stop), timeout=10)
    assert len(polls) == 5, "two failed ticks, then a tick that asked for more, then more"


async def test_the_scheduler_mode_runs_jobs_but_delivers_nothing(
    sessionmaker: async_sessionmaker[AsyncSession], test_settings: Settings
) -> None:
    registry = Registry()
    ran: list[str] = []

    @registry.job("tick", schedule=Every(timedelta(minutes=1)), description="records")
    async def tick(ctx: JobContext) -> None:
        ran.append("job")

    @registry.poller("deliver", every=timedelta(seconds=5), description="records")
    async def deliver(ctx: PollContext) -> None:
        ran.append("poll")

    await Runner(test_settings, sessionmaker, registry=registry, deliver=False).tick()
    await Runner(test_settings, sessionmaker, registry=registry, schedule=False).tick()
    assert ran == ["job", "poll"]
