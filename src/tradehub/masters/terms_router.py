"""Trade masters routes: /commission-structures, /terms, /gst-rates, /cci-terms (api.md §4)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Query, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.kit.types import utcnow
from tradehub.masters import terms_service as service
from tradehub.masters.dependencies import CanReadMasters, CanWriteMasters
from tradehub.masters.models import CciTerms, CommissionStructure, GstRate, TradeTerm
from tradehub.masters.schemas import (
    CciTermsCreate,
    CciTermsRead,
    CciTermsSort,
    CommissionCreate,
    CommissionKind,
    CommissionRead,
    CommissionSort,
    CommissionUpdate,
    GstRateCreate,
    GstRateRead,
    GstRateSort,
    GstRateUpdate,
    TermCreate,
    TermKind,
    TermRead,
    TermSort,
    TermUpdate,
)

router = api_router(tags=["masters: terms, GST, commission, CCI"])

READ = problem_responses(401, 403, 404)
CREATE = problem_responses(401, 403, 409)
CHANGE = problem_responses(401, 403, 404, 409, 412)


def _today() -> date:
    return utcnow().date()


# --- commission structures -------------------------------------------------------------------

COMMISSION_SORT = {
    "name": CommissionStructure.name_key,
    "created_at": CommissionStructure.created_at,
}


@router.post(
    "/commission-structures", status_code=201, response_model=CommissionRead, responses=CREATE
)
async def create_commission_structure(
    body: CommissionCreate,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> CommissionRead:
    """``percentage`` (0 < value ≤ 100), ``per_bale`` or ``flat`` rupees (value > 0)."""
    structure = await service.create_commission(session, actor_of(principal, caller), body)
    set_etag(response, structure.version)
    return service.commission_read(structure)


@router.get(
    "/commission-structures",
    response_model=Page[CommissionRead],
    responses=problem_responses(401, 403),
)
async def list_commission_structures(
    session: DbSession,
    _: CanReadMasters,
    paging: Paging,
    sort: CommissionSort = CommissionSort("name"),  # type: ignore[valid-type]
    kind: CommissionKind | None = None,
    is_active: bool | None = None,
) -> Page[CommissionRead]:
    statement = service.commission_list_statement(kind=kind, is_active=is_active)
    rows, total = await paginate(
        session, statement, paging, order_by(sort, COMMISSION_SORT, CommissionStructure.id)
    )
    items = [service.commission_read(row) for row in rows]
    return Page(items=items, total=total, page=paging.page, limit=paging.limit)


@router.get("/commission-structures/{structure_id}", response_model=CommissionRead, responses=READ)
async def get_commission_structure(
    structure_id: uuid.UUID, session: DbSession, _: CanReadMasters, response: Response
) -> CommissionRead:
    structure = await service.get_commission(session, structure_id)
    set_etag(response, structure.version)
    return service.commission_read(structure)


@router.patch(
    "/commission-structures/{structure_id}", response_model=CommissionRead, responses=CHANGE
)
async def update_commission_structure(
    structure_id: uuid.UUID,
    body: CommissionUpdate,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> CommissionRead:
    structure = await service.get_commission(session, structure_id)
    check_if_match(request, structure.version)
    structure = await service.update_commission(
        session, actor_of(principal, caller), structure, body
    )
    set_etag(response, structure.version)
    return service.commission_read(structure)


@router.delete("/commission-structures/{structure_id}", status_code=204, responses=CHANGE)
async def delete_commission_structure(
    structure_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
) -> Response:
    structure = await service.get_commission(session, structure_id)
    check_if_match(request, structure.version)
    await service.delete_commission(session, actor_of(principal, caller), structure)
    return Response(status_code=204)


# --- terms -----------------------------------------------------------------------------------

TERM_SORT = {"name": TradeTerm.name, "created_at": TradeTerm.created_at}


@router.post("/terms", status_code=201, response_model=TermRead, responses=CREATE)
async def create_term(
    body: TermCreate,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> TermRead:
    """Delivery and payment terms carry ``days``; the other kinds must not."""
    term = await service.create_term(session, actor_of(principal, caller), body)
    set_etag(response, term.version)
    return TermRead.model_validate(term, from_attributes=True)


@router.get("/terms", response_model=Page[TermRead], responses=problem_responses(401, 403))
async def list_terms(
    session: DbSession,
    _: CanReadMasters,
    paging: Paging,
    sort: TermSort = TermSort("name"),  # type: ignore[valid-type]
    kind: TermKind | None = None,
    is_active: bool | None = None,
) -> Page[TermRead]:
    statement = service.term_list_statement(kind=kind, is_active=is_active)
    ordering = [TradeTerm.kind, *order_by(sort, TERM_SORT, TradeTerm.id)]
    rows, total = await paginate(session, statement, paging, ordering)
    items = [TermRead.model_validate(row, from_attributes=True) for row in rows]
    return Page(items=items, total=total, page=paging.page, limit=paging.limit)


@router.get("/terms/{term_id}", response_model=TermRead, responses=READ)
async def get_term(
    term_id: uuid.UUID, session: DbSession, _: CanReadMasters, response: Response
) -> TermRead:
    term = await service.get_term(session, term_id)
    set_etag(response, term.version)
    return TermRead.model_validate(term, from_attributes=True)


@router.patch("/terms/{term_id}", response_model=TermRead, responses=CHANGE)
async def update_term(
    term_id: uuid.UUID,
    body: TermUpdate,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> TermRead:
    term = await service.get_term(session, term_id)
    check_if_match(request, term.version)
    term = await service.update_term(session, actor_of(principal, caller), term, body)
    set_etag(response, term.version)
    return TermRead.model_validate(term, from_attributes=True)


@router.delete("/terms/{term_id}", status_code=204, responses=CHANGE)
async def delete_term(
    term_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
) -> Response:
    term = await service.get_term(session, term_id)
    check_if_match(request, term.version)
    await service.delete_term(session, actor_of(principal, caller), term)
    return Response(status_code=204)


# --- GST rates -------------------------------------------------------------------------------

GST_SORT = {"hsn_or_sac": GstRate.hsn_or_sac, "created_at": GstRate.created_at}


@router.post("/gst-rates", status_code=201, response_model=GstRateRead, responses=CREATE)
async def create_gst_rate(
    body: GstRateCreate,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> GstRateRead:
    """One rate per HSN or SAC code (409 for a second), e.g. 18 % on SAC 996111 (brokerage)."""
    gst = await service.create_gst_rate(session, actor_of(principal, caller), body)
    set_etag(response, gst.version)
    return GstRateRead.model_validate(gst, from_attributes=True)


@router.get("/gst-rates", response_model=Page[GstRateRead], responses=problem_responses(401, 403))
async def list_gst_rates(
    session: DbSession,
    _: CanReadMasters,
    paging: Paging,
    sort: GstRateSort = GstRateSort("hsn_or_sac"),  # type: ignore[valid-type]
    hsn_or_sac: Annotated[str | None, Query(max_length=8)] = None,
    is_active: bool | None = None,
) -> Page[GstRateRead]:
    statement = service.gst_list_statement(hsn_or_sac=hsn_or_sac, is_active=is_active)
    rows, total = await paginate(session, statement, paging, order_by(sort, GST_SORT, GstRate.id))
    items = [GstRateRead.model_validate(row, from_attributes=True) for row in rows]
    return Page(items=items, total=total, page=paging.page, limit=paging.limit)


@router.get("/gst-rates/{gst_rate_id}", response_model=GstRateRead, responses=READ)
async def get_gst_rate(
    gst_rate_id: uuid.UUID, session: DbSession, _: CanReadMasters, response: Response
) -> GstRateRead:
    gst = await service.get_gst_rate(session, gst_rate_id)
    set_etag(response, gst.version)
    return GstRateRead.model_validate(gst, from_attributes=True)


@router.patch("/gst-rates/{gst_rate_id}", response_model=GstRateRead, responses=CHANGE)
async def update_gst_rate(
    gst_rate_id: uuid.UUID,
    body: GstRateUpdate,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> GstRateRead:
    gst = await service.get_gst_rate(session, gst_rate_id)
    check_if_match(request, gst.version)
    gst = await service.update_gst_rate(session, actor_of(principal, caller), gst, body)
    set_etag(response, gst.version)
    return GstRateRead.model_validate(gst, from_attributes=True)


@router.delete("/gst-rates/{gst_rate_id}", status_code=204, responses=CHANGE)
async def delete_gst_rate(
    gst_rate_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
) -> Response:
    gst = await service.get_gst_rate(session, gst_rate_id)
    check_if_match(request, gst.version)
    await service.delete_gst_rate(session, actor_of(principal, caller), gst)
    return Response(status_code=204)


# --- CCI terms -------------------------------------------------------------------------------

CCI_SORT = {"effective_from": CciTerms.effective_from}


@router.post("/cci-terms", status_code=201, response_model=CciTermsRead, responses=CREATE)
async def create_cci_terms(
    body: CciTermsCreate,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> CciTermsRead:
    """A new version from ``effective_from`` (today or later); omitted fields take
    domain.md §3.6's defaults. A version in force never changes: publish a new one."""
    terms = await service.create_cci_terms(
        session, actor_of(principal, caller), body, today=_today()
    )
    set_etag(response, terms.version)
    return (await service.cci_reads(session, [terms]))[0]


