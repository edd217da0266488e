"""Pure identity rules: password policy, lockout, session liveness, refresh token format."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tradehub.kit.identifiers import normalise_mobile as normalise_mobile  # re-exported

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


def password_weaknesses(password: str, *, email: str) -> list[str]:
    """Every reason the password breaks the policy of api.md §3 (empty when it is fine).

    The reuse rule needs hashes and so is checked by the service; this covers the rest.
    Length counts characters, not bytes: nothing is ever truncated.
    """
    reasons = []
    if len(password) < MIN_PASSWORD_LENGTH:
        reasons.append(f"must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        reasons.append(f"must be at most {MAX_PASSWORD_LENGTH} characters")
    if not any(ch.isupper() for ch in password):
        reasons.append("must contain an upper-case letter")
    if not any(ch.islower() for ch in password):
        reasons.append("must contain a lower-case letter")
    if not any(ch.isdigit() for ch in password):
        reasons.append("must contain a digit")
    if not any(not ch.isalnum() and not ch.isspace() for ch in password):
        reasons.append("must contain a symbol")
    if password.strip().casefold() == email.strip().casefold():
        reasons.append("must not be the e-mail address")
    return reasons


@dataclass(frozen=True)
class LoginFailureState:
    count: int
    window_started_at: datetime | None
    locked_until: datetime | None


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def after_failed_login(
    state: LoginFailureState,
    now: datetime,
    *,
    max_failures: int,
    window: timedelta,
    lockout: timedelta,
) -> LoginFailureState:
    """Count a failure in a sliding window; the max-th failure in the window locks the account."""
    window_open = state.window_started_at is not None and now - state.window_started_at < window
    count = state.count + 1 if window_open else 1
    started = state.window_started_at if window_open else now
    locked_until = now + lockout if count >= max_failures else state.locked_until
    return LoginFailureState(count=count, window_started_at=started, locked_until=locked_until)


def session_is_live(
    *,
    revoked_at: datetime | None,
    expires_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    idle_timeout: timedelta,
) -> bool:
    return revoked_at is None and expires_at > now and now - last_seen_at < idle_timeout


REFRESH_SEPARATOR = "."


def format_refresh_token(session_id: uuid.UUID, secret: str) -> str:
    return f"{session_id.hex}{REFRESH_SEPARATOR}{secret}"


def parse_refresh_token(token: str) -> uuid.UUID | None:
    """The session a refresh token belongs to, or None when it is not one of ours."""
    session_part, _, secret = token.partition(REFRESH_SEPARATOR)
    if not secret:
        return None
    try:
        return uuid.UUID(hex=session_part)
    except ValueError:
        return None
