"""Partner certifications: staff add them (partner:write), another user verifies or rejects
them (partner:approve, maker-checker), everyone who sees the partner reads them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.kit.types import utcnow
from tradehub.partner import certifications_service as certifications
from tradehub.partner import service
from tradehub.partner.certifications_schemas import (
    CertificationCreate,
    CertificationRead,
    CertificationSort,
    CertificationUpdate,
    ReasonIn,
)
from tradehub.partner.domain import CertificationKind, CertificationStatus
from tradehub.partner.models import Certification

router = api_router(tags=["partners: certifications"])

CanRead = Annotated[Principal, Depends(require("partner:read"))]
CanWrite = Annotated[Principal, Depends(require("partner:write"))]
CanApprove = Annotated[Principal, Depends(require("partner:approve"))]
SORT = {"expires_on": Certification.expires_on, "created_at": Certification.created_at}


def _answer(certification: Certification, response: Response) -> CertificationRead:
    set_etag(response, certification.version)
    return certifications.certification_read(certification, utcnow().date())


@router.post(
    "/partners/{partner_id}/certifications",
    status_code=201,
    response_model=CertificationRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_certification(
    partner_id: uuid.UUID,
    body: CertificationCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> CertificationRead:
    """A ``pending`` certification awaiting another user's review. 422 for impossible dates
    (``certification.invalid_dates``) or a document not uploaded for this partner; 409
    ``certification.duplicate`` for a kind and number the partner already has."""
    partner = await service.get_partner(session, principal, partner_id)
    certification = await certifications.add_certification(
        session, actor_of(principal, caller), partner, body, today=utcnow().date()
    )
    return _answer(certification, response)


@router.get(
    "/partners/{partner_id}/certifications",
    response_model=list[CertificationRead],
    responses=problem_responses(401, 403, 404),
)
async def list_partner_certifications(
    partner_id: uuid.UUID, session: DbSession, principal: CanRead
) -> list[CertificationRead]:
    """Every certification of the partner, oldest first."""
    partner = await service.get_partner(session, principal, partner_id)
    today = utcnow().date()
    return [
        certifications.certification_read(certification, today)
        for certification in await certifications.partner_certifications(session, partner)
    ]


@router.get(
    "/certifications",
    response_model=Page[CertificationRead],
    responses=problem_responses(401, 403),
)
async def list_certifications(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: CertificationSort = CertificationSort("expires_on"),  # type: ignore[valid-type]
    partner_id: uuid.UUID | None = None,
    kind: CertificationKind | None = None,
    status: Annotated[
        CertificationStatus | None,
        Query(description="pending, verified, rejected, or expired (past expires_on)"),
    ] = None,
    expiring_within_days: Annotated[
        int | None,
        Query(ge=0, le=3660, description="Expiring from today to today + N days (90: expiring)"),
    ] = None,
) -> Page[CertificationRead]:
    today = utcnow().date()
    statement = certifications.certification_filters(
        certifications.visible_certifications(principal),
        today=today,
        partner_id=partner_id,
        kind=kind,
        status=status,
        expiring_within_days=expiring_within_days,
    )
    items, total = await paginate(
        session, statement, paging, order_by(sort, SORT, Certification.id)
    )
    return Page(
        items=[certifications.certification_read(item, today) for item in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    "/certifications/{certification_id}",
    response_model=CertificationRead,
    responses=problem_responses(401, 403, 404),
)
async def get_certification(
    certification_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> CertificationRead:
    certification = await certifications.get_certification(session, principal, certification_id)
    return _answer(certification, response)


@router.patch(
    "/certifications/{certification_id}",
    response_model=CertificationRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def update_certification(
    certification_id: uuid.UUID,
    body: CertificationUpdate,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> CertificationRead:
    """Only while pending or rejected (409 ``certification.not_editable``); a rejected one goes
    back to pending, and the editor may not verify it."""
    certification = await certifications.get_certification(session, principal, certification_id)
    check_if_match(request, certification.version)
    certification = await certifications.update_certification(
        session, actor_of(principal, caller), certification, body, today=utcnow().date()
    )
    return _answer(certification, response)


@router.post(
    "/certifications/{certification_id}/verify",
    response_model=CertificationRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def verify_certification(
    certification_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanApprove,
    caller: CallerDep,
    response: Response,
) -> CertificationRead:
    """pending → verified. Whoever added or edited it may not: 403 ``approval.self_approval``;
    an expired one cannot be (409 ``certification.expired``)."""
    certification = await certifications.get_certification(session, principal, certification_id)
    check_if_match(request, certification.version)
    certification = await certifications.verify_certification(
        session, actor_of(principal, caller), certification, today=utcnow().date()
    )
    return _answer(certification, response)


@router.post(
    "/certifications/{certification_id}/reject",
    response_model=CertificationRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def reject_certification(
    certification_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanApprove,
    caller: CallerDep,
    response: Response,
) -> CertificationRead:
    """pending → rejected, with the reason (maker-checker as for verify)."""
    certification = await certifications.get_certification(session, principal, certification_id)
    check_if_match(request, certification.version)
    certification = await certifications.reject_certification(
        session,
        actor_of(principal, caller),
        certification,
        reason=body.reason,
        today=utcnow().date(),
    )
    return _answer(certification, response)
