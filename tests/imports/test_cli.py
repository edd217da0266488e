"""``tradehub import stations|partners`` on a fresh migrated SQLite file, with typer's runner."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner, Result

from tests.imports.helpers import PARTNER_HEADER, STATION_HEADER, Keys, csv_bytes, xlsx_bytes
from tests.platform.conftest import in_thread, sqlite_url
from tradehub.cli import app
from tradehub.config import get_settings
from tradehub.imports import cli as import_cli
from tradehub.imports import service


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "import-cli.db"
    monkeypatch.setenv("TRADEHUB_DATABASE_URL", sqlite_url(path))
    get_settings.cache_clear()
    try:
        assert invoke("migrate").exit_code == 0
        yield path
    finally:
        get_settings.cache_clear()


def invoke(*args: str) -> Result:
    return in_thread(lambda: CliRunner().invoke(app, list(args)))


def one_line(output: str) -> str:
    return re.sub(r"\s+", " ", output).strip()


def rows_in(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        (count,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608
    return int(count)


def test_help_lists_both_imports() -> None:
    result = invoke("import", "--help")
    assert result.exit_code == 0, result.output
    assert "stations" in result.output and "partners" in result.output


def test_stations_are_imported_and_audited(database: Path, tmp_path: Path) -> None:
    keys = Keys()
    file = tmp_path / "stations.csv"
    file.write_bytes(csv_bytes(("Name", "State Code", "Region"), keys.stations(120)))
    result = invoke("import", "stations", str(file))
    assert result.exit_code == 0, result.output
    assert "Imported 120 stations." in one_line(result.output)
    assert rows_in(database, "stations") == 120
    with sqlite3.connect(database) as connection:
        actions = connection.execute(
            "SELECT actor_label, entity_type FROM audit_events WHERE action = 'import'"
        ).fetchall()
    assert actions == [("cli:import", "station")]


def test_partners_from_xlsx_say_which_codes_they_got(database: Path, tmp_path: Path) -> None:
    keys = Keys()
    file = tmp_path / "partners.xlsx"
    file.write_bytes(xlsx_bytes(PARTNER_HEADER, keys.partners(50)))
    result = invoke("import", "partners", str(file))
    assert result.exit_code == 0, result.output
    assert re.search(
        r"Imported 50 partners \(codes BP-\d{4}-00001 to BP-\d{4}-00050\)", one_line(result.output)
    )
    assert rows_in(database, "partners") == rows_in(database, "partner_branches") == 50


def test_bad_rows_exit_1_with_a_table_and_a_csv_report(database: Path, tmp_path: Path) -> None:
    keys = Keys()
    rows = keys.partners(1000)
    rows[400][1] = "wizard"
    rows[700][2:4] = rows[699][2:4]
    file = tmp_path / "partners.csv"
    file.write_bytes(csv_bytes(PARTNER_HEADER, rows))
    report = tmp_path / "errors.csv"
    result = invoke("import", "partners", str(file), "--error-report", str(report))
    assert result.exit_code == 1, result.output
    output = one_line(result.output)
    assert "3 problem(s) in 2 of 1000 rows: nothing was imported." in output
    assert "Input should be 'buyer'" in output
    assert f"Every problem is in {report}" in output
    assert rows_in(database, "partners") == 0
    with report.open(encoding="utf-8") as stream:
        listed = list(csv.reader(stream))
    assert listed[0] == ["row", "column", "message"]
    assert [row[:2] for row in listed[1:]] == [["402", "kind"], ["702", "pan"], ["702", "gstin"]]
    assert listed[2][2] == f"The PAN {rows[699][2]} is also on row 701"


def test_a_dry_run_writes_nothing(database: Path, tmp_path: Path) -> None:
    keys = Keys()
    file = tmp_path / "stations.csv"
    file.write_bytes(csv_bytes(STATION_HEADER, keys.stations(10)))
    report = tmp_path / "errors.csv"
    report.write_text("row,column,message\n2,name,stale\n")
    result = invoke("import", "stations", str(file), "--dry-run", "--error-report", str(report))
    assert result.exit_code == 0, result.output
    assert report.read_text().splitlines() == ["row,column,message"]  # no stale problems
    assert "Dry run: all 10 stations are valid; nothing was written." in one_line(result.output)
    assert rows_in(database, "stations") == 0
    assert rows_in(database, "audit_events") == 0


def test_an_unreadable_file_exits_1_with_the_reason(database: Path, tmp_path: Path) -> None:
    file = tmp_path / "stations.csv"
    file.write_bytes("name,state_code\nBéed,27\n".encode("cp1252"))
    result = invoke("import", "stations", str(file))
    assert result.exit_code == 1
    assert "not UTF-8" in one_line(result.output)


def test_a_crash_half_way_through_the_inserts_leaves_no_row(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real commits: the command's transaction is rolled back, not just a test savepoint."""
    monkeypatch.setattr(service, "CHUNK_ROWS", 100)
    original = import_cli.BarProgress.advance

    def crash_in_the_middle(self: import_cli.BarProgress, phase: str, count: int) -> None:
        original(self, phase, count)
        if phase == "insert" and self._progress.tasks[-1].completed >= 300:
            raise RuntimeError("power cut")

    monkeypatch.setattr(import_cli.BarProgress, "advance", crash_in_the_middle)
    keys = Keys()
    file = tmp_path / "partners.csv"
    file.write_bytes(csv_bytes(PARTNER_HEADER, keys.partners(1000)))
    result = invoke("import", "partners", str(file))
    assert isinstance(result.exception, RuntimeError)
    assert rows_in(database, "partners") == rows_in(database, "partner_branches") == 0
    assert rows_in(database, "audit_events") == 0


def test_the_progress_bars_follow_each_phase() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=120)
    bars = import_cli.progress_bars(enabled=True, output=console)
    progress = import_cli.BarProgress(bars)
    progress.start("check", 10)
    progress.advance("check", 4)
    progress.start("insert", None)
    progress.advance("insert", 3)
    progress.advance("unknown", 1)
    assert [(t.description, t.completed, t.total) for t in bars.tasks] == [
        ("Checking rows", 4, 10),
        ("Inserting", 3, None),
    ]
