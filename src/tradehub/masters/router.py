"""Commodity routes (api.md §4): /commodities with their varieties and parameters.

Varieties and parameters are sub-resources of their commodity: ``POST`` adds one, ``PATCH``
changes or deactivates one (``is_active: false``); nothing is ever hard-deleted because
contracts name them. Each change bumps the commodity's version, and these routes honour
``If-Match`` against that version.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.masters import service
from tradehub.masters.dependencies import CanReadMasters, CanWriteMasters
from tradehub.masters.models import Commodity
from tradehub.masters.schemas import (
    CommodityCreate,
    CommodityRead,
    CommoditySort,
    CommodityUpdate,
    ParameterCreate,
    ParameterRead,
    ParameterUpdate,
    VarietyCreate,
    VarietyRead,
    VarietyUpdate,
)

router = api_router(tags=["masters: commodities"])

SORT_COLUMNS = {"name": Commodity.name_key, "created_at": Commodity.created_at}
WRITE_PROBLEMS = problem_responses(401, 403, 404, 412)


async def _answer(session: DbSession, commodity: Commodity, response: Response) -> CommodityRead:
    set_etag(response, commodity.version)
    return (await service.commodity_reads(session, [commodity]))[0]


@router.post(
    "/commodities",
    status_code=201,
    response_model=CommodityRead,
    responses=problem_responses(401, 403, 409),
)
async def create_commodity(
    body: CommodityCreate,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> CommodityRead:
    """Name unique (409); aliases name one variety each (422); specs within parameter bounds."""
    commodity = await service.create_commodity(session, actor_of(principal, caller), body)
    return await _answer(session, commodity, response)


@router.get(
    "/commodities", response_model=Page[CommodityRead], responses=problem_responses(401, 403)
)
async def list_commodities(
    session: DbSession,
    _: CanReadMasters,
    paging: Paging,
    sort: CommoditySort = CommoditySort("name"),  # type: ignore[valid-type]
    q: Annotated[str | None, Query(max_length=100, description="start of the name")] = None,
    is_active: bool | None = None,
) -> Page[CommodityRead]:
    statement = service.commodity_list_statement(q=q, is_active=is_active)
    commodities, total = await paginate(
        session, statement, paging, order_by(sort, SORT_COLUMNS, Commodity.id)
    )
    items = await service.commodity_reads(session, commodities)
    return Page(items=items, total=total, page=paging.page, limit=paging.limit)


@router.get(
    "/commodities/{commodity_id}",
    response_model=CommodityRead,
    responses=problem_responses(401, 403, 404),
)
async def get_commodity(
    commodity_id: uuid.UUID, session: DbSession, _: CanReadMasters, response: Response
) -> CommodityRead:
    commodity = await service.get_commodity(session, commodity_id)
    return await _answer(session, commodity, response)


@router.patch(
    "/commodities/{commodity_id}",
    response_model=CommodityRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def update_commodity(
    commodity_id: uuid.UUID,
    body: CommodityUpdate,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> CommodityRead:
    commodity = await service.get_commodity(session, commodity_id)
    check_if_match(request, commodity.version)
    commodity = await service.update_commodity(
        session, actor_of(principal, caller), commodity, body
    )
    return await _answer(session, commodity, response)


@router.delete("/commodities/{commodity_id}", status_code=204, responses=WRITE_PROBLEMS)
async def delete_commodity(
    commodity_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
) -> Response:
    """Soft delete: gone from lists and lookups, kept for the documents that name it."""
    commodity = await service.get_commodity(session, commodity_id)
    check_if_match(request, commodity.version)
    await service.delete_commodity(session, actor_of(principal, caller), commodity)
    return Response(status_code=204)


@router.post(
    "/commodities/{commodity_id}/varieties",
    status_code=201,
    response_model=VarietyRead,
    responses=WRITE_PROBLEMS,
)
async def add_variety(
    commodity_id: uuid.UUID,
    body: VarietyCreate,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> VarietyRead:
    commodity = await service.get_commodity(session, commodity_id)
    check_if_match(request, commodity.version)
    variety = await service.add_variety(session, actor_of(principal, caller), commodity, body)
    set_etag(response, commodity.version)
    return service.variety_read(variety)


@router.patch(
    "/commodities/{commodity_id}/varieties/{variety_id}",
    response_model=VarietyRead,
    responses=WRITE_PROBLEMS,
)
async def update_variety(
    commodity_id: uuid.UUID,
    variety_id: uuid.UUID,
    body: VarietyUpdate,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> VarietyRead:
    """Rename, change aliases or default quality, or deactivate (``is_active: false``)."""
    commodity = await service.get_commodity(session, commodity_id)
    check_if_match(request, commodity.version)
    variety = await service.get_variety(session, commodity, variety_id)
    variety = await service.update_variety(
        session, actor_of(principal, caller), commodity, variety, body
    )
    set_etag(response, commodity.version)
    return service.variety_read(variety)


@router.post(
    "/commodities/{commodity_id}/parameters",
    status_code=201,
    response_model=ParameterRead,
    responses=WRITE_PROBLEMS,
)
async def add_parameter(
    commodity_id: uuid.UUID,
    body: ParameterCreate,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> ParameterRead:
    commodity = await service.get_commodity(session, commodity_id)
    check_if_match(request, commodity.version)
    parameter = await service.add_parameter(session, actor_of(principal, caller), commodity, body)
    set_etag(response, commodity.version)
    return service.parameter_read(parameter)


@router.patch(
    "/commodities/{commodity_id}/parameters/{parameter_id}",
    response_model=ParameterRead,
    responses=WRITE_PROBLEMS,
)
async def update_parameter(
    commodity_id: uuid.UUID,
    parameter_id: uuid.UUID,
    body: ParameterUpdate,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> ParameterRead:
    """Bounds may not exclude a variety's default spec; ``is_active: false`` retires it."""
    commodity = await service.get_commodity(session, commodity_id)
    check_if_match(request, commodity.version)
    parameter = await service.get_parameter(session, commodity, parameter_id)
    parameter = await service.update_parameter(
        session, actor_of(principal, caller), commodity, parameter, body
    )
    set_etag(response, commodity.version)
    return service.parameter_read(parameter)
