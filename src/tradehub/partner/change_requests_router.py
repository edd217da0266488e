"""Change requests to approved partners (maker-checker), and the partner's versions: the list,
one revision, the record as of an instant, and a comparison of two revisions.

Change requests answer with ``ETag: "<version>"`` and their decisions honour ``If-Match``;
raising one honours ``If-Match`` against the partner's version it was written against.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request, Response
from sqlalchemy import Select

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import Unprocessable, problem_responses
from tradehub.kit.pagination import Page, PageParams, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.partner import change_requests_service as service
from tradehub.partner.change_requests_schemas import (
    CancelIn,
    ChangeRequestCreate,
    ChangeRequestRead,
    ChangeRequestSort,
    PartnerVersionRead,
    VersionComparison,
    VersionSort,
)
from tradehub.partner.domain import ChangeRequestStatus, Urgency, as_of_instant
from tradehub.partner.models import PartnerChangeRequest, PartnerVersion
from tradehub.partner.schemas import ReasonIn
from tradehub.partner.service import get_partner

router = api_router(tags=["partner change requests"])

CanRead = Annotated[Principal, Depends(require("partner:read"))]
CanWrite = Annotated[Principal, Depends(require("partner:write"))]
CanApprove = Annotated[Principal, Depends(require("partner:approve"))]
SORT = {
    "created_at": PartnerChangeRequest.created_at,
    "decided_at": PartnerChangeRequest.decided_at,
}
CHANGE_REQUESTS = "/partner-change-requests"


def _answer(change_request: PartnerChangeRequest, response: Response) -> ChangeRequestRead:
    set_etag(response, change_request.version)
    return service.change_request_read(change_request)


async def _page(
    session: DbSession, statement: Select[Any], paging: PageParams, sort: StrEnum
) -> Page[ChangeRequestRead]:
    ordering = order_by(sort, SORT, PartnerChangeRequest.id)
    items, total = await paginate(session, statement, paging, ordering)
    return Page(
        items=[service.change_request_read(item) for item in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


# --- change requests -------------------------------------------------------------------------


@router.post(
    "/partners/{partner_id}/change-requests",
    status_code=201,
    response_model=ChangeRequestRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def raise_change_request(
    partner_id: uuid.UUID,
    body: ChangeRequestCreate,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> ChangeRequestRead:
    """Propose changes to an approved partner; another user approves them. 409
    ``partner.not_approved`` before approval, ``change_request.pending_exists`` while one is
    pending, ``partner.fields_locked`` for a locked field while dealings are open; 422
    ``change_request.empty`` when nothing would change."""
    partner = await get_partner(session, principal, partner_id)
    check_if_match(request, partner.version)
    change_request = await service.raise_request(
        session, actor_of(principal, caller), partner, body
    )
    return _answer(change_request, response)


@router.get(
    "/partners/{partner_id}/change-requests",
    response_model=Page[ChangeRequestRead],
    responses=problem_responses(401, 403, 404),
)
async def list_partner_change_requests(
    partner_id: uuid.UUID,
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: ChangeRequestSort = ChangeRequestSort("-created_at"),  # type: ignore[valid-type]
    status: ChangeRequestStatus | None = None,
    urgency: Urgency | None = None,
) -> Page[ChangeRequestRead]:
    partner = await get_partner(session, principal, partner_id)
    statement = service.change_request_filters(
        service.visible_change_requests(principal),
        partner_id=partner.id,
        status=status,
        urgency=urgency,
    )
    return await _page(session, statement, paging, sort)


@router.get(
    CHANGE_REQUESTS, response_model=Page[ChangeRequestRead], responses=problem_responses(401, 403)
)
async def list_change_requests(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: ChangeRequestSort = ChangeRequestSort("-created_at"),  # type: ignore[valid-type]
    partner_id: uuid.UUID | None = None,
    status: ChangeRequestStatus | None = None,
    urgency: Urgency | None = None,
) -> Page[ChangeRequestRead]:
    """The checkers' queue (``?status=pending``); a partner's portal user sees its own only."""
    statement = service.change_request_filters(
        service.visible_change_requests(principal),
        partner_id=partner_id,
        status=status,
        urgency=urgency,
    )
    return await _page(session, statement, paging, sort)


@router.get(
    CHANGE_REQUESTS + "/{change_request_id}",
    response_model=ChangeRequestRead,
    responses=problem_responses(401, 403, 404),
)
async def get_change_request(
    change_request_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> ChangeRequestRead:
    change_request = await service.get_change_request(session, principal, change_request_id)
    return _answer(change_request, response)


@router.post(
    CHANGE_REQUESTS + "/{change_request_id}/approve",
    response_model=ChangeRequestRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def approve_change_request(
    change_request_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanApprove,
    caller: CallerDep,
    response: Response,
) -> ChangeRequestRead:
    """Apply the changes and write the partner's next version. 403 ``approval.self_approval``
    for the requester; 409 ``change_request.stale`` when a changed field moved on since,
    ``partner.fields_locked`` while dealings are open, ``approval.not_pending`` once decided."""
    change_request = await service.get_change_request(session, principal, change_request_id)
    check_if_match(request, change_request.version)
    change_request = await service.approve(session, actor_of(principal, caller), change_request)
    return _answer(change_request, response)


@router.post(
    CHANGE_REQUESTS + "/{change_request_id}/reject",
    response_model=ChangeRequestRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def reject_change_request(
    change_request_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanApprove,
    caller: CallerDep,
    response: Response,
) -> ChangeRequestRead:
    """With a reason; the requester may not (they cancel instead)."""
    change_request = await service.get_change_request(session, principal, change_request_id)
    check_if_match(request, change_request.version)
    change_request = await service.reject(
        session, actor_of(principal, caller), change_request, reason=body.reason
    )
    return _answer(change_request, response)


@router.post(
    CHANGE_REQUESTS + "/{change_request_id}/cancel",
    response_model=ChangeRequestRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def cancel_change_request(
    change_request_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanRead,
    caller: CallerDep,
    response: Response,
    body: CancelIn | None = None,
) -> ChangeRequestRead:
    """By the requester, or by anyone with ``partner:approve``; 403
    ``change_request.cancel_forbidden`` for others who can see it."""
    change_request = await service.get_change_request(session, principal, change_request_id)
    check_if_match(request, change_request.version)
    change_request = await service.cancel(
        session,
        principal,
        actor_of(principal, caller),
        change_request,
        reason=body.reason if body else None,
    )
    return _answer(change_request, response)


# --- versions --------------------------------------------------------------------------------


@router.get(
    "/partners/{partner_id}/versions",
    response_model=Page[PartnerVersionRead],
    responses=problem_responses(401, 403, 404),
)
async def list_versions(
    partner_id: uuid.UUID,
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: VersionSort = VersionSort("-revision"),  # type: ignore[valid-type]
) -> Page[PartnerVersionRead]:
    """Newest first by default; version 1 is the onboarding approval."""
    partner = await get_partner(session, principal, partner_id)
    ordering = order_by(sort, {"revision": PartnerVersion.revision}, PartnerVersion.id)
    items, total = await paginate(session, service.versions_of(partner), paging, ordering)
    return Page(
        items=[PartnerVersionRead.model_validate(item, from_attributes=True) for item in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    "/partners/{partner_id}/versions/compare",
    response_model=VersionComparison,
    responses=problem_responses(401, 403, 404),
)
async def compare_versions(
    partner_id: uuid.UUID,
    session: DbSession,
    principal: CanRead,
    from_revision: Annotated[int, Query(alias="from", ge=1)],
    to_revision: Annotated[int, Query(alias="to", ge=1)],
) -> VersionComparison:
    """What changed from one revision to another, field by field; branches by id."""
    partner = await get_partner(session, principal, partner_id)
    compared = await service.compare_versions(session, partner, from_revision, to_revision)
    return VersionComparison.model_validate(compared)


@router.get(
    "/partners/{partner_id}/versions/{revision}",
    response_model=PartnerVersionRead,
    responses=problem_responses(401, 403, 404),
)
async def get_version(
    partner_id: uuid.UUID,
    revision: Annotated[int, Path(ge=1)],
    session: DbSession,
    principal: CanRead,
) -> PartnerVersionRead:
    partner = await get_partner(session, principal, partner_id)
    version = await service.get_version(session, partner, revision)
    return PartnerVersionRead.model_validate(version, from_attributes=True)


@router.get(
    "/partners/{partner_id}/as-of",
    response_model=PartnerVersionRead,
    responses=problem_responses(401, 403, 404),
)
async def partner_as_of(
    partner_id: uuid.UUID,
    session: DbSession,
    principal: CanRead,
    at: Annotated[
        str,
        Query(
            max_length=40,
            description="An RFC 3339 timestamp, or a date YYYY-MM-DD meaning the end of that "
            "day in India (Asia/Kolkata)",
            examples=["2026-11-28", "2026-11-28T06:54:00Z"],
        ),
    ],
) -> PartnerVersionRead:
    """The version in force at that instant; 404 ``partner.no_version_at`` before the first
    approval."""
    try:
        instant = as_of_instant(at)
    except ValueError as error:
        raise Unprocessable(
            f"at: {error}",
            code="validation.invalid",
            errors=[{"loc": ["query", "at"], "msg": str(error), "type": "validation.invalid"}],
        ) from error
    partner = await get_partner(session, principal, partner_id)
    version = await service.version_at(session, partner, instant)
    return PartnerVersionRead.model_validate(version, from_attributes=True)
