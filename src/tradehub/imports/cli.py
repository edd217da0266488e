"""``tradehub import stations|partners FILE``: all rows or none, with progress bars.

Exit 0 when every row was imported (or, with ``--dry-run``, would be); 1 when any row has a
problem (nothing is written; the problems are shown, and written to ``--error-report`` as CSV)
or the file cannot be read.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from tradehub.audit.domain import AuditActor
from tradehub.config import get_settings
from tradehub.imports import service
from tradehub.imports.domain import write_error_csv
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope
from tradehub.kit.errors import AppError

import_app = typer.Typer(
    help="Bulk-import stations or partners from CSV or XLSX: all rows or none.",
    no_args_is_help=True,
)
console = Console()
CLI_ACTOR = AuditActor(label="cli:import")
FAILED_EXIT_CODE = 1
SHOWN_ERRORS = 20
PHASES = {
    "check": "Checking rows",
    "database": "Comparing with the database",
    "insert": "Inserting",
}

FileArgument = Annotated[
    Path,
    typer.Argument(exists=True, dir_okay=False, readable=True, help="A .csv (UTF-8) or .xlsx file"),
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Check every row and the database; write nothing")
]
ReportOption = Annotated[
    Path | None,
    typer.Option("--error-report", dir_okay=False, help="Write every problem to this CSV"),
]
ProgressOption = Annotated[bool, typer.Option(help="Show progress bars")]


class BarProgress:
    """The importer's phases as rich progress bars (it calls from a worker thread too: rich's
    ``Progress`` takes a lock)."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def start(self, phase: str, total: int | None) -> None:
        self._tasks[phase] = self._progress.add_task(PHASES.get(phase, phase), total=total)

    def advance(self, phase: str, count: int) -> None:
        task = self._tasks.get(phase)
        if task is not None and count:
            self._progress.advance(task, count)


def progress_bars(*, enabled: bool, output: Console = console) -> Progress:
    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=output,
        disable=not (enabled and output.is_terminal),
    )


async def _run(
    entity_type: str, path: Path, *, dry_run: bool, show_progress: bool
) -> service.ImportResult:
    importer = service.import_stations if entity_type == "station" else service.import_partners
    engine = create_engine(get_settings())
    try:
        async with session_scope(create_sessionmaker(engine), writes=not dry_run) as session:
            with path.open("rb") as file, progress_bars(enabled=show_progress) as bars:
                return await importer(
                    session,
                    CLI_ACTOR,
                    file,
                    file_name=path.name,
                    dry_run=dry_run,
                    progress=BarProgress(bars),
                )
    finally:
        await engine.dispose()


def render(result: service.ImportResult, error_report: Path | None) -> None:
    noun = result.entity_type + ("" if result.rows == 1 else "s")
    if error_report is not None:  # also when clean: no stale report from an earlier run
        with error_report.open("w", encoding="utf-8", newline="") as stream:
            write_error_csv(result.errors, stream)
    if result.ok:
        if result.dry_run:
            console.print(
                f"[green]Dry run: all {result.rows} {noun} are valid;[/green] nothing was written."
            )
            return
        codes = f" (codes {result.first_code} to {result.last_code})" if result.first_code else ""
        console.print(f"[green]Imported {result.imported} {noun}{codes}.[/green]")
        return
    report, errors = result.report, result.errors
    console.print(
        f"[bold red]{report.count} problem(s) in {len(report.rows)} of {result.rows} rows:"
        " nothing was imported.[/bold red]"
    )
    table = Table("row", "column", "problem", show_lines=False)
    for error in errors[:SHOWN_ERRORS]:
        table.add_row(str(error.row), error.column or "", error.msg)
    console.print(table)
    if report.count > SHOWN_ERRORS:
        console.print(f"… and {report.count - SHOWN_ERRORS} more.")
    if error_report is not None:
        kept = f" (the first {len(errors)})" if len(errors) < report.count else ""
        console.print(f"Every problem{kept} is in {error_report}.", soft_wrap=True)
    elif report.count > SHOWN_ERRORS:
        console.print("Use --error-report errors.csv for the full list.")


def run_import(
    entity_type: str,
    path: Path,
    *,
    dry_run: bool,
    error_report: Path | None,
    show_progress: bool,
) -> None:
    try:
        result = asyncio.run(_run(entity_type, path, dry_run=dry_run, show_progress=show_progress))
    except AppError as error:
        console.print(f"[red]{error.detail}[/red]", soft_wrap=True)
        raise typer.Exit(FAILED_EXIT_CODE) from None
    render(result, error_report)
    if not result.ok:
        raise typer.Exit(FAILED_EXIT_CODE)


@import_app.command("stations")
def import_stations(
    file: FileArgument,
    dry_run: DryRunOption = False,
    error_report: ReportOption = None,
    progress: ProgressOption = True,
) -> None:
    """Stations: columns name, state_code, region (case and spaces in names do not matter)."""
    run_import("station", file, dry_run=dry_run, error_report=error_report, show_progress=progress)


@import_app.command("partners")
def import_partners(
    file: FileArgument,
    dry_run: DryRunOption = False,
    error_report: ReportOption = None,
    progress: ProgressOption = True,
) -> None:
    """Draft partners, one a row with its head office: legal_name, kind, pan, email, and
    optionally trade_name, gstin, mobile, address, branch_name, branch_state_code,
    branch_gstin."""
    run_import("partner", file, dry_run=dry_run, error_report=error_report, show_progress=progress)
