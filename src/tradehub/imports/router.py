"""/imports: stations and partners from an uploaded CSV or XLSX file, all rows or none."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from tradehub.audit.domain import AuditActor
from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.imports import service
from tradehub.imports.errors import RowsInvalid
from tradehub.imports.schemas import (
    UPLOAD_REQUEST_BODY,
    ImportAnswer,
    ImportProblem,
    RowErrorOut,
)
from tradehub.imports.upload import receive_file
from tradehub.kit.errors import PROBLEM_CONTENT_TYPE, problem_responses
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

router = api_router(prefix="/imports", tags=["imports"])

CanImport = Annotated[Principal, Depends(require("partner:import"))]
DryRun = Annotated[bool, Query(description="Check every row and the database; write nothing")]
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_ROWS = 250_000
MAX_LISTED_ERRORS = 1000
RESPONSES: dict[int | str, dict[str, Any]] = {
    **problem_responses(401, 403, 409, 413, 415),
    422: {
        "model": ImportProblem,
        "description": "Rows with problems (nothing imported), or an unreadable file",
        "content": {PROBLEM_CONTENT_TYPE: {}},
    },
}
Importer = Callable[..., Awaitable[service.ImportResult]]


async def _import(
    request: Request, session: DbSession, actor: AuditActor, importer: Importer, dry_run: bool
) -> ImportAnswer:
    # End the transaction authentication opened (on SQLite a POST's holds the write lock):
    # receiving the file and checking its rows need no database, and the import's own
    # transaction begins at its first query.
    await session.commit()
    received = await receive_file(request, max_bytes=MAX_UPLOAD_BYTES)
    try:
        result = await importer(
            session,
            actor,
            received.file,
            file_name=received.name,
            dry_run=dry_run,
            max_rows=MAX_ROWS,
        )
    finally:
        received.close()
    if not result.ok:
        raise rows_invalid(result)
    return ImportAnswer(
        entity_type=result.entity_type,
        rows=result.rows,
        imported=result.imported,
        dry_run=result.dry_run,
        file_sha256=result.file_sha256,
        first_code=result.first_code,
        last_code=result.last_code,
    )


def rows_invalid(result: service.ImportResult) -> RowsInvalid:
    report = result.report
    listed = result.errors[:MAX_LISTED_ERRORS]
    return RowsInvalid(
        f"{report.count} problem(s) in {len(report.rows)} row(s) of {result.rows}; nothing was"
        " imported",
        errors=[RowErrorOut(**error.as_dict()).model_dump() for error in listed],
        error_count=report.count,
        errors_omitted=report.count - len(listed),
        rows=result.rows,
    )


@router.post(
    "/stations",
    response_model=ImportAnswer,
    responses=RESPONSES,
    openapi_extra={"requestBody": UPLOAD_REQUEST_BODY},
)
async def import_stations(
    request: Request,
    session: DbSession,
    principal: CanImport,
    caller: CallerDep,
    dry_run: DryRun = False,
) -> ImportAnswer:
    """Multipart ``file``: a CSV (UTF-8) or XLSX with columns ``name``, ``state_code`` and
    optionally ``region`` (names match ignoring case and spaces). Every row is checked first;
    one bad row and nothing is imported: 422 ``import.rows_invalid`` lists row, column and
    message (up to 1,000; ``error_count`` says how many in all)."""
    return await _import(
        request, session, actor_of(principal, caller), service.import_stations, dry_run
    )


@router.post(
    "/partners",
    response_model=ImportAnswer,
    responses=RESPONSES,
    openapi_extra={"requestBody": UPLOAD_REQUEST_BODY},
)
async def import_partners(
    request: Request,
    session: DbSession,
    principal: CanImport,
    caller: CallerDep,
    dry_run: DryRun = False,
) -> ImportAnswer:
    """Multipart ``file``: one partner a row, with ``legal_name``, ``kind``, ``pan``, ``email``
    and optionally ``trade_name``, ``gstin``, ``mobile``, ``address`` and its head office
    (``branch_name``, ``branch_state_code``, ``branch_gstin``; by default the GSTIN's state).
    The rules of ``POST /partners`` apply to each row; partners start as ``draft``. All rows
    or none, as for stations."""
    return await _import(
        request, session, actor_of(principal, caller), service.import_partners, dry_run
    )
