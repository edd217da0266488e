"""Reading CSV and XLSX tables row by row, and the per-row error report. No database.

A table's first non-blank row is its header. Column names are matched after normalising
(``" Legal Name "``, ``"legal-name"`` and ``"LEGAL_NAME"`` are all ``legal_name``); cells are
trimmed text and an empty cell is an absent value. Row numbers are the spreadsheet's: the header
is row 1 of a file that starts with it, the first data row is row 2.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from tempfile import SpooledTemporaryFile
from typing import IO, Any, Protocol, TextIO

XLSX_MAGIC = b"PK\x03\x04"
LEGACY_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Errors kept for the report; beyond, only counted (the count is always exact).
MAX_KEPT_ERRORS = 100_000
SPOOL_IN_MEMORY = 8 * 1024 * 1024
HASH_BLOCK = 1024 * 1024
_SEPARATORS = re.compile(r"[\s\-./]+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class UnreadableFile(ValueError):
    """The file is not a table we can read (wrong type, not UTF-8, corrupt); nothing per row."""


class UnsupportedFile(UnreadableFile):
    """Neither a CSV nor an XLSX file."""


def detect_format(head: bytes) -> FileFormat:
    """By content, not by name: XLSX is a ZIP archive; anything else must be UTF-8 CSV text."""
    if head.startswith(XLSX_MAGIC):
        return FileFormat.XLSX
    if head.startswith(LEGACY_XLS_MAGIC):
        raise UnsupportedFile("This is a legacy .xls workbook: save it as .xlsx or CSV (UTF-8)")
    if b"\x00" in head:
        raise UnsupportedFile("Send a CSV (UTF-8 text) or an XLSX file")
    return FileFormat.CSV


def normalise_header(name: object) -> str:
    """``" Branch State-Code "`` → ``branch_state_code``."""
    text = cell_text(name).lstrip("\ufeff").casefold()
    return _SEPARATORS.sub("_", text).strip("_")


def cell_text(value: object) -> str:
    """A cell as trimmed text: whole numbers without ``.0`` (Excel stores 9825012345 and 27 as
    numbers), dates in ISO form, ``""`` for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).strip()


def file_sha256(file: IO[bytes]) -> str:
    """The SHA-256 of the whole file; leaves it at the start."""
    file.seek(0)
    digest = hashlib.sha256()
    while block := file.read(HASH_BLOCK):
        digest.update(block)
    file.seek(0)
    return digest.hexdigest()


# --- the error report --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str | None
    msg: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "msg": self.msg}


@dataclass
class ErrorReport:
    """Every problem found, by row and column; the first ``max_kept`` are kept, all counted."""

    max_kept: int = MAX_KEPT_ERRORS
    errors: list[RowError] = field(default_factory=list)
    count: int = 0
    rows: set[int] = field(default_factory=set)

    def add(self, row: int, column: str | None, msg: str) -> None:
        self.count += 1
        self.rows.add(row)
        if len(self.errors) < self.max_kept:
            self.errors.append(RowError(row, column, msg))

    def __bool__(self) -> bool:
        return self.count > 0

    def ordered(self) -> list[RowError]:
        """By row; within a row, in the order found (the file's checks before the database's)."""
        return sorted(self.errors, key=lambda error: error.row)


ERROR_REPORT_HEADER = ("row", "column", "message")


def _safe_cell(text: str) -> str:
    """Spreadsheets run a cell starting with ``=``, ``+``, ``-`` or ``@`` as a formula; messages
    quote what the file held, so such a cell is prefixed with ``'``."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def write_error_csv(errors: Iterable[RowError], stream: TextIO) -> None:
    writer = csv.writer(stream)
    writer.writerow(ERROR_REPORT_HEADER)
    for error in errors:
        writer.writerow([error.row, _safe_cell(error.column or ""), _safe_cell(error.msg)])


# --- columns -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Columns:
    """The columns a kind of row has: the required ones must be in the header."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


Record = dict[str, str]


class Table(Protocol):
    def header(self) -> tuple[int, list[object]] | None: ...

    def rows(self) -> Iterator[tuple[int, Sequence[object]]]: ...

    def size_hint(self) -> int | None: ...

    def close(self) -> None: ...


def _blank(cells: Sequence[object]) -> bool:
    return all(cell_text(cell) == "" for cell in cells)


class CsvTable:
    """A UTF-8 CSV file (a byte-order mark is tolerated); comma, semicolon or tab separated,
    whichever the header line uses most."""

    def __init__(self, file: IO[bytes]) -> None:
        self._file = file
        self._text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
        self._delimiter = self._sniff()
        self._reader = self._records()
        self._number = 0

    def _sniff(self) -> str:
        try:
            first = self._text.readline()
            self._text.seek(0)
        except UnicodeDecodeError as error:
            raise _not_utf8(error) from None
        counts = {delimiter: first.count(delimiter) for delimiter in (",", ";", "\t")}
        return max(counts, key=lambda delimiter: counts[delimiter]) if any(counts.values()) else ","

    def _records(self) -> Iterator[list[str]]:
        try:
            yield from csv.reader(self._text, delimiter=self._delimiter)
        except UnicodeDecodeError as error:
            raise _not_utf8(error) from None
        except csv.Error as error:
            raise UnreadableFile(
                f"The CSV is malformed near record {self._number}: {error}"
            ) from None

    def header(self) -> tuple[int, list[object]] | None:
        for cells in self._reader:
            self._number += 1
            if not _blank(cells):
                return self._number, list(cells)
        return None

    def rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        for cells in self._reader:
            self._number += 1
            yield self._number, cells

    def size_hint(self) -> int | None:
        """Records after the header (one pass over the file, which also proves it is all UTF-8).
        Call it before reading the header."""
        try:
            count = sum(1 for _ in csv.reader(self._text, delimiter=self._delimiter))
        except UnicodeDecodeError as error:
            raise _not_utf8(error) from None
        except csv.Error:
            count = 0  # reported, with its position, when the rows are read
        finally:
            self._text.seek(0)
        return max(count - 1, 0) or None

    def close(self) -> None:
        self._text.detach()  # the caller owns (and closes) the binary file


