"""/partners: onboarding with maker-checker approval, branches and portal users (api.md §5).

A partner's portal user sees only its own partner; every other id is a 404.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request, Response

from tradehub.auth import users_service
from tradehub.auth.dependencies import CallerDep, IdentityDep, actor_of, require
from tradehub.auth.principal import Principal
from tradehub.auth.schemas import UserRead
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.kit.types import utcnow
from tradehub.partner import branches_service, portal_service, service
from tradehub.partner.domain import KycBucket, PartnerKind, PartnerStatus
from tradehub.partner.models import Partner
from tradehub.partner.repository import partner_filters
from tradehub.partner.schemas import (
    BranchIn,
    BranchRead,
    BranchUpdate,
    OptionalReasonIn,
    PartnerCreate,
    PartnerRead,
    PartnerSort,
    PartnerUpdate,
    PortalUserCreate,
    ReasonIn,
)

router = api_router(tags=["partners"])

CanRead = Annotated[Principal, Depends(require("partner:read"))]
CanWrite = Annotated[Principal, Depends(require("partner:write"))]
CanApprove = Annotated[Principal, Depends(require("partner:approve"))]
CanCreateUsers = Annotated[Principal, Depends(require("partner:read", "user:write"))]
SORT = {
    "legal_name": Partner.legal_name,
    "code": Partner.code,
    "created_at": Partner.created_at,
    "kyc_due_date": Partner.kyc_due_date,
}


async def _answer(session: DbSession, partner: Partner, response: Response) -> PartnerRead:
    set_etag(response, partner.version)
    return await service.partner_read(session, partner)


@router.post(
    "/partners",
    status_code=201,
    response_model=PartnerRead,
    responses=problem_responses(401, 403, 409, 422),
)
async def create_partner(
    body: PartnerCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> PartnerRead:
    """A draft partner. PAN, GSTIN (carrying the PAN), mobile and branches are checked; a 422
    names every bad field."""
    partner = await service.create_partner(session, actor_of(principal, caller), body)
    return await _answer(session, partner, response)


@router.get("/partners", response_model=Page[PartnerRead], responses=problem_responses(401, 403))
async def list_partners(
    session: DbSession,
    principal: CanRead,
    paging: Paging,
    sort: PartnerSort = PartnerSort("-created_at"),  # type: ignore[valid-type]
    status: PartnerStatus | None = None,
    kind: PartnerKind | None = None,
    kyc_bucket: KycBucket | None = None,
    state_code: Annotated[str | None, Query(pattern=r"^[0-9]{2}$")] = None,
    q: Annotated[
        str | None, Query(max_length=100, description="part of name or code, or a PAN/GSTIN")
    ] = None,
) -> Page[PartnerRead]:
    statement = partner_filters(
        service.visible_partners(principal),
        status=status,
        kind=kind,
        kyc_bucket=kyc_bucket,
        state_code=state_code,
        q=q,
        today=utcnow().date(),
    )
    items, total = await paginate(session, statement, paging, order_by(sort, SORT, Partner.id))
    return Page(
        items=await service.partner_reads(session, items),
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    "/partners/{partner_id}", response_model=PartnerRead, responses=problem_responses(401, 403, 404)
)
async def get_partner(
    partner_id: uuid.UUID, session: DbSession, principal: CanRead, response: Response
) -> PartnerRead:
    partner = await service.get_partner(session, principal, partner_id)
    return await _answer(session, partner, response)


@router.patch(
    "/partners/{partner_id}",
    response_model=PartnerRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def update_partner(
    partner_id: uuid.UUID,
    body: PartnerUpdate,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> PartnerRead:
    """Only a draft or rejected partner is edited directly (409
    ``partner.change_request_required`` otherwise)."""
    partner = await service.get_partner(session, principal, partner_id)
    check_if_match(request, partner.version)
    partner = await service.update_partner(session, actor_of(principal, caller), partner, body)
    return await _answer(session, partner, response)


@router.post(
    "/partners/{partner_id}/submit",
    response_model=PartnerRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def submit_partner(
    partner_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> PartnerRead:
    """draft or rejected → pending_approval, opening an approval request."""
    partner = await service.get_partner(session, principal, partner_id)
    check_if_match(request, partner.version)
    partner = await service.submit(session, actor_of(principal, caller), partner)
    return await _answer(session, partner, response)


@router.post(
    "/partners/{partner_id}/approve",
    response_model=PartnerRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def approve_partner(
    partner_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanApprove,
    caller: CallerDep,
    response: Response,
) -> PartnerRead:
    """pending_approval → active. Whoever created or submitted the partner may not approve it:
    403 ``approval.self_approval``."""
    partner = await service.get_partner(session, principal, partner_id)
    check_if_match(request, partner.version)
    partner = await service.approve(session, actor_of(principal, caller), partner)
    return await _answer(session, partner, response)


@router.post(
    "/partners/{partner_id}/reject",
    response_model=PartnerRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def reject_partner(
    partner_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanApprove,
    caller: CallerDep,
    response: Response,
) -> PartnerRead:
    """pending_approval → rejected, with the reason; it can be edited and submitted again."""
    partner = await service.get_partner(session, principal, partner_id)
    check_if_match(request, partner.version)
    partner = await service.reject(
        session, actor_of(principal, caller), partner, reason=body.reason
    )
    return await _answer(session, partner, response)


@router.post(
    "/partners/{partner_id}/suspend",
    response_model=PartnerRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def suspend_partner(
    partner_id: uuid.UUID,
    body: ReasonIn,
    request: Request,
    session: DbSession,
    principal: CanApprove,
    caller: CallerDep,
    response: Response,
) -> PartnerRead:
    partner = await service.get_partner(session, principal, partner_id)
    check_if_match(request, partner.version)
    partner = await service.suspend(
        session, actor_of(principal, caller), partner, reason=body.reason
    )
    return await _answer(session, partner, response)


@router.post(
    "/partners/{partner_id}/reactivate",
    response_model=PartnerRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def reactivate_partner(
    partner_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanApprove,
    caller: CallerDep,
    response: Response,
    body: OptionalReasonIn | None = None,
) -> PartnerRead:
    partner = await service.get_partner(session, principal, partner_id)
    check_if_match(request, partner.version)
    partner = await service.reactivate(
        session, actor_of(principal, caller), partner, reason=body.reason if body else None
    )
    return await _answer(session, partner, response)


# --- branches --------------------------------------------------------------------------------


@router.get(
    "/partners/{partner_id}/branches",
    response_model=list[BranchRead],
    responses=problem_responses(401, 403, 404),
)
async def list_branches(
    partner_id: uuid.UUID, session: DbSession, principal: CanRead
) -> list[BranchRead]:
    partner = await service.get_partner(session, principal, partner_id)
    branches = (await service.branches_by_partner(session, [partner.id]))[partner.id]
    return [BranchRead.model_validate(branch) for branch in branches]


@router.post(
    "/partners/{partner_id}/branches",
    status_code=201,
    response_model=BranchRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def add_branch(
    partner_id: uuid.UUID,
    body: BranchIn,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> BranchRead:
    """For a draft or rejected partner; the GSTIN carries the partner's PAN and this state."""
    partner = await service.get_partner(session, principal, partner_id)
    branch = await branches_service.add_branch(session, actor_of(principal, caller), partner, body)
    set_etag(response, branch.version)
    return BranchRead.model_validate(branch)


