"""Identity use cases: login, tokens, sessions, passwords, users and roles.

Services never commit: the request transaction does. Errors that must leave evidence (failed
logins, reused refresh tokens) are ``keeps_changes`` errors, so the counters and audit events
written before them are committed with the 401/423.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tradehub.audit.domain import AuditActor
from tradehub.audit.service import record as audit
from tradehub.auth import repository
from tradehub.auth.domain import (
    LoginFailureState,
    after_failed_login,
    format_refresh_token,
    is_locked,
    parse_refresh_token,
    password_weaknesses,
    session_is_live,
)
from tradehub.auth.errors import (
    AccountLocked,
    InvalidCredentials,
    InvalidToken,
    RefreshTokenReused,
    field_error,
    weak_password,
)
from tradehub.auth.models import AuthSession, PasswordHistory, PasswordResetToken, User
from tradehub.auth.principal import Principal
from tradehub.config import Settings
from tradehub.kit import outbox
from tradehub.kit.errors import NotAuthenticated
from tradehub.kit.security import (
    InvalidToken as InvalidJwt,
)
from tradehub.kit.security import (
    PasswordHasher,
    decode_jwt,
    digest,
    encode_jwt,
    random_token,
)
from tradehub.kit.types import utcnow

log = structlog.get_logger("tradehub.auth")

ACCESS_TOKEN_TYPE = "access"  # noqa: S105 - a claim value, not a secret
# Touch a session's last-seen time at most this often: the idle timeout needs minutes, not ms.
LAST_SEEN_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class Identity:
    """What a service needs from the app: settings and the password hasher."""

    settings: Settings
    hasher: PasswordHasher


@dataclass(frozen=True)
class Caller:
    ip: str | None
    user_agent: str | None
    request_id: str | None

    def actor(self, user: User | None = None, *, label: str | None = None) -> AuditActor:
        return AuditActor(
            user_id=user.id if user else None,
            label=label or (user.email if user else "anonymous"),
            ip=self.ip,
            request_id=self.request_id,
        )


@dataclass(frozen=True)
class IssuedTokens:
    session_id: uuid.UUID
    access_token: str
    refresh_token: str
    expires_in: int
    user: User


# --- passwords -------------------------------------------------------------------------------


async def check_new_password(
    session: AsyncSession,
    identity: Identity,
    user: User | None,
    password: str,
    *,
    email: str,
    field: str,
) -> None:
    reasons = password_weaknesses(password, email=email)
    if user is not None and not reasons and identity.settings.password_history:
        recent = await repository.recent_password_hashes(
            session, user.id, identity.settings.password_history
        )
        for old_hash in recent:
            if (await identity.hasher.verify(password, old_hash))[0]:
                reasons.append(
                    f"must not be one of your last {identity.settings.password_history} passwords"
                )
                break
    if reasons:
        raise weak_password(reasons, field)


async def set_password(
    session: AsyncSession, identity: Identity, user: User, password: str, *, now: datetime
) -> None:
    user.password_hash = await identity.hasher.hash(password)
    user.password_changed_at = now
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, created_at=now))


# --- login and tokens ------------------------------------------------------------------------


async def login(
    session: AsyncSession, identity: Identity, caller: Caller, *, email: str, password: str
) -> IssuedTokens:
    now = utcnow()
    settings = identity.settings
    user = await repository.user_by_email(session, email)
    if user is None:
        await identity.hasher.verify(password, await _dummy_hash(identity))  # same time either way
        raise await _refuse(session, caller, None, "login_failed", "unknown account")
    if is_locked(user.locked_until, now):
        raise await _refuse(session, caller, user, "login_locked", "account locked")
    valid, upgraded_hash = await identity.hasher.verify(password, user.password_hash)
    if not valid:
        _count_failure(user, now, settings)
        raise await _refuse(session, caller, user, "login_failed", "wrong password")
    if not user.is_active:
        raise await _refuse(session, caller, user, "login_failed", "inactive account")
    if upgraded_hash is not None:
        user.password_hash = upgraded_hash
    user.failed_login_count = 0
    user.failure_window_started_at = None
    user.locked_until = None
    user.last_login_at = now
    tokens = await _open_session(session, identity, caller, user, now)
    await audit(
        session, actor=caller.actor(user), action="login", entity_type="user", entity_id=user.id
    )
    log.info("auth.login_succeeded", user_id=str(user.id), ip=caller.ip)
    return tokens


async def _refuse(
    session: AsyncSession, caller: Caller, user: User | None, action: str, reason: str
) -> InvalidCredentials | AccountLocked:
    """Audit and log a refused login; the error keeps both (it is a keeps_changes error)."""
    await audit(
        session,
        actor=caller.actor(user, label=None if user else "anonymous"),
        action=action,
        entity_type="user",
        entity_id=user.id if user else None,
        reason=reason,
    )
    log.warning(
        f"auth.{action}",
        reason=reason,
        user_id=str(user.id) if user else None,
        ip=caller.ip,
        failures=user.failed_login_count if user else None,
    )
    if action == "login_locked":
        return AccountLocked("Too many failed attempts; try again later")
    return InvalidCredentials()


def _count_failure(user: User, now: datetime, settings: Settings) -> None:
    state = after_failed_login(
        LoginFailureState(
            count=user.failed_login_count,
            window_started_at=user.failure_window_started_at,
            locked_until=user.locked_until,
        ),
        now,
        max_failures=settings.login_max_failures,
        window=timedelta(minutes=settings.login_failure_window_minutes),
        lockout=timedelta(minutes=settings.lockout_minutes),
    )
    user.failed_login_count = state.count
    user.failure_window_started_at = state.window_started_at
    user.locked_until = state.locked_until


_DUMMY_HASHES: dict[int, str] = {}


async def _dummy_hash(identity: Identity) -> str:
    key = id(identity.hasher)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = await identity.hasher.hash(random_token())
    return _DUMMY_HASHES[key]


async def _open_session(
    session: AsyncSession, identity: Identity, caller: Caller, user: User, now: datetime
) -> IssuedTokens:
    secret = random_token()
    auth_session = AuthSession(
        id=uuid.uuid4(),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(days=identity.settings.refresh_token_days),
        refresh_token_hash="",
        ip=caller.ip,
        user_agent=(caller.user_agent or "")[:300] or None,
    )
    refresh_token = format_refresh_token(auth_session.id, secret)
    auth_session.refresh_token_hash = digest(refresh_token)
    session.add(auth_session)
    await session.flush()
    return _issue(identity, user, auth_session, refresh_token, now)


def _issue(
    identity: Identity, user: User, auth_session: AuthSession, refresh_token: str, now: datetime
) -> IssuedTokens:
    lifetime = timedelta(minutes=identity.settings.access_token_minutes)
    access_token = encode_jwt(
        identity.settings,
        {
            "sub": str(user.id),
            "sid": str(auth_session.id),
            "typ": ACCESS_TOKEN_TYPE,
            "jti": uuid.uuid4().hex,
        },
        issued_at=now,
        lifetime=lifetime,
    )
    return IssuedTokens(
        session_id=auth_session.id,
        access_token=access_token,
        refresh_token=refresh_token,
        expires_in=int(lifetime.total_seconds()),
        user=user,
    )


def _session_live(auth_session: AuthSession, identity: Identity, now: datetime) -> bool:
    return session_is_live(
        revoked_at=auth_session.revoked_at,
        expires_at=auth_session.expires_at,
        last_seen_at=auth_session.last_seen_at,
        now=now,
        idle_timeout=timedelta(minutes=identity.settings.session_idle_minutes),
    )


async def refresh(
    session: AsyncSession, identity: Identity, caller: Caller, *, refresh_token: str
) -> IssuedTokens:
    now = utcnow()
    session_id = parse_refresh_token(refresh_token)
    auth_session = await repository.session_for_update(session, session_id) if session_id else None
    if auth_session is None or not _session_live(auth_session, identity, now):
        raise NotAuthenticated("The refresh token is not valid")
    user = await repository.user_by_id(session, auth_session.user_id)
    if digest(refresh_token) != auth_session.refresh_token_hash:
        auth_session.revoked_at = now
        auth_session.revoked_reason = "refresh_token_reused"
        await audit(
            session,
            actor=caller.actor(user),
            action="session_revoked",
            entity_type="user",
            entity_id=auth_session.user_id,
            reason="refresh token reused",
        )
        raise RefreshTokenReused("The refresh token was already used; the session is closed")
    if user is None or not user.is_active:
        raise NotAuthenticated("The account is not active")
    secret = random_token()
    new_refresh_token = format_refresh_token(auth_session.id, secret)
    auth_session.refresh_token_hash = digest(new_refresh_token)
    auth_session.refresh_generation += 1
    auth_session.last_seen_at = now
    return _issue(identity, user, auth_session, new_refresh_token, now)


@dataclass(frozen=True)
class AccessCheck:
    principal: Principal
    needs_touch: bool


async def authenticate(session: AsyncSession, identity: Identity, token: str) -> AccessCheck:
    """The principal behind an access token, or 401 for any reason at all."""
    now = utcnow()
    try:
        claims = decode_jwt(identity.settings, token)
        if claims.get("typ") != ACCESS_TOKEN_TYPE:
            raise InvalidJwt("not an access token")
        user_id, session_id = uuid.UUID(claims["sub"]), uuid.UUID(claims["sid"])
    except (InvalidJwt, KeyError, ValueError, TypeError) as exc:
        raise NotAuthenticated("The access token is not valid") from exc
    row = (
        await session.execute(
            select(AuthSession, User)
            .join(User, User.id == AuthSession.user_id)
            .where(AuthSession.id == session_id, AuthSession.user_id == user_id)
        )
    ).first()
    if row is None:
        raise NotAuthenticated("The session has ended")
    auth_session, user = row
    if not _session_live(auth_session, identity, now) or not user.is_active:
        raise NotAuthenticated("The session has ended")
    principal = await principal_for(session, user, session_id=auth_session.id)
    return AccessCheck(
        principal=principal, needs_touch=now - auth_session.last_seen_at >= LAST_SEEN_RESOLUTION
    )


async def touch_session(session: AsyncSession, session_id: uuid.UUID) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(last_seen_at=utcnow())
    )


async def principal_for(session: AsyncSession, user: User, *, session_id: uuid.UUID) -> Principal:
    roles = (await repository.roles_by_user(session, [user.id]))[user.id]
    granted = await repository.permissions_of(session, roles)
    branches = (await repository.branches_by_user(session, [user.id]))[user.id]
    permissions: set[str] = set().union(*granted.values()) if granted else set()
    return Principal(
        user_id=user.id,
        email=user.email,
        name=user.name,
        session_id=session_id,
        roles=frozenset(role.name for role in roles),
        permissions=frozenset(permissions),
        partner_id=user.partner_id,
        branch_ids=frozenset(branches),
        must_change_password=user.must_change_password,
    )


async def logout(session: AsyncSession, principal: Principal, caller: Caller) -> None:
    await _revoke(session, [AuthSession.id == principal.session_id], reason="logout")
    await audit(
        session,
        actor=_actor(principal, caller),
        action="logout",
        entity_type="user",
        entity_id=principal.user_id,
    )


async def _revoke(session: AsyncSession, conditions: list[object], *, reason: str) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.revoked_at.is_(None), *conditions)  # type: ignore[arg-type]
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


async def revoke_all_sessions(
    session: AsyncSession, user_id: uuid.UUID, *, reason: str, keep: uuid.UUID | None = None
) -> None:
    conditions: list[object] = [AuthSession.user_id == user_id]
    if keep is not None:
        conditions.append(AuthSession.id != keep)
    await _revoke(session, conditions, reason=reason)


def _actor(principal: Principal, caller: Caller) -> AuditActor:
    return AuditActor(
        user_id=principal.user_id, label=principal.email, ip=caller.ip, request_id=caller.request_id
    )


# --- password change and reset ---------------------------------------------------------------


async def change_password(
    session: AsyncSession,
    identity: Identity,
    principal: Principal,
    caller: Caller,
    *,
    current_password: str,
    new_password: str,
) -> None:
    user = await repository.user_by_id(session, principal.user_id)
    if user is None:
        raise NotAuthenticated()
    if not (await identity.hasher.verify(current_password, user.password_hash))[0]:
        raise field_error(
            "current_password", "The current password is not correct", "auth.wrong_password"
        )
    await check_new_password(
        session, identity, user, new_password, email=user.email, field="new_password"
    )
    now = utcnow()
    await set_password(session, identity, user, new_password, now=now)
    user.must_change_password = False
    await revoke_all_sessions(
        session, user.id, reason="password_changed", keep=principal.session_id
    )
    await audit(
        session,
        actor=_actor(principal, caller),
        action="password_changed",
        entity_type="user",
        entity_id=user.id,
    )


async def request_password_reset(
    session: AsyncSession, identity: Identity, caller: Caller, *, email: str
) -> None:
    """Queue a reset mail when the account exists; the caller learns nothing either way."""
    user = await repository.user_by_email(session, email)
    if user is None or not user.is_active:
        return
    now = utcnow()
    token = random_token()
    session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=digest(token),
            created_at=now,
            expires_at=now + timedelta(minutes=identity.settings.password_reset_minutes),
        )
    )
    link = f"{identity.settings.public_url.rstrip('/')}/reset-password?token={token}"
    await outbox.enqueue(
        session,
        channel="email",
        recipient=user.email,
        template="password_reset",
        context={
            "name": user.name,
            "link": link,
            "minutes": identity.settings.password_reset_minutes,
        },
    )
    await audit(
        session,
        actor=caller.actor(user),
        action="password_reset_requested",
        entity_type="user",
        entity_id=user.id,
    )


async def reset_password(
    session: AsyncSession, identity: Identity, caller: Caller, *, token: str, new_password: str
) -> None:
    now = utcnow()
    reset = await session.scalar(
        select(PasswordResetToken)
        .where(PasswordResetToken.token_hash == digest(token))
        .with_for_update()
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        raise InvalidToken("The reset link is invalid, used or expired")
    user = await repository.user_by_id(session, reset.user_id)
    if user is None or not user.is_active:
        raise InvalidToken("The reset link is invalid, used or expired")
    await check_new_password(
        session, identity, user, new_password, email=user.email, field="new_password"
    )
    reset.used_at = now
    await set_password(session, identity, user, new_password, now=now)
    user.must_change_password = False
    user.failed_login_count = 0
    user.locked_until = None
    await revoke_all_sessions(session, user.id, reason="password_reset")
    await audit(
        session,
        actor=caller.actor(user),
        action="password_reset",
        entity_type="user",
        entity_id=user.id,
    )


# --- housekeeping ----------------------------------------------------------------------------


async def cleanup_sessions(session: AsyncSession) -> int:
    """Delete sessions past their refresh lifetime or revoked a day ago, and spent reset links."""
    now = utcnow()
    result = await session.execute(
        delete(AuthSession).where(
            or_(AuthSession.expires_at <= now, AuthSession.revoked_at <= now - timedelta(days=1))
        )
    )
    await session.execute(
        delete(PasswordResetToken).where(PasswordResetToken.expires_at <= now - timedelta(days=1))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