@router.get("/cci-terms", response_model=Page[CciTermsRead], responses=problem_responses(401, 403))
async def list_cci_terms(
    session: DbSession,
    _: CanReadMasters,
    paging: Paging,
    sort: CciTermsSort = CciTermsSort("-effective_from"),  # type: ignore[valid-type]
    on: Annotated[date | None, Query(description="only the version in force on this date")] = None,
) -> Page[CciTermsRead]:
    statement = service.cci_list_statement(on=on)
    rows, total = await paginate(session, statement, paging, order_by(sort, CCI_SORT, CciTerms.id))
    items = await service.cci_reads(session, rows)
    return Page(items=items, total=total, page=paging.page, limit=paging.limit)


@router.get("/cci-terms/{terms_id}", response_model=CciTermsRead, responses=READ)
async def get_cci_terms(
    terms_id: uuid.UUID, session: DbSession, _: CanReadMasters, response: Response
) -> CciTermsRead:
    terms = await service.get_cci_terms(session, terms_id)
    set_etag(response, terms.version)
    return (await service.cci_reads(session, [terms]))[0]


@router.put("/cci-terms/{terms_id}", response_model=CciTermsRead, responses=CHANGE)
async def replace_cci_terms(
    terms_id: uuid.UUID,
    body: CciTermsCreate,
    request: Request,
    session: DbSession,
    principal: CanWriteMasters,
    caller: CallerDep,
    response: Response,
) -> CciTermsRead:
    """Correct a version that is not yet in force (409 ``cci_terms.in_force`` otherwise)."""
    terms = await service.get_cci_terms(session, terms_id)
    check_if_match(request, terms.version)
    terms = await service.update_cci_terms(
        session, actor_of(principal, caller), terms, body, today=_today()
    )
    set_etag(response, terms.version)
    return (await service.cci_reads(session, [terms]))[0]
