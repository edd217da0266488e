"""Bulk import: rows per second for 100,000 stations and 100,000 partners, and proof that a
failing file (one bad row at the end, or a crash half-way through the inserts) leaves no row.

Everything runs in this process through the import service, as ``tradehub import`` does (one
``session_scope`` per import), on a fresh migrated database of its own: a SQLite file in a
temporary folder, or the PostgreSQL database ``tradehub_bench_import`` (dropped and created on
the server ``--database-url`` names, dropped at the end).

    .venv/bin/python bench/run_import.py [--database-url URL] [--rows 100000]

Results: bench/results/import-<database>.json and a table in bench/results/import.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import resource
import string
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import xlsxwriter
from sqlalchemy import func, select, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench import cpu
from bench.common import DEFAULT_RESULTS_DIR, BenchError
from bench.report import cpu_count, git_info, load_average
from tradehub.audit.domain import AuditActor
from tradehub.config import Environment, Settings
from tradehub.geo.models import Station
from tradehub.imports import service
from tradehub.kit import migrations
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope
from tradehub.kit.identifiers import GST_STATE_CODES, gstin_check_character
from tradehub.partner.models import Partner, PartnerBranch

POSTGRES_DATABASE = "tradehub_bench_import"
ACTOR = AuditActor(label="bench:import")
STATES = sorted(GST_STATE_CODES)
KINDS = ("buyer", "seller", "trader", "broker")
PARTNER_HEADER = (
    "Legal Name",
    "Trade Name",
    "Kind",
    "PAN",
    "GSTIN",
    "Email",
    "Mobile",
    "Address",
    "Branch Name",
)
Importer = Callable[..., Awaitable[service.ImportResult]]


# --- data --------------------------------------------------------------------------------------


def pan(index: int, series: int) -> str:
    """A valid, unique PAN per (index, series): three letters and the digits count up, the
    fourth letter is ``C`` (company), the fifth tells the series apart."""
    digits = index % 9999 + 1
    block = index // 9999
    letters = ""
    for _ in range(3):
        block, rest = divmod(block, 26)
        letters = string.ascii_uppercase[rest] + letters
    return f"{letters}C{string.ascii_uppercase[series]}{digits:04d}Z"


def gstin(state: str, number: str) -> str:
    first = f"{state}{number}1Z"
    return first + gstin_check_character(first)


def partner_row(index: int, series: int) -> list[str]:
    number = pan(index, series)
    state = STATES[index % len(STATES)]
    return [
        f"Bench Traders {series}-{index:06d} Pvt Ltd",
        f"Bench {index:06d}" if index % 2 else "",
        KINDS[index % len(KINDS)],
        number,
        gstin(state, number),
        f"accounts-{series}-{index:06d}@bench.example.in",
        f"98{series:01d}{index:07d}",
        f"Plot {index % 500}, APMC Yard, Market Road",
        "Main office" if index % 3 == 0 else "",
    ]


def station_row(index: int, series: int) -> list[str]:
    return [f"Bench Town {series}-{index:06d}", STATES[index % len(STATES)], "Bench region"]


def write_csv(path: Path, header: tuple[str, ...], rows: Any) -> Path:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: tuple[str, ...], rows: Any) -> Path:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Partners")
    sheet.write_row(0, 0, header)
    for number, row in enumerate(rows, start=1):
        sheet.write_row(number, 0, row)
    book.close()
    return path


@dataclass
class Files:
    stations: Path
    stations_bad: Path
    partners: Path
    partners_bad: Path
    partners_crash: Path
    partners_xlsx: Path


def generate(folder: Path, rows: int) -> Files:
    station_header = ("Name", "State Code", "Region")
    last = rows - 1
    return Files(
        stations=write_csv(
            folder / "stations.csv", station_header, (station_row(i, 0) for i in range(rows))
        ),
        stations_bad=write_csv(
            folder / "stations-bad.csv",
            station_header,
            (station_row(i, 1) if i < last else ["Nowhere", "99", ""] for i in range(rows)),
        ),
        partners=write_csv(
            folder / "partners.csv", PARTNER_HEADER, (partner_row(i, 0) for i in range(rows))
        ),
        partners_bad=write_csv(
            folder / "partners-bad.csv",
            PARTNER_HEADER,
            (partner_row(i, 1) if i < last else _bad_partner(i) for i in range(rows)),
        ),
        partners_crash=write_csv(
            folder / "partners-crash.csv", PARTNER_HEADER, (partner_row(i, 2) for i in range(rows))
        ),
        partners_xlsx=write_xlsx(
            folder / "partners.xlsx", PARTNER_HEADER, (partner_row(i, 3) for i in range(rows))
        ),
    )


def _bad_partner(index: int) -> list[str]:
    row = partner_row(index, 1)
    row[5] = "accounts.bench.example.in"  # an e-mail address without its @
    return row


# --- measuring ---------------------------------------------------------------------------------


class SimulatedCrash(Exception):
    """Raised half-way through the inserts, to show that they all roll back."""


@dataclass
class PhaseClock:
    """The importer's progress hooks, timing its phases (and optionally crashing)."""

    crash_after: int | None = None
    started: dict[str, float] = field(default_factory=dict)
    inserted: int = 0

    def start(self, phase: str, total: int | None) -> None:
        self.started[phase] = time.perf_counter()

    def advance(self, phase: str, count: int) -> None:
        if phase != "insert":
            return
        self.inserted += count
        if self.crash_after is not None and self.inserted >= self.crash_after:
            raise SimulatedCrash(f"crash after {self.inserted} inserted rows")


