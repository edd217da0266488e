"""Password hashing (argon2id, off the event loop), signed tokens and random secrets.

Argon2 costs tens of milliseconds of CPU on purpose; running it on the event loop would stall
every other request, so hashing and verifying go to a worker thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from tradehub.config import Settings

JWT_ALGORITHM = "HS256"


class InvalidToken(Exception):
    """The token is malformed, expired, not yet valid, or signed by someone else."""


@dataclass(frozen=True)
class PasswordHasher:
    """argon2id with the cost parameters from settings; old hashes are upgraded on login."""

    hasher: PasswordHash

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordHasher:
        argon2 = Argon2Hasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        return cls(PasswordHash((argon2,)))

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self.hasher.hash, password)

    async def verify(self, password: str, password_hash: str) -> tuple[bool, str | None]:
        """(valid, new hash when the stored one used other parameters)."""
        return await asyncio.to_thread(self.hasher.verify_and_update, password, password_hash)


def random_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def digest(value: str) -> str:
    """SHA-256 of a high-entropy secret (tokens, not passwords) for storage and lookup."""
    return hashlib.sha256(value.encode()).hexdigest()


def encode_jwt(
    settings: Settings, claims: dict[str, Any], *, issued_at: datetime, lifetime: timedelta
) -> str:
    payload = {
        **claims,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(issued_at.timestamp()),
        "nbf": int(issued_at.timestamp()),
        "exp": int((issued_at + lifetime).timestamp()),
    }
    return jwt.encode(payload, settings.secret_key.get_secret_value(), algorithm=JWT_ALGORITHM)


def decode_jwt(settings: Settings, token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[JWT_ALGORITHM],  # never "none", never what the token header asks for
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "nbf", "iss", "aud", "sub"]},
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(type(exc).__name__) from exc
    return claims
