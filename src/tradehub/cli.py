"""The ``tradehub`` command: serve, migrate, seed demo data, manage users, run jobs."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from pydantic import ValidationError
from rich.console import Console

from tradehub.audit.cli import audit_app
from tradehub.auth.seed import create_user
from tradehub.config import get_settings
from tradehub.imports.cli import import_app
from tradehub.jobs import cli as jobs_cli
from tradehub.kit import migrations
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope
from tradehub.kit.errors import AppError
from tradehub.kit.logging import configure_logging
from tradehub.kit.metrics import MULTIPROC_ENV
from tradehub.seed import SEEDERS

app = typer.Typer(
    help="TradeHub: back office for commodity brokerage houses.", no_args_is_help=True
)
users_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
jobs_app = typer.Typer(help="Run scheduled jobs by hand.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(jobs_app, name="jobs")
app.add_typer(audit_app, name="audit")
app.add_typer(import_app, name="import")

console = Console()
# uvicorn kills a worker that does not answer its supervisor's ping within this time. A spawned
# worker first re-imports this module (alembic, SQLAlchemy: seconds on a small machine), so
# uvicorn's 5 s default made busy 2-core hosts kill and respawn their workers forever.
WORKER_HEALTHCHECK_TIMEOUT_SECONDS = 60


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes")] = None,
) -> None:
    """Serve the HTTP API (and /docs)."""
    settings = get_settings()
    configure_logging(level=settings.log_level, json=settings.log_json)  # the supervisor's too
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
        # The live socket's own 4 KiB message limit applies after a frame is read; this bounds
        # the frame uvicorn reads first (16 MiB by default).
        ws_max_size=65536,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_TIMEOUT_SECONDS,
    )


def _prepare_multiprocess_metrics() -> None:
    """Every worker writes its samples under one fresh folder that /metrics aggregates.

    A folder given in the environment is emptied of the previous run's sample files only (never
    removed: it may hold other files); without one, each server gets its own new folder, so two
    servers on one host do not wipe or mix each other's samples.
    """
    configured = os.environ.get(MULTIPROC_ENV)
    if configured:
        folder = Path(configured)
        folder.mkdir(parents=True, exist_ok=True)
        for samples in folder.glob("*.db"):
            samples.unlink(missing_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="tradehub-metrics-"))
    os.environ[MULTIPROC_ENV] = str(folder)


@app.command()
def migrate(
    target: Annotated[str, typer.Argument(help="Revision to upgrade to")] = "heads",
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
    settings = get_settings()

    async def run() -> None:
        engine = create_engine(settings)
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                for name, seeder in SEEDERS:
                    console.print(f"Seeding {name}…")
                    await seeder(session, console, settings)
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
    """Create a user account (e.g. the first admin)."""
    settings = get_settings()

    async def run() -> str:
        engine = create_engine(settings)
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                return await create_user(
                    session, settings, email=email, password=password, name=name, role=role
                )
        finally:
            await engine.dispose()

    try:
        user_id = asyncio.run(run())
    except AppError as error:
        console.print(f"[red]{error.detail}[/red]")
        for item in getattr(error, "errors", []):
            console.print(f"[red]- {'.'.join(map(str, item['loc']))}: {item['msg']}[/red]")
        raise typer.Exit(1) from None
    except ValidationError as error:
        console.print(f"[red]Invalid input:[/red] {error.errors()[0]['msg']}")
        raise typer.Exit(1) from None
    console.print(f"[green]Created {email} ({role}), id {user_id}.[/green]")


@app.command()
def worker(
    engine: Annotated[
        jobs_cli.WorkerEngine,
        typer.Option(help="builtin (any database) or procrastinate (PostgreSQL)"),
    ] = jobs_cli.WorkerEngine.BUILTIN,
) -> None:
    """Deliver queued e-mails and SMS and run due jobs, until stopped (SIGINT/SIGTERM)."""
    jobs_cli.run_worker(engine)


@app.command()
def scheduler() -> None:
    """Run scheduled jobs when they fall due, without delivering messages."""
    jobs_cli.run_scheduler()


@jobs_app.command("run")
def jobs_run(name: Annotated[str, typer.Argument(help="Job name, e.g. session_cleanup")]) -> None:
    """Run one scheduled job now (exit 2 for an unknown job, 1 if it fails)."""
    jobs_cli.run_job(name)


@jobs_app.command("list")
def jobs_list() -> None:
    """List the scheduled jobs with their last run."""
    jobs_cli.list_jobs()
