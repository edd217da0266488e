"""/numbering: the series counters and the register of cancelled numbers (read-only)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import Depends, Query

from tradehub.auth.dependencies import require
from tradehub.auth.principal import Principal
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.numbering import service
from tradehub.numbering.models import CancelledNumber, NumberSeries
from tradehub.numbering.schemas import (
    CancelledNumberRead,
    CancelledSort,
    NumberSeriesRead,
    SeriesSort,
)

router = api_router(tags=["numbering"])

CanRead = Annotated[Principal, Depends(require("audit:read"))]
YearFilter = Annotated[str | None, Query(max_length=7, examples=["2026-27"])]
SeriesFilter = Annotated[str | None, Query(max_length=8, examples=["SC"])]
SERIES_COLUMNS = {
    "financial_year": NumberSeries.financial_year,
    "series": NumberSeries.series,
    "updated_at": NumberSeries.updated_at,
}
CANCELLED_COLUMNS = {
    "cancelled_at": CancelledNumber.cancelled_at,
    "sequence": CancelledNumber.sequence,
}


@router.get(
    "/numbering/series",
    response_model=Page[NumberSeriesRead],
    responses=problem_responses(401, 403),
)
async def list_series(
    session: DbSession,
    _: CanRead,
    paging: Paging,
    sort: SeriesSort = SeriesSort("-financial_year"),  # type: ignore[valid-type]
    organization_id: uuid.UUID | None = None,
    financial_year: YearFilter = None,
    series: SeriesFilter = None,
) -> Page[NumberSeriesRead]:
    """The counter of each series: the last number given per organization, year and series."""
    statement = service.series_statement(
        organization_id=organization_id, financial_year=financial_year, series=series
    )
    ordering: list[Any] = order_by(sort, SERIES_COLUMNS, NumberSeries.organization_id)
    ordering += [NumberSeries.financial_year, NumberSeries.series]
    rows, total = await paginate(session, statement, paging, ordering)
    items = [
        NumberSeriesRead(
            organization_id=row.organization_id,
            financial_year=row.financial_year,
            series=row.series,
            last_number=row.last_number,
            last_issued=service.last_issued(row),
            updated_at=row.updated_at,
        )
        for row in rows
    ]
    return Page(items=items, total=total, page=paging.page, limit=paging.limit)


@router.get(
    "/numbering/cancelled",
    response_model=Page[CancelledNumberRead],
    responses=problem_responses(401, 403),
)
async def list_cancelled(
    session: DbSession,
    _: CanRead,
    paging: Paging,
    sort: CancelledSort = CancelledSort("sequence"),  # type: ignore[valid-type]
    organization_id: uuid.UUID | None = None,
    financial_year: YearFilter = None,
    series: SeriesFilter = None,
) -> Page[CancelledNumberRead]:
    """Numbers given to documents that were cancelled; they are never given again."""
    statement = service.cancelled_statement(
        organization_id=organization_id, financial_year=financial_year, series=series
    )
    ordering = order_by(sort, CANCELLED_COLUMNS, CancelledNumber.id)
    rows, total = await paginate(session, statement, paging, ordering)
    return Page(
        items=[CancelledNumberRead.model_validate(row) for row in rows],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )
