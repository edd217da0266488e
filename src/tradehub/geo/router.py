"""/states (seeded, read-only) and /stations (api.md §4)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.geo import service
from tradehub.geo.models import Station
from tradehub.geo.repository import station_list_statement
from tradehub.geo.schemas import StateRead, StationCreate, StationRead, StationSort, StationUpdate
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

router = api_router(tags=["masters: states and stations"])

CanRead = Annotated[Principal, Depends(require("master:read"))]
CanWrite = Annotated[Principal, Depends(require("master:write"))]
SORT_COLUMNS = {"name": Station.name_key, "created_at": Station.created_at}


@router.get("/states", response_model=list[StateRead], responses=problem_responses(401, 403))
async def list_states(session: DbSession, _: CanRead) -> list[StateRead]:
    """Every Indian state and union territory with its two-digit GST state code."""
    return [StateRead.model_validate(s) for s in await service.list_states(session)]


@router.post(
    "/stations",
    status_code=201,
    response_model=StationRead,
    responses=problem_responses(401, 403, 409),
)
async def create_station(
    body: StationCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> StationRead:
    """A station is unique by name (ignoring case) within its state."""
    station = await service.create_station(session, actor_of(principal, caller), body)
    set_etag(response, station.version)
    return StationRead.model_validate(station)


@router.get("/stations", response_model=Page[StationRead], responses=problem_responses(401, 403))
async def list_stations(
    session: DbSession,
    _: CanRead,
    paging: Paging,
    sort: StationSort = StationSort("name"),  # type: ignore[valid-type]
    q: Annotated[str | None, Query(max_length=100, description="part of the name")] = None,
    state_code: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None,
    region: Annotated[str | None, Query(max_length=100)] = None,
    include_inactive: bool = False,
) -> Page[StationRead]:
    statement = station_list_statement(
        q=q, state_code=state_code, region=region, include_inactive=include_inactive
    )
    items, total = await paginate(
        session, statement, paging, order_by(sort, SORT_COLUMNS, Station.id)
    )
    return Page(
        items=[StationRead.model_validate(s) for s in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    "/stations/{station_id}",
    response_model=StationRead,
    responses=problem_responses(401, 403, 404),
)
async def get_station(
    station_id: uuid.UUID, session: DbSession, _: CanRead, response: Response
) -> StationRead:
    station = await service.get_station(session, station_id)
    set_etag(response, station.version)
    return StationRead.model_validate(station)


@router.patch(
    "/stations/{station_id}",
    response_model=StationRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def update_station(
    station_id: uuid.UUID,
    body: StationUpdate,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> StationRead:
    """Rename, move, set the region, or reactivate (``is_active: true``)."""
    station = await service.get_station(session, station_id)
    check_if_match(request, station.version)
    station = await service.update_station(session, actor_of(principal, caller), station, body)
    set_etag(response, station.version)
    return StationRead.model_validate(station)


@router.delete(
    "/stations/{station_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404, 412),
)
async def delete_station(
    station_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
) -> Response:
    """Soft delete: the station is deactivated and drops out of the default list."""
    station = await service.get_station(session, station_id)
    check_if_match(request, station.version)
    await service.deactivate_station(session, actor_of(principal, caller), station)
    return Response(status_code=204)
