"""The rules a row must pass, and the pass over a whole file that applies them. No database.

A station row is checked by ``StationCreate`` and the state code rule of ``POST /stations``; a
partner row by ``PartnerCreate`` and ``partner.checks`` (``check_identity``, ``check_branches``),
exactly as ``POST /partners`` checks its body, so an imported partner obeys the same rules.
Then keys that must be unique (a station's name in its state; a partner's PAN, e-mail and
GSTINs) are compared across the file: a repeat names the row that had it first.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import IO, Any

from pydantic import ValidationError

from tradehub.geo.schemas import StationCreate
from tradehub.imports.domain import (
    Columns,
    ErrorReport,
    NoProgress,
    Progress,
    Record,
    Spool,
    TableReader,
    file_sha256,
    open_table,
)
from tradehub.kit.identifiers import GST_STATE_CODES
from tradehub.partner.checks import BranchFields, FieldErrors, check_branches, check_identity
from tradehub.partner.domain import PartnerKind
from tradehub.partner.schemas import PartnerCreate
from tradehub.partner.service import HEAD_OFFICE_NAME

STATION_COLUMNS = Columns(required=("name", "state_code"), optional=("region",))
PARTNER_FIELDS = ("legal_name", "trade_name", "kind", "pan", "gstin", "email", "mobile", "address")
BRANCH_COLUMNS = ("branch_name", "branch_state_code", "branch_gstin")
PARTNER_COLUMNS = Columns(
    required=("legal_name", "kind", "pan", "email"),
    optional=("trade_name", "gstin", "mobile", "address", *BRANCH_COLUMNS),
)
PROGRESS_EVERY = 1000


@dataclass(frozen=True, slots=True)
class Key:
    """A value that must be unique across the file and the database."""

    kind: str  # station | pan | email | gstin
    value: Hashable
    column: str
    label: str  # how a message names it: "The PAN AAPFU0939F"


Checked = tuple[list[Any], list[Key]]
RowRule = Callable[[int, Record, ErrorReport], Checked | None]


def state_code(text: str) -> str:
    """``7`` → ``07``: a spreadsheet keeps a typed ``07`` as the number 7."""
    return text.zfill(2) if text.isdigit() and len(text) == 1 else text


def _model_errors(
    report: ErrorReport, number: int, error: ValidationError, column_of: Callable[..., str | None]
) -> set[str | None]:
    columns: set[str | None] = set()
    seen: set[tuple[str | None, str]] = set()
    for item in error.errors(include_url=False):
        column = column_of(tuple(item["loc"]))
        if (column, item["msg"]) not in seen:
            seen.add((column, item["msg"]))
            columns.add(column)
            report.add(number, column, item["msg"])
    return columns


# --- stations ----------------------------------------------------------------------------------

# A station row, as spooled: name, name_key, state_code, region.


def check_station(number: int, record: Record, report: ErrorReport) -> Checked | None:
    data: dict[str, str] = {name: record[name] for name in STATION_COLUMNS.known if name in record}
    if "state_code" in data:
        data["state_code"] = state_code(data["state_code"])
    try:
        body = StationCreate.model_validate(data)
    except ValidationError as error:
        _model_errors(report, number, error, lambda loc: str(loc[0]) if loc else None)
        return None
    if body.state_code not in GST_STATE_CODES:  # what geo.service.require_state refuses
        report.add(number, "state_code", f"{body.state_code!r} is not a known state code")
        return None
    name_key = body.name.casefold()
    key = Key(
        "station",
        (body.state_code, name_key),
        "name",
        f"The station {body.name!r} in state {body.state_code}",
    )
    return [body.name, name_key, body.state_code, body.region], [key]


# --- partners ----------------------------------------------------------------------------------

# A partner row, as spooled: legal_name, trade_name, kind, pan, gstin, email, mobile, address,
# then its head office (branch_name, branch_gstin, branch_state_code), all None without one.


@dataclass
class _PartnerDraft:
    """The body ``POST /partners`` would receive for a row, and which file column each of its
    branch values came from (a defaulted value's problem belongs to the column it came from)."""

    data: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)

    def column_of(self, loc: tuple[Any, ...]) -> str | None:
        if not loc:
            return None
        if loc[0] != "branches":
            return str(loc[0])
        column = f"branch_{loc[2]}" if len(loc) > 2 else "branch_name"
        return self.sources.get(column, column)


def _partner_draft(record: Record) -> _PartnerDraft:
    data: dict[str, Any] = {name: record[name] for name in PARTNER_FIELDS if name in record}
    if "kind" in data:
        data["kind"] = data["kind"].lower()
    draft = _PartnerDraft(data)
    if not any(column in record for column in BRANCH_COLUMNS):
        # The head office comes from the GSTIN, as create_partner does: its problems are the
        # GSTIN's.
        draft.sources = dict.fromkeys(BRANCH_COLUMNS, "gstin")
        return draft
    gstin = record.get("gstin", "").upper()
    branch_gstin = record.get("branch_gstin")
    branch_state = record.get("branch_state_code")
    if branch_state is None:
        source = branch_gstin or gstin
        if len(source) >= 2:
            branch_state = source[:2]
            draft.sources["branch_state_code"] = "branch_gstin" if branch_gstin else "gstin"
    else:
        branch_state = state_code(branch_state)
    if branch_gstin is None and gstin and gstin[:2] == branch_state:
        branch_gstin = gstin  # a head office in the registration's state uses its GSTIN
        draft.sources["branch_gstin"] = "gstin"
    branch = {
        "name": record.get("branch_name", HEAD_OFFICE_NAME),
        "state_code": branch_state,
        "gstin": branch_gstin,
        "is_head_office": True,
    }
    data["branches"] = [{key: value for key, value in branch.items() if value is not None}]
    return draft


