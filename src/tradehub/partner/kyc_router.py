"""Annual KYC of a partner: its status, verification by a checker, and the bucket summary.

Lists of partners by bucket are ``GET /partners?kyc_bucket=overdue|due_in_7|due_in_30|current
&sort=kyc_due_date`` (partner router); ``GET /kyc/summary`` counts them.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request, Response

from tradehub.auth.dependencies import CallerDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.kit.types import utcnow
from tradehub.partner import kyc_service, service
from tradehub.partner.kyc_schemas import KycStatusRead, KycSummaryRead, KycVerifyIn

router = api_router(tags=["partners: KYC"])

CanRead = Annotated[Principal, Depends(require("partner:read"))]
CanApprove = Annotated[Principal, Depends(require("partner:approve"))]


@router.get(
    "/partners/{partner_id}/kyc",
    response_model=KycStatusRead,
    responses=problem_responses(401, 403, 404),
)
async def get_kyc(
    partner_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> KycStatusRead:
    """Due date, bucket, required documents (on file or missing), verifications and the
    reminders sent for the current due date. ETag is the partner's version."""
    partner = await service.get_partner(session, principal, partner_id)
    set_etag(response, partner.version)
    return await kyc_service.kyc_status(session, partner, today=utcnow().date())


@router.post(
    "/partners/{partner_id}/kyc/verify",
    response_model=KycStatusRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def verify_kyc(
    partner_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanApprove,
    caller: CallerDep,
    response: Response,
    body: KycVerifyIn | None = None,
) -> KycStatusRead:
    """Record a KYC verification: due again a year after ``verified_on`` (today by default);
    a ``kyc_expired`` partner becomes ``active``. 422 ``kyc.documents_missing`` (with
    ``missing``) while a required document is not on file; 409 ``kyc.not_approved`` for a
    partner never approved."""
    partner = await service.get_partner(session, principal, partner_id)
    check_if_match(request, partner.version)
    today = utcnow().date()
    partner = await kyc_service.verify_kyc(
        session, actor_of(principal, caller), partner, body or KycVerifyIn(), today=today
    )
    set_etag(response, partner.version)
    return await kyc_service.kyc_status(session, partner, today=today)


@router.get("/kyc/summary", response_model=KycSummaryRead, responses=problem_responses(401, 403))
async def kyc_summary(session: DbSession, principal: CanRead) -> KycSummaryRead:
    """How many partners approved once are overdue, due within 7 or 30 days, or current
    (a partner's portal user counts only its own partner)."""
    return await kyc_service.kyc_summary(session, principal, today=utcnow().date())
