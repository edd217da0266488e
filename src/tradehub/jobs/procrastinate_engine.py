"""The same jobs and outbox delivery on procrastinate (``tradehub worker --engine procrastinate``).

For PostgreSQL deployments with many machines: procrastinate's periodic deferrer turns each
registered job's cron line into one queued task per tick across all workers, and its workers
run them. Each task still goes through ``jobs.service.execute``, so the ``job_runs`` claim keeps
one run per period even next to built-in runners; outbox delivery keeps its own claims.
Procrastinate talks to PostgreSQL through psycopg; TradeHub's own queries stay on SQLAlchemy.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import procrastinate
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradehub.config import Settings
from tradehub.jobs import service
from tradehub.jobs.catalog import application_registry
from tradehub.jobs.models import RunStatus
from tradehub.jobs.registry import JobSpec, PollContext, PollerSpec, Registry
from tradehub.jobs.runner import MAX_ROUNDS_PER_TICK, worker_name
from tradehub.kit.db import create_engine, create_sessionmaker

QUEUE = "tradehub"
TASK_PREFIX = "tradehub"


class JobFailed(Exception):
    """Raised in a procrastinate task so that procrastinate records the job as failed too."""


@dataclass
class WorkerState:
    """What the tasks need, created when the worker starts."""

    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    name: str


def conninfo(database_url: str) -> str:
    """psycopg's URL for the SQLAlchemy one (``postgresql+asyncpg://`` → ``postgresql://``)."""
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        raise ValueError("procrastinate needs PostgreSQL (TRADEHUB_DATABASE_URL)")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def job_task_name(name: str) -> str:
    return f"{TASK_PREFIX}.job.{name}"


def poller_task_name(name: str) -> str:
    return f"{TASK_PREFIX}.poll.{name}"


def _job_task(spec: JobSpec, state: WorkerState) -> Callable[..., Awaitable[None]]:
    async def run_job(timestamp: int) -> None:
        period = spec.schedule.period_start(datetime.fromtimestamp(timestamp, UTC))
        result = await service.execute(
            state.sessionmaker, state.settings, spec, period_start=period, worker=state.name
        )
        if result is not None and result.status == RunStatus.FAILED:
            raise JobFailed(f"{spec.name}: {result.error}")

    run_job.__name__ = f"run_{spec.name}"
    return run_job


def _poller_task(spec: PollerSpec, state: WorkerState) -> Callable[..., Awaitable[None]]:
    async def poll(timestamp: int) -> None:
        context = PollContext(state.settings, state.sessionmaker, state.name)
        for _ in range(MAX_ROUNDS_PER_TICK):
            summary = await spec.run(context)
            if not (summary and summary.get("more")):
                return

    poll.__name__ = f"poll_{spec.name}"
    return poll


def build_app(
    state: WorkerState,
    *,
    registry: Registry | None = None,
    connector: Any | None = None,
) -> procrastinate.App:
    """A procrastinate app with one periodic task per job and per poller."""
    registry = registry if registry is not None else application_registry()
    app = procrastinate.App(
        connector=connector
        or procrastinate.PsycopgConnector(conninfo=conninfo(state.settings.database_url))
    )
    for spec in registry.jobs.values():
        task = app.task(name=job_task_name(spec.name), queue=QUEUE)(_job_task(spec, state))
        app.periodic(cron=spec.schedule.cron, periodic_id=spec.name)(task)
    for poller in registry.pollers.values():
        seconds = int(poller.every.total_seconds())
        task = app.task(name=poller_task_name(poller.name), queue=QUEUE)(
            _poller_task(poller, state)
        )
        app.periodic(cron=f"* * * * * 0-59/{seconds}", periodic_id=poller.name)(task)
    return app


async def ensure_schema(app: procrastinate.App) -> bool:
    """Apply procrastinate's schema to the database when it is not there; True if applied."""
    row = await app.connector.execute_query_one_async(
        "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present"
    )
    if row["present"]:
        return False
    await app.schema_manager.apply_schema_async()
    return True


async def run_worker(settings: Settings, *, wait: bool = True) -> None:
    """Run a procrastinate worker for TradeHub's queue until SIGINT/SIGTERM (or, with
    ``wait=False``, until the queue is empty)."""
    engine = create_engine(settings)
    state = WorkerState(settings, create_sessionmaker(engine), worker_name("procrastinate"))
    try:
        app = build_app(state)
        async with app.open_async():
            await ensure_schema(app)
            await app.run_worker_async(
                queues=[QUEUE], name=state.name, wait=wait, install_signal_handlers=wait
            )
    finally:
        with contextlib.suppress(Exception):
            await engine.dispose()
