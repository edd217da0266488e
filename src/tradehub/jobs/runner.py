"""The runner: every few seconds, deliver the outbox (the pollers) and run the jobs that are due.

It runs inside ``tradehub serve`` (``embedded_runner``, on by default outside tests) or alone
as ``tradehub worker`` / ``tradehub scheduler``. Any number of runners may run at once, in one
process or many: outbox claims and per-period job claims keep each message and each period to
one runner.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import uuid
from collections.abc import AsyncIterator
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradehub.config import Settings
from tradehub.jobs import service
from tradehub.jobs.catalog import application_registry
from tradehub.jobs.registry import PollContext, PollerSpec, Registry
from tradehub.kit.db import create_engine, create_sessionmaker
from tradehub.kit.logging import get_logger

log = get_logger("tradehub.jobs")
MAX_ROUNDS_PER_TICK = 20
STOP_TIMEOUT_SECONDS = 10.0


def worker_name(kind: str) -> str:
    return f"{kind}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"[:100]


class Runner:
    def __init__(
        self,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        registry: Registry | None = None,
        deliver: bool = True,
        schedule: bool = True,
        name: str | None = None,
    ) -> None:
        self.settings = settings
        self.sessionmaker = sessionmaker
        self.registry = registry if registry is not None else application_registry()
        self.deliver = deliver
        self.schedule = schedule
        self.name = name or worker_name("runner")
        self._done: dict[str, datetime] = {}

    async def tick(self) -> None:
        """One round: every poller until it has nothing more, then the due jobs."""
        if self.deliver:
            for poller in self.registry.pollers.values():
                await self._poll(poller)
        if self.schedule:
            await service.run_due_jobs(
                self.sessionmaker, self.settings, self.registry, worker=self.name, done=self._done
            )

    async def _poll(self, poller: PollerSpec) -> None:
        context = PollContext(self.settings, self.sessionmaker, self.name)
        for _ in range(MAX_ROUNDS_PER_TICK):
            summary = await poller.run(context)
            if not (summary and summary.get("more")):
                return

    async def run(self, stop: asyncio.Event) -> None:
        log.info("runner.started", runner=self.name, deliver=self.deliver, schedule=self.schedule)
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:  # a bad tick (database down…) must not stop the loop
                log.error("runner.tick_failed", runner=self.name, exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self.settings.worker_poll_seconds)
        log.info("runner.stopped", runner=self.name)


async def _stop(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    stop.set()
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=STOP_TIMEOUT_SECONDS)
    except TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@contextlib.asynccontextmanager
async def embedded_runner(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Runner | None]:
    """The runner as a background task of the web process, when the settings want it."""
    if not settings.runs_embedded_worker:
        yield None
        return
    runner = Runner(settings, sessionmaker, name=worker_name("serve"))
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop), name="tradehub-embedded-runner")
    try:
        yield runner
    finally:
        await _stop(task, stop)


async def run_standalone(settings: Settings, *, deliver: bool, schedule: bool) -> None:
    """``tradehub worker`` / ``tradehub scheduler``: run until SIGINT or SIGTERM."""
    engine = create_engine(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    kind = "worker" if deliver else "scheduler"
    runner = Runner(
        settings,
        create_sessionmaker(engine),
        deliver=deliver,
        schedule=schedule,
        name=worker_name(kind),
    )
    try:
        await runner.run(stop)
    finally:
        await engine.dispose()