def _not_utf8(error: UnicodeDecodeError) -> UnreadableFile:
    return UnsupportedFile(
        f"The CSV is not UTF-8 text (byte {error.start}): save it as “CSV UTF-8” and send it again"
    )


class XlsxTable:
    """The first worksheet of an XLSX workbook, streamed (openpyxl's read-only mode): the rows
    are never all in memory. Formulas give their last computed value."""

    def __init__(self, file: IO[bytes]) -> None:
        from openpyxl import load_workbook  # type: ignore[import-untyped]  # a second or so of import: only when needed

        try:
            self._book = load_workbook(file, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise UnreadableFile(f"The XLSX workbook cannot be read: {error}") from None
        if not self._book.worksheets:
            raise UnreadableFile("The workbook has no worksheet")
        self._sheet = self._book.worksheets[0]
        self._rows = enumerate(self._sheet.iter_rows(values_only=True), start=1)

    def header(self) -> tuple[int, list[object]] | None:
        for number, cells in self._rows:
            if not _blank(cells):
                return number, list(cells)
        return None

    def rows(self) -> Iterator[tuple[int, Sequence[object]]]:
        try:
            yield from self._rows
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise UnreadableFile(f"The XLSX workbook cannot be read: {error}") from None

    def size_hint(self) -> int | None:
        rows = self._sheet.max_row  # from the sheet's recorded dimension, when it has one
        return rows - 1 if isinstance(rows, int) and rows > 1 else None

    def close(self) -> None:
        self._book.close()


def open_table(file: IO[bytes]) -> Table:
    """The table in ``file`` (binary, seekable), by its content."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if not head:
        raise UnreadableFile("The file is empty")
    if detect_format(head) is FileFormat.XLSX:
        return XlsxTable(file)
    return CsvTable(file)


@dataclass
class TableReader:
    """The records of a table as ``{column: text}`` with only the non-empty cells, after the
    header has been checked: every required column present, none unknown or repeated. Header
    problems are reported on the header's row, and then no record is read."""

    table: Table
    columns: Columns
    report: ErrorReport
    max_rows: int | None = None
    header_row: int = 0
    _names: list[str] = field(default_factory=list)

    def read_header(self) -> bool:
        found = self.table.header()
        if found is None:
            self.report.add(1, None, "The file has no header row")
            return False
        self.header_row, cells = found
        self._names = [normalise_header(cell) for cell in cells]
        seen: set[str] = set()
        for name in self._names:
            if not name:
                continue
            if name not in self.columns.known:
                expected = ", ".join(self.columns.known)
                self.report.add(self.header_row, name, f"Unknown column; expected: {expected}")
            elif name in seen:
                self.report.add(self.header_row, name, "The column appears twice")
            seen.add(name)
        for name in self.columns.required:
            if name not in seen:
                self.report.add(self.header_row, name, "This column is required")
        return not self.report

    def records(self) -> Iterator[tuple[int, Record]]:
        """Blank rows are skipped; a value under no column name is an error of its row."""
        names, limit, read = self._names, self.max_rows, 0
        for number, cells in self.table.rows():
            record: Record = {}
            stray = False
            for index, cell in enumerate(cells):
                text = cell_text(cell)
                if not text:
                    continue
                name = names[index] if index < len(names) else ""
                if name:
                    record[name] = text
                else:
                    stray = True
            if not record and not stray:
                continue
            read += 1
            if limit is not None and read > limit:
                self.report.add(number, None, f"The file has more than {limit} rows: split it")
                return
            if stray:
                self.report.add(number, None, "A value lies in a column without a header")
            yield number, record


# --- progress and the spool of checked rows ----------------------------------------------------


class Progress(Protocol):
    """What the CLI's progress bars (or nothing) see: a phase starts, then moves on."""

    def start(self, phase: str, total: int | None) -> None: ...

    def advance(self, phase: str, count: int) -> None: ...


class NoProgress:
    def start(self, phase: str, total: int | None) -> None:
        return None

    def advance(self, phase: str, count: int) -> None:
        return None


class Spool:
    """Checked rows kept on disk (in memory up to 8 MiB) between the check and the insert, so a
    100,000-row import holds one chunk of rows at a time, not the file."""

    def __init__(self, chunk_size: int) -> None:
        self.chunk_size = chunk_size
        self.count = 0
        self._file: SpooledTemporaryFile[bytes] = SpooledTemporaryFile(  # noqa: SIM115 - close()
            max_size=SPOOL_IN_MEMORY
        )
        self._pending: list[list[Any]] = []

    def append(self, row: list[Any]) -> None:
        self._pending.append(row)
        self.count += 1
        if len(self._pending) >= self.chunk_size:
            self._write()

    def _write(self) -> None:
        if self._pending:
            self._file.write(json.dumps(self._pending, separators=(",", ":")).encode() + b"\n")
            self._pending = []

    def chunks(self) -> Iterator[list[list[Any]]]:
        self._write()
        self._file.seek(0)
        for line in self._file:
            yield json.loads(line)

    def close(self) -> None:
        self._file.close()
