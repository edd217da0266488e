"""``tradehub worker``, ``tradehub scheduler`` and ``tradehub jobs …`` as real processes."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from tests.mail import MailServer
from tests.worker_process import TRADEHUB, own_database, start, stop, worker_env
from tradehub.cli import app
from tradehub.config import get_settings
from tradehub.jobs.catalog import application_registry
from tradehub.jobs.models import JobRun
from tradehub.kit import outbox
from tradehub.kit.db import create_sessionmaker, session_scope
from tradehub.kit.outbox import OutboxMessage

TIMEOUT = 60
# The scheduler starts by running every job once.
JOBS = set(application_registry().jobs)


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRADEHUB, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT
    )


async def _queue(engine: AsyncEngine) -> uuid.UUID:
    async with session_scope(create_sessionmaker(engine)) as session:
        message = await outbox.enqueue(
            session, channel="email", recipient="cli@example.com", template="welcome", context={}
        )
    return message.id


async def _job_runs(engine: AsyncEngine) -> list[JobRun]:
    async with create_sessionmaker(engine)() as session:
        return list((await session.scalars(select(JobRun))).all())


async def _status(engine: AsyncEngine, message_id: uuid.UUID) -> str:
    async with create_sessionmaker(engine)() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.id == message_id))
    assert row is not None
    return row.status


async def test_jobs_run_runs_a_job_now_and_jobs_list_shows_it(
    database_url: str, tmp_path: Path
) -> None:
    async with own_database(database_url, tmp_path, "cli_run") as (url, engine):
        env = worker_env(url)
        done = await asyncio.to_thread(_run, ["jobs", "run", "notification_retry"], env, tmp_path)
        assert done.returncode == 0, done.stderr
        assert 'notification_retry succeeded: {"requeued": 0}' in done.stdout
        [run] = await _job_runs(engine)
        assert (run.job_name, run.trigger, run.status) == (
            "notification_retry",
            "manual",
            "succeeded",
        )

        wide = {**env, "COLUMNS": "200"}
        listing = await asyncio.to_thread(_run, ["jobs", "list"], wide, tmp_path)
        assert listing.returncode == 0
        assert "session_cleanup" in listing.stdout and "every 5 minutes" in listing.stdout


def test_an_unknown_job_exits_2_and_names_the_known_ones() -> None:
    result = CliRunner().invoke(app, ["jobs", "run", "no_such_job"])
    assert result.exit_code == 2
    assert "Unknown job 'no_such_job'" in result.output
    assert "notification_retry, offer_expiry, session_cleanup" in result.output


def test_the_procrastinate_engine_needs_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEHUB_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["worker", "--engine", "procrastinate"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "needs PostgreSQL" in result.output


async def test_the_worker_delivers_and_runs_jobs_and_the_scheduler_only_runs_jobs(
    database_url: str, tmp_path: Path, mail_server: MailServer
) -> None:
    async with own_database(database_url, tmp_path, "cli_worker") as (url, engine):
        message_id = await _queue(engine)
        env = worker_env(url, smtp_host=mail_server.host, smtp_port=mail_server.port)
        log = tmp_path / "scheduler.log"
        scheduler = start(["scheduler"], env, tmp_path, log)
        try:
            deadline = time.monotonic() + TIMEOUT
            while len(await _job_runs(engine)) < len(JOBS) and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
        finally:
            assert stop(scheduler) == 0, log.read_text()
        assert {run.job_name for run in await _job_runs(engine)} == JOBS
        assert await _status(engine, message_id) == "queued", "the scheduler delivers nothing"

        log = tmp_path / "worker.log"
        worker = start(["worker"], env, tmp_path, log)
        try:
            await asyncio.to_thread(mail_server.wait_for, 1, TIMEOUT)
        finally:
            assert stop(worker) == 0, log.read_text()
        assert mail_server.handler.message_ids() == {f"<{message_id}@tradehub.local>": 1}
        assert await _status(engine, message_id) == "sent"
        assert len(await _job_runs(engine)) == len(JOBS), "the periods were already run"