@router.patch(
    "/partners/{partner_id}/branches/{branch_id}",
    response_model=BranchRead,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def update_branch(
    partner_id: uuid.UUID,
    branch_id: uuid.UUID,
    body: BranchUpdate,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> BranchRead:
    partner = await service.get_partner(session, principal, partner_id)
    branch = await branches_service.get_branch(session, partner, branch_id)
    check_if_match(request, branch.version)
    branch = await branches_service.update_branch(
        session, actor_of(principal, caller), partner, branch, body
    )
    set_etag(response, branch.version)
    return BranchRead.model_validate(branch)


# --- portal users ----------------------------------------------------------------------------


@router.post(
    "/partners/{partner_id}/users",
    status_code=201,
    response_model=UserRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def create_portal_user(
    partner_id: uuid.UUID,
    body: PortalUserCreate,
    session: DbSession,
    identity: IdentityDep,
    principal: CanCreateUsers,
    caller: CallerDep,
    response: Response,
) -> UserRead:
    """A portal user (role ``partner``) bound to this partner, optionally limited to some of
    its branches."""
    partner = await service.get_partner(session, principal, partner_id)
    user = await portal_service.create_portal_user(
        session, identity, actor_of(principal, caller), partner, body
    )
    set_etag(response, user.version)
    return (await users_service.user_reads(session, [user]))[0]


@router.get(
    "/partners/{partner_id}/users",
    response_model=list[UserRead],
    responses=problem_responses(401, 403, 404),
)
async def list_portal_users(
    partner_id: uuid.UUID,
    session: DbSession,
    principal: Annotated[Principal, Depends(require("partner:read", "user:read"))],
) -> list[UserRead]:
    partner = await service.get_partner(session, principal, partner_id)
    return await portal_service.portal_users(session, partner)
