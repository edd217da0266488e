"""The job registry: ``@registry.job(name, schedule=…)`` for periodic jobs and
``@registry.poller(name, every=…)`` for work the runner does on every tick (outbox delivery).

A job is ``async def job(ctx: JobContext) -> dict | None``: it runs in one transaction
(``ctx.session``) that also records its success, and returns a small JSON summary shown by
``GET /admin/jobs``. Modules define their jobs in their own ``tasks.py``;
``tradehub.jobs.catalog`` imports them all.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tradehub.config import Settings
from tradehub.jobs.domain import Schedule


@dataclass(frozen=True)
class JobContext:
    session: AsyncSession
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    now: datetime
    period_start: datetime
    trigger: str


@dataclass(frozen=True)
class PollContext:
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    worker: str


Summary = Mapping[str, Any] | None
JobFunction = Callable[[JobContext], Awaitable[Summary]]
PollFunction = Callable[[PollContext], Awaitable[Summary]]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class JobSpec:
    name: str
    schedule: Schedule
    run: JobFunction
    description: str


@dataclass(frozen=True)
class PollerSpec:
    """Work done on every tick of the runner; under procrastinate, a task every ``every``.
    Its summary may say ``{"more": True}`` to be called again at once."""

    name: str
    every: timedelta
    run: PollFunction
    description: str


class Registry:
    def __init__(self) -> None:
        self.jobs: dict[str, JobSpec] = {}
        self.pollers: dict[str, PollerSpec] = {}

    def _check_free(self, name: str) -> None:
        if name in self.jobs or name in self.pollers:
            raise ValueError(f"a job named {name!r} is already registered")

    def job(self, name: str, *, schedule: Schedule, description: str) -> Callable[[F], F]:
        self._check_free(name)

        def register(function: F) -> F:
            self.jobs[name] = JobSpec(name, schedule, function, description)
            return function

        return register

    def poller(self, name: str, *, every: timedelta, description: str) -> Callable[[F], F]:
        self._check_free(name)

        def register(function: F) -> F:
            self.pollers[name] = PollerSpec(name, every, function, description)
            return function

        return register

    def names(self) -> list[str]:
        return sorted(self.jobs)


registry = Registry()
"""The application's registry (filled by importing ``tradehub.jobs.catalog``)."""
