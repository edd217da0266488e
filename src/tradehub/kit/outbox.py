"""The transactional outbox: messages written with the business change, delivered later.

``enqueue`` only adds a row to the caller's transaction, so a rolled-back change leaves no
message and a change that commits always has its message; nothing touches the network. A
worker (``tradehub.notification``) moves each row through these states, every transition a
compare-and-set on the row's status and the claim token of the worker that holds it:

    queued ─claim─▶ sending ─hand over─▶ sent ─server's "250" seen─▶ sent + confirmed_at
                       │                   └─ server rejects the message ─▶ failed | dead
                       └─ refused / unreachable before the hand-over ─▶ failed | dead
    failed ─backoff elapsed (notification_retry job)─▶ queued
    sending whose lease expired (its worker died before the hand-over) ─claim─▶ sending

*Hand over* is committed just before the last byte that lets the server accept the message
(the final "." of SMTP DATA, the HTTP request of an SMS). A row is handed over at most once
per delivery, so a crash never makes a second copy; see ``tradehub/notification/README.md``
for the guarantee and its one remaining window. This module knows nothing of channels' wire
formats: it is the state machine and its queries.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, String, Uuid, and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from tradehub.kit.db import Base
from tradehub.kit.logging import scrub_text
from tradehub.kit.types import UtcDateTime, utcnow

ERROR_MAX_LENGTH = 500


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    DEAD = "dead"


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_messages_created_at", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    channel: Mapped[str] = mapped_column(String(10))
    recipient: Mapped[str] = mapped_column(String(320))
    template: Mapped[str] = mapped_column(String(100))
    # The template's context. It may hold a reset link or an OTP: never shown by the API.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    claim_token: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX_LENGTH))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    provider_reference: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


async def enqueue(
    session: AsyncSession,
    *,
    channel: str,
    recipient: str,
    template: str,
    context: dict[str, Any],
) -> OutboxMessage:
    """Add a message to the caller's transaction; it is delivered after that transaction commits.

    The context must be JSON (it is stored and rendered by the worker); a bad one fails here,
    in the business transaction, rather than later in the worker.
    """
    json.dumps(context)
    message = OutboxMessage(
        id=uuid.uuid4(),
        channel=Channel(channel).value,
        recipient=recipient,
        template=template,
        payload=dict(context),
        status=OutboxStatus.QUEUED.value,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    return message


# --- delivery state machine, used by the worker -----------------------------------------------


@dataclass(frozen=True)
class Claim:
    """A message a worker holds: a snapshot, so no session stays open while it is sent."""

    id: uuid.UUID
    channel: str
    recipient: str
    template: str
    payload: dict[str, Any]
    attempts: int
    token: uuid.UUID


def clean_error(error: str) -> str:
    """What may be stored as ``last_error``: scrubbed of secrets and cut to the column."""
    text = scrub_text(" ".join(error.split()))
    return text[: ERROR_MAX_LENGTH - 1] + "…" if len(text) > ERROR_MAX_LENGTH else text


def backoff_delay(
    attempts: int, *, base_seconds: float, max_seconds: float, rng: random.Random | None = None
) -> timedelta:
    """Wait before the next try after ``attempts`` tries: base × 2^(attempts-1), capped, with
    "equal jitter" (between half and all of it) so that failures do not retry in lockstep."""
    exponent = min(max(attempts - 1, 0), 62)
    ceiling = min(max_seconds, base_seconds * 2.0**exponent)
    jitter = (rng or random).random()
    return timedelta(seconds=ceiling / 2 + ceiling / 2 * jitter)


async def claim_due(
    session: AsyncSession,
    *,
    worker: str,
    limit: int,
    lease: timedelta,
    max_attempts: int,
    now: datetime | None = None,
) -> list[Claim]:
    """Take up to ``limit`` due messages for this worker, in the caller's (short) transaction.

    Due means queued and past ``next_attempt_at``, or ``sending`` under a lease that expired
    (its worker died before handing it over, so it was not sent). A message that already used
    all its attempts that way goes ``dead`` instead. On PostgreSQL concurrent workers skip each
    other's rows (``SKIP LOCKED``); on SQLite the write transaction serialises them.
    """
    now = now or utcnow()
    table = OutboxMessage
    expired = and_(table.status == OutboxStatus.SENDING, table.locked_until < now)
    await session.execute(
        update(table)
        .where(expired, table.attempts >= max_attempts)
        .values(
            status=OutboxStatus.DEAD,
            last_error=f"gave up after {max_attempts} attempts: delivery was interrupted",
            claim_token=None,
            locked_by=None,
            locked_until=None,
            updated_at=now,
        )
    )
    due = or_(and_(table.status == OutboxStatus.QUEUED, table.next_attempt_at <= now), expired)
    rows = (
        await session.execute(
            select(
                table.id,
                table.channel,
                table.recipient,
                table.template,
                table.payload,
                table.attempts,
            )
            .where(due)
            .order_by(table.next_attempt_at, table.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()
    token = uuid.uuid4()
    claims = [
        Claim(
            id=row.id,
            channel=row.channel,
            recipient=row.recipient,
            template=row.template,
            payload=dict(row.payload or {}),
            attempts=row.attempts + 1,
            token=token,
        )
        for row in rows
    ]
    if claims:
        await session.execute(
            update(table)
            .where(table.id.in_([claim.id for claim in claims]))
            .values(
                status=OutboxStatus.SENDING,
                attempts=table.attempts + 1,
                claim_token=token,
                locked_by=worker[:100],
                locked_until=now + lease,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    return claims


def _held(claim: Claim, status: OutboxStatus) -> Any:
    return and_(
        OutboxMessage.id == claim.id,
        OutboxMessage.claim_token == claim.token,
        OutboxMessage.status == status,
    )


async def _transition(
    session: AsyncSession, claim: Claim, expected: OutboxStatus, **values: Any
) -> bool:
    result = await session.execute(
        update(OutboxMessage)
        .where(_held(claim, expected))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def hand_over(session: AsyncSession, claim: Claim, *, now: datetime | None = None) -> bool:
    """Record that the message is being given to the provider; False if the claim was lost
    (the lease expired and another worker took it), in which case it must not be sent."""
    now = now or utcnow()
    return await _transition(
        session,
        claim,
        OutboxStatus.SENDING,
        status=OutboxStatus.SENT,
        sent_at=now,
        locked_until=None,
        last_error=None,
        updated_at=now,
    )


async def confirm(
    session: AsyncSession, claim: Claim, *, reference: str | None, now: datetime | None = None
) -> bool:
    """The provider accepted the message (SMTP "250", HTTP 2xx)."""
    now = now or utcnow()
    return await _transition(
        session,
        claim,
        OutboxStatus.SENT,
        confirmed_at=now,
        provider_reference=reference[:200] if reference else None,
        updated_at=now,
    )


async def note_unconfirmed(
    session: AsyncSession, claim: Claim, *, error: str, now: datetime | None = None
) -> bool:
    """Handed over, but the provider's answer never came: it stays ``sent`` (never resent, so
    never duplicated) without ``confirmed_at``, with the reason for an admin to see."""
    now = now or utcnow()
    return await _transition(
        session, claim, OutboxStatus.SENT, last_error=clean_error(error), updated_at=now
    )


async def fail(
    session: AsyncSession,
    claim: Claim,
    *,
    error: str,
    permanent: bool,
    max_attempts: int,
    backoff: timedelta,
    handed_over: bool = False,
    now: datetime | None = None,
) -> OutboxStatus | None:
    """The attempt failed: ``dead`` when permanent or out of attempts, else ``failed`` until
    ``now + backoff``. ``handed_over`` undoes a hand-over the provider answered with a refusal.
    Returns the new status, or None when the claim was no longer this worker's."""
    now = now or utcnow()
    exhausted = claim.attempts >= max_attempts
    status = OutboxStatus.DEAD if permanent or exhausted else OutboxStatus.FAILED
    text = clean_error(error)
    if exhausted and not permanent:
        text = clean_error(f"gave up after {claim.attempts} attempts: {error}")
    changed = await _transition(
        session,
        claim,
        OutboxStatus.SENT if handed_over else OutboxStatus.SENDING,
        status=status,
        last_error=text,
        next_attempt_at=now + backoff if status is OutboxStatus.FAILED else now,
        sent_at=None,
        claim_token=None,
        locked_by=None,
        locked_until=None,
        updated_at=now,
    )
    return status if changed else None


async def release(session: AsyncSession, claim: Claim, *, now: datetime | None = None) -> bool:
    """Give back a claimed message that was not tried (the batch stopped early)."""
    now = now or utcnow()
    return await _transition(
        session,
        claim,
        OutboxStatus.SENDING,
        status=OutboxStatus.QUEUED,
        attempts=OutboxMessage.attempts - 1,
        claim_token=None,
        locked_by=None,
        locked_until=None,
        updated_at=now,
    )


async def requeue_failed(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Put ``failed`` messages whose backoff has elapsed back in the queue (the retry job)."""
    now = now or utcnow()
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.FAILED, OutboxMessage.next_attempt_at <= now)
        .values(status=OutboxStatus.QUEUED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
