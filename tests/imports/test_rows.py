"""Row rules: the same checks as POST /stations and POST /partners, one row at a time, and the
pass over a file that finds repeats. No database."""

from __future__ import annotations

import io
from typing import Any

from tests.imports.helpers import PARTNER_HEADER, Keys, csv_bytes
from tests.organization.helpers import make_gstin
from tradehub.imports.domain import ErrorReport, NoProgress
from tradehub.imports.rows import (
    PARTNER_COLUMNS,
    STATION_COLUMNS,
    CheckedFile,
    check_file,
    check_partner,
    check_station,
)


def problems(report: ErrorReport) -> list[tuple[int, str | None, str]]:
    return [(e.row, e.column, e.msg) for e in report.ordered()]


def partner_record(keys: Keys, index: int = 0, **changes: str | None) -> dict[str, str]:
    record = dict(zip(PARTNER_HEADER, keys.partner(index), strict=True))
    record.update(changes)  # type: ignore[arg-type]
    return {name: value for name, value in record.items() if value}


def checked_partner(record: dict[str, str]) -> tuple[Any, list[tuple[int, str | None, str]]]:
    report = ErrorReport()
    checked = check_partner(7, record, report)
    return (checked[0] if checked else None), problems(report)


def test_a_station_row_is_trimmed_keyed_by_its_casefolded_name_and_state() -> None:
    report = ErrorReport()
    checked = check_station(2, {"name": "Akola", "state_code": "7", "region": "Vidarbha"}, report)
    assert not report and checked is not None
    row, [key] = checked
    assert row == ["Akola", "akola", "07", "Vidarbha"]
    assert key.value == ("07", "akola")


def test_a_station_row_names_each_bad_column() -> None:
    report = ErrorReport()
    assert check_station(3, {"name": "x" * 101, "state_code": "ABC"}, report) is None
    assert [(row, column) for row, column, _ in problems(report)] == [
        (3, "name"),
        (3, "state_code"),
    ]
    report = ErrorReport()
    assert check_station(4, {"name": "Akola", "state_code": "25"}, report) is None
    assert problems(report) == [(4, "state_code", "'25' is not a known state code")]


def test_a_valid_partner_row_gets_its_head_office_from_the_gstin() -> None:
    keys = Keys()
    row, found = checked_partner(partner_record(keys, kind="SELLER", email="Accounts@Example.IN"))
    assert found == []
    gstin = make_gstin("24", keys.pan(0))
    assert row[2:8] == [
        "seller",
        keys.pan(0),
        gstin,
        "accounts@example.in",
        "+919825012345",
        "APMC Yard, Rajkot",
    ]
    assert row[8:] == ["Head office", gstin, "24"]


def test_branch_columns_name_the_head_office_and_default_to_the_registration() -> None:
    keys = Keys()
    row, found = checked_partner(partner_record(keys, branch_name="Rajkot yard"))
    assert found == []
    assert row[8:] == ["Rajkot yard", make_gstin("24", keys.pan(0)), "24"]
    other_state = make_gstin("27", keys.pan(0))
    row, found = checked_partner(
        partner_record(keys, branch_name="Akola", branch_state_code="27", branch_gstin=other_state)
    )
    assert found == [] and row[8:] == ["Akola", other_state, "27"]


def test_a_head_office_elsewhere_without_its_gstin_is_refused_for_a_seller() -> None:
    keys = Keys()
    _, found = checked_partner(partner_record(keys, branch_name="Akola", branch_state_code="27"))
    assert found == [(7, "branch_gstin", "Each branch of a seller needs its GSTIN")]


def test_a_broker_may_have_no_gstin_and_then_no_head_office() -> None:
    keys = Keys()
    row, found = checked_partner(partner_record(keys, kind="broker", gstin=None))
    assert found == [] and row[4] is None and row[8:] == [None, None, None]


def test_partner_rules_are_those_of_post_partners() -> None:
    keys = Keys()
    _, found = checked_partner(partner_record(keys, gstin=None))
    assert found == [(7, "gstin", "A GSTIN is required for a seller")]
    _, found = checked_partner(partner_record(keys, gstin=make_gstin("24", keys.pan(1))))
    assert found == [(7, "gstin", "Characters 3-12 of the GSTIN must be the PAN")]
    _, found = checked_partner(partner_record(keys, mobile="12345"))
    assert [column for _, column, _ in found] == ["mobile"]


def test_a_bad_gstin_is_reported_once_not_again_for_the_head_office_it_makes() -> None:
    keys = Keys()
    gstin = make_gstin("24", keys.pan(0))
    broken = gstin[:-1] + ("A" if gstin[-1] != "A" else "B")
    _, found = checked_partner(partner_record(keys, gstin=broken))
    assert found == [(7, "gstin", "The GSTIN's check character does not match (mistyped?)")]


def test_shape_and_identity_problems_of_one_row_are_all_reported_at_once() -> None:
    keys = Keys()
    _, found = checked_partner(
        partner_record(keys, kind="wizard", email="no-at-sign", pan="ABCDE0000F", legal_name=None)
    )
    columns = [column for _, column, _ in found]
    assert {"legal_name", "kind", "email", "pan", "gstin"} <= set(columns)
    assert len(columns) == len(set(columns))  # one message a column


def check(content: bytes, *, partners: bool = True) -> CheckedFile:
    rule, columns = (
        (check_partner, PARTNER_COLUMNS) if partners else (check_station, STATION_COLUMNS)
    )
    result = check_file(io.BytesIO(content), rule, columns, progress=NoProgress(), chunk_size=2)
    result.spool.close()
    return result


def test_repeats_within_the_file_name_the_first_row() -> None:
    keys = Keys()
    rows = keys.partners(4)
    rows[2][2:4] = rows[0][2:4]  # the PAN and GSTIN of row 2 again
    rows[3][4] = rows[1][4].upper()  # the e-mail of row 3, in capitals
    result = check(csv_bytes(PARTNER_HEADER, rows))
    pan, gstin = rows[0][2], rows[0][3]
    assert problems(result.report) == [
        (4, "pan", f"The PAN {pan} is also on row 2"),
        (4, "gstin", f"The GSTIN {gstin} is also on row 2"),
        (5, "email", f"The e-mail {rows[1][4]} is also on row 3"),
    ]
    assert result.rows == 4


def test_station_repeats_ignore_case_within_a_state_only() -> None:
    content = csv_bytes(("name", "state_code"), [["Akola", "27"], ["Akola", "24"], ["AKOLA", "27"]])
    result = check(content, partners=False)
    assert problems(result.report) == [
        (4, "name", "The station 'AKOLA' in state 27 is also on row 2")
    ]


def test_good_rows_are_spooled_only_while_the_file_is_clean() -> None:
    keys = Keys()
    clean = check(csv_bytes(PARTNER_HEADER, keys.partners(5)))
    assert not clean.report and clean.spool.count == 5
    assert set(clean.first_seen) == {"pan", "email", "gstin"}
    assert len(clean.first_seen["gstin"]) == 5  # a head office's GSTIN is its partner's
    rows = keys.partners(5)
    rows[1][1] = "wizard"
    dirty = check(csv_bytes(PARTNER_HEADER, rows))
    assert dirty.report.count == 1 and dirty.spool.count == 1  # row 2 only, before the bad one


def test_a_header_only_file_has_no_rows_to_import() -> None:
    result = check(csv_bytes(PARTNER_HEADER, []))
    assert problems(result.report) == [(1, None, "The file has no rows below its header")]
