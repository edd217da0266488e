"""Identity routes (api.md §3): /auth/*, /users, /roles, /permissions."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy import select

from tradehub.auth import service, users_service
from tradehub.auth.dependencies import (
    CallerDep,
    CurrentPrincipal,
    IdentityDep,
    RateLimiterDep,
    actor_of,
    require,
)
from tradehub.auth.models import Role, User
from tradehub.auth.permissions import PERMISSIONS
from tradehub.auth.principal import Principal
from tradehub.auth.repository import user_list_statement
from tradehub.auth.schemas import (
    LoginRequest,
    Me,
    PasswordChangeRequest,
    PasswordReset,
    PasswordResetRequest,
    PermissionRead,
    RefreshRequest,
    RoleCreate,
    RoleRead,
    RoleSort,
    RoleUpdate,
    TokenPair,
    UserCreate,
    UserRead,
    UserSort,
    UserUpdate,
)
from tradehub.kit.concurrency import check_if_match, set_etag
from tradehub.kit.errors import problem_responses
from tradehub.kit.pagination import Page, Paging, order_by, paginate
from tradehub.kit.routing import api_router
from tradehub.kit.transaction import DbSession

auth_router = api_router(prefix="/auth", tags=["identity"])
users_router = api_router(tags=["users and roles"])

AUTH_PROBLEMS = problem_responses(401, 423, 429, 503)


def me_of(principal: Principal) -> Me:
    return Me(
        id=principal.user_id,
        email=principal.email,
        name=principal.name,
        roles=sorted(principal.roles),
        permissions=sorted(principal.permissions),
        partner_id=principal.partner_id,
        branch_ids=sorted(principal.branch_ids),
        must_change_password=principal.must_change_password,
    )


async def _token_pair(session: DbSession, tokens: service.IssuedTokens) -> TokenPair:
    principal = await service.principal_for(session, tokens.user, session_id=tokens.session_id)
    return TokenPair(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        expires_in=tokens.expires_in,
        user=me_of(principal),
    )


async def _login(
    session: DbSession,
    identity: IdentityDep,
    caller: CallerDep,
    limiter: RateLimiterDep,
    email: str,
    password: str,
) -> TokenPair:
    await limiter.hit(
        f"{identity.settings.login_rate_per_minute}/minute", "login", caller.ip or "-"
    )
    tokens = await service.login(session, identity, caller, email=email, password=password)
    return await _token_pair(session, tokens)


@auth_router.post("/login", response_model=TokenPair, responses=AUTH_PROBLEMS)
async def login(
    body: LoginRequest,
    session: DbSession,
    identity: IdentityDep,
    caller: CallerDep,
    limiter: RateLimiterDep,
) -> TokenPair:
    """Sign in with e-mail and password; answers an access and a refresh token."""
    return await _login(session, identity, caller, limiter, body.email, body.password)


@auth_router.post("/token", response_model=TokenPair, responses=AUTH_PROBLEMS)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: DbSession,
    identity: IdentityDep,
    caller: CallerDep,
    limiter: RateLimiterDep,
) -> TokenPair:
    """The OAuth2 password form for the interactive docs; same rules as /auth/login."""
    return await _login(session, identity, caller, limiter, form.username, form.password)


@auth_router.post("/refresh", response_model=TokenPair, responses=problem_responses(401))
async def refresh(
    body: RefreshRequest, session: DbSession, identity: IdentityDep, caller: CallerDep
) -> TokenPair:
    """Trade a refresh token for a new pair; a reused refresh token closes its session."""
    tokens = await service.refresh(session, identity, caller, refresh_token=body.refresh_token)
    return await _token_pair(session, tokens)


@auth_router.post("/logout", status_code=204, responses=problem_responses(401))
async def logout(session: DbSession, principal: CurrentPrincipal, caller: CallerDep) -> Response:
    """End the session of this access token: its access and refresh tokens stop working."""
    await service.logout(session, principal, caller)
    return Response(status_code=204)


@auth_router.get("/me", response_model=Me, responses=problem_responses(401))
async def me(principal: CurrentPrincipal) -> Me:
    return me_of(principal)


@auth_router.post("/password/change", status_code=204, responses=problem_responses(401))
async def change_password(
    body: PasswordChangeRequest,
    session: DbSession,
    identity: IdentityDep,
    principal: CurrentPrincipal,
    caller: CallerDep,
) -> Response:
    """Change your password; your other sessions are closed."""
    await service.change_password(
        session,
        identity,
        principal,
        caller,
        current_password=body.current_password,
        new_password=body.new_password,
    )
    return Response(status_code=204)


@auth_router.post("/password/reset-request", status_code=202, responses=problem_responses(429))
async def request_password_reset(
    body: PasswordResetRequest,
    session: DbSession,
    identity: IdentityDep,
    caller: CallerDep,
    limiter: RateLimiterDep,
) -> Response:
    """Always 202: when the account exists, a one-hour single-use reset link is e-mailed."""
    await limiter.hit(f"{identity.settings.reset_rate_per_hour}/hour", "reset", caller.ip or "-")
    await service.request_password_reset(session, identity, caller, email=body.email)
    return Response(status_code=202)


@auth_router.post("/password/reset", status_code=204, responses=problem_responses(400, 429))
async def reset_password(
    body: PasswordReset,
    session: DbSession,
    identity: IdentityDep,
    caller: CallerDep,
    limiter: RateLimiterDep,
) -> Response:
    await limiter.hit(f"{identity.settings.reset_rate_per_hour}/hour", "reset", caller.ip or "-")
    await service.reset_password(
        session, identity, caller, token=body.token, new_password=body.new_password
    )
    return Response(status_code=204)


# --- users -----------------------------------------------------------------------------------

USER_SORT_COLUMNS = {"created_at": User.created_at, "email": User.email, "name": User.name}
CanReadUsers = Annotated[Principal, Depends(require("user:read"))]
CanWriteUsers = Annotated[Principal, Depends(require("user:write"))]


@users_router.post(
    "/users", status_code=201, response_model=UserRead, responses=problem_responses(401, 403, 409)
)
async def create_user(
    body: UserCreate,
    session: DbSession,
    identity: IdentityDep,
    principal: CanWriteUsers,
    caller: CallerDep,
    response: Response,
) -> UserRead:
    user = await users_service.create_user(session, identity, actor_of(principal, caller), body)
    set_etag(response, user.version)
    return (await users_service.user_reads(session, [user]))[0]


@users_router.get("/users", response_model=Page[UserRead], responses=problem_responses(401, 403))
async def list_users(
    session: DbSession,
    _: CanReadUsers,
    paging: Paging,
    sort: UserSort = UserSort("-created_at"),  # type: ignore[valid-type]
    q: Annotated[str | None, Query(max_length=100, description="part of e-mail or name")] = None,
    role: Annotated[str | None, Query(max_length=50)] = None,
    is_active: bool | None = None,
) -> Page[UserRead]:
    statement = user_list_statement(q=q, role=role, is_active=is_active)
    users, total = await paginate(
        session, statement, paging, order_by(sort, USER_SORT_COLUMNS, User.id)
    )
    items = await users_service.user_reads(session, users)
    return Page(items=items, total=total, page=paging.page, limit=paging.limit)


@users_router.get(
    "/users/{user_id}", response_model=UserRead, responses=problem_responses(401, 403, 404)
)
async def get_user(
    user_id: uuid.UUID, session: DbSession, _: CanReadUsers, response: Response
) -> UserRead:
    user = await users_service.get_user(session, user_id)
    set_etag(response, user.version)
    return (await users_service.user_reads(session, [user]))[0]


@users_router.patch(
    "/users/{user_id}", response_model=UserRead, responses=problem_responses(401, 403, 404, 412)
)
async def update_user(
    user_id: uuid.UUID,
    body: UserUpdate,
    request: Request,
    session: DbSession,
    principal: CanWriteUsers,
    caller: CallerDep,
    response: Response,
) -> UserRead:
    """Change name, mobile, roles or branches. Unknown fields (status, partner_id, …) are 422."""
    user = await users_service.get_user(session, user_id)
    check_if_match(request, user.version)
    user = await users_service.update_user(session, actor_of(principal, caller), user, body)
    set_etag(response, user.version)
    return (await users_service.user_reads(session, [user]))[0]


async def _set_active(
    user_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: Principal,
    caller: CallerDep,
    response: Response,
    *,
    active: bool,
) -> UserRead:
    user = await users_service.get_user(session, user_id)
    check_if_match(request, user.version)
    user = await users_service.set_active(session, actor_of(principal, caller), user, active=active)
    set_etag(response, user.version)
    return (await users_service.user_reads(session, [user]))[0]


@users_router.post(
    "/users/{user_id}/deactivate",
    response_model=UserRead,
    responses=problem_responses(401, 403, 404, 409, 412),
)
async def deactivate_user(
    user_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWriteUsers,
    caller: CallerDep,
    response: Response,
) -> UserRead:
    """The user loses access at once: every session of theirs is closed."""
    return await _set_active(user_id, request, session, principal, caller, response, active=False)


@users_router.post(
    "/users/{user_id}/activate",
    response_model=UserRead,
    responses=problem_responses(401, 403, 404, 412),
)
async def activate_user(
    user_id: uuid.UUID,
    request: Request,
    session: DbSession,
    principal: CanWriteUsers,
    caller: CallerDep,
    response: Response,
) -> UserRead:
    return await _set_active(user_id, request, session, principal, caller, response, active=True)


# --- roles and permissions -------------------------------------------------------------------

ROLE_SORT_COLUMNS = {"name": Role.name, "created_at": Role.created_at}


@users_router.get("/roles", response_model=Page[RoleRead], responses=problem_responses(401, 403))
async def list_roles(
    session: DbSession,
    _: Annotated[Principal, Depends(require("role:read"))],
    paging: Paging,
    sort: RoleSort = RoleSort("name"),  # type: ignore[valid-type]
) -> Page[RoleRead]:
    roles, total = await paginate(
        session, select(Role), paging, order_by(sort, ROLE_SORT_COLUMNS, Role.id)
    )
    items = await users_service.role_reads(session, roles)
    return Page(items=items, total=total, page=paging.page, limit=paging.limit)


@users_router.post(
    "/roles", status_code=201, response_model=RoleRead, responses=problem_responses(401, 403, 409)
)
async def create_role(
    body: RoleCreate,
    session: DbSession,
    principal: Annotated[Principal, Depends(require("role:write"))],
    caller: CallerDep,
) -> RoleRead:
    role = await users_service.create_role(session, actor_of(principal, caller), body)
    return (await users_service.role_reads(session, [role]))[0]


@users_router.get(
    "/roles/{role_id}", response_model=RoleRead, responses=problem_responses(401, 403, 404)
)
async def get_role(
    role_id: uuid.UUID,
    session: DbSession,
    _: Annotated[Principal, Depends(require("role:read"))],
    response: Response,
) -> RoleRead:
    role = await users_service.get_role(session, role_id)
    set_etag(response, role.version)
    return (await users_service.role_reads(session, [role]))[0]


@users_router.patch(
    "/roles/{role_id}", response_model=RoleRead, responses=problem_responses(401, 403, 404, 412)
)
async def update_role(
    role_id: uuid.UUID,
    body: RoleUpdate,
    request: Request,
    session: DbSession,
    principal: Annotated[Principal, Depends(require("role:write"))],
    caller: CallerDep,
    response: Response,
) -> RoleRead:
    """Custom roles only: built-in roles answer 403 ``role.builtin``."""
    role = await users_service.get_role(session, role_id)
    check_if_match(request, role.version)
    role = await users_service.update_role(session, actor_of(principal, caller), role, body)
    set_etag(response, role.version)
    return (await users_service.role_reads(session, [role]))[0]


@users_router.get(
    "/permissions", response_model=list[PermissionRead], responses=problem_responses(401, 403)
)
async def list_permissions(
    _: Annotated[Principal, Depends(require("role:read"))],
) -> list[PermissionRead]:
    return [
        PermissionRead(name=name, description=text) for name, text in sorted(PERMISSIONS.items())
    ]
