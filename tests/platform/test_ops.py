"""``/health``, ``/ready`` and ``/metrics``, and metrics that add up across uvicorn workers."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import http_client
from tests.platform.conftest import metric_samples, metric_total, run_async, sqlite_url
from tradehub.config import Environment, Settings
from tradehub.kit import migrations
from tradehub.kit.db import create_engine
from tradehub.main import create_app

REQUESTS = "tradehub_http_requests_total"
LATENCY_COUNT = "tradehub_http_request_duration_seconds_count"
VENV_BIN = Path(sys.executable).parent
SUBPROCESS_TIMEOUT = 60
SERVER_START_TIMEOUT = 120


async def test_health_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_ready_when_the_database_answers_and_migrations_are_at_head(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"


@pytest.fixture
async def empty_database_app(tmp_path: Path) -> AsyncIterator[FastAPI]:
    settings = Settings(env=Environment.TEST, database_url=sqlite_url(tmp_path / "empty.db"))
    engine = create_engine(settings)
    try:
        yield create_app(settings, engine=engine)
    finally:
        await engine.dispose()


async def test_not_ready_while_migrations_are_behind(empty_database_app: FastAPI) -> None:
    async with http_client(empty_database_app) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "behind"


@pytest.fixture
async def unreachable_database_app() -> AsyncIterator[FastAPI]:
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    url = "postgresql+asyncpg://tradehub:Sekrit-Db-Pw@127.0.0.1:1/tradehub"
    settings = Settings(env=Environment.TEST, database_url=url)
    engine = create_engine(settings)
    try:
        yield create_app(settings, engine=engine)
    finally:
        await engine.dispose()


async def test_not_ready_when_the_database_is_unreachable_and_nothing_leaks(
    unreachable_database_app: FastAPI,
) -> None:
    async with http_client(unreachable_database_app) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unreachable"
    assert body["checks"]["migrations"] == "unknown"
    assert set(body) == {"status", "checks"}
    for leak in ("refused", "Errno", "Sekrit", "127.0.0.1", "asyncpg", "Traceback", "port"):
        assert leak not in response.text


async def test_metrics_are_prometheus_text(client: httpx.AsyncClient) -> None:
    await client.get("/health")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "version=" in response.headers["content-type"]
    assert "# TYPE tradehub_http_requests_total counter" in response.text
    assert metric_total(response.text, REQUESTS, route="/health", method="GET") >= 1


async def test_metrics_count_requests_by_route_template_not_raw_path(
    client: httpx.AsyncClient,
) -> None:
    template = "/api/v1/probes/{probe_id}"
    created = await client.post("/api/v1/probes", json={"name": "counted", "amount": "5.00"})
    assert created.status_code == 201
    raw_path = f"/api/v1/probes/{created.json()['id']}"
    missing_path = f"/api/v1/probes/{uuid.uuid4()}"

    before = (await client.get("/metrics")).text
    assert (await client.get(raw_path)).status_code == 200
    assert (await client.get(raw_path)).status_code == 200
    assert (await client.get(missing_path)).status_code == 404
    after = (await client.get("/metrics")).text

    def count(text: str, status: str) -> float:
        return metric_total(text, REQUESTS, method="GET", route=template, status=status)

    assert count(after, "200") - count(before, "200") == 2
    assert count(after, "404") - count(before, "404") == 1
    routes = {labels["route"] for labels, _ in metric_samples(after, REQUESTS)}
    assert raw_path not in routes
    assert missing_path not in routes
    assert "/api/v1/probes" in routes


async def test_unmatched_paths_share_one_label(client: httpx.AsyncClient) -> None:
    path = f"/api/v1/nothing-here/{uuid.uuid4()}"
    assert (await client.get(path)).status_code == 404
    text = (await client.get("/metrics")).text
    routes = {labels["route"] for labels, _ in metric_samples(text, REQUESTS)}
    assert path not in routes
    assert metric_total(text, REQUESTS, route="unmatched", status="404") >= 1


def _python(code: str, multiproc_dir: Path, *args: str) -> str:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(multiproc_dir)}
    completed = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


OBSERVE = """
import sys
from tradehub.kit.metrics import observe_request
for _ in range(int(sys.argv[1])):
    observe_request("GET", "/api/v1/things/{thing_id}", 200, 0.01)
"""
RENDER = """
import sys
from tradehub.kit.metrics import render_metrics
payload, content_type = render_metrics()
sys.stdout.write(payload.decode())
"""


def test_metrics_from_separate_processes_are_aggregated(tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    _python(OBSERVE, folder, "3")
    _python(OBSERVE, folder, "4")
    assert len(list(folder.glob("counter_*.db"))) == 2, "each process writes its own samples"

    text = _python(RENDER, folder)
    labels = {"method": "GET", "route": "/api/v1/things/{thing_id}"}
    assert metric_total(text, REQUESTS, status="200", **labels) == 7
    assert metric_total(text, LATENCY_COUNT, **labels) == 7


# --- tradehub serve --workers 2, for real ---------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server (it stops its workers); then make sure nothing of its group is left."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # its own session: the server and its workers
    process.wait(timeout=10)


@pytest.fixture
def migrated_database(tmp_path: Path) -> Path:
    path = tmp_path / "served.db"

    async def migrate() -> None:
        engine = create_engine(Settings(env=Environment.TEST, database_url=sqlite_url(path)))
        try:
            await migrations.upgrade(engine, "heads")
        finally:
            await engine.dispose()

    run_async(migrate)
    return path


@pytest.fixture
def two_worker_server(migrated_database: Path, tmp_path: Path) -> Iterator[tuple[str, Path, Path]]:
    """``tradehub serve --workers 2`` on a free port: its base URL, metrics folder and log."""
    port = _free_port()
    folder = tmp_path / "prometheus"
    log_path = tmp_path / "serve.log"
    env = {
        **os.environ,
        "TRADEHUB_ENV": "test",
        "TRADEHUB_DATABASE_URL": sqlite_url(migrated_database),
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "tradehub"),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield f"http://127.0.0.1:{port}", folder, log_path
    finally:
        _stop(process)


def _wait_until_ready(base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    log = log_path.read_text(errors="replace")[-3000:]
    raise AssertionError(f"server not ready in {SERVER_START_TIMEOUT} s:\n{log}")


def _worker_pids(folder: Path) -> set[str]:
    return {path.stem.split("_", 1)[1] for path in folder.glob("counter_*.db")}


def test_serve_with_two_workers_serves_and_metrics_add_up(
    two_worker_server: tuple[str, Path, Path],
) -> None:
    base_url, folder, log_path = two_worker_server
    _wait_until_ready(base_url, log_path)

    sent = 0
    while sent < 20 or (len(_worker_pids(folder)) < 2 and sent < 400):
        # A new connection each time, so the kernel may hand each one to either worker.
        response = httpx.get(f"{base_url}/health", headers={"Connection": "close"}, timeout=10)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        sent += 1
    assert len(_worker_pids(folder)) == 2, f"one worker answered all {sent} requests"

    metrics = httpx.get(f"{base_url}/metrics", timeout=10)
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert metric_total(metrics.text, REQUESTS, method="GET", route="/health") == sent
    assert metric_total(metrics.text, LATENCY_COUNT, method="GET", route="/health") == sent
