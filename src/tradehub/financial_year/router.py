"""/financial-years (api.md §4)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.financial_year import service
from tradehub.financial_year.models import FinancialYear
from tradehub.financial_year.schemas import (
    FinancialYearClosed,
    FinancialYearCreate,
    FinancialYearRead,
    FinancialYearSort,
)
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

router = api_router(tags=["financial years"])

CanRead = Annotated[Principal, Depends(require("financial_year:read"))]
CanWrite = Annotated[Principal, Depends(require("financial_year:write"))]
SORT_COLUMNS = {
    "start_date": FinancialYear.start_date,
    "code": FinancialYear.code,
    "created_at": FinancialYear.created_at,
}


@router.post(
    "/financial-years",
    status_code=201,
    response_model=FinancialYearRead,
    responses=problem_responses(401, 403, 404, 409),
)
async def create_year(
    body: FinancialYearCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> FinancialYearRead:
    """``2026-27`` runs 2026-04-01 to 2027-03-31; one year per organization and code. A new
    year is neither active nor closed."""
    year = await service.create_year(session, actor_of(principal, caller), body)
    set_etag(response, year.version)
    return FinancialYearRead.model_validate(year)


@router.get(
    "/financial-years",
    response_model=Page[FinancialYearRead],
    responses=problem_responses(401, 403),
)
async def list_years(
    session: DbSession,
    _: CanRead,
    paging: Paging,
    sort: FinancialYearSort = FinancialYearSort("-start_date"),  # type: ignore[valid-type]
    organization_id: uuid.UUID | None = None,
    is_active: bool | None = None,
    is_closed: bool | None = None,
) -> Page[FinancialYearRead]:
    statement = service.year_list_statement(
        organization_id=organization_id, is_active=is_active, is_closed=is_closed
    )
    items, total = await paginate(
        session, statement, paging, order_by(sort, SORT_COLUMNS, FinancialYear.id)
    )
    return Page(
        items=[FinancialYearRead.model_validate(y) for y in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    "/financial-years/{year_id}",
    response_model=FinancialYearRead,
    responses=problem_responses(401, 403, 404),
)
async def get_year(
    year_id: uuid.UUID, session: DbSession, _: CanRead, response: Response
) -> FinancialYearRead:
    year = await service.get_year(session, year_id)
    set_etag(response, year.version)
    return FinancialYearRead.model_validate(year)


@router.post(
    "/financial-years/{year_id}/activate",
    response_model=FinancialYearRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def activate_year(
    year_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> FinancialYearRead:
    """Make this the organization's active year; its previously active year is deactivated.
    A closed year cannot be activated (409 ``financial_year.closed``)."""
    year = await service.lock_year(session, year_id)
    check_if_match(request, year.version)
    year = await service.activate(session, actor_of(principal, caller), year)
    set_etag(response, year.version)
    return FinancialYearRead.model_validate(year)


@router.post(
    "/financial-years/{year_id}/close",
    response_model=FinancialYearClosed,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def close_year(
    year_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> FinancialYearClosed:
    """Close the year: no document may be dated in it any more. Closing the active year leaves
    the organization without one. ``carry_forward`` counts the open items per kind that the
    year leaves open (the contract and invoice modules register theirs)."""
    year = await service.lock_year(session, year_id)
    check_if_match(request, year.version)
    year, report = await service.close(session, actor_of(principal, caller), year)
    set_etag(response, year.version)
    return FinancialYearClosed(
        **FinancialYearRead.model_validate(year).model_dump(), carry_forward=report
    )
