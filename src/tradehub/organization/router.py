"""/organizations and their branches (api.md §4).

Branches are created and listed under their organization
(``/organizations/{id}/branches``) and read or changed by their own id (``/branches/{id}``);
``GET /branches?organization_id=`` lists across organizations.
"""

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
from tradehub.organization import service
from tradehub.organization.models import Branch, Organization
from tradehub.organization.schemas import (
    BranchCreate,
    BranchRead,
    BranchSort,
    BranchUpdate,
    OrganizationCreate,
    OrganizationRead,
    OrganizationSort,
    OrganizationUpdate,
)

router = api_router(tags=["organizations"])

CanRead = Annotated[Principal, Depends(require("organization:read"))]
CanWrite = Annotated[Principal, Depends(require("organization:write"))]
ORG_SORT = {
    "name": Organization.name,
    "code": Organization.code,
    "created_at": Organization.created_at,
}
BRANCH_SORT = {"name": Branch.name, "code": Branch.code, "created_at": Branch.created_at}


@router.post(
    "/organizations",
    status_code=201,
    response_model=OrganizationRead,
    responses=problem_responses(401, 403, 409),
)
async def create_organization(
    body: OrganizationCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> OrganizationRead:
    """The GSTIN must carry the PAN (characters 3-12) and the state code (first two digits)."""
    organization = await service.create_organization(session, actor_of(principal, caller), body)
    set_etag(response, organization.version)
    return OrganizationRead.model_validate(organization)


@router.get(
    "/organizations",
    response_model=Page[OrganizationRead],
    responses=problem_responses(401, 403),
)
async def list_organizations(
    session: DbSession,
    _: CanRead,
    paging: Paging,
    sort: OrganizationSort = OrganizationSort("name"),  # type: ignore[valid-type]
    q: Annotated[str | None, Query(max_length=100, description="part of name or code")] = None,
) -> Page[OrganizationRead]:
    statement = service.organization_list_statement(q=q)
    items, total = await paginate(
        session, statement, paging, order_by(sort, ORG_SORT, Organization.id)
    )
    return Page(
        items=[OrganizationRead.model_validate(o) for o in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    "/organizations/{organization_id}",
    response_model=OrganizationRead,
    responses=problem_responses(401, 403, 404),
)
async def get_organization(
    organization_id: uuid.UUID, session: DbSession, _: CanRead, response: Response
) -> OrganizationRead:
    organization = await service.get_organization(session, organization_id)
    set_etag(response, organization.version)
    return OrganizationRead.model_validate(organization)


@router.patch(
    "/organizations/{organization_id}",
    response_model=OrganizationRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def update_organization(
    organization_id: uuid.UUID,
    body: OrganizationUpdate,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> OrganizationRead:
    organization = await service.get_organization(session, organization_id)
    check_if_match(request, organization.version)
    organization = await service.update_organization(
        session, actor_of(principal, caller), organization, body
    )
    set_etag(response, organization.version)
    return OrganizationRead.model_validate(organization)


@router.post(
    "/organizations/{organization_id}/branches",
    status_code=201,
    response_model=BranchRead,
    responses=problem_responses(401, 403, 404, 409),
)
async def create_branch(
    organization_id: uuid.UUID,
    body: BranchCreate,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> BranchRead:
    """A branch's code is unique in its organization; its GSTIN (optional) must carry the
    organization's PAN and the branch's state code."""
    organization = await service.get_organization(session, organization_id)
    branch = await service.create_branch(session, actor_of(principal, caller), organization, body)
    set_etag(response, branch.version)
    return BranchRead.model_validate(branch)


async def _branch_page(
    session: DbSession, paging: Paging, sort: object, organization_id: uuid.UUID | None
) -> Page[BranchRead]:
    statement = service.branch_list_statement(organization_id=organization_id)
    items, total = await paginate(
        session,
        statement,
        paging,
        order_by(sort, BRANCH_SORT, Branch.id),  # type: ignore[arg-type]
    )
    return Page(
        items=[BranchRead.model_validate(b) for b in items],
        total=total,
        page=paging.page,
        limit=paging.limit,
    )


@router.get(
    "/organizations/{organization_id}/branches",
    response_model=Page[BranchRead],
    responses=problem_responses(401, 403, 404),
)
async def list_organization_branches(
    organization_id: uuid.UUID,
    session: DbSession,
    _: CanRead,
    paging: Paging,
    sort: BranchSort = BranchSort("name"),  # type: ignore[valid-type]
) -> Page[BranchRead]:
    await service.get_organization(session, organization_id)
    return await _branch_page(session, paging, sort, organization_id)


@router.get("/branches", response_model=Page[BranchRead], responses=problem_responses(401, 403))
async def list_branches(
    session: DbSession,
    _: CanRead,
    paging: Paging,
    sort: BranchSort = BranchSort("name"),  # type: ignore[valid-type]
    organization_id: uuid.UUID | None = None,
) -> Page[BranchRead]:
    return await _branch_page(session, paging, sort, organization_id)


@router.get(
    "/branches/{branch_id}", response_model=BranchRead, responses=problem_responses(401, 403, 404)
)
async def get_branch(
    branch_id: uuid.UUID, session: DbSession, _: CanRead, response: Response
) -> BranchRead:
    branch = await service.get_branch(session, branch_id)
    set_etag(response, branch.version)
    return BranchRead.model_validate(branch)


@router.patch(
    "/branches/{branch_id}",
    response_model=BranchRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def update_branch(
    branch_id: uuid.UUID,
    body: BranchUpdate,
    request: Request,
    session: DbSession,
    principal: CanWrite,
    caller: CallerDep,
    response: Response,
) -> BranchRead:
    """Send ``"gstin": null`` to remove the branch's GSTIN."""
    branch = await service.get_branch(session, branch_id)
    check_if_match(request, branch.version)
    branch = await service.update_branch(session, actor_of(principal, caller), branch, body)
    set_etag(response, branch.version)
    return BranchRead.model_validate(branch)