async def count_rows(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        counts = {}
        for name, model in (
            ("stations", Station),
            ("partners", Partner),
            ("partner_branches", PartnerBranch),
        ):
            counts[name] = int(
                await connection.scalar(select(func.count()).select_from(model)) or 0
            )
        return counts


async def timed_import(
    engine: AsyncEngine,
    name: str,
    importer: Importer,
    path: Path,
    *,
    expected_rows: int,
    dry_run: bool = False,
    crash_after: int | None = None,
) -> dict[str, Any]:
    clock = PhaseClock(crash_after=crash_after)
    before = await count_rows(engine)
    load_before = load_average()
    postgres = POSTGRES_DATABASE if engine.dialect.name == "postgresql" else None
    cpu_before = cpu.snapshot(os.getpid(), postgres_database=postgres)
    began = time.perf_counter()
    crashed: str | None = None
    committing = began
    result: service.ImportResult | None = None
    try:
        async with session_scope(create_sessionmaker(engine), writes=not dry_run) as session:
            with path.open("rb") as stream:
                file: IO[bytes] = stream
                result = await importer(
                    session, ACTOR, file, file_name=path.name, dry_run=dry_run, progress=clock
                )
            committing = time.perf_counter()
    except SimulatedCrash as crash:
        crashed = str(crash)
    ended = time.perf_counter()
    cpu_after = cpu.snapshot(os.getpid(), postgres_database=postgres)
    after = await count_rows(engine)
    wall = ended - began
    own_cpu = cpu_after.server - cpu_before.server  # this process, every thread
    database_cpu = cpu_after.database - cpu_before.database  # PostgreSQL's backends
    other = None
    if cpu_before.machine_busy is not None and cpu_after.machine_busy is not None:
        others = (cpu_after.machine_busy - cpu_before.machine_busy) - own_cpu - database_cpu
        other = round(max(0.0, others) / (wall * cpu_count()) * 100, 1)
    phases = _phases(clock, began, committing, ended, crashed is not None)
    rows = result.rows if result is not None else expected_rows
    figures: dict[str, Any] = {
        "name": name,
        "file": path.name,
        "file_bytes": await asyncio.to_thread(lambda: path.stat().st_size),
        "dry_run": dry_run,
        "rows": rows,
        "imported": result.imported if result is not None else 0,
        "ok": result.ok if result is not None else False,
        "errors": [error.as_dict() for error in result.errors[:5]] if result else [],
        "error_count": result.report.count if result else 0,
        "crashed": crashed,
        "seconds": round(wall, 2),
        "rows_per_second": round(rows / wall) if wall else None,
        "phases_seconds": phases,
        "process_cpu_seconds": round(own_cpu, 2),
        "postgres_cpu_seconds": round(database_cpu, 2),
        "other_cpu_percent": other,
        "load_average_before": load_before,
        "rows_before": before,
        "rows_after": after,
    }
    return figures


def _phases(
    clock: PhaseClock, began: float, committing: float, ended: float, crashed: bool
) -> dict[str, float]:
    marks = clock.started
    database = marks.get("database", committing)
    insert = marks.get("insert")
    phases = {"read_and_check": round(database - began, 2)}
    if insert is not None:
        phases["compare_with_database"] = round(insert - database, 2)
        if not crashed:
            phases["insert_and_audit"] = round(committing - insert, 2)
            phases["commit"] = round(ended - committing, 2)
        else:
            phases["insert_until_crash_and_rollback"] = round(ended - insert, 2)
    else:
        phases["compare_with_database"] = round(committing - database, 2)
    return phases


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise BenchError(message)


# --- the database ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    kind: str
    url: URL


def resolve(database_url: str, folder: Path) -> Database:
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        return Database("sqlite", make_url(f"sqlite+aiosqlite:///{folder / 'import.db'}"))
    if backend == "postgresql":
        return Database(
            "postgresql", url.set(drivername="postgresql+asyncpg", database=POSTGRES_DATABASE)
        )
    raise BenchError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")


async def postgres_admin(database: Database, statement: str) -> None:
    engine = create_async_engine(
        database.url.set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


async def server_version(engine: AsyncEngine) -> str:
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            return "SQLite " + str(await connection.scalar(text("select sqlite_version()")))
        version = str(await connection.scalar(text("show server_version")))
        return "PostgreSQL " + version.split()[0]


# --- the run -----------------------------------------------------------------------------------


async def run(database_url: str, rows: int, folder: Path, keep: bool) -> dict[str, Any]:
    database = resolve(database_url, folder)
    if database.kind == "postgresql":
        await postgres_admin(
            database, f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}" WITH (FORCE)'
        )
        await postgres_admin(database, f'CREATE DATABASE "{POSTGRES_DATABASE}"')
    settings = Settings(
        env=Environment.DEVELOPMENT,
        database_url=database.url.render_as_string(hide_password=False),
        embedded_worker=False,
        log_level="WARNING",
    )
    engine = create_engine(settings)
    try:
        await migrations.upgrade(engine)
        version = await server_version(engine)
        print(f"{version}: generating {rows:,} rows per file in {folder} …", flush=True)
        started = time.perf_counter()
        files = generate(folder, rows)
        print(f"  files ready in {time.perf_counter() - started:.1f} s", flush=True)
        runs = await _runs(engine, files, rows)
    finally:
        await engine.dispose()
        if database.kind == "postgresql" and not keep:
            await postgres_admin(database, f'DROP DATABASE IF EXISTS "{POSTGRES_DATABASE}"')
    return {
        "benchmark": "import",
        "database": database.kind,
        "server": version,
        "rows": rows,
        "chunk_rows": service.CHUNK_ROWS,
        "in_chunk": service.IN_CHUNK,
        "runs": runs,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "machine": {
            "nproc": cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "git": git_info(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


async def _runs(engine: AsyncEngine, files: Files, rows: int) -> list[dict[str, Any]]:
    plan: list[tuple[str, Importer, Path, dict[str, Any]]] = [
        ("stations, last row bad", service.import_stations, files.stations_bad, {}),
        ("partners, last row bad", service.import_partners, files.partners_bad, {}),
        (
            "partners, crash half-way through the inserts",
            service.import_partners,
            files.partners_crash,
            {"crash_after": rows // 2},
        ),
        ("stations", service.import_stations, files.stations, {}),
        ("partners", service.import_partners, files.partners, {}),
        ("partners XLSX, dry run", service.import_partners, files.partners_xlsx, {"dry_run": True}),
    ]
    runs = []
    for name, importer, path, options in plan:
        figures = await timed_import(engine, name, importer, path, expected_rows=rows, **options)
        runs.append(figures)
        _check(figures, rows)
        print(
            f"  {name:<46} {figures['rows']:>7,} rows {figures['seconds']:>7.1f} s"
            f" {figures['rows_per_second'] or 0:>7,} rows/s  imported {figures['imported']:,}"
            f"  other CPU {figures['other_cpu_percent']} %  {figures['phases_seconds']}",
            flush=True,
        )
    return runs


def _check(figures: dict[str, Any], rows: int) -> None:
    name, before, after = figures["name"], figures["rows_before"], figures["rows_after"]
    if "bad" in name or "crash" in name:
        expect(after == before, f"{name}: rows were left behind ({before} → {after})")
        if "bad" in name:
            expect(figures["error_count"] == 1, f"{name}: expected one error, got {figures}")
            expect(figures["errors"][0]["row"] == rows + 1, f"{name}: wrong row reported")
        else:
            expect(figures["crashed"] is not None, f"{name}: did not crash")
        return
    expect(figures["ok"] and figures["rows"] == rows, f"{name}: failed: {figures['errors']}")
    if figures["dry_run"]:
        expect(after == before, f"{name}: a dry run wrote rows")
        return
    table = "stations" if name.startswith("stations") else "partners"
    expect(after[table] - before[table] == rows, f"{name}: {after[table] - before[table]} rows")
    if table == "partners":
        added = after["partner_branches"] - before["partner_branches"]
        expect(added == rows, f"{name}: {added} head offices for {rows} partners")


def render_markdown(reports: list[dict[str, Any]]) -> str:
    lines = [
        "# Import benchmark",
        "",
        "| database | run | rows | seconds | rows/s | read+check s | compare s | insert s |"
        " commit s | CPU s (own + db) | other CPU | rows added |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for report in reports:
        for figures in report["runs"]:
            phases = figures["phases_seconds"]
            insert = phases.get("insert_and_audit", phases.get("insert_until_crash_and_rollback"))
            added = {
                key: figures["rows_after"][key] - figures["rows_before"][key]
                for key in figures["rows_after"]
            }
            lines.append(
                f"| {report['server']} | {figures['name']} | {figures['rows']:,} |"
                f" {figures['seconds']} | {figures['rows_per_second']:,} |"
                f" {phases.get('read_and_check', '')} | {phases.get('compare_with_database', '')} |"
                f" {insert if insert is not None else '–'} | {phases.get('commit', '–')} |"
                f" {figures['process_cpu_seconds']} + {figures['postgres_cpu_seconds']} |"
                f" {figures['other_cpu_percent']} % |"
                f" {', '.join(f'{k} +{v}' for k, v in added.items() if v) or 'none'} |"
            )
    lines.append("")
    for report in reports:
        lines.append(
            f"- {report['server']}: measured {report['measured_at']}, peak RSS"
            f" {report['peak_rss_mib']} MiB, commit {report['git'].get('commit')}"
        )
    return "\n".join(lines) + "\n"


def write_results(report: dict[str, Any], results_dir: Path) -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    target = results_dir / f"import-{report['database']}.json"
    target.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    reports = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(results_dir.glob("import-*.json"))
    ]
    (results_dir / "import.md").write_text(render_markdown(reports), encoding="utf-8")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TRADEHUB_DATABASE_URL", "sqlite+aiosqlite:///bench.db"),
        help="picks the engine and server only; the benchmark uses a database of its own",
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS_DIR)
    parser.add_argument("--keep", action="store_true", help="keep the database and the files")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tradehub-bench-import-"))
    try:
        report = asyncio.run(run(args.database_url, args.rows, folder, args.keep))
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 3
    finally:
        if not args.keep:
            for path in folder.iterdir():
                path.unlink()
            folder.rmdir()
    target = write_results(report, args.results_dir)
    print(f"results: {target} and {args.results_dir / 'import.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
