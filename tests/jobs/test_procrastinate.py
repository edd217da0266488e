"""``tradehub worker --engine procrastinate``: the same jobs and outbox delivery on procrastinate.

The wiring is tested with procrastinate's in-memory connector on either database; the queue
itself on the real PostgreSQL server when the suite runs on PostgreSQL (on SQLite that test
checks instead that procrastinate is refused, as it needs PostgreSQL).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import procrastinate
import pytest
from procrastinate.testing import InMemoryConnector
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.mail import MailServer
from tests.worker_process import own_database, start, stop, worker_env
from tradehub.config import Settings
from tradehub.jobs.catalog import application_registry
from tradehub.jobs.domain import Every
from tradehub.jobs.models import JobRun
from tradehub.jobs.procrastinate_engine import (
    QUEUE,
    WorkerState,
    build_app,
    conninfo,
    ensure_schema,
    job_task_name,
    poller_task_name,
)
from tradehub.jobs.registry import JobContext, Registry
from tradehub.kit import outbox
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.kit.outbox import OutboxMessage


def _settings(test_settings: Settings, url: str, server: MailServer) -> Settings:
    return test_settings.model_copy(
        update={"database_url": url, "smtp_host": server.host, "smtp_port": server.port}
    )


async def _queue_mail(engine: AsyncEngine) -> OutboxMessage:
    async with session_scope(create_sessionmaker(engine)) as session:
        return await outbox.enqueue(
            session, channel="email", recipient="p@example.com", template="welcome", context={}
        )


async def _runs(engine: AsyncEngine) -> list[JobRun]:
    async with create_sessionmaker(engine)() as session:
        return list((await session.scalars(select(JobRun))).all())


def test_every_job_and_poller_becomes_a_periodic_task(test_settings: Settings) -> None:
    state = WorkerState(test_settings, create_sessionmaker(None), "w")  # type: ignore[arg-type]
    app = build_app(state, connector=InMemoryConnector())
    periodic = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    registry = application_registry()
    assert periodic == {
        **{job_task_name(n): s.schedule.cron for n, s in registry.jobs.items()},
        **{poller_task_name(n): "* * * * * 0-59/5" for n in registry.pollers},
    }
    assert periodic[job_task_name("notification_retry")] == "0-59/5 * * * *"
    assert periodic[job_task_name("session_cleanup")] == "0 * * * *"
    assert {task.queue for task in app.tasks.values() if task.name.startswith("tradehub.")} == {
        QUEUE
    }


def test_conninfo_turns_the_sqlalchemy_url_into_a_libpq_one() -> None:
    assert (
        conninfo("postgresql+asyncpg://app:pw@db.internal:5432/tradehub")
        == "postgresql://app:pw@db.internal:5432/tradehub"
    )
    with pytest.raises(ValueError, match="needs PostgreSQL"):
        conninfo("sqlite+aiosqlite:///./var/tradehub.db")


async def test_procrastinate_tasks_deliver_the_outbox_and_run_jobs_once_per_period(
    committed: AsyncEngine, test_settings: Settings, mail_server: MailServer
) -> None:
    """In-memory queue, real database and real SMTP server."""
    calls: list[datetime] = []
    registry = Registry()

    @registry.job("count", schedule=Every(timedelta(minutes=5)), description="counts")
    async def count(ctx: JobContext) -> dict[str, int]:
        calls.append(ctx.period_start)
        return {"calls": len(calls)}

    for name, spec in application_registry().pollers.items():
        registry.pollers[name] = spec
    settings = _settings(test_settings, test_settings.database_url, mail_server)
    state = WorkerState(settings, create_sessionmaker(committed), "procrastinate-test")
    app = build_app(state, registry=registry, connector=InMemoryConnector())
    message = await _queue_mail(committed)
    tick = int(datetime(2026, 11, 28, 12, 5, 42, tzinfo=UTC).timestamp())
    async with app.open_async():
        tasks = app.tasks
        await tasks[poller_task_name("outbox_delivery")].defer_async(timestamp=tick)
        for _ in range(3):  # three workers' defers for the same period
            await tasks[job_task_name("count")].defer_async(timestamp=tick)
        await app.run_worker_async(queues=[QUEUE], wait=False, install_signal_handlers=False)
    assert mail_server.handler.message_ids() == {f"<{message.id}@tradehub.local>": 1}
    # The worker's periodic deferrer also queues the current period: one run each.
    period = datetime(2026, 11, 28, 12, 5, tzinfo=UTC)
    assert calls.count(period) == 1 and len(calls) == len(set(calls))
    runs = await _runs(committed)
    assert {(run.job_name, run.status, run.worker) for run in runs} == {
        ("count", "succeeded", "procrastinate-test")
    }
    assert period in {run.period_start for run in runs}


async def test_the_procrastinate_engine_on_the_postgresql_server(
    database_url: str,
    dialect: str,
    tmp_path: Path,
    test_settings: Settings,
    mail_server: MailServer,
) -> None:
    if dialect == "sqlite":
        with pytest.raises(ValueError, match="needs PostgreSQL"):
            build_app(WorkerState(test_settings, create_sessionmaker(None), "w"))  # type: ignore[arg-type]
        return
    async with own_database(database_url, tmp_path, "procrastinate") as (url, engine):
        settings = _settings(test_settings, url, mail_server)
        state = WorkerState(settings, create_sessionmaker(engine), "pg-worker")
        app = build_app(state)
        message = await _queue_mail(engine)
        async with app.open_async():
            assert await ensure_schema(app), "applied on first start"
            assert not await ensure_schema(app), "and only then"
            tick = int(time.time())
            await app.tasks[poller_task_name("outbox_delivery")].defer_async(timestamp=tick)
            for _ in range(2):
                await app.tasks[job_task_name("notification_retry")].defer_async(timestamp=tick)
            await app.run_worker_async(queues=[QUEUE], wait=False, install_signal_handlers=False)
            statuses = await app.job_manager.list_jobs_async(queue=QUEUE)
        assert len(statuses) >= 3 and {job.status for job in statuses} == {"succeeded"}
        assert mail_server.handler.message_ids() == {f"<{message.id}@tradehub.local>": 1}
        async with create_sessionmaker(engine)() as session:
            row = await session.get(OutboxMessage, message.id)
        assert row is not None and row.status == "sent"
        runs = await _runs(engine)
        period = Every(timedelta(minutes=5)).period_start(datetime.fromtimestamp(tick, UTC))
        retries = [run.period_start for run in runs if run.job_name == "notification_retry"]
        assert retries.count(period) == 1, "deferred twice for one period, run once"
        assert {(run.job_name, run.status) for run in runs} >= {("notification_retry", "succeeded")}
        assert len({(run.job_name, run.period_start) for run in runs}) == len(runs)
        assert isinstance(app, procrastinate.App)

        # The command itself: its periodic poller picks up a new mail within seconds.
        second = await _queue_mail(engine)
        env = worker_env(url, smtp_host=mail_server.host, smtp_port=mail_server.port)
        log = tmp_path / "procrastinate-worker.log"
        process = start(["worker", "--engine", "procrastinate"], env, tmp_path, log)
        try:
            await asyncio.to_thread(mail_server.wait_for, 2, 90)
        finally:
            assert stop(process) == 0, log.read_text()
        assert mail_server.handler.message_ids() == {
            f"<{message.id}@tradehub.local>": 1,
            f"<{second.id}@tradehub.local>": 1,
        }, log.read_text()
