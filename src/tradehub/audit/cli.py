"""``tradehub audit verify``: walk the hash chain and report the first broken link (exit 1)."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tradehub.audit import service
from tradehub.audit.archive import ArchiveProblem, verify_archives
from tradehub.audit.domain import VerifyResult
from tradehub.config import get_settings
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope
from tradehub.kit.storage import storage_for

audit_app = typer.Typer(help="Inspect the audit log.", no_args_is_help=True)
console = Console()
BROKEN_EXIT_CODE = 1


async def verify_database(*, batch_size: int, show_progress: bool) -> VerifyResult:
    """Verify in one snapshot (REPEATABLE READ on PostgreSQL; a SQLite read transaction is one
    already), so events committed while the walk runs cannot look like a broken head."""
    engine = create_engine(get_settings())
    try:
        bind = (
            engine
            if engine.dialect.name == "sqlite"
            else engine.execution_options(isolation_level="REPEATABLE READ")
        )
        async with session_scope(create_sessionmaker(bind), writes=False) as session:
            total, _ = await service.head(session)
            with Progress(
                TextColumn("Verifying audit chain"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                disable=not (show_progress and console.is_terminal),
                transient=True,
            ) as progress:
                task = progress.add_task("verify", total=total)
                return await service.verify(
                    session,
                    batch_size=batch_size,
                    progress=lambda checked: progress.advance(task, checked),
                )
    finally:
        await engine.dispose()


def render(result: VerifyResult) -> None:
    if result.broken is None:
        console.print(
            f"[green]Audit chain intact:[/green] {result.checked} events, "
            f"last seq {result.last_seq}, head hash {result.last_hash}",
            soft_wrap=True,
        )
        return
    broken = result.broken
    lines = [
        f"[bold red]Audit chain broken at seq {broken.seq}[/bold red]",
        f"  event id: {broken.event_id or '-'}",
        f"  problem:  {broken.problem}",
        f"  expected: {broken.expected}",
        f"  found:    {broken.found}",
        f"  intact events before it: {result.checked}",
    ]
    console.print("\n".join(lines), soft_wrap=True, highlight=False)


@audit_app.command("verify")
def verify(
    batch_size: Annotated[
        int, typer.Option(min=1, help="Events read per query (memory stays bounded)")
    ] = service.VERIFY_BATCH_SIZE,
    progress: Annotated[bool, typer.Option(help="Show a progress bar")] = True,
    archives: Annotated[
        bool, typer.Option(help="Also compare the monthly archives in the file store")
    ] = False,
) -> None:
    """Check every event's hash and link; exit 1 at the first broken link."""
    result = asyncio.run(verify_database(batch_size=batch_size, show_progress=progress))
    render(result)
    problems = asyncio.run(compare_archives()) if archives else []
    for problem in problems:
        console.print(f"[bold red]Archive {problem.month}:[/bold red] {problem.problem}")
    if not result.ok or problems:
        raise typer.Exit(BROKEN_EXIT_CODE)


async def compare_archives() -> list[ArchiveProblem]:
    settings = get_settings()
    engine = create_engine(settings)
    storage = storage_for(settings.storage_url, settings.s3_endpoint_url)
    try:
        async with session_scope(create_sessionmaker(engine), writes=False) as session:
            return await verify_archives(session, storage)
    finally:
        await engine.dispose()
