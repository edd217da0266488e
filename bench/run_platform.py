"""Platform benchmark: requests/s, p50 and p99 of ``/health`` and of an authenticated list.

    .venv/bin/python bench/run_platform.py                      # SQLite in a temp dir
    TRADEHUB_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/x \\
        .venv/bin/python bench/run_platform.py                  # PostgreSQL

Steps, each bounded in time: seed a fresh database (the migrated schema plus 10,000
``bench_contracts`` rows), serve ``bench.app`` with uvicorn on a free 127.0.0.1 port, check that
``/health`` answers 200 and that the list answers 401 without a token and 200 with 50 items with
one, then run wrk against each endpoint (a short warm-up, then the measured run), stop the
server, and write ``bench/results/platform-<database>.json`` and ``bench/results/platform.md``.

The database URL only picks the engine and the server: the benchmark never touches your data.
On SQLite it uses a new file in a temporary folder; on PostgreSQL it drops and creates the
database ``tradehub_bench`` on that server and drops it again at the end (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.exc import SQLAlchemyError

if __package__ in (None, ""):  # run as a script: put the repo root, not bench/, on the path
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench import cpu
from bench.app import LIST_PATH, issue_token
from bench.common import DEFAULT_RESULTS_DIR, HTTP_TIMEOUT_SECONDS, BenchError
from bench.database import (
    POSTGRES_DATABASE,
    create_postgres_database,
    drop_postgres_database,
    prepare_database,
    resolve_database,
)
from bench.report import cpu_cell, cpu_count, git_info, load_average, machine_info, write_results
from bench.server import log_tail, running_server
from bench.wrk import find_wrk, run_wrk

PAGE_SIZE = 50
BUSY_OTHER_CPU_PERCENT = 10.0

# --- command line ---------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run_platform.py",
        description="Load /health and an authenticated list with wrk on loopback.",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TRADEHUB_DATABASE_URL", "sqlite+aiosqlite://"),
        help="picks the engine and server: sqlite+aiosqlite://… (default; a temp file is used) "
        f"or postgresql+asyncpg://user@host:port/… (database {POSTGRES_DATABASE!r} is used). "
        "Default: $TRADEHUB_DATABASE_URL, else SQLite.",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds of each measured run")
    parser.add_argument(
        "--repeat", type=int, default=1, help="measured runs per endpoint; medians are reported"
    )
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up (0: none)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=32, help="wrk open connections")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--rows", type=int, default=10_000, help="rows seeded in the list table")
    parser.add_argument(
        "--log-level",
        default="INFO",
        help="server log level; INFO (the production default) logs one JSON line a request",
    )
    parser.add_argument("--startup-timeout", type=float, default=30.0, help="seconds")
    parser.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS_DIR)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database and the server log afterwards"
    )
    parser.add_argument(
        "--install-wrk", action="store_true", help="run apt-get install -y wrk if it is missing"
    )
    args = parser.parse_args(argv)
    for name in ("duration", "repeat", "threads", "connections", "workers"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must be 0 or more")
    if args.connections < args.threads:
        parser.error("--connections must be at least --threads (wrk needs one per thread)")
    if args.rows < PAGE_SIZE:
        parser.error(f"--rows must be at least {PAGE_SIZE} (one full page)")
    return args


# --- checks before loading ------------------------------------------------------------------


def preflight(base_url: str, token: str, *, rows: int) -> None:
    """Never measure 401s or empty pages: each endpoint must answer what it should first."""
    list_url = f"{base_url}{LIST_PATH}"
    with httpx.Client(timeout=HTTP_TIMEOUT_SECONDS) as client:
        health = client.get(f"{base_url}/health")
        if health.status_code != 200 or health.json() != {"status": "ok"}:
            raise BenchError(f"/health answered {health.status_code}: {health.text[:300]}")
        anonymous = client.get(list_url)
        if anonymous.status_code != 401:
            raise BenchError(f"the list without a token answered {anonymous.status_code}, not 401")
        forged = client.get(list_url, headers={"Authorization": f"Bearer {token[:-4]}AAAA"})
        if forged.status_code != 401:
            raise BenchError(f"the list with a bad signature answered {forged.status_code}")
        page = client.get(list_url, headers={"Authorization": f"Bearer {token}"})
        if page.status_code != 200:
            raise BenchError(f"the list answered {page.status_code}: {page.text[:300]}")
        body = page.json()
        if len(body.get("items", [])) != PAGE_SIZE or body.get("total") != rows:
            raise BenchError(
                f"the list answered {len(body.get('items', []))} items of total "
                f"{body.get('total')}, expected {PAGE_SIZE} of {rows}"
            )


# --- the run --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    authenticated: bool


TARGETS = (
    Target("health", "/health", authenticated=False),
    Target("list", f"{LIST_PATH}?page=1&limit={PAGE_SIZE}&sort=-created_at", authenticated=True),
)


SUMMED = frozenset(
    {"requests", "duration_s", "bytes", "errors", "non_2xx", "socket_errors", "status_errors"}
    | {"connect_errors", "read_errors", "write_errors", "timeouts"}
)
RUN_SUMMARY_KEYS = (
    "requests_per_s",
    "p50_ms",
    "p99_ms",
    "errors",
    "server_cpu_ms_per_request",
    "database_cpu_ms_per_request",
    "other_cpu_percent",
)


def measure(
    wrk: str,
    args: argparse.Namespace,
    url: str,
    token: str | None,
    *,
    server: subprocess.Popen[bytes],
    postgres_database: str | None,
) -> dict[str, Any]:
    """A warm-up, then ``--repeat`` measured runs: the median of each rate and latency over the
    runs, the sums of requests and errors, the worst other-CPU share, and each run's summary."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    load = functools.partial(
        run_wrk, wrk, url, headers=headers, threads=args.threads, connections=args.connections
    )
    if args.warmup:
        load(duration=args.warmup)  # fills pools and caches; not recorded
    runs: list[dict[str, Any]] = []
    for _ in range(args.repeat):
        before = cpu.snapshot(server.pid, postgres_database=postgres_database)
        run = load(duration=args.duration)
        after = cpu.snapshot(server.pid, postgres_database=postgres_database)
        run.update(cpu.usage(before, after, cpus=cpu_count(), requests=int(run["requests"])))
        runs.append(run)
    result: dict[str, Any] = {}
    for key in runs[0]:
        values = [run[key] for run in runs if run[key] is not None]
        if key in SUMMED:
            result[key] = sum(values)
        elif key == "max_ms":
            result[key] = max(values)
        else:  # requests/s, latencies, other CPU: the median over the runs
            result[key] = round(statistics.median(values), 3) if values else None
    others = [run["other_cpu_percent"] for run in runs if run["other_cpu_percent"] is not None]
    result["other_cpu_percent_max"] = max(others) if others else None
    result["runs"] = [{key: run[key] for key in RUN_SUMMARY_KEYS} for run in runs]
    return result


