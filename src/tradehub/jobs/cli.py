"""What ``tradehub worker``, ``tradehub scheduler`` and ``tradehub jobs …`` do."""

from __future__ import annotations

import asyncio
import json
from enum import StrEnum

import typer
from rich.console import Console
from rich.table import Table

from tradehub.config import Settings, get_settings
from tradehub.jobs import service
from tradehub.jobs.catalog import application_registry
from tradehub.jobs.models import JobRun, RunStatus
from tradehub.jobs.runner import run_standalone, worker_name
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope
from tradehub.kit.logging import configure_logging
from tradehub.kit.types import utcnow

UNKNOWN_JOB_EXIT_CODE = 2
USAGE_EXIT_CODE = 2
FAILED_EXIT_CODE = 1

console = Console()
errors = Console(stderr=True)


class WorkerEngine(StrEnum):
    BUILTIN = "builtin"
    PROCRASTINATE = "procrastinate"


def _configured(settings: Settings | None) -> Settings:
    settings = settings or get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)
    return settings


def run_worker(engine: WorkerEngine, settings: Settings | None = None) -> None:
    settings = settings or get_settings()
    if engine is WorkerEngine.PROCRASTINATE:
        if not settings.database_url.startswith("postgresql"):
            errors.print(
                "[red]--engine procrastinate needs PostgreSQL: set TRADEHUB_DATABASE_URL to a "
                "postgresql+asyncpg:// URL, or use the built-in engine.[/red]"
            )
            raise typer.Exit(USAGE_EXIT_CODE)
        from tradehub.jobs.procrastinate_engine import run_worker as run_procrastinate

        asyncio.run(run_procrastinate(_configured(settings)))
        return
    asyncio.run(run_standalone(_configured(settings), deliver=True, schedule=True))


def run_scheduler(settings: Settings | None = None) -> None:
    asyncio.run(run_standalone(_configured(settings), deliver=False, schedule=True))


def run_job(name: str, settings: Settings | None = None) -> None:
    registry = application_registry()
    spec = registry.jobs.get(name)
    if spec is None:
        errors.print(f"[red]Unknown job {name!r}.[/red] Known jobs: {', '.join(registry.names())}")
        raise typer.Exit(UNKNOWN_JOB_EXIT_CODE)
    settings = _configured(settings)

    async def run() -> service.RunResult:
        engine = create_engine(settings)
        try:
            return await service.run_now(
                create_sessionmaker(engine), settings, spec, worker=worker_name("cli")
            )
        finally:
            await engine.dispose()

    result = asyncio.run(run())
    if result.status != RunStatus.SUCCEEDED:
        errors.print(f"[red]{name} failed:[/red] {result.error}")
        raise typer.Exit(FAILED_EXIT_CODE)
    console.print(f"[green]{name} succeeded:[/green] {json.dumps(result.summary)}")


def list_jobs(settings: Settings | None = None) -> None:
    registry = application_registry()
    settings = settings or get_settings()

    async def fetch() -> dict[str, JobRun]:
        engine = create_engine(settings)
        try:
            async with session_scope(create_sessionmaker(engine), writes=False) as session:
                return await service.last_runs(session, registry.names())
        finally:
            await engine.dispose()

    runs = asyncio.run(fetch())
    table = Table("job", "schedule", "next run (UTC)", "last run", "status")
    now = utcnow()
    for name in registry.names():
        spec = registry.jobs[name]
        last = runs.get(name)
        table.add_row(
            name,
            spec.schedule.describe(),
            spec.schedule.next_start(now).strftime("%Y-%m-%d %H:%M:%S"),
            last.started_at.strftime("%Y-%m-%d %H:%M:%S") if last else "never",
            last.status if last else "",
        )
    console.print(table)
