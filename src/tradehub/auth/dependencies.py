"""Who is calling and what they may do, as FastAPI dependencies.

``require("user:write")`` is the one way a route declares its permission; the route × role
matrix test reads ``required_permissions`` off these dependencies, so a route that declares
nothing is caught.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import record as audit
from tradehub.auth import service
from tradehub.auth.errors import PasswordChangeRequired, PermissionDenied
from tradehub.auth.principal import Principal
from tradehub.auth.service import Caller, Identity
from tradehub.kit.db import session_scope
from tradehub.kit.errors import NotAuthenticated
from tradehub.kit.ratelimit import RateLimiter
from tradehub.kit.transaction import SAFE_METHODS, DbSession

log = structlog.get_logger("tradehub.auth")

bearer_token = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token", auto_error=False, description="Access token from login"
)


def get_identity(request: Request) -> Identity:
    return request.app.state.identity  # type: ignore[no-any-return]


def get_rate_limiter(request: Request) -> RateLimiter:
    return request.app.state.rate_limiter  # type: ignore[no-any-return]


def get_caller(request: Request) -> Caller:
    return Caller(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        request_id=getattr(request.state, "request_id", None),
    )


IdentityDep = Annotated[Identity, Depends(get_identity)]
CallerDep = Annotated[Caller, Depends(get_caller)]
RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


async def get_principal(
    request: Request,
    session: DbSession,
    identity: IdentityDep,
    token: Annotated[str | None, Depends(bearer_token)],
) -> Principal:
    if not token:
        raise NotAuthenticated("Sign in first: send Authorization: Bearer <access token>")
    check = await service.authenticate(session, identity, token)
    principal = check.principal
    if check.needs_touch:
        await _touch(request, session, principal)
    request.state.principal = principal
    request.state.principal_id = principal.user_id
    structlog.contextvars.bind_contextvars(user_id=str(principal.user_id))
    return principal


async def _touch(request: Request, session: DbSession, principal: Principal) -> None:
    """Keep the session alive. A read request does it in a short write transaction of its own,
    so reads never take the SQLite write lock for their whole length."""
    if request.method in SAFE_METHODS:
        async with session_scope(request.app.state.sessionmaker, writes=True) as own:
            await service.touch_session(own, principal.session_id)
    else:
        await service.touch_session(session, principal.session_id)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def _record_denial(
    request: Request, session: DbSession, principal: Principal, caller: Caller, missing: list[str]
) -> None:
    """Audit a denied call. A read request records it in a short write transaction of its own
    (SQLite cannot turn a read transaction into a write one once others have written)."""

    async def write(into: AsyncSession) -> None:
        await audit(
            into,
            actor=actor_of(principal, caller),
            action="permission_denied",
            entity_type="route",
            entity_id=None,
            reason=f"{request.method} {request.url.path} needs {', '.join(missing)}",
        )

    if request.method in SAFE_METHODS:
        async with session_scope(request.app.state.sessionmaker, writes=True) as own:
            await write(own)
    else:
        await write(session)


def actor_of(principal: Principal, caller: Caller) -> AuditActor:
    return AuditActor(
        user_id=principal.user_id, label=principal.email, ip=caller.ip, request_id=caller.request_id
    )


PermissionDependency = Callable[..., Awaitable[Principal]]


def require(*permissions: str) -> PermissionDependency:
    """A dependency that lets the call through only with every one of ``permissions``."""

    async def dependency(
        request: Request, session: DbSession, principal: CurrentPrincipal, caller: CallerDep
    ) -> Principal:
        if principal.must_change_password:
            raise PasswordChangeRequired("Change your temporary password before anything else")
        missing = [permission for permission in permissions if not principal.can(permission)]
        if missing:
            await _record_denial(request, session, principal, caller, missing)
            log.warning(
                "auth.permission_denied",
                user_id=str(principal.user_id),
                ip=caller.ip,
                route=f"{request.method} {request.url.path}",
                missing=missing,
            )
            raise PermissionDenied(f"This needs the permission {', '.join(missing)}")
        return principal

    dependency.required_permissions = permissions  # type: ignore[attr-defined]
    return dependency