def run(args: argparse.Namespace, wrk: str) -> int:
    work_dir = Path(tempfile.mkdtemp(prefix="tradehub-bench-"))
    try:
        database = resolve_database(args.database_url, work_dir)
    except BenchError:
        shutil.rmtree(work_dir, ignore_errors=True)
        raise
    created = False  # whether there is a PostgreSQL database to drop at the end
    per_target = args.warmup + args.repeat * args.duration
    print(
        f"Platform benchmark on {database.display}: {len(TARGETS)} endpoints, each "
        f"({args.warmup} s warm-up + {args.repeat} x {args.duration} s), {args.threads} threads, "
        f"{args.connections} connections, {args.workers} worker(s)"
    )
    load_before = load_average()  # recorded; other CPU during the runs is the real check
    try:
        started = time.monotonic()
        try:
            if database.kind == "postgresql":
                asyncio.run(create_postgres_database(database))
                created = True
            database_version = asyncio.run(prepare_database(database, rows=args.rows))
        except (OSError, SQLAlchemyError) as exc:
            raise BenchError(f"cannot prepare {database.display}: {exc}") from exc
        elapsed = time.monotonic() - started
        print(f"  seeded {args.rows:,} rows in {database_version} ({elapsed:.1f} s)")
        secret = secrets.token_urlsafe(48)
        token = issue_token(secret, ttl_seconds=3600 + per_target * len(TARGETS))
        results: list[dict[str, Any]] = []
        with running_server(
            database.url_string,
            secret=secret,
            workers=args.workers,
            log_level=args.log_level,
            work_dir=work_dir,
            startup_timeout=args.startup_timeout,
        ) as (base_url, process, log_path):
            print(f"  serving on {base_url}")
            preflight(base_url, token, rows=args.rows)
            print(f"  preflight ok: /health 200; list 401 without a token, {PAGE_SIZE} items with")
            backends = POSTGRES_DATABASE if database.kind == "postgresql" else None
            for target in TARGETS:
                result = measure(
                    wrk,
                    args,
                    f"{base_url}{target.path}",
                    token if target.authenticated else None,
                    server=process,
                    postgres_database=backends,
                )
                if process.poll() is not None:
                    raise BenchError(f"the server died under load:\n{log_tail(log_path)}")
                results.append({"method": "GET", **asdict(target), **result})
                spread = ""
                if len(result["runs"]) > 1:
                    rates = [run["requests_per_s"] for run in result["runs"]]
                    spread = f" ({min(rates):,.0f}-{max(rates):,.0f})"
                print(
                    f"  {target.name:<7} {result['requests_per_s']:>7,.0f} req/s{spread}  "
                    f"p50 {result['p50_ms']:.2f} ms  p99 {result['p99_ms']:.2f} ms  "
                    f"errors {result['errors']}  server CPU {cpu_cell(result)} ms/request  "
                    f"other CPU {result['other_cpu_percent_max']} %"
                )
            if args.keep:
                print(f"  server log kept in {log_path}")
        report = {
            "benchmark": "platform",
            "database": database.kind,
            "database_version": database_version,
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "config": {
                "duration_s": args.duration,
                "repeat": args.repeat,
                "warmup_s": args.warmup,
                "threads": args.threads,
                "connections": args.connections,
                "workers": args.workers,
                "rows": args.rows,
                "page_size": PAGE_SIZE,
                "log_level": args.log_level,
                "load_generator": "wrk on 127.0.0.1",
            },
            "machine": machine_info(wrk, load_before=load_before),
            "git": git_info(),
            "targets": results,
        }
        json_path = write_results(report, args.results_dir)
        print(f"  results: {json_path} and {json_path.with_name('platform.md')}")
        if any((t["other_cpu_percent_max"] or 0) > BUSY_OTHER_CPU_PERCENT for t in results):
            print(
                f"bench: other work took more than {BUSY_OTHER_CPU_PERCENT} % of the CPUs during "
                "a run; the figures are low, run again on a quiet machine"
            )
        if any(target["errors"] for target in results):
            print("bench: some requests failed (see errors); the figures are not valid")
            return 3
        return 0
    finally:
        if args.keep:
            print(f"  kept {database.display} and {work_dir}")
        else:
            if created:
                try:
                    asyncio.run(drop_postgres_database(database))
                except (OSError, SQLAlchemyError) as exc:
                    print(f"bench: could not drop {POSTGRES_DATABASE}: {exc}", file=sys.stderr)
            shutil.rmtree(work_dir, ignore_errors=True)


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # clean up (server, database) as on Ctrl-C
    try:
        return run(args, find_wrk(install=args.install_wrk))
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # the server was stopped and the database dropped on the way out
        print("bench: interrupted; no results written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
