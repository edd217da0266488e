"""The ``tradehub`` command: serve, migrate, seed demo data, manage users, run jobs."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from tradehub.config import get_settings
from tradehub.kit import migrations
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope
from tradehub.kit.metrics import MULTIPROC_ENV
from tradehub.seed import SEEDERS

app = typer.Typer(
    help="TradeHub: back office for commodity brokerage houses.", no_args_is_help=True
)
users_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
jobs_app = typer.Typer(help="Run scheduled jobs by hand.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(jobs_app, name="jobs")

console = Console()
NOT_YET_EXIT_CODE = 2


def _not_available(what: str) -> typer.Exit:
    console.print(f"[red]{what} is not available in this version of TradeHub yet.[/red]")
    return typer.Exit(NOT_YET_EXIT_CODE)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes")] = None,
) -> None:
    """Serve the HTTP API (and /docs)."""
    settings = get_settings()
    worker_count = workers or settings.workers
    if worker_count > 1:
        _prepare_multiprocess_metrics()
    uvicorn.run(
        "tradehub.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=worker_count,
        access_log=False,
        log_config=None,
        proxy_headers=False,
    )


def _prepare_multiprocess_metrics() -> None:
    """Every worker writes its samples under one fresh folder that /metrics aggregates."""
    folder = Path(os.environ.get(MULTIPROC_ENV) or Path(tempfile.gettempdir()) / "tradehub-metrics")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(folder)


@app.command()
def migrate(
    target: Annotated[str, typer.Argument(help="Revision to upgrade to")] = "head",
) -> None:
    """Bring the database schema up to date."""

    async def run() -> None:
        engine = create_engine(get_settings())
        try:
            await migrations.upgrade(engine, target)
        finally:
            await engine.dispose()

    asyncio.run(run())
    console.print(f"[green]Database migrated to {target}.[/green]")


@app.command("seed-demo")
def seed_demo() -> None:
    """Create demo masters, partners and users (idempotent)."""
    if not SEEDERS:
        console.print("Nothing to seed: no module provides demo data yet.")
        return

    async def run() -> None:
        engine = create_engine(get_settings())
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                for name, seeder in SEEDERS:
                    console.print(f"Seeding {name}…")
                    await seeder(session, console)
        finally:
            await engine.dispose()

    asyncio.run(run())
    console.print("[green]Demo data ready.[/green]")


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="Login email")],
    password: Annotated[str, typer.Option(help="Initial password")],
    name: Annotated[str, typer.Option(help="Full name")],
    role: Annotated[str, typer.Option(help="Role to grant")] = "admin",
) -> None:
    """Create a user account."""
    raise _not_available("User management")


@app.command()
def worker() -> None:
    """Deliver queued messages and run due jobs."""
    raise _not_available("The job worker")


@app.command()
def scheduler() -> None:
    """Enqueue periodic jobs when they fall due."""
    raise _not_available("The job scheduler")


@jobs_app.command("run")
def jobs_run(name: Annotated[str, typer.Argument(help="Job name, e.g. session_cleanup")]) -> None:
    """Run one scheduled job now."""
    raise _not_available(f"Job {name!r}")
