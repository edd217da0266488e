"""``tradehub audit verify`` on a fresh migrated SQLite file: exit 0 intact, 1 broken."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.platform.conftest import in_thread, run_async, sqlite_url
from tradehub.audit import service
from tradehub.audit.domain import AuditActor
from tradehub.cli import app
from tradehub.config import Settings, get_settings
from tradehub.kit.db import create_engine, create_sessionmaker, session_scope


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "audit-cli.db"
    monkeypatch.setenv("TRADEHUB_DATABASE_URL", sqlite_url(path))
    get_settings.cache_clear()
    try:
        yield path
    finally:
        get_settings.cache_clear()


def invoke(*args: str) -> Result:
    return in_thread(lambda: CliRunner().invoke(app, list(args)))


def one_line(output: str) -> str:
    return re.sub(r"\s+", " ", output).strip()


def record_events(path: Path, count: int) -> None:
    async def run() -> None:
        engine = create_engine(Settings(database_url=sqlite_url(path)))
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                for n in range(count):
                    await service.record(
                        session,
                        actor=AuditActor(label="cli@example.com", ip="127.0.0.1"),
                        action="update",
                        entity_type="partner",
                        entity_id="p-1",
                        changes={"n": {"old": n, "new": n + 1}},
                    )
        finally:
            await engine.dispose()

    run_async(run)


def tamper(path: Path, statement: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TRIGGER audit_events_no_update")
        connection.execute("DROP TRIGGER audit_events_no_delete")
        connection.execute(statement)


def test_an_empty_log_is_intact(database: Path) -> None:
    assert invoke("migrate").exit_code == 0
    result = invoke("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "Audit chain intact: 0 events" in one_line(result.output)


def test_an_intact_chain_exits_zero_and_says_how_much_was_checked(database: Path) -> None:
    assert invoke("migrate").exit_code == 0
    record_events(database, 12)
    result = invoke("audit", "verify", "--batch-size", "5", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "Audit chain intact: 12 events, last seq 12" in one_line(result.output)


def test_an_edited_event_exits_one_naming_the_first_broken_link(database: Path) -> None:
    assert invoke("migrate").exit_code == 0
    record_events(database, 6)
    tamper(database, "UPDATE audit_events SET actor_label = 'mallory' WHERE seq = 4")
    with sqlite3.connect(database) as connection:
        (event_id,) = connection.execute("SELECT id FROM audit_events WHERE seq = 4").fetchone()
    result = invoke("audit", "verify", "--no-progress")
    assert result.exit_code == 1, result.output
    output = one_line(result.output)
    assert "Audit chain broken at seq 4" in output
    assert "problem: hash_mismatch" in output
    assert "intact events before it: 3" in output
    # SQLite keeps UUIDs as 32 hex digits; the report shows the usual form.
    assert str(event_id) in output.replace("-", "")


def test_a_deleted_event_exits_one_at_its_position(database: Path) -> None:
    assert invoke("migrate").exit_code == 0
    record_events(database, 5)
    tamper(database, "DELETE FROM audit_events WHERE seq = 2")
    result = invoke("audit", "verify", "--no-progress")
    assert result.exit_code == 1, result.output
    output = one_line(result.output)
    assert "Audit chain broken at seq 2" in output
    assert "problem: missing_event" in output
    assert "expected: seq 2" in output and "found: seq 3" in output
