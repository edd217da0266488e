"""Sub-user invitations: /invitations for the partner's primary user, and the public
/auth/invitations/accept that the e-mailed link leads to."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel, EmailStr, Field, StringConstraints

from tradehub.auth import invitations_service, users_service
from tradehub.auth.dependencies import (
    CallerDep,
    IdentityDep,
    RateLimiterDep,
    actor_of,
    require,
)
from tradehub.auth.invitations_service import InvitationStatus
from tradehub.auth.models import Invitation
from tradehub.auth.principal import Principal
from tradehub.auth.schemas import PasswordField, Strict, UserRead
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, sort_enum
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession
from tradehub.kit.types import utcnow

invitations_router = api_router(tags=["sub-user invitations"])
invitation_accept_router = api_router(prefix="/auth/invitations", tags=["identity"])

CanInvite = Annotated[Principal, Depends(require("subuser:invite"))]


class InvitationCreate(Strict):
    email: EmailStr
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    branch_ids: Annotated[
        list[uuid.UUID],
        Field(min_length=1, max_length=100, description="Branches the colleague is limited to"),
    ]


class InvitationRead(BaseModel):
    id: uuid.UUID
    partner_id: uuid.UUID
    inviter_id: uuid.UUID
    email: str
    name: str
    branch_ids: list[uuid.UUID]
    status: InvitationStatus
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    accepted_user_id: uuid.UUID | None
    revoked_at: datetime | None
    version: int


class InvitationAccept(Strict):
    token: Annotated[str, Field(min_length=1, max_length=200)]
    password: PasswordField


InvitationSort = sort_enum("InvitationSort", ["created_at", "expires_at", "email"])
SORT_COLUMNS = {
    "created_at": Invitation.created_at,
    "expires_at": Invitation.expires_at,
    "email": Invitation.email,
}


def read_of(invitation: Invitation, now: datetime | None = None) -> InvitationRead:
    return InvitationRead(
        id=invitation.id,
        partner_id=invitation.partner_id,
        inviter_id=invitation.inviter_id,
        email=invitation.email,
        name=invitation.name,
        branch_ids=[uuid.UUID(b) for b in invitation.branch_ids],
        status=invitations_service.status_of(invitation, now or utcnow()),
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        accepted_at=invitation.accepted_at,
        accepted_user_id=invitation.accepted_user_id,
        revoked_at=invitation.revoked_at,
        version=invitation.version,
    )


@invitations_router.post(
    "/invitations",
    status_code=201,
    response_model=InvitationRead,
    responses=problem_responses(401, 403, 409),
)
async def create_invitation(
    body: InvitationCreate,
    session: DbSession,
    identity: IdentityDep,
    principal: CanInvite,
    caller: CallerDep,
    response: Response,
) -> InvitationRead:
    """Invite a colleague (a sub-user of your partner, limited to the given branches): an
    e-mail with a link valid for 7 days is queued. Only a partner's primary user invites."""
    invitation = await invitations_service.create_invitation(
        session,
        identity,
        principal,
        actor_of(principal, caller),
        email=str(body.email),
        name=body.name,
        branch_ids=body.branch_ids,
    )
    set_etag(response, invitation.version)
    return read_of(invitation)


@invitations_router.get(
    "/invitations", response_model=Page[InvitationRead], responses=problem_responses(401, 403)
)
async def list_invitations(
    session: DbSession,
    principal: CanInvite,
    paging: Paging,
    sort: InvitationSort = InvitationSort("-created_at"),  # type: ignore[valid-type]
    status: InvitationStatus | None = None,
    partner_id: Annotated[
        uuid.UUID | None, Query(description="staff only: one partner's invitations")
    ] = None,
) -> Page[InvitationRead]:
    """Your partner's invitations (staff with ``user:read``: every partner's)."""
    items, total = await invitations_service.list_invitations(
        session,
        principal,
        paging,
        order_by(sort, SORT_COLUMNS, Invitation.id),
        status=status,
        partner_id=partner_id,
    )
    now = utcnow()
    return Page(
        items=[read_of(i, now) for i in items], total=total, page=paging.page, limit=paging.limit
    )


@invitations_router.get(
    "/invitations/{invitation_id}",
    response_model=InvitationRead,
    responses=problem_responses(401, 403, 404),
)
async def get_invitation(
    invitation_id: uuid.UUID, session: DbSession, principal: CanInvite, response: Response
) -> InvitationRead:
    invitation = await invitations_service.get_invitation(session, principal, invitation_id)
    set_etag(response, invitation.version)
    return read_of(invitation)


@invitations_router.post(
    "/invitations/{invitation_id}/revoke",
    response_model=InvitationRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def revoke_invitation(
    invitation_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanInvite,
    caller: CallerDep,
    response: Response,
) -> InvitationRead:
    """Withdraw a pending invitation: its link stops working and it no longer counts."""
    invitation = await invitations_service.get_invitation(session, principal, invitation_id)
    check_if_match(request, invitation.version)
    invitation = await invitations_service.revoke_invitation(
        session, principal, actor_of(principal, caller), invitation
    )
    set_etag(response, invitation.version)
    return read_of(invitation)


@invitation_accept_router.post(
    "/accept", status_code=201, response_model=UserRead, responses=problem_responses(400, 409, 429)
)
async def accept_invitation(
    body: InvitationAccept,
    session: DbSession,
    identity: IdentityDep,
    caller: CallerDep,
    limiter: RateLimiterDep,
) -> UserRead:
    """Accept an invitation with the token from its e-mail and choose a password: creates the
    portal user (role ``partner``, the inviter's partner, the chosen branches). Then log in."""
    await limiter.hit(
        f"{identity.settings.reset_rate_per_hour}/hour", "invitation-accept", caller.ip or "-"
    )
    user = await invitations_service.accept_invitation(
        session, identity, caller, token=body.token, password=body.password
    )
    return (await users_service.user_reads(session, [user]))[0]