def _field_errors(
    report: ErrorReport,
    number: int,
    draft: _PartnerDraft,
    errors: FieldErrors,
    skip: set[str | None],
) -> None:
    seen: set[tuple[str | None, str]] = set()
    for item in errors.errors:
        column = draft.column_of(tuple(item["loc"][1:]))  # loc starts with "body"
        if column in skip or (column, item["msg"]) in seen:
            continue
        seen.add((column, item["msg"]))
        report.add(number, column, item["msg"])


def check_partner(number: int, record: Record, report: ErrorReport) -> Checked | None:
    draft = _partner_draft(record)
    try:
        body = PartnerCreate.model_validate(draft.data)
    except ValidationError as error:
        bad = _model_errors(report, number, error, draft.column_of)
        _identity_anyway(report, number, draft, bad)
        return None
    errors = FieldErrors()
    pan, gstin, mobile = check_identity(
        errors, kind=body.kind, pan=body.pan, gstin=body.gstin, mobile=body.mobile
    )
    if body.branches:
        given = [
            BranchFields(b.name, b.gstin, b.state_code, b.is_head_office) for b in body.branches
        ]
    elif body.gstin is not None:  # as partner.service.create_partner: the registration's state
        given = [BranchFields(HEAD_OFFICE_NAME, gstin, body.gstin.strip()[:2], True)]
    else:
        given = []
    branches = check_branches(errors, given, pan=pan, kind=body.kind)
    if errors.errors:
        _field_errors(report, number, draft, errors, set())
        return None
    email = str(body.email).strip().lower()
    head = branches[0] if branches else None
    row = [
        body.legal_name,
        body.trade_name,
        str(body.kind),
        pan,
        gstin,
        email,
        mobile,
        body.address,
        head.name if head else None,
        head.gstin if head else None,
        head.state_code if head else None,
    ]
    keys = [
        Key("pan", pan, "pan", f"The PAN {pan}"),
        Key("email", email, "email", f"The e-mail {email}"),
    ]
    if gstin:
        keys.append(Key("gstin", gstin, "gstin", f"The GSTIN {gstin}"))
    if head and head.gstin and head.gstin != gstin:
        column = draft.column_of(("branches", 0, "gstin"))
        keys.append(Key("gstin", head.gstin, column or "branch_gstin", f"The GSTIN {head.gstin}"))
    return row, keys


def _identity_anyway(
    report: ErrorReport, number: int, draft: _PartnerDraft, bad: set[str | None]
) -> None:
    """The body failed its shape checks; check PAN, GSTIN and mobile anyway, so one pass over
    the file names every problem of the row, not the first kind found."""
    pan = draft.data.get("pan")
    if not isinstance(pan, str) or "pan" in bad:
        return
    try:
        kind = PartnerKind(str(draft.data.get("kind")))
    except ValueError:
        kind = PartnerKind.BROKER  # the kind is reported already; no GSTIN requirement then
    errors = FieldErrors()
    check_identity(
        errors, kind=kind, pan=pan, gstin=draft.data.get("gstin"), mobile=draft.data.get("mobile")
    )
    _field_errors(report, number, draft, errors, bad)


# --- a whole file ------------------------------------------------------------------------------


@dataclass
class CheckedFile:
    """The outcome of the pass over a file: its problems, its good rows (spooled; only while
    it has no problem) and, for the database comparison, where each unique key first appears."""

    report: ErrorReport
    spool: Spool
    sha256: str
    rows: int = 0
    first_seen: dict[str, dict[Hashable, tuple[int, str]]] = field(default_factory=dict)


def check_file(
    file: IO[bytes],
    rule: RowRule,
    columns: Columns,
    *,
    progress: Progress,
    chunk_size: int,
    max_rows: int | None = None,
) -> CheckedFile:
    """Read every row of ``file`` and check it with ``rule`` (blocking: run it in a thread).

    Raises ``UnreadableFile`` when the file is not a readable CSV or XLSX table.
    """
    result = CheckedFile(ErrorReport(), Spool(chunk_size), file_sha256(file))
    report = result.report
    table = open_table(file)
    try:
        # The total costs a pass over a CSV: only worth it when someone watches the progress.
        progress.start("check", None if isinstance(progress, NoProgress) else table.size_hint())
        reader = TableReader(table, columns, report, max_rows=max_rows)
        if not reader.read_header():
            return result
        pending = 0
        for number, record in reader.records():
            result.rows += 1
            checked = rule(number, record, report)
            if checked is not None:
                row, keys = checked
                repeated = _note_keys(result.first_seen, number, keys, report)
                if not repeated and not report:
                    result.spool.append(row)
            pending += 1
            if pending == PROGRESS_EVERY:
                progress.advance("check", pending)
                pending = 0
        progress.advance("check", pending)
        if result.rows == 0 and not report:
            report.add(reader.header_row, None, "The file has no rows below its header")
    finally:
        table.close()
    return result


def _note_keys(
    first_seen: dict[str, dict[Hashable, tuple[int, str]]],
    number: int,
    keys: list[Key],
    report: ErrorReport,
) -> bool:
    repeated = False
    for key in keys:
        seen = first_seen.setdefault(key.kind, {})
        first = seen.setdefault(key.value, (number, key.column))
        if first[0] != number:
            report.add(number, key.column, f"{key.label} is also on row {first[0]}")
            repeated = True
    return repeated
