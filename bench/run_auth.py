"""Login latency (argon2id at the production cost) and the cost of authentication per request.

Everything runs in one process through the ASGI app (no network), so the figures isolate
our own stack: password hashing, token checks and the session/user/role queries.

    .venv/bin/python bench/run_auth.py [--database-url URL] [--logins 30] [--requests 500]

Results: bench/results/auth-<database>.json and a table in bench/results/auth.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import DEFAULT_RESULTS_DIR
from bench.report import cpu_count, git_info, load_average
from tradehub.audit.domain import SYSTEM_ACTOR
from tradehub.auth import users_service
from tradehub.auth.schemas import UserCreate
from tradehub.config import Environment, Settings
from tradehub.kit import migrations
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope
from tradehub.kit.security import PasswordHasher
from tradehub.main import create_app

PASSWORD = "Bench#Cotton2026"  # noqa: S105 - the bench user's password


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 3),
        "mean_ms": round(statistics.fmean(ordered), 3),
        "samples": len(ordered),
    }


async def timed(action: Callable[[], Awaitable[Any]], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        await action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def run(database_url: str, logins: int, requests: int) -> dict[str, Any]:
    settings = Settings(
        env=Environment.DEVELOPMENT,
        database_url=database_url,
        login_rate_per_minute=1_000_000,  # measuring latency, not the limiter
        embedded_worker=False,
        log_level="WARNING",
    )
    hasher = PasswordHasher.from_settings(settings)
    hash_ms = await timed(lambda: hasher.hash(PASSWORD), logins)
    stored = await hasher.hash(PASSWORD)
    verify_ms = await timed(lambda: hasher.verify(PASSWORD, stored), logins)

    engine = create_engine(settings)
    await migrations.upgrade(engine)
    email = f"bench-{int(time.time())}@example.com"
    async with session_scope(create_sessionmaker(engine)) as session:
        body = UserCreate(email=email, name="Bench", password=PASSWORD, roles=["admin"])
        app_identity = create_app(settings, engine=engine).state.identity
        await users_service.create_user(session, app_identity, SYSTEM_ACTOR, body)

    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        credentials = {"email": email, "password": PASSWORD}

        async def login() -> None:
            response = await client.post("/api/v1/auth/login", json=credentials)
            assert response.status_code == 200, response.text

        login_ms = await timed(login, logins)
        token = (await client.post("/api/v1/auth/login", json=credentials)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        async def health() -> None:
            assert (await client.get("/health")).status_code == 200

        async def me() -> None:
            assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200

        await timed(me, 20)  # warm-up
        health_ms = await timed(health, requests)
        me_ms = await timed(me, requests)
    await engine.dispose()
    overhead = round(statistics.median(me_ms) - statistics.median(health_ms), 3)
    return {
        "database": engine.dialect.name,
        "argon2": {
            "time_cost": settings.argon2_time_cost,
            "memory_kib": settings.argon2_memory_kib,
            "parallelism": settings.argon2_parallelism,
            "hash": percentiles(hash_ms),
            "verify": percentiles(verify_ms),
        },
        "login": percentiles(login_ms),
        "health": percentiles(health_ms),
        "authenticated_me": percentiles(me_ms),
        "authentication_overhead_p50_ms": overhead,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        "machine": {
            "cpus": cpu_count(),
            "python": sys.version.split()[0],
            "load_average_before": load_average(),
        },
        "git": git_info(),
    }


def markdown(result: dict[str, Any]) -> str:
    a = result["argon2"]
    rows = [
        ("argon2id hash", a["hash"]),
        ("argon2id verify", a["verify"]),
        ("POST /api/v1/auth/login", result["login"]),
        ("GET /health", result["health"]),
        ("GET /api/v1/auth/me (token checked)", result["authenticated_me"]),
    ]
    lines = [
        f"### {result['database']} — {result['date']} UTC, {result['machine']['cpus']} CPUs",
        "",
        f"argon2id t={a['time_cost']}, m={a['memory_kib']} KiB, p={a['parallelism']}; "
        "in-process ASGI, one request at a time.",
        "",
        "| what | p50 ms | p99 ms | samples |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {name} | {s['p50_ms']} | {s['p99_ms']} | {s['samples']} |" for name, s in rows]
    lines += [
        "",
        f"Authentication overhead per request (p50 of /auth/me − p50 of /health): "
        f"**{result['authentication_overhead_p50_ms']} ms**.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("TRADEHUB_DATABASE_URL"))
    parser.add_argument("--logins", type=int, default=30)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--results-dir", type=Path, default=DEFAULT_RESULTS_DIR)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite+aiosqlite:///{scratch}/auth-bench.db"
        result = asyncio.run(run(url, args.logins, args.requests))
    args.results_dir.mkdir(parents=True, exist_ok=True)
    (args.results_dir / f"auth-{result['database']}.json").write_text(
        json.dumps(result, indent=2) + "\n"
    )
    sections = []
    for path in sorted(args.results_dir.glob("auth-*.json")):
        sections.append(markdown(json.loads(path.read_text())))
    (args.results_dir / "auth.md").write_text(
        "# Authentication benchmark: latest results\n\nWritten by `bench/run_auth.py`.\n\n"
        + "\n".join(sections)
    )
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
