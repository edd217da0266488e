"""``Idempotency-Key`` for POST routes (api.md §1).

The first request with a key claims it by inserting a row in the same transaction as its
business effect; the rendered answer is stored in that row just before commit. A concurrent
request with the same key blocks on the row's unique index (PostgreSQL) or on the write lock
(SQLite ``BEGIN IMMEDIATE``) until the first commits, then replays the stored answer. If the
first fails, its claim rolls back with everything else and the key is free again.

Use it as a route dependency: ``dependencies=[Depends(idempotent)]``.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime, timedelta

from fastapi import Request, Response
from sqlalchemy import Index, LargeBinary, String, UniqueConstraint, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base, insert_or_ignore
from tradehub.kit.errors import Conflict, Unprocessable
from tradehub.kit.transaction import (
    BeforeCommit,
    EarlyResponse,
    current_transaction,
    get_session,
)
from tradehub.kit.types import UtcDateTime, utcnow

HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotent-Replayed"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
DEFAULT_TTL = timedelta(hours=24)
IN_PROGRESS = "A request with this Idempotency-Key is in progress"


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("scope", "key"),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    scope: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None]
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    response_content_type: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def idempotency_scope(request: Request) -> str:
    """Keys belong to the caller: the identity layer sets ``request.state.principal_id``."""
    principal = getattr(request.state, "principal_id", None)
    return str(principal) if principal is not None else "anonymous"


async def idempotent(request: Request) -> None:
    key = request.headers.get(HEADER)
    if key is None:
        return
    if not _VALID_KEY.fullmatch(key):
        raise Unprocessable(
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
            code="idempotency.key_invalid",
            errors=[{"loc": ["header", HEADER], "msg": "invalid key", "type": "value_error"}],
        )
    session = await get_session(request)
    fingerprint = request_fingerprint(request.method, request.url.path, await request.body())
    scope = idempotency_scope(request)
    record_id = await _claim(
        session, scope=scope, key=key, request=request, fingerprint=fingerprint
    )
    if record_id is None:
        raise _answer_for_existing(await _load(session, scope, key), fingerprint)
    current_transaction(request).before_commit(_store_response(record_id))


async def _claim(
    session: AsyncSession, *, scope: str, key: str, request: Request, fingerprint: str
) -> uuid.UUID | None:
    now = utcnow()
    await session.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
            IdempotencyRecord.expires_at <= now,
        )
    )
    record_id = uuid.uuid4()
    inserted = await insert_or_ignore(
        session,
        IdempotencyRecord.__table__,  # type: ignore[arg-type]
        {
            "id": record_id,
            "scope": scope,
            "key": key,
            "method": request.method,
            "path": request.url.path,
            "request_hash": fingerprint,
            "created_at": now,
            "expires_at": now + _ttl(request),
        },
        conflict_columns=["scope", "key"],
    )
    return record_id if inserted else None


def _ttl(request: Request) -> timedelta:
    settings = getattr(request.app.state, "settings", None)
    return timedelta(hours=settings.idempotency_ttl_hours) if settings else DEFAULT_TTL


async def _load(session: AsyncSession, scope: str, key: str) -> IdempotencyRecord | None:
    result = await session.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.scope == scope,
            IdempotencyRecord.key == key,
            IdempotencyRecord.expires_at > utcnow(),
        )
    )
    return result.scalar_one_or_none()


def _answer_for_existing(record: IdempotencyRecord | None, fingerprint: str) -> Exception:
    if record is None or record.status_code is None:  # claimed by a request not yet finished
        return Conflict(IN_PROGRESS, code="idempotency.in_progress")
    if record.request_hash != fingerprint:
        return Unprocessable(
            "This Idempotency-Key was used with a different request",
            code="idempotency.key_reused",
            errors=[{"loc": ["header", HEADER], "msg": "key reused", "type": "value_error"}],
        )
    replay = Response(
        content=record.response_body or b"",
        status_code=record.status_code,
        media_type=record.response_content_type,
        headers={REPLAY_HEADER: "true"},
    )
    return EarlyResponse(replay)


def _store_response(record_id: uuid.UUID) -> BeforeCommit:
    async def store(session: AsyncSession, response: Response) -> None:
        await session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == record_id)
            .values(
                status_code=response.status_code,
                response_body=bytes(response.body),
                response_content_type=response.headers.get("content-type"),
            )
        )

    return store


async def purge_expired(session: AsyncSession) -> int:
    """Delete keys past their lifetime; returns how many went (for the cleanup job)."""
    result = await session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
