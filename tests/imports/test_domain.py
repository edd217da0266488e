"""Reading tables and the error report, without a database."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.imports.helpers import csv_bytes, xlsx_bytes
from tradehub.imports.domain import (
    Columns,
    ErrorReport,
    FileFormat,
    RowError,
    Spool,
    TableReader,
    UnreadableFile,
    UnsupportedFile,
    cell_text,
    detect_format,
    normalise_header,
    open_table,
    write_error_csv,
)

COLUMNS = Columns(required=("name", "state_code"), optional=("region",))


def read(content: bytes, columns: Columns = COLUMNS, **options: int) -> tuple[list, ErrorReport]:
    report = ErrorReport()
    table = open_table(io.BytesIO(content))
    try:
        reader = TableReader(table, columns, report, **options)
        records = list(reader.records()) if reader.read_header() else []
    finally:
        table.close()
    return records, report


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("name", "name"),
        (" Legal Name ", "legal_name"),
        ("LEGAL-NAME", "legal_name"),
        ("Branch  State.Code", "branch_state_code"),
        ("\ufeffPAN", "pan"),
        ("e_mail", "e_mail"),
        (None, ""),
    ],
)
def test_header_names_ignore_case_spaces_and_separators(raw: object, normalised: str) -> None:
    assert normalise_header(raw) == normalised


@given(st.text(max_size=30))
def test_normalising_a_header_twice_changes_nothing(name: str) -> None:
    once = normalise_header(name)
    assert normalise_header(once) == once
    assert once == once.strip("_")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  Akola ", "Akola"),
        (27, "27"),
        (9825012345.0, "9825012345"),
        (2.5, "2.5"),
        (True, "true"),
        (date(2026, 4, 1), "2026-04-01"),
    ],
)
def test_cells_become_trimmed_text_and_whole_numbers_lose_their_fraction(
    value: object, text: str
) -> None:
    assert cell_text(value) == text


def test_the_format_comes_from_the_content_not_the_name() -> None:
    assert detect_format(b"PK\x03\x04rest") is FileFormat.XLSX
    assert detect_format(b"name,state_code\n") is FileFormat.CSV
    with pytest.raises(UnsupportedFile, match=r"legacy \.xls"):
        detect_format(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    with pytest.raises(UnsupportedFile):
        detect_format(b"\x89PNG\r\n\x1a\n\x00\x00")


def test_csv_with_a_byte_order_mark_blank_rows_and_quoted_newlines() -> None:
    content = csv_bytes(
        ("Name", "State Code", "Region"),
        [
            ["Akola", "27", ""],
            ["", "", ""],
            ['Rajkot "Yard"', "24", "Saurashtra\nwest"],
            ["Unjha", "24", ""],
        ],
        bom=True,
    )
    records, report = read(content)
    assert not report
    assert records == [
        (2, {"name": "Akola", "state_code": "27"}),
        (4, {"name": 'Rajkot "Yard"', "state_code": "24", "region": "Saurashtra\nwest"}),
        (5, {"name": "Unjha", "state_code": "24"}),
    ]


def test_semicolon_separated_csv_is_read_too() -> None:
    records, report = read(b"name;state_code\nAkola;27\n")
    assert not report
    assert records == [(2, {"name": "Akola", "state_code": "27"})]


def test_a_csv_that_is_not_utf8_is_refused_before_any_row() -> None:
    content = "name,state_code\nNāgpur,27\n".encode("utf-16-le")
    with pytest.raises(UnreadableFile):
        read(content)
    with pytest.raises(UnsupportedFile, match="not UTF-8"):
        open_table(io.BytesIO("name,state_code\nB\xe9ed,27\n".encode("latin-1"))).size_hint()


def test_xlsx_numbers_come_back_as_text_and_rows_keep_their_sheet_numbers() -> None:
    content = xlsx_bytes(
        ("Name", "STATE_CODE", "region"),
        [["Akola", 27, None], [None, None, None], ["Rajkot", 24, "Saurashtra"]],
    )
    records, report = read(content)
    assert not report
    assert records == [
        (2, {"name": "Akola", "state_code": "27"}),
        (4, {"name": "Rajkot", "state_code": "24", "region": "Saurashtra"}),
    ]


def test_a_corrupt_xlsx_is_unreadable() -> None:
    with pytest.raises(UnreadableFile, match="XLSX"):
        open_table(io.BytesIO(b"PK\x03\x04 not really a zip"))


def test_header_problems_are_reported_on_the_header_row_and_stop_the_read() -> None:
    content = csv_bytes(("Name", "name", "colour"), [["Akola", "x", "red"]])
    records, report = read(content)
    assert records == []
    assert [(e.row, e.column) for e in report.ordered()] == [
        (1, "name"),
        (1, "colour"),
        (1, "state_code"),
    ]
    messages = {e.column: e.msg for e in report.errors}
    assert messages["name"] == "The column appears twice"
    assert messages["state_code"] == "This column is required"
    assert messages["colour"].startswith("Unknown column; expected: name, state_code, region")


def test_an_empty_file_or_one_without_a_header_row() -> None:
    with pytest.raises(UnreadableFile, match="empty"):
        read(b"")
    records, report = read(b"\n\n")
    assert records == [] and [e.msg for e in report.errors] == ["The file has no header row"]


def test_a_value_without_a_column_name_is_an_error_of_its_row() -> None:
    records, report = read(b"name,state_code,\nAkola,27,\nRajkot,24,surprise\n")
    assert [number for number, _ in records] == [2, 3]
    assert [(e.row, e.msg) for e in report.errors] == [
        (3, "A value lies in a column without a header")
    ]


def test_rows_past_the_limit_are_refused() -> None:
    content = csv_bytes(("name", "state_code"), [[f"T{n}", "27"] for n in range(5)])
    records, report = read(content, max_rows=3)
    assert len(records) == 3
    assert [(e.row, e.msg) for e in report.errors] == [
        (5, "The file has more than 3 rows: split it")
    ]


def test_the_report_keeps_the_first_errors_and_counts_them_all() -> None:
    report = ErrorReport(max_kept=2)
    for row in (9, 3, 5):
        report.add(row, "pan", f"bad {row}")
    assert report.count == 3 and report.rows == {3, 5, 9}
    assert [e.row for e in report.ordered()] == [3, 9]


def test_the_error_csv_lists_row_column_message_and_defuses_formulas() -> None:
    stream = io.StringIO()
    write_error_csv(
        [RowError(4, "email", '=HYPERLINK("x") is not an e-mail'), RowError(1, None, "No header")],
        stream,
    )
    assert stream.getvalue().splitlines() == [
        "row,column,message",
        '4,email,"\'=HYPERLINK(""x"") is not an e-mail"',
        "1,,No header",
    ]


def test_the_spool_gives_back_every_row_in_chunks() -> None:
    spool = Spool(chunk_size=3)
    for n in range(7):
        spool.append([f"row {n}", None, n])
    chunks = list(spool.chunks())
    spool.close()
    assert [len(chunk) for chunk in chunks] == [3, 3, 1]
    assert chunks[2] == [["row 6", None, 6]]
    assert spool.count == 7
