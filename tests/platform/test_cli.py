"""The ``tradehub`` command, run in-process with typer's runner.

The commands call ``asyncio.run``, so each runs in a thread of its own, away from the event loop
pytest-asyncio keeps for the session.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.platform.conftest import in_thread, sqlite_tables, sqlite_url
from tradehub.cli import app
from tradehub.kit.metrics import MULTIPROC_ENV
from tradehub.kit.migrations import head_revisions


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings_cache: None) -> Path:
    """A fresh SQLite file the commands use through TRADEHUB_DATABASE_URL."""
    path = tmp_path / "cli.db"
    monkeypatch.setenv("TRADEHUB_DATABASE_URL", sqlite_url(path))
    monkeypatch.chdir(tmp_path)
    return path


def invoke(*args: str) -> Result:
    return in_thread(lambda: CliRunner().invoke(app, list(args)))


def test_migrate_creates_the_schema_at_head_on_a_fresh_database(database: Path) -> None:
    assert not database.exists()
    result = invoke("migrate")
    assert result.exit_code == 0, result.output
    assert "migrated" in result.output
    assert {"alembic_version", "idempotency_keys"} <= sqlite_tables(database)
    with sqlite3.connect(database) as connection:
        versions = {row[0] for row in connection.execute("SELECT version_num FROM alembic_version")}
    assert versions == set(head_revisions())


def test_migrate_twice_is_a_no_op(database: Path) -> None:
    assert invoke("migrate").exit_code == 0
    result = invoke("migrate")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT count(*) FROM alembic_version").fetchone()
    assert count == len(head_revisions())


def test_seed_demo_exits_zero_and_is_repeatable(database: Path) -> None:
    assert invoke("migrate").exit_code == 0
    first = invoke("seed-demo")
    assert first.exit_code == 0, first.output
    second = invoke("seed-demo")
    assert second.exit_code == 0, second.output


def test_help_lists_every_documented_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0, result.output
    for command in ("serve", "migrate", "seed-demo", "users", "worker", "scheduler", "jobs"):
        assert re.search(rf"\b{command}\b", result.output), command


class UvicornRecorder:
    def __init__(self) -> None:
        self.calls: list[tuple[tuple[object, ...], dict[str, object]]] = []

    def __call__(self, *args: object, **kwargs: object) -> None:
        self.calls.append((args, kwargs))


@pytest.fixture
def uvicorn_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings_cache: None
) -> Iterator[UvicornRecorder]:
    """``serve`` without serving; the metrics folder it puts in os.environ is undone after."""
    recorder = UvicornRecorder()
    monkeypatch.setattr("tradehub.cli.uvicorn.run", recorder)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # folders it makes land here
    original = os.environ.pop(MULTIPROC_ENV, None)
    try:
        yield recorder
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        if original is not None:
            os.environ[MULTIPROC_ENV] = original


def test_serve_runs_the_app_factory_with_workers_given_time_to_start(
    uvicorn_run: UvicornRecorder,
) -> None:
    result = invoke("serve", "--host", "127.0.0.2", "--port", "8123", "--workers", "2")
    assert result.exit_code == 0, result.output
    ((args, kwargs),) = uvicorn_run.calls
    assert args == ("tradehub.main:create_app",)
    assert kwargs["factory"] is True
    assert (kwargs["host"], kwargs["port"], kwargs["workers"]) == ("127.0.0.2", 8123, 2)
    # A spawned worker re-imports the app (seconds on a small machine); uvicorn's default of
    # 5 s made busy hosts kill and respawn workers before they ever answered.
    timeout = kwargs["timeout_worker_healthcheck"]
    assert isinstance(timeout, int)
    assert timeout >= 30


def test_serve_with_several_workers_gives_them_a_private_metrics_folder(
    uvicorn_run: UvicornRecorder, tmp_path: Path
) -> None:
    assert invoke("serve", "--workers", "2").exit_code == 0
    first = Path(os.environ[MULTIPROC_ENV])
    assert first.is_dir()
    assert first.parent == tmp_path
    assert list(first.iterdir()) == []
    os.environ.pop(MULTIPROC_ENV)
    assert invoke("serve", "--workers", "2").exit_code == 0
    assert Path(os.environ[MULTIPROC_ENV]) != first, "two servers would mix samples"


def test_serve_clears_only_old_samples_from_a_configured_metrics_folder(
    uvicorn_run: UvicornRecorder, tmp_path: Path
) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_12345.db").write_bytes(b"old samples")
    (folder / "README.txt").write_text("not ours to delete", encoding="utf-8")
    os.environ[MULTIPROC_ENV] = str(folder)  # the fixture restores it
    assert invoke("serve", "--workers", "3").exit_code == 0
    assert os.environ[MULTIPROC_ENV] == str(folder)
    assert sorted(path.name for path in folder.iterdir()) == ["README.txt"]


def test_serve_with_one_worker_keeps_single_process_metrics(uvicorn_run: UvicornRecorder) -> None:
    assert invoke("serve", "--workers", "1").exit_code == 0
    assert MULTIPROC_ENV not in os.environ
    ((_, kwargs),) = uvicorn_run.calls
    assert kwargs["workers"] == 1
